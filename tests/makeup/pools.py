"""Issues for automatic makeup built from the real texts in examples/full-issue/texts (excerpts of
the 2022 and 2024 government work reports and the 2018 opinions on rural revitalisation, official
documents of the State Council; sources and why they are free to use in
examples/full-issue/texts/SOURCES.md). Shared by tests/test-makeup-pools.py and
tests/bench/bench.py.

Each story is a run of whole consecutive paragraphs of one document, unchanged, as an inline
Markdown body; its headline is the first clause of its first paragraph (the text up to its first
comma or full stop, without a leading （一） or ——), so nothing is invented. Photos are the
example's photo.jpg (examples/full-issue/photo.jpg, the photo of the example's lead story)."""
import json
import os
import re
import shutil

TEXTS = os.path.join("examples", "full-issue", "texts")
DOCUMENTS = [
    "gov-report-2024-review.md",
    "gov-report-2024-targets-policy.md",
    "gov-report-2024-tasks-industry-science-reform.md",
    "gov-report-2024-tasks-rural-green-livelihood.md",
    "gov-report-2022-review.md",
    "gov-report-2022-tasks-economy-reform.md",
    "rural-revitalization-2018-governance.md",
    "rural-revitalization-2018-livelihood.md",
    "rural-revitalization-2018-goals-agriculture.md",
]


def paragraphs(root, name):
    text = open(os.path.join(root, TEXTS, name), encoding="utf-8").read()
    # A salutation alone (各位代表！) is no paragraph of a story.
    return [p.strip() for p in text.split("\n\n")
            if p.strip() and not p.startswith("#") and p.strip() != "各位代表！"]


def headline(paragraph):
    text = re.sub(r"^(各位代表[！，]|（[一二三四五六七八九十]+）|——)", "", paragraph)
    clauses = [c for c in re.split(r"[，。：；！？]", text) if c.strip()]
    return clauses[0][:24]


def stories(root, least=150, most=900):
    """Stories of whole paragraphs, each between `least` and `most` characters where the
    paragraphs allow, in the order of the documents, interleaved so that neighbours differ."""
    by_document = []
    for name in DOCUMENTS:
        runs, run = [], []
        for p in paragraphs(root, name):
            if run and sum(len(q) for q in run) + len(p) > most:
                runs.append(run)
                run = []
            run.append(p)
            if sum(len(q) for q in run) >= least:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        by_document.append((name, runs))
    out, k = [], 0
    while any(runs for _, runs in by_document):
        for name, runs in by_document:
            if runs:
                run = runs.pop(0)
                out.append({"id": f"s{k}", "headline": headline(run[0]),
                            "body": "\n\n".join(run), "source": name})
                k += 1
    return out


def fillers(root):
    names = sorted(n for n in os.listdir(os.path.join(root, TEXTS)) if n.startswith("filler-"))
    return [{"id": f"f{k}", "headline": headline(paragraphs(root, n)[-1]),
             "body_file": f"texts/{n}", "filler": True} for k, n in enumerate(names)]


def with_photo(story):
    return dict(story, photos=[{"file": "photo.jpg", "caption": story["headline"]}])


def issue(stories_, pages=None, sections=None):
    doc = {"paper": "测试报", "date": "2024-03-06", "template": "tabloid",
           "stories": [{k: v for k, v in s.items() if k != "source"} for s in stories_]}
    if pages is not None:
        doc["pages"] = pages
    if sections is not None:
        doc["sections"] = sections
    return doc


def write(root, work, name, doc):
    """Writes the issue into `work` beside the texts and the photo; returns its path."""
    for part in ("texts", "photo.jpg"):
        src, dest = os.path.join(root, "examples", "full-issue", part), os.path.join(work, part)
        if not os.path.exists(dest):
            (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, dest)
    path = os.path.join(work, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
    return path


def one_page(root, n=8):
    """One page from a pool of `n` stories, the second and fifth with a photo."""
    ss = stories(root)[:n]
    ss = [with_photo(s) if k in (1, 4) else s for k, s in enumerate(ss)]
    pool = [{"story": ss[0]["id"], "top": True}] + [s["id"] for s in ss[1:]]
    return issue(ss + fillers(root), pages=[{"number": 1, "section": "要闻", "pool": pool}])


def lead_first(ss):
    """The longest story first, as an editor leads with the main story; the others in order."""
    lead = max(ss, key=lambda s: len(s["body"]))
    return [lead] + [s for s in ss if s is not lead]


def eight_pages(root):
    """An eight-page issue of three sections from one pool each, 30 stories or more, a photo on
    every fourth, the front page's guide box naming a story of each other section."""
    ss = stories(root)
    ss = [with_photo(s) if k % 4 == 1 else s for k, s in enumerate(ss)]
    # About a page's text in every 9 stories; each section led by its longest story.
    a, b, c = (lead_first(ss[:18]), lead_first(ss[18:45]), lead_first(ss[45:72]))
    sections = [
        {"name": "要闻", "pages": 2, "pool": [{"story": a[0]["id"], "top": True}]
         + [s["id"] for s in a[1:]]},
        {"name": "经济", "pages": 3, "pool": [{"story": b[0]["id"], "top": True}]
         + [s["id"] for s in b[1:]]},
        {"name": "民生", "pages": 3, "pool": [{"story": c[0]["id"], "top": True}]
         + [s["id"] for s in c[1:]]},
    ]
    guide = {"guide": {"title": "●导读", "entries": [
        {"story": b[0]["id"], "title": b[0]["headline"]},
        {"story": c[0]["id"], "title": c[0]["headline"]}]},
        "column": 6, "span": 1, "top": 0, "height": 14}
    pages = [{"number": 1, "masthead": True, "items": [guide]}]
    used = {s["id"] for s in a + b + c}
    return issue([s for s in ss if s["id"] in used] + fillers(root), pages=pages,
                 sections=sections)
