#!/bin/bash
# Builds the fuzz harnesses (tests/fuzz) with clang's libFuzzer, AddressSanitizer and UBSan in
# build-fuzz/ and runs each for a bounded time from the committed seed corpus and regressions; prints
# each one's executions and coverage and fails on any crash, leak, timeout or sanitizer finding.
#   scripts/fuzz.sh [TOTAL_SECONDS, default 120] [HARNESS...]
# New inputs go to build-fuzz/fuzz/corpus/<harness>/ (not the repository); a crash leaves its input
# in build-fuzz/fuzz/artifacts/<harness>/: fix the bug, then add the input to
# tests/fuzz/regressions/<harness>/, where CTest replays it on every build.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-fuzz"
total=${1:-120}
shift || true
command -v clang >/dev/null || { echo "fuzz.sh: clang is needed (Debian: clang libclang-rt-14-dev)"; exit 1; }

mkdir -p "$build"
CC=clang cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSGEMA_FUZZ=ON \
  -DSGEMA_SANITIZE=ON -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
harnesses=${*:-$(cd "$top/tests/fuzz/corpus" && ls)}
targets=""
for h in $harnesses; do targets="$targets --target $h"; done
cmake --build "$build" -j "$(nproc)" $targets --target sgema-run --target sgema-trial >"$build/build.log" 2>&1 ||
  { tail -40 "$build/build.log"; exit 1; }

export ASAN_OPTIONS="suppressions=$top/tests/asan.supp:abort_on_error=1:detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:use_tls=0"
work="$build/fuzz"
rm -rf "$work/artifacts"
mkdir -p "$work"
"$top/tests/fuzz/make_data.sh" "$build/sgema-run" "$build/sgema-trial" "$top/tests/fuzz" "$work/data" ||
  { echo "fuzz.sh: cannot make the harnesses' data files"; exit 1; }
export SGEMA_FUZZ_DATA="$work/data"

# Two harnesses at a time (one per core), each for its share of the total time.
n=$(echo $harnesses | wc -w)
jobs=$(nproc)
[ "$jobs" -gt 2 ] && jobs=2
each=$(( total * jobs / n ))
[ "$each" -lt 5 ] && each=5
echo "fuzz.sh: $n harnesses, $each s each, $jobs at a time"

fuzz_one() { # harness
  local h=$1 bin
  bin=$(find "$build" -name "$h" -type f -perm -u+x | head -1)
  mkdir -p "$work/corpus/$h" "$work/artifacts/$h"
  "$bin" "$work/corpus/$h" "$top/tests/fuzz/corpus/$h" "$top/tests/fuzz/regressions/$h" \
    -max_total_time="$each" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$h/" >"$work/$h.log" 2>&1
  echo $? >"$work/$h.status"
}
export -f fuzz_one
export build work top each
printf '%s\n' $harnesses | xargs -P "$jobs" -I{} bash -c 'fuzz_one {}'

status=0
printf '%-26s %10s %8s %8s %8s %8s  %s\n' harness execs exec/s cov ft corpus result
for h in $harnesses; do
  log="$work/$h.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*(cov|ft):' "$log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
  result=ok
  if [ "$(cat "$work/$h.status")" != 0 ] || ls "$work/artifacts/$h" | grep -q .; then
    result="FAILED: see $log and $work/artifacts/$h/"
    status=1
  fi
  printf '%-26s %10s %8s %8s %8s %8s  %s\n' "$h" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
    "${corp:-?}" "$result"
done
[ $status -eq 0 ] || for h in $harnesses; do
  [ "$(cat "$work/$h.status")" = 0 ] || { echo "== $h"; grep -v '^#' "$work/$h.log" | tail -40; }
done
exit $status
