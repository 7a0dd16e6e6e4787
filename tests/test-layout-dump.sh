#!/usr/bin/env bash
# The layout dump against its goldens: each case of tests/layout/cases.list is laid out with
# `paiban layout` and the text compared with tests/layout/NAME.dump; a difference is shown (its
# first 40 lines). Also: every case file has its line in the list and every golden its case;
# the dump is the same on standard output as with -o, from another working directory, with one
# thread; misuse and failures leave no dump.
# Usage: test-layout-dump.sh PAIBAN_BINARY SOURCE_ROOT             (TAP output)
#        test-layout-dump.sh PAIBAN_BINARY SOURCE_ROOT --update    (rewrites the goldens)
set -u
paiban=$1
root=$(cd "$2" && pwd)
case $paiban in /*) ;; *) paiban=$PWD/$paiban ;; esac
dir=$root/tests/layout
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }

# The cases, one a line: NAME ISSUE [OPTION].
cases () { grep -vE '^[[:space:]]*(#|$)' "$dir/cases.list"; }

if [ "${3:-}" = --update ]; then
  status=0
  while read -r name issue opts; do
    # shellcheck disable=SC2086 # the options are words
    if "$paiban" layout "$root/$issue" $opts -o "$dir/$name.dump" </dev/null 2>"$work/err"; then
      echo "wrote tests/layout/$name.dump"
    else
      echo "$name: paiban layout failed:"; cat "$work/err"; status=1
    fi
  done < <(cases)
  exit $status
fi

# The golden and the dump made now, or the first 40 lines of their difference.
compare () {
  local what=$1 golden=$2 got=$3
  if cmp -s "$golden" "$got"; then ok "$what"; return; fi
  mapfile -t lines < <(diff -u "$golden" "$got" 2>&1 | head -n 40)
  not_ok "$what" "${lines[@]}"
}

while read -r name issue opts; do
  # shellcheck disable=SC2086
  "$paiban" layout "$root/$issue" $opts -o "$work/$name.dump" </dev/null 2>"$work/err"
  rc=$?
  if [ $rc -ne 0 ]; then
    mapfile -t tail < <(tail -n 5 "$work/err")
    not_ok "$name: paiban layout exits 0" "exit status $rc" "${tail[@]}"
    continue
  fi
  compare "$name: the dump equals tests/layout/$name.dump" "$dir/$name.dump" "$work/$name.dump"
done < <(cases)

# Every file of tests/layout matching GLOB is in column COLUMN of the list, named as
# PREFIX + its name less SUFFIX.
each_listed () {
  local what=$1 column=$2 glob=$3 prefix=$4 suffix=$5 known f missing=()
  known=$(cases | awk -v c="$column" '{print $c}')
  for f in "$dir"/$glob; do
    grep -qxF "$prefix$(basename "$f" "$suffix")" <<<"$known" || missing+=("$(basename "$f")")
  done
  if [ ${#missing[@]} -eq 0 ]; then ok "$what"
  else not_ok "$what" "not in cases.list: ${missing[*]}"; fi
}
each_listed "every issue in tests/layout is a case" 2 '*.json' tests/layout/ ''
each_listed "every golden has its case" 1 '*.dump' '' .dump

# Standard output, a relative path from the issue's folder: the same text, the warnings naming
# the issue file alike.
(cd "$dir" && "$paiban" layout headline-too-big.json --glyphs) >"$work/stdout.dump" 2>/dev/null
compare "standard output, relative path: the same dump" "$dir/headline-too-big.dump" \
  "$work/stdout.dump"
PAIBAN_THREADS=1 "$paiban" layout "$root/examples/full-issue/issue.json" \
  -o "$work/one-thread.dump" 2>/dev/null
compare "one thread: the same dump" "$dir/full-issue.dump" "$work/one-thread.dump"

"$paiban" check "$dir/jump.json" --glyphs 2>/dev/null
rc=$?
if [ $rc -eq 2 ]; then ok "--glyphs without layout: usage error"; else not_ok "--glyphs without layout: usage error" "exit status $rc"; fi

echo "an older dump" >"$work/keep.dump"
cp "$work/keep.dump" "$work/before.dump"
"$paiban" layout "$work/missing.json" -o "$work/keep.dump" 2>/dev/null
rc=$?
if [ $rc -eq 1 ] && cmp -s "$work/keep.dump" "$work/before.dump"; then
  ok "a failed layout exits 1 and leaves -o as it was"
else
  not_ok "a failed layout exits 1 and leaves -o as it was" "exit status $rc"
fi
"$paiban" layout "$dir/jump.json" -o "$work/no/such/folder/x.dump" 2>"$work/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "no/such/folder/x.dump" "$work/err"; then
  ok "an -o that cannot be written: exit 1, the file named"
else
  not_ok "an -o that cannot be written: exit 1, the file named" "exit status $rc" "$(cat "$work/err")"
fi
echo "1..$n"
