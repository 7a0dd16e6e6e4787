#!/usr/bin/env bash
# The module graph of plugin/: which source file uses which, read from the object files of the
# core static library (nm), and the include graph of plugin/*.c and *.h. A module that uses
# another must not be used by it, directly or around a longer cycle: the stages point one way.
#
# Usage: tools/module-graph.sh [-v] [--allow A:B]... BUILD_DIR
#   Prints one edge a line, "a.c -> b.c" (a.c uses a symbol b.c defines; with -v, which ones),
#   then "cycle: …" for every cycle among the modules and "include cycle: …" for every cycle
#   of #include "…" among plugin/'s files. --allow A:B leaves the edge A -> B out of the cycle
#   check (it is still printed, marked "allowed"): a known cycle on its way out.
# Exit status: 0 without cycles, 1 with one, 2 on a usage error or a missing build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
verbose=0
allow=()
while [ $# -gt 1 ]; do
  case $1 in
    -v) verbose=1; shift ;;
    --allow) allow+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 1 ]; then
  echo "usage: $0 [-v] [--allow A:B]... BUILD_DIR" >&2
  exit 2
fi
objdir=$1/plugin/libpaiban-core.a.p
shopt -s nullglob
objects=("$objdir"/*.o)
if [ ${#objects[@]} -eq 0 ]; then
  echo "$0: no object files in $objdir (build first)" >&2
  exit 2
fi

# "MODULE D SYMBOL" for each external symbol a module defines (weak ones aside: C++ inline
# functions are defined in every object that uses them), "MODULE U SYMBOL" for each it uses.
symbols=$(
  for o in "${objects[@]}"; do
    m=$(basename "$o" .o)
    nm --defined-only --extern-only "$o" | awk -v m="$m" '$2 ~ /^[TDBRGSC]$/ { print m, "D", $3 }'
    nm --undefined-only "$o" | awk -v m="$m" '{ print m, "U", $NF }'
  done
)
# "FILE INCLUDED" for each #include "…" of a file in plugin/ that names another file there.
includes=$(
  cd "$root/plugin"
  for f in *.c *.cc *.h; do
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
      while read -r inc; do [ -f "$inc" ] && echo "$f $inc"; done
  done
)

SYMBOLS=$symbols INCLUDES=$includes python3 - "$verbose" ${allow[@]+"${allow[@]}"} <<'PY'
import os
import sys

verbose = sys.argv[1] == "1"
allowed = set(tuple(a.split(":", 1)) for a in sys.argv[2:])

symbols = os.environ["SYMBOLS"].split("\n")
includes = os.environ["INCLUDES"].split("\n")

defined_by = {}
uses = []
for line in filter(None, symbols):
    module, kind, name = line.split(" ", 2)
    if kind == "D":
        defined_by[name] = module
    else:
        uses.append((module, name))

edges = {}
for module, name in uses:
    owner = defined_by.get(name)
    if owner and owner != module:
        edges.setdefault((module, owner), set()).add(name)


def cycles(nodes, succ):
    """Strongly connected components of more than one node (Tarjan), each as a shortest
    cycle through its first node in name order."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(succ.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    result = []
    for comp in sorted(found):
        start, members = comp[0], set(comp)
        paths, queue = {start: [start]}, [start]
        while queue:
            v = queue.pop(0)
            for w in sorted(succ.get(v, ())):
                if w == start:
                    queue = []
                    result.append(paths[v] + [start])
                    break
                if w in members and w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
    return result


def graph(pairs):
    succ, nodes = {}, set()
    for a, b in pairs:
        succ.setdefault(a, set()).add(b)
        nodes.update((a, b))
    return nodes, succ


for (a, b), names in sorted(edges.items()):
    line = f"{a} -> {b}"
    if (a, b) in allowed:
        line += " (allowed)"
    if verbose:
        line += ": " + ", ".join(sorted(names))
    print(line)

bad = 0
for cycle in cycles(*graph(e for e in edges if e not in allowed)):
    print("cycle: " + " -> ".join(cycle))
    bad = 1
include_pairs = [tuple(l.split(" ", 1)) for l in includes if l]
for cycle in cycles(*graph(include_pairs)):
    print("include cycle: " + " -> ".join(cycle))
    bad = 1
for a, b in sorted(allowed - set(edges)):
    print(f"allowed edge {a} -> {b} is gone: drop its --allow")
sys.exit(bad)
PY
