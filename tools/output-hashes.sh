#!/usr/bin/env bash
# The SHA-256 of every output paiban makes from the bundled examples and the fuzz corpus, to
# show that a change meant to keep every output byte (a refactoring) does: run it on the build
# of the change and of its base, and diff the two lists.
#
# Usage: tools/output-hashes.sh BUILD_DIR [OUT_DIR]
# The front page and the full issue are rendered on both bundled templates: the print PDF, the
# proof PDF, PNGs with and without the proof overlay (30 dpi) and the report (less its
# timings); every plan of every example as written, its print PDF and report. The render fuzz
# target's corpus and regressions replay with their outputs kept (PAIBAN_FUZZ_KEEP).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
out=${2:-$(mktemp -d)}
mkdir -p "$out"
export SOURCE_DATE_EPOCH=1700000000 PAIBAN_DATADIR=$root
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The report IN written to OUT less what differs from run to run or checkout to checkout: its
# timings, and the folder FOLDER (written NAME).
trim_report () {
  python3 - "$1" "$2" "$3" "$4" <<'PY' || true
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
report.pop("timings_s", None)
text = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True)
open(sys.argv[2], "w", encoding="utf-8").write(text.replace(sys.argv[3], sys.argv[4]))
PY
}
for example in front-page full-issue; do
  for tmpl in tabloid broadsheet; do
    name=$example-$tmpl
    cp -r "$root/examples/$example" "$work/$name"
    python3 - "$work/$name/issue.json" "$tmpl" <<'PY'
import json, sys
path, tmpl = sys.argv[1], sys.argv[2]
issue = json.load(open(path, encoding="utf-8"))
issue["template"] = tmpl
json.dump(issue, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
    "$build/plugin/paiban" render "$work/$name/issue.json" -o "$out/$name.pdf" \
      --proof-pdf "$out/$name.proof.pdf" --png "$out/$name.png" --dpi 30 \
      --report "$work/$name.report.json" >/dev/null 2>&1 || echo "# $name: render failed" >&2
    "$build/plugin/paiban" render "$work/$name/issue.json" -o "$work/$name.again.pdf" \
      --png "$out/$name.proof.png" --dpi 30 --proof >/dev/null 2>&1 || true
    trim_report "$work/$name.report.json" "$out/$name.report.json" "$work" WORK
  done
done
# Every plan of every example as written (its own template): the print PDF and the report.
for plan in "$root"/examples/*/issue.json "$root"/examples/*/broadsheet.json; do
  name=plan-$(basename "$(dirname "$plan")")-$(basename "$plan" .json)
  "$build/plugin/paiban" render "$plan" -o "$out/$name.pdf" --report "$work/$name.report.json" \
    >/dev/null 2>&1 || echo "# $name: render failed" >&2
  # A base and a change live in two checkouts.
  trim_report "$work/$name.report.json" "$out/$name.report.json" "$root" ROOT
done
mkdir -p "$out/fuzz-render"
PAIBAN_FUZZ_KEEP=$out/fuzz-render "$build/tests/fuzz-render-regress" \
  "$root/tests/fuzz/corpus/render" "$root/tests/fuzz/regressions/render" >/dev/null
cd "$out" && find . -type f | LC_ALL=C sort | xargs sha256sum
