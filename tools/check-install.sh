#!/usr/bin/env bash
# Checks the installed tree, as a packager stages it: meson install --destdir D, then
#  - every promised file is there (library, header, paiban.pc, program, man page, templates,
#    fonts setup, schemas) and the library exports only paiban_plugin_v1;
#  - a C program built with `pkg-config --cflags --libs paiban` against D renders the example
#    issue to a PDF (through the library's entry point, linked with -lpaiban);
#  - the installed program renders it too: with no help from the environment (its rpath finds
#    the plugin, the plugin finds share/paiban beside itself) and with PAIBAN_DATADIR pointing
#    into D, as the man page documents.
# Usage: tools/check-install.sh [BUILD_DIR]
#   With BUILD_DIR (configured, built, not sanitized) it installs that build without
#   rebuilding, and keeps the build's meson-logs/install-log.txt (what `ninja uninstall`
#   removes) as it was; without, it configures and builds a fresh one in a temporary folder.
# Needs no root: nothing is written outside the temporary folder. TAP output.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
build=${1:-}
log=${build:+$build/meson-logs/install-log.txt}
if [ -n "$log" ] && [ -e "$log" ]; then cp -p "$log" "$work/install-log.txt"; fi
restore_log () {
  [ -n "$log" ] || return 0
  if [ -e "$work/install-log.txt" ]; then cp -p "$work/install-log.txt" "$log"; else rm -f "$log"; fi
}
trap 'restore_log; rm -rf "$work"' EXIT
n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }
check () { local name=$1; shift; if "$@" >"$work/out" 2>&1; then ok "$name"; else not_ok "$name" "$(tail -5 "$work/out")"; fi; }
finish () { echo "1..$n"; exit $failed; }

if [ -z "$build" ]; then
  build=$work/build
  check "configure and build" bash -c \
    "meson setup '$build' '$root' --prefix=/usr/local && meson compile -C '$build'"
  [ $failed -eq 0 ] || finish
fi
dest=$work/dest
check "meson install --destdir" meson install -C "$build" --no-rebuild --destdir "$dest"
[ $failed -eq 0 ] || finish

# Where meson put things, from the build's own options (prefix, libdir, … may be changed).
eval "$(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    if o["name"] in ("prefix", "libdir", "bindir", "includedir", "datadir", "mandir"):
        print("%s=%s" % (o["name"], o["value"]))')"
p=$dest$prefix
under () { case $1 in /*) echo "$dest$1" ;; *) echo "$p/$1" ;; esac; }
lib=$(under "$libdir")
bin=$(under "$bindir")
share=$(under "$datadir")/paiban

for f in "$lib/libpaiban.so.0" "$lib/libpaiban.so" "$(under "$includedir")/paiban/paiban.h" \
         "$lib/pkgconfig/paiban.pc" "$bin/paiban" "$(under "$mandir")/man1/paiban.1" \
         "$share/layouts/tabloid.json" "$share/fonts/fonts.conf" "$share/fonts/README.md" \
         "$share/schemas/issue.schema.json" "$share/schemas/template.schema.json"; do
  check "installed ${f#"$p"/}" test -s "$f"
done
check "installed library exports only paiban_plugin_v1" \
  bash -c "[ \"\$(nm -D --defined-only '$lib/libpaiban.so.0' | awk '{print \$NF}')\" = paiban_plugin_v1 ]"

# A host program built only from what pkg-config says. The .pc file names the final prefix;
# for D, prefix is redefined (every path in it is relative to ${prefix}). pkgconf's
# --define-prefix would guess the prefix two folders above the .pc file, which is wrong for a
# multiarch libdir (lib/x86_64-linux-gnu/pkgconfig).
cat >"$work/host.c" <<'EOF'
#include <paiban/paiban.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  const paiban_plugin_v1_t *pb = paiban_plugin_v1 ();
  if (pb->abi_version != PAIBAN_ABI_VERSION || pb->size < sizeof *pb)
    return 2;
  paiban_job_t *job = pb->job_create ();
  if (pb->job_load_file (job, argv[1]) == PAIBAN_STATUS_SUCCESS
      && pb->job_layout (job) == PAIBAN_STATUS_SUCCESS)
    pb->job_write_pdf (job, argv[2]);
  paiban_status_t status = pb->job_status (job);
  if (status != PAIBAN_STATUS_SUCCESS)
    fprintf (stderr, "%s\n", pb->job_error_message (job));
  pb->job_destroy (job);
  return status == PAIBAN_STATUS_SUCCESS ? 0 : 1;
}
EOF
export PKG_CONFIG_PATH=$lib/pkgconfig
flags=$(pkg-config --define-variable=prefix="$p" --cflags --libs paiban 2>"$work/out")
incdir=$(pkg-config --define-variable=prefix="$p" --variable=includedir paiban)
pclibdir=$(pkg-config --define-variable=prefix="$p" --variable=libdir paiban)
if [ -f "$incdir/paiban/paiban.h" ] && [ -e "$pclibdir/libpaiban.so" ] \
   && [[ $flags == *"-I$incdir"* && $flags == *"-L$pclibdir"* && $flags == *-lpaiban* ]]; then
  ok "pkg-config names the staged header and library"
else
  not_ok "pkg-config names the staged header and library" "flags: $flags" "$(cat "$work/out")"
fi
# shellcheck disable=SC2086  # the flags are words
check "build a host with pkg-config --cflags --libs paiban" \
  cc -std=c11 -Wall -Werror "$work/host.c" -o "$work/host" $flags

# The staged library is not in the loader's path yet: LD_LIBRARY_PATH stands in for ldconfig.
issue=$root/examples/front-page/issue.json
check "the host renders the example" \
  env -u PAIBAN_DATADIR LD_LIBRARY_PATH="$lib" "$work/host" "$issue" "$work/host.pdf"
check "its PDF has one page" bash -c "pdfinfo '$work/host.pdf' | grep -Eq '^Pages: +1$'"

check "installed paiban renders with no environment" \
  env -u PAIBAN_DATADIR -u PAIBAN_PLUGIN -u LD_LIBRARY_PATH \
  "$bin/paiban" render "$issue" -o "$work/cli.pdf"
check "installed paiban renders with PAIBAN_DATADIR=D/…/share/paiban" \
  env -u PAIBAN_PLUGIN PAIBAN_DATADIR="$share" "$bin/paiban" render "$issue" -o "$work/cli2.pdf"
check "host and installed program give the same bytes" \
  bash -c "cmp '$work/host.pdf' '$work/cli.pdf' && cmp '$work/cli.pdf' '$work/cli2.pdf'"
# The program read the staged data, not the source tree: strace shows the template it opened.
if strace -o /dev/null true 2>/dev/null; then
  env -u PAIBAN_DATADIR -u PAIBAN_PLUGIN -u LD_LIBRARY_PATH strace -f -e trace=openat \
    -o "$work/trace" "$bin/paiban" check "$issue" >/dev/null 2>&1
  opened () { grep -F "\"$1\"" "$work/trace" | grep -qv ENOENT; }
  check "installed paiban opened the staged plugin (through its rpath)" \
    opened "$bin/../$libdir/libpaiban.so.0"
  check "installed paiban read the staged template" opened "$share/layouts/tabloid.json"
fi
finish
