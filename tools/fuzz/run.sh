#!/usr/bin/env bash
# Runs each libFuzzer target of gradc for a bounded time (docs/testing.md, "Fuzzing").
#
#   tools/fuzz/run.sh BUILD_DIR SECONDS [FUZZER...]
#
# BUILD_DIR is the fuzz preset's build directory (build/fuzz); SECONDS is the time
# per fuzzer; FUZZER names some of parser_fuzzer and pipeline_fuzzer (default: both).
# For each fuzzer it first replays tools/fuzz/regressions/*.grad, then fuzzes from
# its working corpus, the seeds (tools/fuzz/seeds) and the regressions, with the
# dictionary tools/fuzz/gradc.dict.
#
# Environment:
#   FUZZ_WORK   where corpora, logs and crash artifacts go (default BUILD_DIR/fuzz-work):
#               WORK/NAME/corpus/ (grows from run to run), WORK/NAME/artifacts/
#               (crash-*, leak-*, timeout-*, oom-*), WORK/NAME/fuzz.log
#   FUZZ_JOBS   parallel fuzzing processes per fuzzer (default 1; >1 uses -fork=N)
#   FUZZ_ARGS   extra libFuzzer flags, e.g. "-only_ascii=1" or "-seed=1"
#
# Exits non-zero if any fuzzer crashed, leaked, timed out, ran out of memory or
# failed a property; the last line is "N passed, N failed", counting fuzzers.
set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [FUZZER...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
fuzzers=("$@")
[ ${#fuzzers[@]} -eq 0 ] && fuzzers=(parser_fuzzer pipeline_fuzzer)

here=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-$build/fuzz-work}
jobs=${FUZZ_JOBS:-1}
extra=${FUZZ_ARGS:-}
regressions=()
if [ -d "$here/regressions" ]; then
  shopt -s nullglob
  regressions=("$here"/regressions/*.grad)
  shopt -u nullglob
fi

# Per-input limits: a model of 4 KB compiles in milliseconds; anything near these
# limits is a finding in itself.
common=(-dict="$here/gradc.dict" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
for name in "${fuzzers[@]}"; do
  exe=$build/tools/fuzz/$name
  if [ ! -x "$exe" ]; then
    echo "$name: FAILED: $exe is missing (cmake --preset fuzz && cmake --build --preset fuzz)"
    failed=$((failed + 1))
    continue
  fi
  dir=$work/$name
  mkdir -p "$dir/corpus" "$dir/artifacts"
  log=$dir/fuzz.log
  status=0

  # Replay the saved regressions: each must run cleanly.
  if [ ${#regressions[@]} -gt 0 ]; then
    if ! "$exe" "${common[@]}" -artifact_prefix="$dir/artifacts/" "${regressions[@]}" >"$dir/replay.log" 2>&1; then
      echo "$name: a regression input fails (see $dir/replay.log)"
      status=1
    fi
  fi

  parallel=()
  [ "$jobs" -gt 1 ] && parallel=(-fork="$jobs")
  # Every JIT compile keeps a few bytes alive in LLVM (reachable, not a leak), so
  # libFuzzer's per-input leak check would run LeakSanitizer after every compiled
  # kernel and cut the speed 30-fold. LeakSanitizer still checks at exit.
  [ "$name" = pipeline_fuzzer ] && parallel+=(-detect_leaks=0)
  corpora=("$dir/corpus" "$here/seeds")
  [ -d "$here/regressions" ] && corpora+=("$here/regressions")
  echo "$name: fuzzing for ${seconds}s (log: $log)"
  # shellcheck disable=SC2086
  "$exe" "${common[@]}" "${parallel[@]}" $extra -max_total_time="$seconds" \
    -artifact_prefix="$dir/artifacts/" "${corpora[@]}" >"$log" 2>&1
  rc=$?
  [ $rc -ne 0 ] && status=1

  # Executions: the final stats of a single process, or the last "#N" status line of -fork.
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -z "$runs" ] && runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  echo "$name: ${runs:-?} executions${rate:+ ($rate/s)}, corpus $(ls "$dir/corpus" | wc -l) inputs, exit status $rc"
  if [ $status -ne 0 ]; then
    grep -m3 -E 'ERROR: libFuzzer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error|PROPERTY FAILED|Test unit written' "$log" | sed "s/^/$name:   /"
    echo "$name: FAILED; artifacts in $dir/artifacts/"
    failed=$((failed + 1))
  else
    echo "$name: passed"
    passed=$((passed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
