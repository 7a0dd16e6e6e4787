#!/usr/bin/env python3
"""paiban's benchmark: renders issues of 1, 8, 32 and 128 pages and, in the same run, the same
body text set by bare Pango + Cairo (pango-view, same font, size and column width, to PDF).

Usage: bench.py PAIBAN SOURCE_ROOT [--sizes 1,8,32,128] [--repeat N] [--baseline OTHER_PAIBAN]

The issues are built from examples/full-issue (real text, one photo): the one-page issue is its
front page, larger ones repeat its eight pages with renumbered pages and story ids. Each figure
is the best of N runs (wall time, CPU time of the process, peak resident memory). "1 thread"
is the same render with PAIBAN_THREADS=1; "gain" is its time over the time on all processors.
Last, the warm path: one process keeps the plugin loaded and renders the 8-page issue three
times; the second render reuses fonts, shaped paragraphs and font subsets.

With --baseline OTHER_PAIBAN, another build of paiban (the base of a change) renders the same
issues in the same run, its runs taking turns with this build's so that a change in the
machine's load falls on both alike; under each row a line gives the baseline's wall and CPU
time and memory, this build's time over the baseline's, and whether both wrote the same PDF
bytes.

With --makeup, automatic makeup instead: one page from a pool of 8 stories and an eight-page
issue of three sections from pools (tests/makeup/pools.py, the full issue's official texts),
each rendered whole (process wall time, best of N), with the arrangements the makeup search
scored (the report's arrangements_scored) and how many it scored a second over the layout's
time (the report's timings_s.layout).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


def run(cmd, env=None):
    """Runs cmd; returns (wall seconds, CPU seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def best(cmd, repeat, env=None):
    return best_of_each([cmd], repeat, env)[0]


def best_of_each(cmds, repeat, env=None):
    """Runs the commands in turn, `repeat` rounds; for each, the best wall, CPU and memory."""
    runs = [[] for _ in cmds]
    for _ in range(repeat):
        for k, cmd in enumerate(cmds):
            runs[k].append(run(cmd, env))
    return [tuple(min(r[i] for r in rs) for i in range(3)) for rs in runs]


# A host that keeps the plugin loaded: one process renders the same issue three times through
# the plugin table (tools/ctypes-example.py) and prints each render's wall time.
WARM = r"""
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("host", sys.argv[1])
host = importlib.util.module_from_spec(spec)
spec.loader.exec_module(host)
pb = host.load_plugin(sys.argv[2])
for _ in range(3):
    start = time.perf_counter()
    host.render(pb, sys.argv[3], sys.argv[4])
    print(time.perf_counter() - start)
"""


def warm(root, plugin, issue, out, repeat):
    """Wall times of the first, second and third render in one process (best of `repeat`)."""
    cmd = [sys.executable, "-c", WARM, os.path.join(root, "tools", "ctypes-example.py"), plugin,
           issue, out]
    runs = [[float(t) for t in subprocess.run(cmd, capture_output=True, text=True, check=True)
             .stdout.split()] for _ in range(repeat)]
    return [min(r[k] for r in runs) for k in range(3)]


def build_issue(root, pages, work, example="full-issue"):
    """Writes an issue of `pages` pages into work/ and returns its path and its body text."""
    src = os.path.join(root, "examples", example)
    issue = json.load(open(os.path.join(src, "issue.json"), encoding="utf-8"))
    for name in os.listdir(src):
        path, dest = os.path.join(src, name), os.path.join(work, name)
        if name != "issue.json" and not os.path.exists(dest):
            (shutil.copytree if os.path.isdir(path) else shutil.copy)(path, dest)
    base_pages = [p for p in issue["pages"] if not p.get("elsewhere")]
    stories = {s["id"]: s for s in issue["stories"]}
    out_pages, out_stories = [], []
    copies = max(1, (pages + len(base_pages) - 1) // len(base_pages))
    for k in range(copies):
        suffix = "" if k == 0 else f"-{k}"
        rename = lambda sid: sid + suffix
        for s in issue["stories"]:
            c = dict(s, id=rename(s["id"]))
            out_stories.append(c)
        for p in base_pages:
            q = json.loads(json.dumps(p))
            q["number"] = p["number"] + k * len(base_pages)
            if k > 0:
                q.pop("masthead", None)
            for it in q.get("items", []):
                if "story" in it:
                    it["story"] = rename(it["story"])
                for e in it.get("guide", {}).get("entries", []):
                    e["story"] = rename(e["story"])
            out_pages.append(q)
    out_pages = out_pages[:pages]
    used = {it["story"] for p in out_pages for it in p.get("items", []) if "story" in it}
    used |= {e["story"] for p in out_pages for it in p.get("items", [])
             for e in it.get("guide", {}).get("entries", [])}
    # Guide entries whose stories were cut off point at a page made up elsewhere.
    placed = {i["story"] for q in out_pages for i in q.get("items", []) if "story" in i}
    missing = sorted(used - placed)
    if missing:
        out_pages.append({"number": max(p["number"] for p in out_pages) + 1, "elsewhere": True,
                          "stories": missing})
    issue["stories"] = [s for s in out_stories if s["id"] in used]
    issue["pages"] = out_pages
    path = os.path.join(work, f"issue-{example}-{pages}.json")
    json.dump(issue, open(path, "w", encoding="utf-8"), ensure_ascii=False)

    text = []
    for s in (s for s in issue["stories"] if s["id"] in placed):
        body = open(os.path.join(work, s["body_file"]), encoding="utf-8").read() \
            if "body_file" in s else s["body"]
        text += [line for line in body.splitlines() if line and not line.startswith("#")]
    txt = os.path.join(work, f"body-{example}-{pages}.txt")
    open(txt, "w", encoding="utf-8").write("\n".join(text) + "\n")
    return path, txt, sum(len(re.sub(r"\s", "", t)) for t in text)


def makeup(a):
    """The automatic makeup cases: wall time, arrangements scored, arrangements a second."""
    sys.path.insert(0, os.path.join(a.root, "tests", "makeup"))
    import pools
    print(f"paiban automatic makeup benchmark ({os.cpu_count()} CPUs); best of {a.repeat} runs")
    print(f"{'case':<28} {'pages':>5} {'placed':>7} | {'wall s':>7} {'cpu s':>6} | "
          f"{'layout s':>8} {'scored':>8} {'scored/s':>9}")
    with tempfile.TemporaryDirectory() as work:
        for name, doc in (("one page, pool of 8", pools.one_page(a.root)),
                          ("eight pages, 3 sections", pools.eight_pages(a.root))):
            issue = pools.write(a.root, work, name.split(",")[0].replace(" ", "-"), doc)
            out, report = os.path.join(work, "out.pdf"), os.path.join(work, "report.json")
            wall, cpu, _ = best([a.paiban, "render", issue, "-o", out, "--report", report],
                                a.repeat)
            r = json.load(open(report, encoding="utf-8"))
            scored = sum(p.get("makeup", {}).get("arrangements_scored", 0) for p in r["pages"])
            stories = sum(1 for p in r["pages"] for s in p.get("makeup", {}).get("stories", [])
                          if "column" in s)
            layout = r["timings_s"]["layout"]
            print(f"{name:<28} {len(r['pages']):>5} {stories:>7} | {wall:>7.3f} {cpu:>6.3f} | "
                  f"{layout:>8.3f} {scored:>8} {scored / layout:>9.0f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paiban")
    ap.add_argument("root")
    ap.add_argument("--sizes", default="1,8,32,128")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--example", default="full-issue",
                    help="example to build issues from: full-issue (eight different pages) or "
                         "front-page (the seed page's articles repeated on every page)")
    ap.add_argument("--baseline", metavar="OTHER_PAIBAN",
                    help="another build's paiban, timed in the same run on the same issues")
    ap.add_argument("--makeup", action="store_true",
                    help="the automatic makeup cases instead (one page of 8 stories, eight pages "
                         "of three sections)")
    a = ap.parse_args()
    if a.makeup:
        return makeup(a)
    if not shutil.which("pango-view"):
        sys.exit("pango-view is missing: apt-get install pango1.0-tools")
    template = json.load(open(os.path.join(a.root, "layouts", "tabloid.json"), encoding="utf-8"))
    width_pt = 12 * 9  # the tabloid's column: 12 characters of 小五 (9 pt)
    font = template["styles"]["body"]["font"] + " 9"
    env_note = f"{os.cpu_count()} CPUs"
    print(f"paiban benchmark, examples/{a.example} ({env_note}); best of {a.repeat} runs; reference: pango-view, "
          f"'{font}', {width_pt} pt column, justified, same body text, PDF")
    print(f"{'pages':>5} {'chars':>7} | {'paiban s':>8} {'cpu s':>6} {'pages/s':>8} {'MB':>6} | "
          f"{'1 thread s':>10} {'gain':>5} | {'pango-view s':>12} {'cpu s':>6} {'MB':>6} | "
          f"{'ratio':>5}")
    one_thread = dict(os.environ, PAIBAN_THREADS="1")
    with tempfile.TemporaryDirectory() as work:
        sizes = [int(x) for x in a.sizes.split(",")]
        for n in sizes:
            issue, txt, chars = build_issue(a.root, n, work, a.example)
            out = os.path.join(work, f"out-{n}.pdf")
            base_out = os.path.join(work, f"base-{n}.pdf")
            cmds = [[a.paiban, "render", issue, "-o", out]]
            if a.baseline:
                cmds.append([a.baseline, "render", issue, "-o", base_out])
            timed = best_of_each(cmds, a.repeat)
            p_wall, p_cpu, p_mem = timed[0]
            s_wall, _, _ = best([a.paiban, "render", issue, "-o", out], a.repeat, one_thread)
            pages = int(subprocess.run(["pdfinfo", out], capture_output=True, text=True)
                        .stdout.split("Pages:")[1].split()[0])
            r_wall, r_cpu, r_mem = best(["pango-view", "--no-display", f"--output={work}/ref.pdf",
                                         f"--font={font}", f"--width={width_pt}", "--justify",
                                         "--hinting=none", txt], a.repeat)
            print(f"{pages:>5} {chars:>7} | {p_wall:>8.3f} {p_cpu:>6.3f} {pages / p_wall:>8.1f} "
                  f"{p_mem:>6.1f} | {s_wall:>10.3f} {s_wall / p_wall:>5.2f} | "
                  f"{r_wall:>12.3f} {r_cpu:>6.3f} {r_mem:>6.1f} | {p_wall / r_wall:>5.2f}")
            if a.baseline:
                b_wall, b_cpu, b_mem = timed[1]
                same = open(out, "rb").read() == open(base_out, "rb").read()
                print(f"{'':>5} {'':>7} | baseline {b_wall:.3f} s, {b_cpu:.3f} s CPU, "
                      f"{b_mem:.1f} MB; this build / baseline: wall {p_wall / b_wall:.3f}, "
                      f"CPU {p_cpu / b_cpu:.3f}; same PDF bytes: {'yes' if same else 'NO'}")
        plugin = os.path.join(os.path.dirname(os.path.abspath(a.paiban)), "libpaiban.so.0")
        if os.path.exists(plugin):
            n = 8 if 8 in sizes else sizes[0]
            issue, _, _ = build_issue(a.root, n, work, a.example)
            times = warm(a.root, plugin, issue, os.path.join(work, "warm.pdf"), a.repeat)
            print(f"warm path, {n} page(s) rendered three times in one process through the "
                  f"plugin: {times[0]:.3f} s, then {times[1]:.3f} s and {times[2]:.3f} s "
                  f"(second / first = {times[1] / times[0]:.2f})")


if __name__ == "__main__":
    main()
