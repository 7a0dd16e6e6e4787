#!/usr/bin/env bash
# valgrind memcheck over the command-line host: the two examples, a layout dump, and failing
# renders that take the error paths (a damaged JPEG abandons libjpeg midway, a damaged PNG,
# strict overset).
# Invalid reads and writes and definite or indirect leaks fail; the libraries' own leaks are in
# tests/valgrind.supp, and "possibly lost" blocks (Pango's interned languages) do not count.
# Skipped without valgrind and in sanitizer builds (valgrind cannot run those).
# Usage: test-valgrind.sh PAIBAN_BINARY SOURCE_ROOT   (TAP output)
set -u
paiban=$1
root=$2
if ! command -v valgrind >/dev/null; then
  echo "1..0 # SKIP valgrind is not installed"
  exit 0
fi
if ldd "$paiban" | grep -q 'libasan\|libubsan'; then
  echo "1..0 # SKIP a sanitizer build: valgrind cannot run it"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
memcheck () {
  local name=$1 want=$2
  shift 2
  n=$((n + 1))
  valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --error-exitcode=99 \
    --suppressions="$root/tests/valgrind.supp" "$paiban" "$@" >"$work/log" 2>&1
  local rc=$?
  if [ $rc -eq "$want" ]; then
    echo "ok $n $name"
  else
    echo "not ok $n $name (exit $rc, expected $want)"
    grep -E '^==[0-9]+== (Invalid|Conditional|.*(definitely|indirectly) lost|   (at|by) 0x)' "$work/log" \
      | head -40 | sed 's/^/# /'
  fi
}
memcheck "example render (PDF and PNG)" 0 render "$root/examples/front-page/issue.json" \
  -o "$work/front.pdf" --png "$work/png" --dpi 20 --report "$work/r.json"
memcheck "eight-page example (print and proof PDF)" 0 render \
  "$root/examples/full-issue/issue.json" -o "$work/full.pdf" --proof-pdf "$work/proof.pdf"
memcheck "layout dump with glyphs" 0 layout "$root/tests/layout/jump.json" --glyphs \
  -o "$work/jump.dump"
memcheck "truncated JPEG" 1 render "$root/tests/data/bad/photo-truncated.json" -o "$work/x.pdf"
memcheck "corrupt PNG" 1 render "$root/tests/data/bad/photo-corrupt.json" -o "$work/x.pdf"
memcheck "overset in strict mode" 1 check "$root/tests/data/bad/overset.json" --strict
echo "1..$n"
