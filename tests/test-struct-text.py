#!/usr/bin/env python3
"""The tagged PDF's reading order against the Markdown sources.

Renders an example issue to a print PDF and a proof PDF and reads the text of each one's
structure tree with poppler's `pdfinfo -struct-text`. Every paragraph and subhead of every story
the report shows placed whole (taken from its Markdown body file) must be found whole in that text,
a story's paragraphs in their order, each story in an Art of its own; its kicker and headline
must be there too, and none of the artifacts: the masthead, the folios, the guide box and the
jump lines. The texts are the examples' own (examples/*/SOURCES.md and texts/SOURCES.md).

Usage: test-struct-text.py PAIBAN ISSUE.json WORKDIR
Prints TAP; exits 1 when a check fails, 77 (skip) without pdfinfo.
"""
import json
import os
import re
import shutil
import subprocess
import sys

checks = []


def check(ok, what):
    checks.append((bool(ok), what))


def squeeze(text):
    return re.sub(r"\s+", "", text)


def paragraphs(path):
    """The paragraphs and subheads of a Markdown body, soft breaks and markup removed."""
    with open(path, encoding="utf-8") as f:
        blocks = re.split(r"\n\s*\n", f.read())
    out = []
    for b in blocks:
        b = re.sub(r"^#+\s*", "", b.strip())
        b = b.replace("**", "").replace("*", "")
        if b:
            out.append(squeeze(b))
    return out


def struct_text(pdf):
    """The quoted texts of `pdfinfo -struct-text` (whitespace removed) and the tree's lines."""
    out = subprocess.run(["pdfinfo", "-struct-text", pdf], capture_output=True, text=True)
    check(out.returncode == 0, "%s: pdfinfo -struct-text exits 0" % os.path.basename(pdf))
    texts = re.findall(r'^\s*"(.*)"\s*$', out.stdout, re.M)
    return squeeze("".join(texts)), out.stdout.splitlines()


def placed_stories(issue, report):
    """The stories placed whole (the report's articles with placements and no overset)."""
    stories = {s["id"]: s for s in issue["stories"]}
    return [stories[a["story"]] for a in report["articles"]
            if a.get("placements") and not a.get("overset_chars") and a["story"] in stories]


def check_pdf(pdf, stories, placed, base):
    name = os.path.basename(pdf)
    text, tree = struct_text(pdf)
    arts = sum(1 for line in tree if line.strip() == "Art")
    check(arts == placed, "%s: %d Art elements, one per placed story (%d)" % (name, arts, placed))
    for story in stories:
        pos = 0
        for h in ("kicker", "headline"):
            if story.get(h):
                check(squeeze(story[h]) in text, "%s: %s %s in the tree" % (name, story["id"], h))
        paras = paragraphs(os.path.join(base, story["body_file"]))
        found = 0
        for p in paras:
            at = text.find(p, pos)
            if at >= 0:
                found += 1
                pos = at + len(p)
        check(found == len(paras), "%s: story %s: %d of %d paragraphs whole and in order"
              % (name, story["id"], found, len(paras)))
    for artifact in ("下转第", "上接第", "导读", "责任编辑"):
        check(artifact not in text, "%s: %s is an artifact" % (name, artifact))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: test-struct-text.py PAIBAN ISSUE.json WORKDIR")
    paiban, issue_path, work = sys.argv[1:]
    if not shutil.which("pdfinfo"):
        print("1..0 # SKIP pdfinfo is not installed")
        sys.exit(77)
    os.makedirs(work, exist_ok=True)
    pdf, proof, report_path = (os.path.join(work, n) for n in ("print.pdf", "proof.pdf", "r.json"))
    run = subprocess.run([paiban, "render", issue_path, "-o", pdf, "--proof-pdf", proof,
                          "--report", report_path], capture_output=True, text=True)
    check(run.returncode == 0, "paiban render exits 0")
    if run.returncode:
        print("# " + run.stderr.strip().replace("\n", "\n# "))
    if run.returncode == 0:
        with open(issue_path, encoding="utf-8") as f:
            issue = json.load(f)
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
        stories = [s for s in placed_stories(issue, report) if s.get("body_file")]
        check(stories, "stories with a body file are placed")
        base = os.path.dirname(issue_path)
        placed = sum(1 for a in report["articles"] if a.get("placements"))
        for p in (pdf, proof):
            check_pdf(p, stories, placed, base)
    print("1..%d" % len(checks))
    for i, (ok, what) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    sys.exit(0 if all(ok for ok, _ in checks) else 1)


if __name__ == "__main__":
    main()
