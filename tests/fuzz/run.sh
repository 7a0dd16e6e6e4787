#!/usr/bin/env bash
# Runs one fuzz target for a while on one core, gently (nice), keeping going after crashes:
#   tests/fuzz/run.sh TARGET [SECONDS] [BUILD_DIR]      (TARGET: issue, template, markdown, render, image, cmap)
# Needs a fuzzing build: CC=clang CXX=clang++ meson setup build-fuzz -Dfuzzing=true, then
# meson compile -C build-fuzz
# The growing corpus is kept in BUILD_DIR/fuzz-corpus/TARGET (seeded from tests/fuzz/corpus/TARGET,
# which is only read); crashing inputs land in BUILD_DIR/fuzz-crashes/TARGET/ and the log in
# BUILD_DIR/fuzz-TARGET.log. Replay a crash: BUILD_DIR/tests/fuzz/fuzz-TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS] [BUILD_DIR]}
seconds=${2:-1800}
build=${3:-build-fuzz}
exe=$build/tests/fuzz/fuzz-$target
[ -x "$exe" ] || { echo "no $exe: build with -Dfuzzing=true first (README, \"Fuzzing\")" >&2; exit 2; }
mkdir -p "$build/fuzz-corpus/$target" "$build/fuzz-crashes/$target"
# Full stack unwinding on malloc is ten times slower; only the render target needs it, for
# tests/lsan.supp to recognize the cairo 1.16 PDF leak in stacks through uninstrumented code.
unwind=1
[ "$target" = render ] && unwind=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=$unwind}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
dict=()
[ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
# -fork=1: one worker process; with -ignore_crashes a known crash does not stop the run.
nice -n 10 "$exe" "$build/fuzz-corpus/$target" "tests/fuzz/corpus/$target" \
  "${dict[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$build/fuzz-crashes/$target/" -print_final_stats=1 \
  2>&1 | tee "$build/fuzz-$target.log" | grep -E "^#|crash|ERROR|SUMMARY|INFO: (exiting|fuzzed)" || true
