#!/usr/bin/env python3
"""Real texts of many lengths in automatic and fixed frames: the columns end level.

The texts are whole paragraphs from the start of three official documents kept in
examples/full-issue/texts/ (their sources in examples/full-issue/texts/SOURCES.md): the State
Council's Government Work Reports of 2024 and 2022 (part 一, the review of the year) and part 六
of the 2018 Opinions on rural revitalisation (乡村治理). Each is cut after the paragraph that
reaches about 150, 300, 600, 1200 or 2400 characters, and set as the only story of a page at
every span whose columns get between 120 and 1500 characters, once in an automatic item and
once in fixed items as deep as the text and a line deeper; the longer ones also with a photo.

Checked on each report (paiban render --report), item by item:
  - automatic: no overset, and the columns end level or a line apart (the measure of an
    automatic item is its text set level, then a blank line under it);
  - fixed at the text's depth, or one line deeper (which copyfitting fills): no overset, and
    at most one column a line short.
Prints TAP; exits 1 when a check fails.

Usage: test-real-frames.py PAIBAN SOURCE_ROOT WORKDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

TEXTS = ["gov-report-2024-review.md", "gov-report-2022-review.md",
         "rural-revitalization-2018-governance.md"]
LENGTHS = [150, 300, 600, 1200, 2400]
PER_COLUMN = (120, 1500)      # characters a column gets, for the spans tried
PHOTO_FROM = 1200             # texts this long are also set with a photo
LEADING = 15.0                # the tabloid template's grid, in points


def cut(path, n):
    """Whole paragraphs (and subheads) from the start of a body, about `n` characters."""
    with open(path, encoding="utf-8") as f:
        blocks = [b for b in re.split(r"\n\s*\n", f.read()) if b.strip()]
    out, count = [], 0
    for b in blocks:
        if b.startswith("#") and out and count + len(b) > n:
            break
        out.append(b)
        count += len(b)
        if count >= n:
            break
    if out and out[-1].startswith("#"):
        out.pop()       # a subhead never ends a story
    return "\n\n".join(out) + "\n", count


def issue(body, span, photo, height=None):
    item = {"story": "s", "span": span}
    if height is not None:
        item.update(column=1, top=0, height=height)
    story = {"id": "s", "headline": "政府工作报告摘要", "body_file": body}
    if photo:
        story["photos"] = [{"file": "photo.jpg", "caption": "测试用图像（程序生成）"}]
    return {"paper": "测试报", "date": "2024-03-06", "template": "tabloid",
            "stories": [story],
            "pages": [{"number": 1, "section": "测试", "items": [item]}]}


def render(paiban, work, name, doc):
    path = os.path.join(work, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    report = os.path.join(work, name + ".report.json")
    subprocess.run([paiban, "render", path, "-o", os.path.join(work, name + ".pdf"),
                    "--report", report], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    with open(report, encoding="utf-8") as f:
        rep = json.load(f)
    if "pages" not in rep:
        return None
    return rep["pages"][0]["items"][0]


def main():
    paiban, root, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copy(os.path.join(root, "examples", "full-issue", "photo.jpg"), work)
    with open(os.path.join(root, "layouts", "tabloid.json"), encoding="utf-8") as f:
        page_lines = json.load(f).get("lines", 66)
    checks = []
    for text in TEXTS:
        for n in LENGTHS:
            body, chars = cut(os.path.join(root, "examples", "full-issue", "texts", text), n)
            name = "%s-%d" % (text[:-3], n)
            with open(os.path.join(work, name + ".md"), "w", encoding="utf-8") as f:
                f.write(body)
            for span in range(1, 7):
                if not PER_COLUMN[0] <= chars / span <= PER_COLUMN[1]:
                    continue
                for photo in ([False, True] if n >= PHOTO_FROM and span >= 3 else [False]):
                    case = "%s span %d%s" % (name, span, " with photo" if photo else "")
                    tag = "%s-%d%s" % (name, span, "-photo" if photo else "")
                    auto = render(paiban, work, tag + "-auto", issue(name + ".md", span, photo))
                    if auto is None:
                        checks.append((False, case + ": automatic item failed"))
                        continue
                    height = round(auto["area_pt"][3] / LEADING)
                    if height >= page_lines - 8:     # deeper than a page: not this test's case
                        continue
                    feet = auto["column_foot_lines"]
                    checks.append((auto["overset_chars"] == 0 and max(feet) - min(feet) <= 1,
                                   "%s: automatic item (%d lines) ends level, feet %s, overset %d"
                                   % (case, height, feet, auto["overset_chars"])))
                    for depth in (height - 1, height):
                        it = render(paiban, work, "%s-%d" % (tag, depth),
                                    issue(name + ".md", span, photo, depth))
                        if it is None:
                            checks.append((False, "%s: fixed item of %d lines failed"
                                           % (case, depth)))
                            continue
                        feet = it["column_foot_lines"]
                        short = sum(1 for x in feet if x > 0)
                        checks.append((it["overset_chars"] == 0 and max(feet) <= 1 and short <= 1,
                                       "%s: fixed item of %d lines filled, feet %s, overset %d, "
                                       "copyfit %s" % (case, depth, feet, it["overset_chars"],
                                                       it.get("copyfit"))))
    print("1..%d" % len(checks))
    for i, (ok, what) in enumerate(checks, 1):
        print("%s %d %s" % ("ok" if ok else "not ok", i, what))
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
