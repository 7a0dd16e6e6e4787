#!/usr/bin/env bash
# docs/paiban.1 stays in step with the program: every option and environment variable of
# `paiban --help` is documented, the version is the program's, and groff reads the page
# without warnings. Usage: test-manpage.sh PAIBAN_BINARY MANPAGE   (TAP output)
set -u
paiban=$1
page=$2
n=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }

help=$("$paiban" --help)
# The page as text: roff's \- is a plain hyphen-minus here.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$page")

missing=()
for opt in $(grep -oE '(^|[ ,\[])--?[a-z][a-z-]*' <<<"$help" | tr -d ' ,[' | sort -u); do
  grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$text" || missing+=("$opt")
done
if [ ${#missing[@]} -eq 0 ]; then ok "every option of --help is in the man page"
else not_ok "every option of --help is in the man page" "missing: ${missing[*]}"; fi

missing=()
for var in $(grep -oE '\b[A-Z][A-Z_]{3,}\b' <<<"$help" | grep _ | sort -u); do
  grep -q "^\.B $var\$" <<<"$text" || missing+=("$var")
done
if [ ${#missing[@]} -eq 0 ]; then ok "every environment variable of --help has an entry"
else not_ok "every environment variable of --help has an entry" "missing: ${missing[*]}"; fi

for cmd in render check layout; do
  if grep -q "^\.B paiban $cmd\$" <<<"$text" && grep -q "^\.B $cmd\$" <<<"$text"; then
    ok "command $cmd in the synopsis and described"
  else not_ok "command $cmd in the synopsis and described"; fi
done

version=$("$paiban" --version | awk '{print $2}')
th=$(sed -nE 's/^\.TH PAIBAN 1 "[^"]*" "paiban ([^"]*)".*/\1/p' "$page")
if [ -n "$version" ] && [ "$th" = "$version" ]; then ok "man page version is the program's ($version)"
else not_ok "man page version is the program's" "program: $version, page: $th"; fi

statuses=$(grep -oE 'Exit status: [^.]*' <<<"$help" | grep -oE '\b[0-9]\b' | tr '\n' ' ')
documented=$(awk '/^\.SH EXIT STATUS/ {on = 1; next} /^\.SH/ {on = 0} on && prev == ".TP" {print} {prev = $0}' "$page" \
  | grep -oE '^\.B [0-9]$' | awk '{print $2}' | tr '\n' ' ')
if [ -n "$statuses" ] && [ "$statuses" = "$documented" ]; then ok "exit statuses $statuses documented"
else not_ok "exit statuses documented" "help: $statuses, page: $documented"; fi

if command -v groff >/dev/null; then
  warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$page" 2>&1)
  if [ -z "$warnings" ]; then ok "groff reads the page without warnings"
  else not_ok "groff reads the page without warnings" "$warnings"; fi
else
  ok "groff reads the page without warnings # SKIP groff is not installed"
fi
echo "1..$n"
