#!/bin/sh
# Runs the tests CI runs: the CTest suite in build/ on all cores, then the whole suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh), then a bounded fuzzing run
# (scripts/fuzz.sh). Every test that skipped is named at the end, with what it needs.
#   scripts/test.sh [--quick]     --quick: the CTest suite only (about 9 minutes of 24 on 2 cores)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
quick=""
[ "${1:-}" = --quick ] && quick=1
log="$top/build/ctest.log"
cd "$top/build"
# (sh has no pipefail: ctest's status travels through a file)
{
  st=0
  ctest --output-on-failure -j "$(nproc)" 2>&1 || st=$?
  echo $st >"$log.status"
} | tee "$log"
status=$(cat "$log.status")
# A skipped test passes in CTest's count; say loudly which ones did not run, and why they could not.
skipped=$(sed -n 's/^.*Test *#[0-9]*: *\([A-Za-z0-9_]*\) *\.*\*\*\*Skipped.*$/\1/p' "$log")
if [ -n "$skipped" ]; then
  echo
  echo "=================================================================================="
  echo "SKIPPED (not run, so not checked):" $skipped
  for t in $skipped; do
    case "$t" in
      slurm) echo "  slurm: needs root and munge slurmctld slurmd slurm-client (scripts/setup.sh installs them)" ;;
      valgrind) echo "  valgrind: needs valgrind (scripts/setup.sh installs it)" ;;
      format) echo "  format: needs clang-format (scripts/setup.sh installs it)" ;;
      census_phc) echo "  census_phc: needs phc (Debian phcpack; scripts/setup.sh installs it)" ;;
      *) echo "  $t: see its output in $log" ;;
    esac
  done
  echo "=================================================================================="
fi
[ "$status" -eq 0 ] || exit "$status"
[ -z "$quick" ] || exit 0
"$top/scripts/sanitize.sh"
"$top/scripts/fuzz.sh" 60
