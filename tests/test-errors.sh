#!/usr/bin/env bash
# The catalogue of bad inputs, through the command-line host: each case asserts the exact
# error (file:line:column where there is one), the exit status, and that the output was not
# touched: a PDF that did not exist is not created, one that existed keeps its bytes, and no
# temporary file is left beside it. The inputs are tests/data/bad/; cases that need file
# modes, symbolic links, FIFOs or large files set them up in a copy.
# Usage: test-errors.sh PAIBAN_BINARY SOURCE_ROOT   (TAP output)
set -u
paiban=$1
case $paiban in /*) ;; *) paiban=$PWD/$paiban ;; esac
root=$2
work=$(mktemp -d)
trap 'chmod -R u+rwX "$work"; rm -rf "$work"' EXIT
cp -r "$root/tests/data/bad" "$work/bad"
printf 'the previous output\n' > "$work/sentinel"
# Run from the issues' folder so that messages name the files as the table below does.
cd "$work/bad" || exit 1

n=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip () { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
root_user () { [ "$(id -u)" -eq 0 ]; }

# A fresh output folder; on every other case it already holds out/issue.pdf.
case_no=0
prepare_out () {
  rm -rf "$work/out"
  mkdir "$work/out"
  case_no=$((case_no + 1))
  existing=$((case_no % 2))
  [ $existing -eq 1 ] && cp "$work/sentinel" "$work/out/issue.pdf"
}

# Problems with the output folder after a failed run, or nothing.
output_problems () {
  if [ $existing -eq 1 ]; then
    cmp -s "$work/sentinel" "$work/out/issue.pdf" || echo "the existing PDF was changed"
  elif [ -e "$work/out/issue.pdf" ]; then
    echo "a PDF was created"
  fi
  local left
  left=$(cd "$work/out" && ls -A | grep -v '^issue\.pdf$')
  [ -z "$left" ] || echo "left in the output folder: $left"
}

# expect_error NAME ISSUE MESSAGE [ARGS...]: render fails with exit 1 and the line
# "paiban: error: MESSAGE", leaving the output alone.
expect_error () {
  local name=$1 issue=$2 message=$3
  shift 3
  prepare_out
  "$paiban" render "$issue" -o "$work/out/issue.pdf" "$@" 2>"$work/err" >/dev/null
  local rc=$? problems=()
  [ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
  grep -Fxq "paiban: error: $message" "$work/err" \
    || problems+=("expected: paiban: error: $message" "got: $(grep -v '^paiban: [lw]' "$work/err" | head -3)")
  local p
  while IFS= read -r p; do [ -n "$p" ] && problems+=("$p"); done < <(output_problems)
  if [ ${#problems[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

# ---- 1. The issue file itself ----
expect_error "malformed JSON" syntax.json \
  "syntax.json:3:22: Parse error: unexpected string constant \"2024-02-19\", expected character \`,'"
expect_error "invalid UTF-8" invalid-utf8.json "invalid-utf8.json:2:13: invalid UTF-8 (byte 0xff)"
expect_error "empty issue {}" empty-object.json \
  "empty-object.json:1:1: the issue: missing required key \"paper\""
expect_error "empty file" empty.json "empty.json:1:1: no JSON value in the file"
expect_error "lone UTF-16 surrogate escape (\\ud800)" lone-surrogate.json \
  "lone-surrogate.json:20:18: lone high surrogate in a \\u escape: a UTF-16 pair needs its second half, \\uDC00 to \\uDFFF"
mkdir dir.json
expect_error "a directory as the issue" dir.json "dir.json: \"dir.json\" is not a regular file"
mkfifo fifo.json
expect_error "a FIFO as the issue (does not hang)" fifo.json \
  "fifo.json: \"fifo.json\" is not a regular file"
expect_error "missing issue file" nothere.json \
  "nothere.json: cannot open \"nothere.json\": No such file or directory"

# ---- 2. Types, required fields, references ----
expect_error "wrong type" wrong-type.json \
  "wrong-type.json:30:19: page 1, item 1: \"span\" must be an integer, not a string"
expect_error "missing required field (headline)" missing-headline.json \
  "missing-headline.json:6:5: story \"lead\": missing required key \"headline\""
expect_error "missing required field (pages)" missing-pages.json \
  "missing-pages.json:1:1: the issue: missing required key \"pages\""
expect_error "page plan names a story the pool lacks" item-unknown-story.json \
  "item-unknown-story.json:28:20: page 1, item 1: no story \"nosuch\" in the pool"
expect_error "guide box names a story the pool lacks" guide-unknown-story.json \
  "guide-unknown-story.json:38:26: page 1, item 2, guide entry 1: no story \"nosuch\" in the pool"
expect_error "duplicate story id" dup-story.json \
  "dup-story.json:23:13: story 3: duplicate story id \"lead\" (the first is at line 6, column 5)"
expect_error "duplicate page number" dup-page.json \
  "dup-page.json:58:17: entry 3 of \"pages\": duplicate page number 1 (also at line 25, column 17)"

# Unknown keys are warnings with their position; the render goes on.
prepare_out
rm -f "$work/out/issue.pdf"
"$paiban" render unknown-key.json -o "$work/out/issue.pdf" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 0 ] && head -c 5 "$work/out/issue.pdf" | grep -q '%PDF-' \
   && grep -Fxq 'paiban: warning: unknown-key.json:59:3: unknown key "edition" in issue' "$work/err" \
   && grep -Fxq 'paiban: warning: unknown-key.json:21:7: unknown key "colour" in story' "$work/err"; then
  ok "unknown keys: a warning naming each, exit 0, PDF written"
else
  not_ok "unknown keys: a warning naming each, exit 0, PDF written" "exit $rc" "$(cat "$work/err")"
fi

# ---- 3. Photos ----
expect_error "missing photo" photo-missing.json \
  "photo-missing.json:12:19: story \"lead\", photo 1: \"file\": file \"nothere.jpg\" not found"
if root_user; then
  skip "unreadable photo (chmod 000)" "running as root, which can read any file"
else
  cp photo.jpg locked.jpg && chmod 000 locked.jpg
  expect_error "unreadable photo (chmod 000)" photo-unreadable.json \
    "photo-unreadable.json:12:19: story \"lead\", photo 1: \"file\": cannot read \"locked.jpg\""
fi
expect_error "truncated JPEG" photo-truncated.json \
  "photo-truncated.json:12:19: truncated.jpg: corrupt JPEG: Premature end of JPEG file"
expect_error "truncated PNG" photo-truncated-png.json \
  "photo-truncated-png.json:12:19: truncated.png: corrupt PNG: chunk IDAT at byte 33 runs past the end of the file (truncated?)"
expect_error "corrupt PNG" photo-corrupt.json \
  "photo-corrupt.json:12:19: corrupt.png: corrupt PNG: the image data cannot be decoded (damaged, or too large for memory)"
expect_error "not an image" photo-not-image.json \
  "photo-not-image.json:12:19: body.md: not a JPEG or PNG file"
expect_error "limit: PNG claiming 100000 × 100000 pixels, refused before decoding" photo-huge-png.json \
  "photo-huge-png.json:12:19: huge.png: image of 100000 × 100000 pixels is refused (at most 30000 per side, 200000000 pixels)"
expect_error "limit: JPEG claiming 65000 × 65000 pixels, refused before decoding" photo-huge-jpeg.json \
  "photo-huge-jpeg.json:12:19: huge.jpg: image of 65000 × 65000 pixels is refused (at most 30000 per side, 200000000 pixels)"
truncate -s 300M big.jpg # sparse: no disk space taken
expect_error "limit: photo file size, refused before reading" photo-big-file.json \
  "photo-big-file.json:12:19: big.jpg: file of 300 MiB is refused (at most 256 MiB)"

# ---- 4. Fonts and glyphs ----
expect_error "missing font family" font-missing.json \
  "tmpl-nofont.json:25:15: style \"headline\": font family \"No Such Font Family\" is not among paiban's fonts (the packages of fonts/README.md, the template's \"fonts\" folders; the system's fonts only with --system-fonts)"
# The position is the character's own: line 3, column 10 of glyph.md.
prepare_out
"$paiban" render glyph.json -o "$work/out/issue.pdf" 2>"$work/err" >/dev/null
rc=$?
problems=()
[ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
grep -Eq '^paiban: error: glyph\.md:3:10: no font has a glyph for U\+E000' "$work/err" \
  || problems+=("got: $(grep error: "$work/err")")
while IFS= read -r p; do [ -n "$p" ] && problems+=("$p"); done < <(output_problems)
if [ ${#problems[@]} -eq 0 ]; then ok "character without a glyph (U+E000)"
else not_ok "character without a glyph (U+E000)" "${problems[@]}"; fi

# ---- 5. Template geometry ----
expect_error "zero trim width" geometry-zero-width.json \
  "tmpl-zero-width.json:4:14: template \"bad-tests\": \"width\" must be greater than zero"
expect_error "negative margin" geometry-negative-margin.json \
  "tmpl-negative-margin.json:8:12: template \"bad-tests\": \"top\" must not be negative"
expect_error "huge trim" geometry-huge-trim.json \
  "tmpl-huge-trim.json:5:15: template \"bad-tests\": \"height\" is too large (the limit is 200in)"
expect_error "zero columns" geometry-no-columns.json \
  "tmpl-no-columns.json:12:14: template \"bad-tests\": \"count\" must be an integer from 1 to 20"
expect_error "column block wider than the page" geometry-too-wide.json \
  "tmpl-too-wide.json:11:14: template \"bad-tests\": the column block is 339.7mm wide, wider than the trim (140.0mm)"
expect_error "type size below 1pt (the grid would have 10^12 lines)" geometry-tiny-type.json \
  "tmpl-tiny-type.json:16:16: template \"bad-tests\": \"body_size\" must be at least 1pt"
expect_error "folio taller than the type area" geometry-folio.json \
  "tmpl-folio.json:30:16: template \"bad-tests\", style \"folio\": \"lines\" must be an integer from 0 to 30 (the type area holds 33 lines and at least 3 must remain under the folio)"
expect_error "margins leave no grid lines" geometry-no-lines.json \
  "tmpl-no-lines.json:7:14: template \"bad-tests\": the margins leave room for 0 grid lines; at least 3 are needed"

# ---- 6. Text that does not fit ----
# overset_of REPORT: the report's overset_chars, or nothing when it is not a report.
overset_of () {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["overset_chars"])' "$1" 2>/dev/null
}
overset_case () {
  local name=$1 issue=$2
  prepare_out
  rm -f "$work/out/issue.pdf"
  "$paiban" render "$issue" -o "$work/out/issue.pdf" --report "$work/r.json" 2>"$work/err" >/dev/null
  local rc=$? chars
  chars=$(overset_of "$work/r.json")
  if [ $rc -eq 0 ] && [ "${chars:-0}" -gt 0 ] && [ -s "$work/out/issue.pdf" ] \
     && grep -Eq "^paiban: warning: $issue:27:9: story \"lead\" is overset by $chars characters on page 1\$" "$work/err"; then
    ok "$name: overset in the report and as a warning, exit 0"
  else
    not_ok "$name: overset in the report and as a warning, exit 0" "exit $rc, overset ${chars:-?}" "$(cat "$work/err")"
  fi
  prepare_out
  "$paiban" render "$issue" -o "$work/out/issue.pdf" --strict 2>"$work/err" >/dev/null
  rc=$?
  problems=()
  [ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
  grep -Fxq "paiban: error: $chars characters are overset (strict mode)" "$work/err" \
    || problems+=("got: $(grep error: "$work/err")")
  while IFS= read -r p; do [ -n "$p" ] && problems+=("$p"); done < <(output_problems)
  if [ ${#problems[@]} -eq 0 ]; then ok "$name: --strict exits 1, output untouched"
  else not_ok "$name: --strict exits 1, output untouched" "${problems[@]}"; fi
}
overset_case "article far too long" overset.json
# An item one grid line high for a story with a headline and subheads: the headline does not
# fit either; what does not fit is overset, never a crash.
overset_case "frame of one line" frame-one-line.json
# --strict-underset N: a page with more than N empty grid lines of columns (the report's
# "empty_column_lines") fails with exit 1 like overset text; one with N passes.
"$paiban" check frame-one-line.json --report "$work/r.json" 2>/dev/null >/dev/null
empty=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pages"][0]["empty_column_lines"])' \
        "$work/r.json" 2>/dev/null)
if [ "${empty:-0}" -gt 0 ]; then ok "frame of one line: the report counts its empty grid lines ($empty)"
else not_ok "frame of one line: the report counts its empty grid lines" "got: ${empty:-none}"; fi
expect_error "--strict-underset below a page's empty grid lines exits 1" frame-one-line.json \
  "page 1: ${empty:-0} grid lines of columns are empty (strict underset $((${empty:-0} - 1)))" \
  --strict-underset $((${empty:-0} - 1))
"$paiban" check frame-one-line.json --strict-underset "${empty:-0}" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 0 ]; then ok "--strict-underset at a page's empty grid lines exits 0"
else not_ok "--strict-underset at a page's empty grid lines exits 0" "exit $rc" "$(cat "$work/err")"; fi

# Its headline and photo are left out with a warning each, not drawn below the item.
prepare_out
"$paiban" render frame-one-line.json -o "$work/out/issue.pdf" 2>"$work/err" >/dev/null
problems=()
for w in "frame-one-line.json:27:9: story \"lead\": its headlines need 2 grid lines, its item on page 1 has 1: left out" \
         "frame-one-line.json:27:9: story \"lead\": its photo and caption need 13 grid lines, its item on page 1 has 1: left out"; do
  grep -Fxq "paiban: warning: $w" "$work/err" || problems+=("missing: $w")
done
n_images=$(pdfimages -list "$work/out/issue.pdf" 2>/dev/null | tail -n +3 | wc -l)
[ "$n_images" -eq 0 ] || problems+=("$n_images image(s) in the PDF")
if [ ${#problems[@]} -eq 0 ]; then ok "frame of one line: headline and photo left out, with warnings"
else not_ok "frame of one line: headline and photo left out, with warnings" "${problems[@]}" "$(cat "$work/err")"; fi

# A story continued out of page order, twice on one page and on a page made elsewhere: the
# chain follows the plan, so it cannot loop; the render ends with a PDF of the two pages.
prepare_out
rm -f "$work/out/issue.pdf"
timeout 120 "$paiban" render continuation-order.json -o "$work/out/issue.pdf" 2>"$work/err" >/dev/null
rc=$?
pages=$(pdfinfo "$work/out/issue.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
if [ $rc -eq 0 ] && [ "$pages" = 2 ] && ! grep -q 'error:' "$work/err"; then
  ok "continuation out of page order: terminates, two pages"
else
  not_ok "continuation out of page order: terminates, two pages" "exit $rc, pages ${pages:-none}" \
    "$(cat "$work/err")"
fi

# ---- 7. Paths stay inside the issue's folder ----
expect_error "\"..\" in a path" body-dotdot.json \
  "body-dotdot.json:9:20: story \"lead\": \"body_file\" must not contain \"..\": \"sub/../../outside.md\" would leave the issue's folder"
expect_error "absolute path" photo-absolute.json \
  "photo-absolute.json:12:19: story \"lead\", photo 1: \"file\" must be a path relative to the issue's folder, not the absolute path \"/etc/hostname\""
printf '外面的文件。\n' > "$work/outside.md"
ln -s ../outside.md link.md
expect_error "symbolic link out of the folder" body-symlink.json \
  "body-symlink.json:9:20: story \"lead\": \"body_file\": \"link.md\" leads outside the issue's folder (through a symbolic link)"

# ---- 8. Limits ----
expect_error "limit: nesting depth" deep.json "deep.json:1:65: nesting deeper than 64 levels"
head -c $((2 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '字' > huge.md 2>/dev/null
expect_error "limit: body file size" body-huge.json \
  "body-huge.json:9:20: story \"lead\": \"huge.md\" is larger than 2 MiB"
{
  printf '{ "paper": "测试报", "date": "2024-02-19", "template": "tmpl.json",\n'
  printf '  "stories": [ { "id": "a", "headline": "主题", "body": "正文。" } ],\n'
  printf '  "pages": [\n'
  for i in $(seq 1 500); do printf '    { "number": %d, "elsewhere": true, "stories": ["a"] },\n' "$i"; done
  printf '    { "number": 501, "elsewhere": true, "stories": ["a"] } ] }\n'
} > pages.json
expect_error "limit: number of pages" pages.json \
  "pages.json:3:12: the issue: too many pages (501; the limit is 500)"

# ---- 9. Outputs: a failed write leaves what was there ----
# The PDF path is a directory: the temporary file cannot be renamed over it.
prepare_out
rm -f "$work/out/issue.pdf"
mkdir "$work/out/issue.pdf"
cp "$work/sentinel" "$work/out/issue.pdf/inside"
"$paiban" render good.json -o "$work/out/issue.pdf" 2>"$work/err" >/dev/null
rc=$?
left=$(cd "$work/out" && ls -A | grep -v '^issue\.pdf$')
if [ $rc -eq 1 ] && grep -Fxq "paiban: error: $work/out/issue.pdf: is a folder, not a file" "$work/err" \
   && cmp -s "$work/sentinel" "$work/out/issue.pdf/inside" && [ -z "$left" ]; then
  ok "PDF path is a directory: exit 1, directory untouched, no temporary file"
else
  not_ok "PDF path is a directory: exit 1, directory untouched, no temporary file" "exit $rc" \
    "left: $left" "$(grep error: "$work/err")"
fi

prepare_out
"$paiban" render good.json -o "$work/out/nodir/issue.pdf" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 1 ] && grep -Fxq "paiban: error: $work/out/nodir/issue.pdf: No such file or directory" "$work/err" \
   && [ ! -e "$work/out/nodir" ]; then
  ok "PDF folder missing: exit 1, nothing created"
else
  not_ok "PDF folder missing: exit 1, nothing created" "exit $rc" "$(grep error: "$work/err")"
fi

if root_user; then
  skip "PDF folder not writable (chmod 555)" "running as root, which can write anywhere"
else
  prepare_out
  chmod 555 "$work/out"
  "$paiban" render good.json -o "$work/out/issue.pdf" 2>"$work/err" >/dev/null
  rc=$?
  chmod 755 "$work/out"
  problems=()
  [ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
  grep -Fxq "paiban: error: $work/out/issue.pdf: Permission denied" "$work/err" \
    || problems+=("got: $(grep error: "$work/err")")
  while IFS= read -r p; do [ -n "$p" ] && problems+=("$p"); done < <(output_problems)
  if [ ${#problems[@]} -eq 0 ]; then ok "PDF folder not writable (chmod 555)"
  else not_ok "PDF folder not writable (chmod 555)" "${problems[@]}"; fi
fi

# A PNG proof whose place holds a FIFO fails the run before anything is named: the FIFO is
# not replaced by a regular file, and the print PDF, staged with it, is not made.
prepare_out
mkdir -p "$work/out/png"
mkfifo "$work/out/png/page-01.png"
"$paiban" render good.json -o "$work/out/new.pdf" --png "$work/out/png" 2>"$work/err" >/dev/null
rc=$?
pngs=$(cd "$work/out/png" && ls -A | tr '\n' ' ')
if [ $rc -eq 1 ] && grep -Fxq "paiban: error: $work/out/png/page-01.png: is a device, FIFO or socket, not a regular file: it is not replaced" "$work/err" \
   && [ -p "$work/out/png/page-01.png" ] && [ "$pngs" = "page-01.png " ] && [ ! -e "$work/out/new.pdf" ]; then
  ok "PNG target is a FIFO: exit 1, FIFO kept, no print PDF"
else
  not_ok "PNG target is a FIFO: exit 1, FIFO kept, no print PDF" "exit $rc" "png/: $pngs" \
    "$(grep error: "$work/err")"
fi

# The fixed temporary name of earlier versions, planted as a link to another file: the
# proofs go to unnamed temporary files, so the link is neither followed nor removed.
prepare_out
mkdir -p "$work/out/png"
cp "$work/sentinel" "$work/victim"
ln -s "$work/victim" "$work/out/png/page-01.png.tmp"
"$paiban" render good.json -o "$work/out/new.pdf" --png "$work/out/png" 2>"$work/err" >/dev/null
rc=$?
pngs=$(cd "$work/out/png" && ls -A | tr '\n' ' ')
if [ $rc -eq 0 ] && cmp -s "$work/sentinel" "$work/victim" && [ "$pngs" = "page-01.png page-01.png.tmp " ] \
   && head -c 8 "$work/out/png/page-01.png" | grep -q PNG; then
  ok "planted link at a PNG's old temporary name: not written through"
else
  not_ok "planted link at a PNG's old temporary name: not written through" "exit $rc" "png/: $pngs" \
    "$(grep error: "$work/err")"
fi

# A PNG proof too large to draw is refused before anything is written (the limits keep a
# 1200 dpi proof of a poster-sized page from allocating gigabytes).
sed 's/"width": "140mm"/"width": "800mm"/; s/"height": "200mm"/"height": "900mm"/' tmpl.json > tmpl-big.json
sed 's/"tmpl.json"/"tmpl-big.json"/' good.json > big-page.json
expect_error "limit: PNG proof of 37796 × 42520 pixels" big-page.json \
  "$work/out/png: page 1 at 1200 dpi would be 37796 × 42520 pixels, more than a PNG proof may have (30000 per side, 200000000 pixels): lower the resolution" \
  --png "$work/out/png" --dpi 1200
[ -e "$work/out/png" ] && not_ok "limit: PNG proof folder not created" || ok "limit: PNG proof folder not created"

# The report is written whole or not at all; on a failed run it carries the error.
prepare_out
mkdir "$work/out/r.json"
"$paiban" check good.json --report "$work/out/r.json" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 1 ] && grep -q "^paiban: .*r\.json" "$work/err" && [ -d "$work/out/r.json" ] \
   && [ -z "$(ls -A "$work/out/r.json")" ]; then
  ok "report path is a directory: exit 1, nothing written"
else
  not_ok "report path is a directory: exit 1, nothing written" "exit $rc" "$(cat "$work/err")"
fi
prepare_out
"$paiban" render syntax.json -o "$work/out/issue.pdf" --report "$work/out/r.json" 2>/dev/null >/dev/null
rc=$?
if [ $rc -eq 1 ] && python3 - "$work/out/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["status"] == "error", r
assert r["error"].startswith("syntax.json:3:22: "), r["error"]
PY
then
  ok "report of a failed run: valid JSON with the error"
else
  not_ok "report of a failed run: valid JSON with the error" "exit $rc"
fi

# ---- 10. Outputs are named together, never over an input, a device or each other ----
# A report whose folder is missing fails before any work: the print PDF is not replaced.
expect_error "report folder missing: fails first, PDF untouched" good.json \
  "$work/out/nodir/r.json: No such file or directory" --report "$work/out/nodir/r.json"
grep -q '^paiban: loading' "$work/err" && not_ok "report folder missing: nothing loaded" \
  || ok "report folder missing: nothing loaded"

# A failure at the print PDF (an output profile that is missing) leaves the proofs as they were.
prepare_out
mkdir "$work/out/png"
cp "$work/sentinel" "$work/out/png/page-01.png"
"$paiban" render good.json -o "$work/out/issue.pdf" --png "$work/out/png" --report "$work/out/r.json" \
  --output-profile nothere.icc 2>"$work/err" >/dev/null
rc=$?
problems=()
[ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
grep -Fxq 'paiban: error: nothere.icc: cannot open "nothere.icc": No such file or directory' "$work/err" \
  || problems+=("got: $(grep error: "$work/err")")
cmp -s "$work/sentinel" "$work/out/png/page-01.png" || problems+=("the PNG proof was replaced")
[ "$(ls -A "$work/out/png")" = "page-01.png" ] || problems+=("png/: $(ls -A "$work/out/png")")
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["status"] == "error"' "$work/out/r.json" \
  2>/dev/null || problems+=("no report of the error")
rm -rf "$work/out/png" "$work/out/r.json"
while IFS= read -r p; do [ -n "$p" ] && problems+=("$p"); done < <(output_problems)
if [ ${#problems[@]} -eq 0 ]; then ok "print PDF fails last: proofs and PDF untouched, the report tells"
else not_ok "print PDF fails last: proofs and PDF untouched, the report tells" "${problems[@]}"; fi

# Outputs that are files the run reads, or each other, are refused by identity (device
# and inode, so a hard link too); every input keeps its bytes.
inputs_sum () { cat good.json tmpl.json body.md photo.jpg syntax.json | md5sum; }
inputs_before=$(inputs_sum)
ln body.md hard-link.md
refuse () {
  local name=$1 message=$2
  shift 2
  "$paiban" "$@" 2>"$work/err" >/dev/null
  local rc=$? problems=()
  [ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
  grep -Fxq "paiban: error: $message" "$work/err" \
    || problems+=("expected: paiban: error: $message" "got: $(grep error: "$work/err")")
  [ "$(inputs_sum)" = "$inputs_before" ] || problems+=("an input was changed")
  if [ ${#problems[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}
is_input="is a file the run reads (the issue, a template, a body, a photo or the output profile): it is not replaced"
refuse "-o the issue file" "good.json: $is_input" render good.json -o good.json
refuse "-o a photo" "photo.jpg: $is_input" render good.json -o photo.jpg
refuse "-o a body" "body.md: $is_input" render good.json -o body.md
refuse "-o the template" "tmpl.json: $is_input" render good.json -o tmpl.json
refuse "-o a hard link to a body" "hard-link.md: $is_input" render good.json -o hard-link.md
refuse "--proof-pdf a photo" "photo.jpg: $is_input" render good.json -o "$work/x.pdf" --proof-pdf photo.jpg
refuse "--report the issue file" "good.json: $is_input" check good.json --report good.json
# A failed run keeps its own error (the first); its report is not written over the issue.
refuse "--report the issue file of a failed run" \
  "syntax.json:3:22: Parse error: unexpected string constant \"2024-02-19\", expected character \`,'" \
  check syntax.json --report syntax.json
refuse "layout -o the issue file" "good.json: $is_input" layout good.json -o good.json
# Loading that stops after a body was read (a page names a story the pool lacks): the report of
# the failure is not written over the body, nor over one that was too large to read.
sed 's/"story": "lead",/"story": "nowhere",/' good.json > late-fail.json
refuse "--report a body read before loading failed" \
  "late-fail.json:28:20: page 1, item 1: no story \"nowhere\" in the pool" \
  check late-fail.json --report body.md
huge_before=$(md5sum < huge.md)
refuse "--report a body too large to read" \
  "body-huge.json:9:20: story \"lead\": \"huge.md\" is larger than 2 MiB" \
  check body-huge.json --report huge.md
[ "$(md5sum < huge.md)" = "$huge_before" ] && ok "the body too large to read keeps its bytes" \
  || not_ok "the body too large to read keeps its bytes" "huge.md was replaced"
# The output profile is read by the run too.
cmyk=/usr/share/color/icc/ghostscript/default_cmyk.icc
if [ -r "$cmyk" ]; then
  cp "$cmyk" profile-copy.icc
  refuse "-o the output profile" "profile-copy.icc: $is_input" \
    render good.json -o profile-copy.icc --output-profile profile-copy.icc
  cmp -s "$cmyk" profile-copy.icc && ok "the output profile keeps its bytes" \
    || not_ok "the output profile keeps its bytes" "profile-copy.icc was replaced"
else
  skip "-o the output profile" "no CMYK profile at $cmyk (libgs-common)"
  skip "the output profile keeps its bytes" "no CMYK profile at $cmyk (libgs-common)"
fi
prepare_out
expect_error "--report the same file as -o" good.json \
  "$work/out/issue.pdf: two outputs of the run would be written there: it is not replaced" \
  --report "$work/out/issue.pdf"

# A FIFO or a device where an output goes is refused, not replaced by a regular file.
prepare_out
mkfifo "$work/out/fifo.pdf"
"$paiban" render good.json -o "$work/out/fifo.pdf" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 1 ] && [ -p "$work/out/fifo.pdf" ] \
   && grep -Fxq "paiban: error: $work/out/fifo.pdf: is a device, FIFO or socket, not a regular file: it is not replaced" "$work/err"; then
  ok "-o a FIFO: refused, the FIFO stays"
else
  not_ok "-o a FIFO: refused, the FIFO stays" "exit $rc" "$(grep error: "$work/err")"
fi
if root_user && mknod "$work/out/null" c 1 3 2>/dev/null; then
  "$paiban" render good.json -o "$work/out/null" 2>"$work/err" >/dev/null
  rc=$?
  if [ $rc -eq 1 ] && [ -c "$work/out/null" ] \
     && grep -Fxq "paiban: error: $work/out/null: is a device, FIFO or socket, not a regular file: it is not replaced" "$work/err"; then
    ok "-o a character device: refused, the device stays"
  else
    not_ok "-o a character device: refused, the device stays" "exit $rc" "$(grep error: "$work/err")"
  fi
else
  skip "-o a character device: refused, the device stays" "needs root to make a device node"
fi

# The output profile is a regular file of bounded size, read without blocking.
mkfifo fifo.icc
expect_error "output profile is a FIFO (does not hang)" good.json \
  'fifo.icc: "fifo.icc" is not a regular file' --output-profile fifo.icc
truncate -s 1G big.icc # sparse
expect_error "limit: output profile size, refused before reading" good.json \
  'big.icc: "big.icc" is larger than 16 MiB' --output-profile big.icc

# A full disk: every write is checked, so the run fails with the system's word for it and the
# previous PDF stays; or, with room enough, the PDF is whole. tmpfs sizes around the PDF's own.
if root_user && mkdir -p "$work/full" && mount -t tmpfs -o size=4k tmpfs "$work/full" 2>/dev/null; then
  umount "$work/full"
  "$paiban" render good.json -o "$work/size.pdf" 2>/dev/null
  size=$(stat -c %s "$work/size.pdf")
  full_failures=0
  problems=()
  for pct in 30 60 90 110 130 150 250; do
    mount -t tmpfs -o size=$((size * pct / 100)) tmpfs "$work/full"
    cp "$work/sentinel" "$work/full/issue.pdf"
    "$paiban" render good.json -o "$work/full/issue.pdf" 2>"$work/err" >/dev/null
    rc=$?
    left=$(cd "$work/full" && ls -A | grep -v '^issue\.pdf$')
    if [ $rc -eq 1 ]; then
      full_failures=$((full_failures + 1))
      grep -Eq "^paiban: error: $work/full/issue\.pdf: cannot write( the PDF)?: No space left on device\$" "$work/err" \
        || problems+=("$pct%: $(grep error: "$work/err")")
      cmp -s "$work/sentinel" "$work/full/issue.pdf" || problems+=("$pct%: the previous PDF was changed")
    elif [ $rc -eq 0 ]; then
      qpdf --check "$work/full/issue.pdf" >/dev/null 2>&1 || problems+=("$pct%: exit 0 with a damaged PDF")
    else
      problems+=("$pct%: exit status $rc")
    fi
    [ -z "$left" ] || problems+=("$pct%: left: $left")
    umount "$work/full"
  done
  [ $full_failures -ge 3 ] || problems+=("only $full_failures of the sizes failed; the disk was not full")
  if [ ${#problems[@]} -eq 0 ]; then ok "full disk (tmpfs of 30–250% of the PDF): a clear error and the old PDF, or a whole PDF"
  else not_ok "full disk (tmpfs of 30–250% of the PDF): a clear error and the old PDF, or a whole PDF" "${problems[@]}"; fi
else
  skip "full disk (tmpfs of 30–250% of the PDF): a clear error and the old PDF, or a whole PDF" "needs root to mount a tmpfs"
fi

# A file size limit (ulimit -f) is a write error with a message, not death by SIGXFSZ.
prepare_out
(ulimit -f 64; exec "$paiban" render good.json -o "$work/out/issue.pdf") 2>"$work/err" >/dev/null
rc=$?
problems=()
[ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
grep -Fxq "paiban: error: $work/out/issue.pdf: cannot write: File too large" "$work/err" \
  || problems+=("got: $(grep error: "$work/err")")
while IFS= read -r p; do [ -n "$p" ] && problems+=("$p"); done < <(output_problems)
if [ ${#problems[@]} -eq 0 ]; then ok "ulimit -f 64: exit 1, \"File too large\", output untouched"
else not_ok "ulimit -f 64: exit 1, \"File too large\", output untouched" "${problems[@]}"; fi

# A 64 KiB stack (ulimit -s): the job and every thread get a stack of their own.
prepare_out
rm -f "$work/out/issue.pdf"
(ulimit -s 64; exec "$paiban" render good.json -o "$work/out/issue.pdf") 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 0 ] && qpdf --check "$work/out/issue.pdf" >/dev/null 2>&1; then ok "ulimit -s 64: renders"
else not_ok "ulimit -s 64: renders" "exit $rc" "$(tail -3 "$work/err")"; fi

# Under an address-space limit (ulimit -v) the fonts' files may not map into memory: the error
# says so, never that a character has no glyph; the output is untouched.
if ldd "$paiban" 2>/dev/null | grep -q libasan; then
  skip "ulimit -v: fonts that cannot be loaded are named" "AddressSanitizer reserves more address space than the limits leave"
else
  problems=()
  font_errors=0
  for kib in 200000 240000 280000 320000; do
    prepare_out
    (ulimit -v $kib; exec "$paiban" render good.json -o "$work/out/issue.pdf") 2>"$work/err" >/dev/null
    rc=$?
    if grep -q "no font has a glyph" "$work/err"; then
      problems+=("ulimit -v $kib: $(grep error: "$work/err")")
    fi
    grep -Eq '^paiban: error: good\.json:[0-9]+:[0-9]+: cannot load the font file [^:]+: out of memory, or the file is damaged$' \
      "$work/err" && font_errors=$((font_errors + 1))
    case $rc in
      0) ;;
      1) while IFS= read -r p; do [ -n "$p" ] && problems+=("ulimit -v $kib: $p"); done < <(output_problems) ;;
      *) problems+=("ulimit -v $kib: exit status $rc" "$(tail -2 "$work/err")") ;;
    esac
  done
  [ $font_errors -ge 1 ] || problems+=("no limit gave \"cannot load the font file\"")
  if [ ${#problems[@]} -eq 0 ]; then ok "ulimit -v: fonts that cannot be loaded are named"
  else not_ok "ulimit -v: fonts that cannot be loaded are named" "${problems[@]}"; fi
fi

# Pango starts threads of its own (its fontconfig setup, a match and a sort for each new font)
# and aborts the process when one cannot start: under a limit on processes (ulimit -u, not
# enforced for root: the runs are made as nobody then) the job fails with a message or renders.
limited () {
  local limit=$1
  shift
  if root_user; then
    setpriv --reuid=65534 --regid=65534 --clear-groups \
      bash -c 'ulimit -u "$0"; exec "$@"' "$limit" "$@"
  else
    (ulimit -u "$limit"; exec "$@")
  fi
}
chmod a+rx "$work" "$work/bad"
if root_user && ! command -v setpriv >/dev/null; then
  skip "ulimit -u: no abort when a thread cannot start" "needs setpriv to run as nobody"
elif ! limited 4096 "$paiban" check good.json >/dev/null 2>&1; then
  skip "ulimit -u: no abort when a thread cannot start" "nobody cannot run this build (its folders are private)"
else
  problems=()
  refused=0
  for limit in 1 2 3 4 5 6 8; do
    prepare_out
    chmod 777 "$work/out"
    limited $limit "$paiban" render good.json -o "$work/out/issue.pdf" --png "$work/out/png" \
      --proof 2>"$work/err" >/dev/null
    rc=$?
    case $rc in
      0) ;;
      1)
        if grep -Eq "^paiban: error: the (fonts cannot be set up|proof's labels cannot be set): only [0-9]+ of [0-9]+ threads could start at once \(.*\)" "$work/err"; then
          refused=$((refused + 1))
        else
          problems+=("ulimit -u $limit: $(grep error: "$work/err")")
        fi
        rm -rf "$work/out/png"
        while IFS= read -r p; do [ -n "$p" ] && problems+=("ulimit -u $limit: $p"); done < <(output_problems)
        ;;
      *) problems+=("ulimit -u $limit: exit status $rc" "$(tail -2 "$work/err")") ;;
    esac
  done
  [ $refused -ge 1 ] || problems+=("no limit was low enough to refuse the job")
  if [ ${#problems[@]} -eq 0 ]; then ok "ulimit -u: no abort when a thread cannot start"
  else not_ok "ulimit -u: no abort when a thread cannot start" "${problems[@]}"; fi
fi
chmod go-rx "$work"

# Renders into one --png folder at once all succeed (no fixed temporary names).
prepare_out
pids=()
for i in $(seq 1 12); do
  "$paiban" render good.json -o "$work/out/c$i.pdf" --png "$work/out/png" 2>/dev/null >/dev/null &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
pngs=$(cd "$work/out/png" && ls -A | tr '\n' ' ')
if [ $failed -eq 0 ] && [ "$pngs" = "page-01.png " ]; then ok "12 renders into one --png folder at once: all succeed"
else not_ok "12 renders into one --png folder at once: all succeed" "$failed failed" "png/: $pngs"; fi

# SIGTERM while the PNGs are written leaves no temporary file.
problems=()
for i in 1 2 3 4 5 6; do
  prepare_out
  "$paiban" render good.json -o "$work/out/issue.pdf" --png "$work/out/png" --dpi 600 2>/dev/null >/dev/null &
  pid=$!
  sleep "0.$((i * 15))"
  kill -TERM $pid 2>/dev/null
  wait $pid 2>/dev/null
  left=$(cd "$work/out" && find . -mindepth 1 ! -name issue.pdf ! -name png ! -name 'page-01.png' | tr '\n' ' ')
  [ -z "$left" ] || problems+=("run $i: left: $left")
done
if [ ${#problems[@]} -eq 0 ]; then ok "SIGTERM during --png: no temporary file left"
else not_ok "SIGTERM during --png: no temporary file left" "${problems[@]}"; fi

# ---- 11. Inputs: opened once, inside the folder, named by what is wrong ----
printf '第一段。\r\r第二段`代码`。\r' > cr.md
sed 's/"body.md"/"cr.md"/' good.json > cr.json
expect_error "CR-only line ends in Markdown: the position counts them" cr.json \
  "cr.md:3:4: story \"lead\": inline code (\`…\`) is not allowed in a body; only paragraphs, # headings, > pull quotes, tables, numbered paragraphs (1. …), **bold**, *楷体* and _emphasis dots_ are"
printf '第一段\t正文。\n' > tab.md
sed 's/"body.md"/"tab.md"/' good.json > tab.json
prepare_out
"$paiban" render tab.json -o "$work/out/issue.pdf" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 0 ]; then ok "a tab in Markdown is white space, not a glyph error"
else not_ok "a tab in Markdown is white space, not a glyph error" "exit $rc" "$(grep error: "$work/err")"; fi
ln -s loop.md loop.md
sed 's/"body.md"/"loop.md"/' good.json > loop.json
expect_error "a symbolic link loop is named as such" loop.json \
  "loop.json:9:20: story \"lead\": \"body_file\": cannot open \"loop.md\": Too many levels of symbolic links"
if root_user; then
  skip "a folder without search permission is named as such" "running as root, which can search any folder"
else
  mkdir locked && cp body.md locked/ && chmod 000 locked
  sed 's|"body.md"|"locked/body.md"|' good.json > locked.json
  expect_error "a folder without search permission is named as such" locked.json \
    "locked.json:9:20: story \"lead\": \"body_file\": cannot open \"locked/body.md\": Permission denied"
  chmod 755 locked
fi
cp syntax.json "$(printf 'bad-\377.json')"
prepare_out
"$paiban" render "$(printf 'bad-\377.json')" -o "$work/out/issue.pdf" --report "$work/r.json" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 1 ] && grep -Fxq 'paiban: error: bad-\xff.json:3:22: Parse error: unexpected string constant "2024-02-19", expected character `,'"'" "$work/err" \
   && python3 -c 'import json, sys; assert json.load(open(sys.argv[1], encoding="utf-8"))["error"].startswith("bad-\\xff.json:3:22")' "$work/r.json"; then
  ok "a file name that is not UTF-8: escaped in the message and the report (valid JSON)"
else
  not_ok "a file name that is not UTF-8: escaped in the message and the report (valid JSON)" "exit $rc" "$(grep error: "$work/err")"
fi
SOURCE_DATE_EPOCH=abc expect_error "SOURCE_DATE_EPOCH that is not a number" good.json \
  'SOURCE_DATE_EPOCH: "abc" is not a number of seconds since 1970'
sed 's/"trim"/"bleed": "200in", "trim"/' tmpl.json > tmpl-bleed.json
sed 's/"tmpl.json"/"tmpl-bleed.json"/' good.json > bleed.json
expect_error "limit: a bleed that makes the print page larger than 200in" bleed.json \
  'tmpl-bleed.json:3:12: template "bad-tests": "bleed" is too large: the print page (trim, bleed and crop marks) would be 408.4in, more than the limit of 200in'

# ---- 12. Messages that say what is wrong ----
sed 's/"headline": "主题"/"headline": “主题”/' good.json > curly.json
expect_error "a typographic quotation mark is named, not given as a byte" curly.json \
  'curly.json:8:19: unexpected character “ (U+201C), a typographic quotation mark: JSON strings are written between straight double quotes (")'
python3 - <<'PY'
s = open("good.json", encoding="utf-8").read()
s = s.replace('"caption": "图片说明"\n        }\n      ]', '"caption": "图片说明"\n        },\n      ]')
open("trailing-comma.json", "w", encoding="utf-8").write(s)
PY
expect_error "a trailing comma is named as such" trailing-comma.json \
  "trailing-comma.json:14:10: trailing comma: JSON allows no ',' after the last element of an array"
sed 's/"date": "2024-02-19"/"date": "2026-02-30"/' good.json > no-day.json
expect_error "a date written YYYY-MM-DD that is no day of the calendar" no-day.json \
  'no-day.json:3:11: the issue: "date" "2026-02-30" is not a day of the calendar: month 02 of 2026 has 28 days'
# Pipe tables md4c does not take for tables (the figures of the 2024 government work report):
# refused at the row that makes them so, never set with their pipes as text.
allowed='is not allowed in a body; only paragraphs, # headings, > pull quotes, tables, numbered paragraphs (1. …), **bold**, *楷体* and _emphasis dots_ are'
table_case () {
  local name=$1 md=$2 message=$3 file
  file=table-$((n + 1))
  printf "%b" "$md" > "$file.md"
  sed "s/\"body.md\"/\"$file.md\"/" good.json > "$file.json"
  expect_error "$name" "$file.json" "$file.md:$message $allowed"
}
table_case "a table header of more cells than its delimiter row (no outer pipes)" \
  '预期目标如下。\n\n指标 | 2023年 | 2024年\n---|---\n国内生产总值增长 | 5.2%% | 5%%左右\n' \
  '3:1: story "lead": a table header with more cells than its delimiter row (|---|)'
table_case "a table delimiter row md4c reads as text, of fewer cells than its header" \
  '预期目标如下。\n\n指标 | 2023年 | 2024年\n--|--\n国内生产总值增长 | 5.2%% | 5%%左右\n' \
  '4:1: story "lead": a table delimiter row (|---|) with fewer cells than its header'
table_case "a table header of more cells than its delimiter row" \
  '| 指标 | 2023年 | 2024年 |\n|---|---:|\n| 国内生产总值增长 | 5.2%% |\n' \
  '1:1: story "lead": a table header with more cells than its delimiter row (|---|)'
table_case "a table with no blank line above it" \
  '预期目标如下。\n| 指标 | 2023年 |\n|---|---:|\n| 国内生产总值增长 | 5.2%% |\n' \
  '2:1: story "lead": a table with no blank line above it (a table'"'"'s header cannot go on a paragraph)'
table_case "a table without its delimiter row" \
  '| 指标 | 2023年 |\n| 国内生产总值增长 | 5.2%% |\n' \
  '2:1: story "lead": a table without its delimiter row (|---|---| under the header)'
# usage_error NAME MESSAGE ARGS...: exit 2 before any work, with the message on stderr.
usage_error () {
  local name=$1 message=$2
  shift 2
  "$paiban" "$@" 2>"$work/err" >/dev/null
  local rc=$?
  if [ $rc -eq 2 ] && grep -Fxq "$message" "$work/err" && ! grep -q '^paiban: loading' "$work/err"; then
    ok "$name"
  else
    not_ok "$name" "exit $rc" "$(head -3 "$work/err")"
  fi
}
usage_error "--dpi without --png is refused, not ignored" \
  "paiban: --dpi is the resolution of the PNG proofs: give --png DIR too" \
  render good.json -o "$work/x.pdf" --dpi 300
usage_error "--dpi 5: refused before the layout, exit 2" \
  "paiban: --dpi takes a resolution from 10 to 1200, not 5" \
  render good.json -o "$work/x.pdf" --png "$work/png" --dpi 5
usage_error "an unknown command is named" 'paiban: unknown command "rendr" (render, check or layout)' \
  rendr good.json
usage_error "an option without its value is incomplete, not unknown" "paiban: incomplete option --report" \
  check good.json --report
usage_error "an unknown option is named" "paiban: unknown option --strikt" check good.json --strikt
expect_error "--report in a missing folder: the error names the report, no temporary name" good.json \
  "/nonexistent/r.json: No such file or directory" --report /nonexistent/r.json

# ---- 13. Every error at once ----
# five-mistakes.json holds five different mistakes: all five are reported in one run, on
# stderr in the order of the file's reading and in the report as fields.
prepare_out
"$paiban" render five-mistakes.json -o "$work/out/issue.pdf" --report "$work/r.json" 2>"$work/err" >/dev/null
rc=$?
problems=()
[ $rc -eq 1 ] || problems+=("exit status $rc, expected 1")
expected_errors='paiban: error: five-mistakes.json:3:11: the issue: "date" "2026-02-30" is not a day of the calendar: month 02 of 2026 has 28 days
paiban: error: five-mistakes.json:8:17: story "lead": "kicker" must be a string, not a number
paiban: error: five-mistakes.json:6:5: story "lead": missing required key "headline"
paiban: error: five-mistakes.json:12:13: story 2: duplicate story id "lead" (the first is at line 6, column 5)
paiban: error: five-mistakes.json:22:20: page 1, item 2: no story "nosuch" in the pool'
[ "$(grep '^paiban: error:' "$work/err")" = "$expected_errors" ] \
  || problems+=("got:" "$(grep '^paiban: error:' "$work/err")")
python3 - "$work/r.json" <<'PY' || problems+=("the report's errors are not the five")
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
got = [(e["code"], e["file"], e["line"], e["column"], e["story"], e["page"]) for e in r["errors"]]
f = "five-mistakes.json"
assert got == [("invalid", f, 3, 11, None, None), ("wrong-type", f, 8, 17, "lead", None),
               ("missing-key", f, 6, 5, "lead", None), ("duplicate", f, 12, 13, None, None),
               ("unknown-story", f, 22, 20, None, 1)], got
assert r["error"] == r["errors"][0]["message"] and r["status"] == "error"
PY
while IFS= read -r p; do [ -n "$p" ] && problems+=("$p"); done < <(output_problems)
if [ ${#problems[@]} -eq 0 ]; then ok "five mistakes: all five reported in one run, on stderr and in the report"
else not_ok "five mistakes: all five reported in one run, on stderr and in the report" "${problems[@]}"; fi

# ---- 14. Strict mode: what a nightly build must not let through ----
python3 - <<'PY'
s = open("good.json", encoding="utf-8").read()
open("typo-key.json", "w", encoding="utf-8").write(
    s.replace('"headline": "主题",', '"kicekr": "引题",\n      "headline": "主题",'))
open("unplaced.json", "w", encoding="utf-8").write(s.replace(
    '"body": "短讯正文。"\n    }\n  ],',
    '"body": "短讯正文。"\n    },\n    {\n      "id": "spare",\n      "headline": "备用稿",\n'
    '      "body": "备用稿正文。"\n    }\n  ],'))
PY
expect_error "a typo'd key fails --fail-on unknown-keys" typo-key.json \
  'typo-key.json:8:7: unknown key "kicekr" in story (strict mode)' --fail-on unknown-keys
expect_error "a story placed on no page fails --fail-on unplaced-stories" unplaced.json \
  'unplaced.json:22:5: story "spare" is placed on no page: no item names it (a story that may stay out is marked "filler": true) (strict mode)' \
  --fail-on unplaced-stories
expect_error "underset fails --fail-on underset" good.json \
  'page 1: 24 grid lines of its items are underset (strict mode)' --fail-on underset
for issue in typo-key.json unplaced.json good.json; do
  "$paiban" check "$issue" 2>/dev/null >/dev/null
  rc1=$?
  "$paiban" check "$issue" --strict 2>"$work/err" >/dev/null
  rc2=$?
  if [ $rc1 -eq 0 ] && [ $rc2 -eq 1 ] && grep -q '(strict mode)$' "$work/err"; then
    ok "$issue: passes without --strict, fails with it"
  else
    not_ok "$issue: passes without --strict, fails with it" "exit $rc1 / $rc2" "$(grep error: "$work/err")"
  fi
done
# A filler may stay out of the plan: not an unplaced story.
sed 's/"id": "spare",/"id": "spare", "filler": true,/' unplaced.json > filler.json
"$paiban" check filler.json --fail-on unplaced-stories 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 0 ] && ! grep -q 'placed on no page' "$work/err"; then ok "a filler on no page is no unplaced story"
else not_ok "a filler on no page is no unplaced story" "exit $rc" "$(cat "$work/err")"; fi
"$paiban" check good.json --fail-on overset,typo 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 1 ] && grep -Fxq 'paiban: error: fail-on: unknown check "typo" (known: unknown-keys, unplaced-stories, overset, underset, low-resolution, fallback-glyphs, lone-lines, all, none)' "$work/err"; then
  ok "--fail-on with an unknown check names it"
else not_ok "--fail-on with an unknown check names it" "exit $rc" "$(cat "$work/err")"; fi

# ---- 15. Fonts: a rare character from the fallback chain, the paper's own fonts ----
# 𪚥 (U+2A6A5, CJK Extension B) is in no Noto CJK font: the template's chain sets it in
# HanaMinB, in a headline and in the body; each use is a warning with its position and in the
# report's fallback_glyphs; --fail-on fallback-glyphs fails on them.
python3 - <<'PY'
import json
s = open("good.json", encoding="utf-8").read()
s = s.replace('"headline": "主题"', '"headline": "张𪚥主题"').replace('"body.md"', '"rare.md"')
open("rare.json", "w", encoding="utf-8").write(s.replace('"tmpl.json"', '"tmpl-rare.json"'))
open("rare.md", "w", encoding="utf-8").write("记者𪚥从有关部门获悉，全省重点项目建设进展顺利。\n")
t = json.load(open("tmpl.json", encoding="utf-8"))
t["styles"]["body"]["fallback"] = ["HanaMinB"]
t["styles"]["headline"]["fallback"] = ["HanaMinB"]
json.dump(t, open("tmpl-rare.json", "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
prepare_out
rm -f "$work/out/issue.pdf"
"$paiban" render rare.json -o "$work/out/issue.pdf" --report "$work/r.json" 2>"$work/err" >/dev/null
rc=$?
problems=()
[ $rc -eq 0 ] || problems+=("exit status $rc")
for w in 'rare.json:8:19: story "lead": U+2A6A5 “𪚥” (headline) is set in the fallback font HanaMinB: Noto Sans CJK SC has no glyph for it' \
         'rare.md:1:3: story "lead": U+2A6A5 “𪚥” (body) is set in the fallback font HanaMinB: Noto Serif CJK SC has no glyph for it'; do
  grep -Fxq "paiban: warning: $w" "$work/err" || problems+=("missing: $w")
done
pdffonts "$work/out/issue.pdf" 2>/dev/null | grep -q '+HanaMinB ' || problems+=("no HanaMinB in the PDF")
python3 - "$work/r.json" <<'PY' || problems+=("the report's fallback_glyphs or fonts")
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
got = [(f["role"], f["file"], f["line"], f["column"], f["codepoint"], f["font"]) for f in r["fallback_glyphs"]]
assert got == [("headline", "rare.json", 8, 19, "U+2A6A5", "HanaMinB"),
               ("body", "rare.md", 1, 3, "U+2A6A5", "HanaMinB")], got
files = {f["family"]: f["file"] for f in r["fonts"]}
assert files["HanaMinB"].endswith("/HanaMinB.ttf"), files
assert [w["code"] for w in r["warnings"]].count("fallback-glyph") == 2, r["warnings"]
PY
if [ ${#problems[@]} -eq 0 ]; then ok "U+2A6A5 in a headline and the body: set in HanaMinB, each use reported"
else not_ok "U+2A6A5 in a headline and the body: set in HanaMinB, each use reported" "${problems[@]}" "$(cat "$work/err")"; fi
expect_error "--fail-on fallback-glyphs fails on them" rare.json \
  'rare.md:1:3: story "lead": U+2A6A5 “𪚥” (body) is set in the fallback font HanaMinB: Noto Serif CJK SC has no glyph for it (strict mode)' \
  --fail-on fallback-glyphs

# The paper's licensed fonts in a folder beside its template ("fonts": ["fonts"]): here URW's
# Nimbus Sans (fonts-urw-base35, which Ghostscript brings), which paiban's fonts.conf does not
# list. Without the folder the family is refused; with it the page renders in it.
mkdir -p house/fonts
cp /usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf house/fonts/
python3 - <<'PY'
import json
t = json.load(open("tmpl.json", encoding="utf-8"))
t["styles"]["headline"]["font"] = "Nimbus Sans"
json.dump(t, open("house/tmpl-nofolder.json", "w", encoding="utf-8"), ensure_ascii=False, indent=2)
t["fonts"] = ["fonts"]
json.dump(t, open("house/tmpl.json", "w", encoding="utf-8"), ensure_ascii=False, indent=2)
s = open("good.json", encoding="utf-8").read().replace('"headline": "主题"', '"headline": "GDP 2024"')
open("house.json", "w", encoding="utf-8").write(s.replace('"tmpl.json"', '"house/tmpl.json"'))
open("house-nofolder.json", "w", encoding="utf-8").write(s.replace('"tmpl.json"', '"house/tmpl-nofolder.json"'))
PY
expect_error "a family in no font folder of paiban is refused, saying where it looked" house-nofolder.json \
  'house/tmpl-nofolder.json:25:15: style "headline": font family "Nimbus Sans" is not among paiban'"'"'s fonts (the packages of fonts/README.md, the template'"'"'s "fonts" folders; the system'"'"'s fonts only with --system-fonts)'
prepare_out
rm -f "$work/out/issue.pdf"
"$paiban" render house.json -o "$work/out/issue.pdf" --report "$work/r.json" 2>"$work/err" >/dev/null
rc=$?
if [ $rc -eq 0 ] && pdffonts "$work/out/issue.pdf" 2>/dev/null | grep -q '+NimbusSans-Bold ' \
   && python3 -c 'import json, sys; f = {x["family"]: x["file"] for x in json.load(open(sys.argv[1]))["fonts"]}; assert f["Nimbus Sans"].endswith("/house/fonts/NimbusSans-Bold.otf"), f' "$work/r.json"; then
  ok "a font from the folder beside the template: the headline set in it, its file in the report"
else
  not_ok "a font from the folder beside the template: the headline set in it, its file in the report" "exit $rc" "$(grep -v warning "$work/err")"
fi

# The page elements (boxes, inset photos, the masthead logo, spot colours).
sed 's/"height": 28/"height": 28, "box": "zigzag"/' good.json > box-style.json
expect_error "an unknown box style" box-style.json \
  'box-style.json:32:32: page 1, item 1: no box style "zigzag" (the styles: "single", "double", "thick-thin", "dots", "wave", "diamonds")'
sed 's/"height": 28/"height": 28, "box": { "style": "double", "inset": 20 }/' good.json > box-inset.json
expect_error "a box inset that leaves the story no line" box-inset.json \
  'box-inset.json:32:62: page 1, item 1, box: "inset" must be an integer from 1 to 4 (at most 4, leaving the story a line)'
sed 's/"height": 28/"height": 2, "box": "single"/' good.json > box-low.json
expect_error "a box on an item too low for its inset" box-low.json \
  'box-low.json:32:31: page 1, item 1: a box needs an item of 3 grid lines or more (its inset above and below the story)'
sed 's/"height": 28/"height": 28, "box": { "color": "朱红" }/' good.json > box-color.json
expect_error "a box colour that is neither #RRGGBB nor a spot colour" box-color.json \
  'box-color.json:32:43: page 1, item 1, box: "color" must be "#RRGGBB" or a spot colour of template "bad-tests", not "朱红"'
sed 's/"height": 28/"height": 28, "inset_photos": [ { "column": 1, "line": 10 } ]/' good.json > inset-extra.json
expect_error "an inset photo the story does not have" inset-extra.json \
  'inset-extra.json:32:41: page 1, item 1: "inset_photos" places 1 photo; the story has 0 after its first'
sed 's/"height": 28/"height": 28, "pull_quotes": [ { "span": 2 } ]/' good.json > quote-extra.json
expect_error "a pull quote the story does not have" quote-extra.json \
  'quote-extra.json:32:40: page 1, item 1: "pull_quotes" sets 1 pull quote; the story'"'"'s body has 0 (> paragraphs)'
sed '0,/"span": 3/s//"span": 1/; s/"height": 28/"height": 28, "box": { "inset": 4 }/' good.json > box-narrow.json
expect_error "a box inset that leaves its columns too narrow" box-narrow.json \
  'box-narrow.json:32:43: page 1, item 1, box: an inset of 4 grid lines inside the box'"'"'s sides leaves its columns 0 characters a line (at least 4)'
sed 's/"date": "2024-02-19",/"date": "2024-02-19", "masthead": { "logo": "body.md" },/' good.json > logo-text.json
expect_error "a masthead logo that is not an image" logo-text.json \
  'logo-text.json:3:47: masthead logo: body.md: not a JPEG or PNG file'
sed 's/"date": "2024-02-19",/"date": "2024-02-19", "masthead": { "logo": "photo.jpg", "logo_color": "朱红" },/; s/"number": 1,/"number": 1, "masthead": true,/' good.json > logo-color.json
expect_error "a logo colour that is neither #RRGGBB nor a spot colour" logo-color.json \
  'logo-color.json:3:74: masthead: "logo_color" must be "#RRGGBB" or a spot colour of template "bad-tests", not "朱红"'
sed 's/"trim"/"spot_colors": { "报头红": { } }, "trim"/' tmpl.json > tmpl-spot.json
sed 's/"tmpl.json"/"tmpl-spot.json"/' good.json > spot-alternate.json
expect_error "a spot colour without its CMYK alternate" spot-alternate.json \
  'tmpl-spot.json:3:20: template "bad-tests", spot colour "报头红": a spot colour needs its CMYK alternate ("cmyk": [C, M, Y, K] in percent) for proofs and presses without its plate'
sed 's/"trim"/"spot_colors": { "报头红": { "cmyk": [0, 100, 100] } }, "trim"/' tmpl.json > tmpl-spot3.json
sed 's/"tmpl.json"/"tmpl-spot3.json"/' good.json > spot-cmyk.json
expect_error "a spot colour's alternate of three numbers" spot-cmyk.json \
  'tmpl-spot3.json:3:38: template "bad-tests", spot colour "报头红": "cmyk" must be four numbers from 0 to 100 (C, M, Y, K in percent)'
sed 's/"trim"/"spot_colors": { "红": { "cmyk": [0, 100, 100, 0] }, "大红": { "cmyk": [0, 100, 100, 0] } }, "trim"/' tmpl.json > tmpl-spot2.json
sed 's/"tmpl.json"/"tmpl-spot2.json"/' good.json > spot-twice.json
expect_error "two spot colours with one alternate" spot-twice.json \
  'tmpl-spot2.json:3:55: template "bad-tests", spot colour "大红": its alternate shows as spot colour "红" does; give it another'
sed 's/"height": 28/"height": 28, "photo": { "group": "column" }/; s/"caption": "图片说明"/"caption": "图片说明" }, { "file": "photo.jpg"/' good.json > group.json
expect_error "an unknown photo group" group.json \
  'group.json:32:45: page 1, item 1: photo "group" must be "row" or "grid", not "column"'

echo "1..$n"
