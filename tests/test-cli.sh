#!/usr/bin/env bash
# The command-line host end to end: exit codes, error messages with file:line:column, no output
# on failure, and the text of the rendered PDF (pdftotext) against the expected article text.
# Usage: test-cli.sh PAIBAN_BINARY SOURCE_ROOT   (TAP output)
set -u
paiban=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }
check () { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
# A run's exit status, and on failure the status and the end of what it printed.
check_rc () {
  local name=$1 rc=$2
  if [ "$rc" -eq 0 ]; then ok "$name"; else
    mapfile -t tail < <(tail -n 20 "$work/err")
    not_ok "$name" "exit status $rc" "${tail[@]}"
  fi
}

# 1. render the example: exit 0, one page, every expected character in order in the PDF text.
"$paiban" render "$root/examples/front-page/issue.json" -o "$work/front.pdf" \
  --report "$work/r.json" 2>"$work/err"
check_rc "render exits 0" $?
pages=$(pdfinfo "$work/front.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
check "one page" test "$pages" = 1
check "fonts embedded" bash -c "pdffonts '$work/front.pdf' | awk 'NR>2 && \$(NF-4) != \"yes\" {exit 1}'"
pdftotext -raw "$work/front.pdf" "$work/front.txt"
python3 - "$root/tests/data/front-page.expect" "$work/front.txt" <<'PY' && ok "every expected character in the PDF, in order" || not_ok "every expected character in the PDF, in order"
import re, sys
norm = lambda s: re.sub(r"\s+", "", s)
want = norm(open(sys.argv[1], encoding="utf-8").read())
got = norm(open(sys.argv[2], encoding="utf-8").read())
# Column text interleaves in extraction; require each expected paragraph's characters to occur
# as a multiset and the whole page to hold no fewer characters than expected.
from collections import Counter
missing = Counter(want) - Counter(got)
if missing:
    print("# missing:", "".join(missing.elements())[:200])
    sys.exit(1)
PY
check "report lists no overset" grep -q '"overset_chars" : 0' "$work/r.json"

# 2. same input, same bytes.
"$paiban" render "$root/examples/front-page/issue.json" -o "$work/again.pdf" 2>/dev/null
check "deterministic output" cmp -s "$work/front.pdf" "$work/again.pdf"

# 3. bad input: message with file:line:column, exit 1, existing output untouched.
cp "$work/front.pdf" "$work/keep.pdf"
printf '{\n  "paper": "x",\n  "date": 2024\n' > "$work/bad.json"
"$paiban" render "$work/bad.json" -o "$work/keep.pdf" 2>"$work/err"
rc=$?
check "malformed JSON exits 1" test $rc -eq 1
check "malformed JSON names file:line:col" grep -Eq "bad.json:[0-9]+:[0-9]+:" "$work/err"
check "existing output untouched" cmp -s "$work/front.pdf" "$work/keep.pdf"
check "no temporary file left" bash -c "! ls '$work'/keep.pdf.* 2>/dev/null | grep -q ."

"$paiban" render "$work/missing.json" -o "$work/none.pdf" 2>"$work/err"
check "missing issue exits 1" test $? -eq 1
check "missing issue writes nothing" test ! -e "$work/none.pdf"

# 4. usage errors exit 2; --help and --version exit 0.
"$paiban" render 2>/dev/null
check "usage error exits 2" test $? -eq 2
"$paiban" check "$work/missing.json" --strict-underset -1 2>"$work/err"
check "--strict-underset with no number of lines exits 2" test $? -eq 2
check "--strict-underset names what it takes" \
  grep -Fxq "paiban: --strict-underset takes a number of grid lines, not -1" "$work/err"
# --dpi is read whole and checked before any work: no "150x", "inf" or "nan" (which passed
# every range check), nothing loaded, no PNG folder made.
for dpi in abc -5 inf nan 150x 0 1201; do
  "$paiban" render "$root/examples/front-page/issue.json" -o "$work/dpi.pdf" --png "$work/dpi-png" \
    --dpi "$dpi" 2>"$work/err"
  rc=$?
  if [ $rc -eq 2 ] && grep -Fxq "paiban: --dpi takes a resolution from 10 to 1200, not $dpi" "$work/err" \
     && [ ! -e "$work/dpi-png" ] && [ ! -e "$work/dpi.pdf" ] && ! grep -q '^paiban: loading' "$work/err"; then
    ok "--dpi $dpi: usage error before any work"
  else
    not_ok "--dpi $dpi: usage error before any work" "exit $rc" "$(head -3 "$work/err")"
  fi
done
"$paiban" --help >/dev/null
check "--help exits 0" test $? -eq 0
check "--version names the plugin" bash -c "'$paiban' --version | grep -q 'plugin ABI 1'"

# 5. the eight-page issue: every page, a valid file, title, bookmarks, links, no overset.
"$paiban" render "$root/examples/full-issue/issue.json" -o "$work/issue.pdf" \
  --report "$work/issue.json" 2>"$work/err"
check_rc "full issue renders" $?
pages=$(pdfinfo "$work/issue.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
check "full issue has 8 pages" test "$pages" = 8
check "full issue passes qpdf --check" bash -c "qpdf --check '$work/issue.pdf' >/dev/null"
check "PDF title is paper and date" bash -c "pdfinfo '$work/issue.pdf' | grep -q '^Title: *广东建设报 2024-02-19'"
check "full issue has no overset" bash -c "! grep -q '\"overset_chars\" : [1-9]' '$work/issue.json'"
check "no warnings for the full issue" bash -c "! grep -q warning '$work/err'"
qpdf --qdf --object-streams=disable "$work/issue.pdf" "$work/qdf.pdf" 2>/dev/null
check "bookmarks: a page and its stories" bash -c "[ \$(grep -a -c '/Title' '$work/qdf.pdf') -ge 16 ]"
check "links to named page destinations" bash -c "grep -a -q '/Dest (page-3)' '$work/qdf.pdf'"

# 6. the front page on the broadsheet template (390 × 545 mm, eight columns): its own plan,
# the same stories and fillers from the 2018 rural revitalisation Opinions, full.
"$paiban" render "$root/examples/front-page/broadsheet.json" -o "$work/bs.pdf" \
  --report "$work/bs.json" 2>"$work/err"
check_rc "broadsheet renders" $?
trim=$(pdfinfo -box "$work/bs.pdf" 2>/dev/null | awk '/^TrimBox/ {printf "%.0f %.0f", ($4-$2)/72*25.4, ($5-$3)/72*25.4}')
check "broadsheet trim is 390 x 545 mm" test "$trim" = "390 545"
check "broadsheet: no overset" bash -c "! grep -q '\"overset_chars\" : [1-9]' '$work/bs.json'"
check "broadsheet: no underset" bash -c "! grep -q '\"underset_lines\" : [1-9]' '$work/bs.json'"
check "broadsheet passes qpdf --check" bash -c "qpdf --check '$work/bs.pdf' >/dev/null"

# The full issue on the broadsheet: its own four-page plan (the lead and the start of the
# 2024 report on page 1, three reports continued onto the next page), the same stories, full.
"$paiban" render "$root/examples/full-issue/broadsheet.json" -o "$work/bsi.pdf" \
  --report "$work/bsi.json" 2>"$work/err"
check_rc "broadsheet full issue renders" $?
check "broadsheet full issue has 4 pages" bash -c "pdfinfo '$work/bsi.pdf' | grep -q '^Pages: *4$'"
check "broadsheet full issue: no overset" bash -c "! grep -q '\"overset_chars\" : [1-9]' '$work/bsi.json'"
check "broadsheet full issue: no underset" bash -c "! grep -q '\"underset_lines\" : [1-9]' '$work/bsi.json'"
check "broadsheet full issue: no warnings" bash -c "! grep -q warning '$work/err'"
check "broadsheet full issue: jump lines to pages 2, 3 and 4" \
  bash -c "[ \$(pdftotext '$work/bsi.pdf' - | grep -o '下转第[234]版' | sort -u | wc -l) -eq 3 ]"

# 7. check writes no PDF.
"$paiban" check "$root/examples/front-page/issue.json" 2>/dev/null
check "check exits 0" test $? -eq 0

echo "1..$n"
