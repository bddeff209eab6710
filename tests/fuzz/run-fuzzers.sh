#!/usr/bin/env bash
# Runs each libFuzzer target (tests/fuzz, built by the fuzz preset) for a bounded time and fails on any crash,
# leak, undefined behaviour, timeout or out-of-memory. docs/RELIABILITY.md.
#   tests/fuzz/run-fuzzers.sh [SECONDS per target, default 60] [target ...]
# The checked-in seeds (tests/fuzz/corpus/<target>) are copied into build/fuzz/corpus/<target>, where the fuzzer adds
# what it finds (kept between runs, not checked in); a crashing input goes to build/fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_ingest fuzz_csvinbox fuzz_contract)
bin=build/fuzz/tests/fuzz
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen
failed=()
for t in "${targets[@]}"; do
  if [ ! -x "$bin/$t" ]; then
    echo "fuzz: $bin/$t is not built (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
    exit 2
  fi
  corpus=build/fuzz/corpus/$t
  artifacts=build/fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  cp -n tests/fuzz/corpus/"$t"/* "$corpus"/
  log=build/fuzz/$t.log
  echo "fuzz: $t for $seconds s (corpus $corpus, log $log)"
  # -timeout: one input taking longer is a finding; -rss_limit_mb: so is memory growth beyond 2 GiB.
  if "$bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
    execs=$(awk '/stat::number_of_executed_units/{print $2}' "$log")
    rate=$(awk '/stat::average_exec_per_sec/{print $2}' "$log")
    echo "fuzz: $t clean: $execs executions ($rate/s), corpus $(ls "$corpus" | wc -l) files, crashes 0"
  else
    echo "fuzz: $t FAILED (exit $?); last lines of $log, inputs in $artifacts:" >&2
    tail -n 60 "$log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
