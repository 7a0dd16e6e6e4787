#!/usr/bin/env bash
# Quick start, step 2: install the dependencies, then build and run the test suite twice: a
# normal build and one under AddressSanitizer + UndefinedBehaviorSanitizer. Ends with the line
# "N passed, N failed" counting every test case of both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh || exit 1

status=0
run_suite () {
  local dir=$1; shift
  if [ ! -d "$dir" ]; then
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  meson compile -C "$dir" >/dev/null || return 1
  meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
}

# Leaks are checked by valgrind (tests/test-valgrind.sh, in the normal build), not by
# LeakSanitizer: under load LeakSanitizer's own thread tracer crashes now and then on this
# platform ("Tracer caught signal 11 … LeakSanitizer has encountered a fatal error"), which
# would fail a run for nothing paiban did. ASan's memory errors and UBSan stay fatal.
# Set PAIBAN_LSAN=1 to run LeakSanitizer anyway.
if [ "${PAIBAN_LSAN:-0}" = 1 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0
else
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
fi
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite build || status=1
run_suite build-sanitize -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug || status=1

python3 tools/count-tests.py build/meson-logs/testlog.json build-sanitize/meson-logs/testlog.json
rc=$?
[ $status -eq 0 ] && [ $rc -eq 0 ]
