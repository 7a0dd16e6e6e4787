#!/usr/bin/env python3
"""Automatic makeup on pools built from real texts (tests/makeup/pools.py: excerpts of the 2022
and 2024 government work reports and the 2018 rural revitalisation opinions, from
examples/full-issue/texts, sources in its SOURCES.md): one page from eight stories, an
eight-page issue of three sections, and adversarial pools (one huge story, thirty briefs, no
photos, photos only, too little text). Checked on the layout dump and the report: no overset,
the lead on top and no story wider than it, every story a rectangle inside the type area
overlapping no other, no headline right under another story's photo, the same pages on a second
run, the work bounded by the budget, and the messages (and --strict) where a pool cannot fit or
fill its page. TAP output.

Usage: test-makeup-pools.py PAIBAN SOURCE_ROOT"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "makeup"))
import pools  # noqa: E402

paiban, root = sys.argv[1], sys.argv[2]
BUDGET = 500000          # PB_MAKEUP_BUDGET
SLACK = 1.25             # a story's children past the budget when one arrangement is kept
n = 0


def check(name, ok, note=""):
    global n
    n += 1
    print(("ok" if ok else "not ok") + f" {n} {name}" + (f" # {note}" if note else ""))


def run(work, name, doc, *options):
    """Lays the issue out: (status, report, dump text, seconds)."""
    path = pools.write(root, work, name, doc)
    report = os.path.join(work, name + ".report.json")
    start = time.perf_counter()
    r = subprocess.run([paiban, "check", path, "--report", report, *options],
                       capture_output=True, text=True)
    seconds = time.perf_counter() - start
    dump = subprocess.run([paiban, "layout", path], capture_output=True, text=True).stdout
    return r.returncode, json.load(open(report, encoding="utf-8")), dump, seconds


def items(dump):
    """By page: the story items (x, y, w, h, story) and photos (x, y, w, h, story)."""
    pages, page = [], None
    for line in dump.splitlines():
        f = line.split()
        if f and f[0] == "page":
            page = {"items": [], "photos": [], "guides": [], "type_top": None}
            pages.append(page)
        elif len(f) > 6 and f[0] == "item" and f[1] == "guide":
            page["guides"].append(tuple(float(v) for v in f[2:6]))
        elif len(f) > 6 and f[0] in ("item", "photo") and (f[0] == "photo" or f[1] == "story"):
            at = 2 if f[0] == "item" else 1
            x, y, w, h = (float(v) for v in f[at:at + 4])
            story = f[at + 4].split("=", 1)[1]
            page["items" if f[0] == "item" else "photos"].append((x, y, w, h, story))
            if f[0] == "item":
                page["type_top"] = min(page["type_top"] or y, y)
    return pages


COLUMN_X = [32.01 + k * 121.5 for k in range(6)]   # the tabloid's columns, pt


def fixed_above(shapes, lead):
    """Whether a fixed item (the guide box) ends right above the lead's first line."""
    x = COLUMN_X[lead["column"] - 1]
    top = shapes["type_top"] + lead["top"] * LEADING
    return any(g[0] < x + lead["span"] * 121.5 - 1 and x < g[0] + g[2] - 1
               and abs(g[1] + g[3] - top) < 0.5 for g in shapes["guides"])


def overlap(a, b):
    return a[0] < b[0] + b[2] - 0.01 and b[0] < a[0] + a[2] - 0.01 \
        and a[1] < b[1] + b[3] - 0.01 and b[1] < a[1] + a[3] - 0.01


LEADING = 15.0           # the tabloid's grid line, pt
CAPTION_LINES = 4        # a photo's caption and the blank line under it, at most


def headline_under_photo(page):
    """Stories whose item starts right under another story's photo and its caption."""
    found = []
    for px, py, pw, ph, ps in page["photos"]:
        for x, y, w, h, s in page["items"]:
            beside = x < px + pw - 0.01 and px < x + w - 0.01
            if s != ps and beside and 0 <= y - (py + ph) <= CAPTION_LINES * LEADING:
                found.append((ps, s))
    return found


def page_checks(label, report, dump):
    geometry = items(dump)
    for page, shapes in zip(report["pages"], geometry):
        made = page.get("makeup")
        if not made:
            continue
        placed = [s for s in made["stories"] if "column" in s]
        tag = f"{label} page {page['number']}"
        lead = made["stories"][0]
        if "column" in lead:
            # On top: on the first line, or right under a fixed item (the guide box) there.
            check(f"{tag}: the lead is on top and no story is wider",
                  (lead["top"] == 0 or fixed_above(shapes, lead))
                  and all(s["span"] <= lead["span"] for s in placed),
                  f"{lead['story']} span {lead['span']} top {lead['top']}")
        else:
            check(f"{tag}: a lead left out is said to be taller than the page",
                  "taller" in lead["left_out"], lead["left_out"])
        boxes = shapes["items"]
        check(f"{tag}: no two stories overlap",
              not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]))
        check(f"{tag}: no headline right under another story's photo",
              not headline_under_photo(shapes), str(headline_under_photo(shapes)))
        check(f"{tag}: the search held its budget",
              made["arrangements_scored"] <= BUDGET * SLACK, str(made["arrangements_scored"]))


def full_checks(label, report, dump, status, most_empty, last_pages=()):
    """The pages laid out, nothing overset, each page but `last_pages` (a section's last, which
    takes what the section's text leaves) at most `most_empty` grid lines of columns empty, and
    one of those with more named in a warning; the rules of page_checks."""
    check(f"{label}: laid out", status == 0)
    check(f"{label}: nothing overset", report["overset_chars"] == 0,
          str(report["overset_chars"]))
    empty = [p["empty_column_lines"] for p in report["pages"]]
    print(f"# {label}: empty column-lines by page {empty}")
    check(f"{label}: each page at most {most_empty} grid lines of columns empty",
          all(e <= most_empty for p, e in zip(report["pages"], empty)
              if p["number"] not in last_pages), f"empty by page {empty}")
    short = [p["number"] for p, e in zip(report["pages"], empty) if e > most_empty]
    said = [n for n in short if any(f"page {n}: the pool leaves" in m for m in messages(report))]
    check(f"{label}: each page left shorter than that is named in a warning", said == short,
          f"short {short}, named {said}")
    page_checks(label, report, dump)


def messages(report):
    return [w["message"] for w in report["warnings"]]


with tempfile.TemporaryDirectory() as work:
    status, report, dump, seconds = run(work, "one", pools.one_page(root))
    full_checks("one page of eight stories", report, dump, status, 2)
    again = run(work, "one-again", pools.one_page(root))[2]
    check("the same pool makes the same page", again == dump)

    status, report, dump, seconds = run(work, "eight", pools.eight_pages(root))
    full_checks("eight pages of three sections", report, dump, status, 20, last_pages=(2, 5, 8))
    check("eight pages: 30 stories or more distributed",
          sum(1 for p in report["pages"] for s in p.get("makeup", {}).get("stories", [])
              if "column" in s and not s["filler"]) >= 30)

    # Overrides: the third story pinned to columns 1-3 from grid line 20 (the position), the
    # fourth to 2 columns (the shape); the rest arranged around them, above and under the pin.
    doc = pools.one_page(root)
    pool = doc["pages"][0]["pool"]
    pool[2] = {"story": pool[2], "pin": {"column": 1, "span": 3, "top": 20}}
    pool[3] = {"story": pool[3], "pin": {"span": 2}}
    status, report, dump, _ = run(work, "pinned", doc)
    full_checks("pins", report, dump, status, 10)
    made = report["pages"][0]["makeup"]["stories"]
    pinned, shaped = made[2], made[3]
    check("pins: the pinned story where the pin says, marked pinned",
          (pinned.get("column"), pinned.get("span"), pinned.get("top"), pinned.get("pinned"))
          == (1, 3, 20, True), str(pinned))
    check("pins: the story pinned to a shape has it", shaped.get("span") == 2, str(shaped))
    under = [s["story"] for s in made if "column" in s and s is not pinned
             and s["column"] <= 3 and s["top"] >= pinned["top"] + pinned["lines"]]
    above = [s["story"] for s in made if "column" in s and s is not pinned
             and s["column"] <= 3 and s["top"] + s["lines"] <= pinned["top"]]
    check("pins: stories both above and under the pinned one in its columns",
          bool(under) and bool(above), f"above {above}, under {under}")

    stories = pools.stories(root)
    plain = stories[:14]
    doc = pools.issue(plain + pools.fillers(root),
                      pages=[{"number": 1, "pool": [s["id"] for s in plain]}])
    status, report, dump, _ = run(work, "no-photos", doc)
    full_checks("no photos", report, dump, status, 2)

    shot = [pools.with_photo(s) for s in stories[14:28]]
    doc = pools.issue(shot + pools.fillers(root),
                      pages=[{"number": 1, "pool": [s["id"] for s in shot]}])
    status, report, dump, _ = run(work, "photos-only", doc)
    full_checks("photos only", report, dump, status, 5)

    briefs = sorted(stories, key=lambda s: len(s["body"]))[:30]
    doc = pools.issue(briefs, pages=[{"number": 1, "pool": [s["id"] for s in briefs]}])
    status, report, dump, seconds = run(work, "thirty-briefs", doc)
    check("thirty briefs: laid out within 20 s", status == 0 and seconds < 20, f"{seconds:.2f} s")
    page_checks("thirty briefs", report, dump)

    huge = {"id": "huge", "headline": "经济总体回升向好",
            "body": "\n\n".join(p for d in pools.DOCUMENTS[:3] for p in pools.paragraphs(root, d))}
    doc = pools.issue([huge] + stories[:3],
                      pages=[{"number": 1, "pool": ["huge"] + [s["id"] for s in stories[:3]]}])
    status, report, dump, seconds = run(work, "huge", doc)
    said = [m for m in messages(report) if "story \"huge\" of the pool is placed on no page: it "
            "is taller than the page" in m]
    check("one huge story: placed on no page, said so with its height", status == 0 and said,
          said[0] if said else str(messages(report)))
    status = run(work, "huge-strict", doc, "--strict")[0]
    check("one huge story: --strict fails", status == 1)

    # examples/auto-makeup: eight pages from a pool of 32 official texts, every page full.
    example = os.path.join(root, "examples", "auto-makeup", "issue.json")
    out = os.path.join(work, "auto-makeup.report.json")
    r = subprocess.run([paiban, "check", example, "--report", out], capture_output=True,
                       text=True)
    report = json.load(open(out, encoding="utf-8"))
    dump = subprocess.run([paiban, "layout", example], capture_output=True, text=True).stdout
    # A page may keep one story's last column a line short (reported underset), no more.
    full_checks("examples/auto-makeup", report, dump, r.returncode, 1)
    check("examples/auto-makeup: no warning, at most one line underset",
          not report["warnings"] and report["underset_lines"] <= 1,
          f"{messages(report)} underset {report['underset_lines']}")
    check("examples/auto-makeup: every story of every pool placed",
          all("column" in s for p in report["pages"] for s in p["makeup"]["stories"]
              if not s["filler"]))

    few = stories[:2]
    doc = pools.issue(few, pages=[{"number": 1, "pool": [s["id"] for s in few]}])
    status, report, dump, _ = run(work, "too-little", doc)
    said = [m for m in messages(report) if "page 1: the pool leaves" in m]
    check("too little text: the page and its empty lines named", bool(said),
          said[0] if said else str(messages(report)))
    status = run(work, "too-little-strict", doc, "--strict")[0]
    check("too little text: --strict fails", status == 1)

    # A story allowed to continue, longer than a page (the 2024 report's review and half of
    # its targets): begun on page 1, ended on page 2 with jump lines, the fillers taking only
    # what it leaves.
    targets = pools.paragraphs(root, pools.DOCUMENTS[1])
    huge_next = {"id": "long", "headline": "经济总体回升向好",
                 "body": "\n\n".join(pools.paragraphs(root, pools.DOCUMENTS[0])
                                     + targets[:len(targets) // 2])}
    doc = pools.issue(stories[:3] + [huge_next] + pools.fillers(root), sections=[
        {"name": "要闻", "pages": 2,
         "pool": [s["id"] for s in stories[:3]] + [{"story": "long", "continue": True}]}])
    status, report, dump, _ = run(work, "continued", doc)
    marks = [(p["number"], s.get("continued"), s.get("continuation"))
             for p in report["pages"] for s in p.get("makeup", {}).get("stories", [])
             if s["story"] == "long" and "column" in s]
    check("a story that may continue: begun on page 1, its rest on page 2",
          marks == [(1, True, False), (2, False, True)], str(marks))
    check("a story that may continue: the jump lines name the pages",
          "\"（下转第2版）\"" in dump and "\"（上接第1版）\"" in dump)
    check("a story that may continue: nothing overset", report["overset_chars"] == 0,
          str(report["overset_chars"]))
    check("a story that may continue: no story on no page, page 1 full",
          not any("placed on no page" in m for m in messages(report))
          and report["pages"][0]["empty_column_lines"] == 0, str(messages(report)))

    # Bad plans: an error naming the place, exit status 1.
    two = stories[:2]
    ids = [s["id"] for s in two]
    bad = [
        ("sections whose pages overlap",
         dict(sections=[{"name": "要闻", "pages": 2, "pool": ids[:1]},
                        {"name": "经济", "pages": 1, "first_page": 2, "pool": ids[1:]}]),
         "section \"经济\": its pages overlap those of section \"要闻\""),
        ("a pin on a page outside the section",
         dict(sections=[{"name": "要闻", "pages": 1,
                         "pool": [{"story": ids[0], "pin": {"page": 3}}]}]),
         "\"page\" must be an integer from 1 to 1"),
        ("keep_with a story later in the pool",
         dict(sections=[{"name": "要闻", "pages": 1,
                         "pool": [{"story": ids[0], "keep_with": ids[1]}, ids[1]]}]),
         f"\"keep_with\": story \"{ids[1]}\" is not earlier in the pool"),
        ("a pool of its own on a page of a section",
         dict(sections=[{"name": "要闻", "pages": 1, "pool": ids[:1]}],
              pages=[{"number": 1, "pool": ids[1:]}]),
         "takes its stories from the section's pool, not a \"pool\" of its own"),
        ("a section's story in a page's pool too",
         dict(sections=[{"name": "要闻", "pages": 1, "pool": ids[:1]}],
              pages=[{"number": 2, "pool": ids[:1]}]),
         f"story \"{ids[0]}\" is in the pool of section \"要闻\" and in page 2"),
        ("continue in a page's pool",
         dict(pages=[{"number": 1, "pool": [{"story": ids[0], "continue": True}]}]),
         "\"continue\" is for a section's pool"),
        ("a photo range backwards",
         dict(pages=[{"number": 1, "pool": [{"story": ids[0], "photo_lines": [9, 3]}]}]),
         "\"photo_lines\" must be a number or [least, most], from 0 to 400"),
    ]
    for name, plan, message in bad:
        doc = pools.issue(two, **plan)
        path = pools.write(root, work, "bad", doc)
        r = subprocess.run([paiban, "check", path], capture_output=True, text=True)
        errors = [l for l in r.stderr.splitlines() if l.startswith("paiban: error: ")]
        check(f"bad plan, {name}: an error at its place", r.returncode == 1 and any(
            message in l and re.search(r"bad\.json:\d+:\d+: ", l) for l in errors),
            errors[0] if errors else r.stderr[-200:])

print(f"1..{n}")
