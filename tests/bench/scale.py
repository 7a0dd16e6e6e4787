#!/usr/bin/env python3
"""paiban at the input limits: time and peak memory of inputs that were quadratic once.

Usage: scale.py PAIBAN SOURCE_ROOT [--repeat N]

- one-line: a 2 MiB body on one line (the official texts of examples/full-issue/texts joined,
  each paragraph's first clause in **bold**, so that the Markdown parser hands the text over
  in many fragments, each asking for its position), placed in one item.
- items: 40 000 items of one story (20 pages of 2000 one-line items on a template of 20
  columns × 100 lines, the story those texts), rendered with the report.
- shared: 2000 stories sharing one body file of 2 MiB, one of them placed.

Each row: the input's size (issue and body files), wall seconds and peak resident memory
(best of N runs).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ONE_LINE_BYTES = 2 * 1024 * 1024 - 64
ITEM_PAGES, COLUMNS, LINES = 20, 20, 100
SHARED_STORIES = 2000


def run(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in MB). Its messages (a warning per item the
    story does not reach) go to a file: a pipe would fill and stop it."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f"failed: {' '.join(cmd)}\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024.0


def paragraphs(root):
    texts = os.path.join(root, "examples", "full-issue", "texts")
    out = []
    for name in sorted(os.listdir(texts)):
        if name.endswith(".md") and name != "SOURCES.md":
            for line in open(os.path.join(texts, name), encoding="utf-8"):
                line = line.strip()
                if line and not line.startswith("#"):
                    out.append(line)
    return out


def bold_lead(p):
    head, sep, rest = p.partition("，")
    return f"**{head}**{sep}{rest}" if sep else p


def issue(stories, pages, template="tabloid"):
    return {"paper": "测试报", "date": "2024-02-19", "template": template, "stories": stories,
            "pages": pages}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))


def one_line(root, work):
    paras = [bold_lead(p) for p in paragraphs(root)]
    text = ""
    while len(text.encode()) < ONE_LINE_BYTES:
        text += "".join(paras)
    text = text.encode()[:ONE_LINE_BYTES].decode("utf-8", "ignore")
    text = re.sub(r"\*+$", "", text)
    with open(os.path.join(work, "one-line.md"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    path = os.path.join(work, "one-line.json")
    write_json(path, issue([{"id": "long", "headline": "长文", "body_file": "one-line.md"}],
                           [{"number": 1, "items": [{"story": "long"}]}]))
    return path


def items(root, work):
    template = json.load(open(os.path.join(root, "layouts", "tabloid.json"), encoding="utf-8"))
    template.update(name="wide", trim={"width": "2300pt", "height": "1700pt"},
                    columns={"count": COLUMNS, "width": "10字", "gutter": "1.5字"})
    write_json(os.path.join(work, "wide.json"), template)
    with open(os.path.join(work, "story.md"), "w", encoding="utf-8") as f:
        f.write("\n\n".join(paragraphs(root)) + "\n")
    grid = [{"story": "s", "column": c + 1, "span": 1, "top": t, "height": 1}
            for c in range(COLUMNS) for t in range(LINES)]
    path = os.path.join(work, "items.json")
    write_json(path, issue([{"id": "s", "headline": "长文", "body_file": "story.md"}],
                           [{"number": p + 1, "items": grid} for p in range(ITEM_PAGES)],
                           "wide.json"))
    return path, ITEM_PAGES * len(grid)


def shared(root, work):
    paras = paragraphs(root)
    text = ""
    while len(text.encode()) < ONE_LINE_BYTES:
        text += "\n\n".join(paras) + "\n\n"
    with open(os.path.join(work, "shared.md"), "w", encoding="utf-8") as f:
        f.write(text.encode()[:ONE_LINE_BYTES].decode("utf-8", "ignore") + "\n")
    stories = [{"id": f"s{i}", "headline": "长文", "body_file": "shared.md"}
               for i in range(SHARED_STORIES)]
    path = os.path.join(work, "shared.json")
    write_json(path, issue(stories, [{"number": 1, "items": [{"story": "s0"}]}]))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paiban")
    ap.add_argument("root")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        out, report = os.path.join(work, "out.pdf"), os.path.join(work, "report.json")
        n_items = 0
        cases = []
        path = one_line(a.root, work)
        cases.append(("2 MiB body on one line", [a.paiban, "render", path, "-o", out],
                      [path, os.path.join(work, "one-line.md")]))
        path, n_items = items(a.root, work)
        cases.append((f"{n_items} items of one story",
                      [a.paiban, "render", path, "-o", out, "--report", report],
                      [path, os.path.join(work, "story.md")]))
        path = shared(a.root, work)
        cases.append((f"{SHARED_STORIES} stories sharing a 2 MiB body",
                      [a.paiban, "render", path, "-o", out],
                      [path, os.path.join(work, "shared.md")]))
        print(f"{'case':<40} {'input MB':>8} {'wall s':>8} {'peak MB':>8}")
        for name, cmd, files in cases:
            runs = [run(cmd) for _ in range(a.repeat)]
            size = sum(os.path.getsize(f) for f in files) / 1e6
            print(f"{name:<40} {size:>8.1f} {min(r[0] for r in runs):>8.2f} "
                  f"{min(r[1] for r in runs):>8.1f}")


if __name__ == "__main__":
    main()
