#!/usr/bin/env bash
# Quick start, step 1: install the dependencies, build paiban and render the bundled front page
# to out/front-page.pdf with PNG proofs in out/png/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
[ -d build ] || meson setup build --buildtype=release >/dev/null
meson compile -C build >/dev/null
mkdir -p out
./build/plugin/paiban render examples/front-page/issue.json -o out/front-page.pdf \
  --png out/png --report out/front-page.report.json
echo "wrote out/front-page.pdf, out/png/page-01.png and out/front-page.report.json"
