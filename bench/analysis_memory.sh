#!/bin/sh
# Memory of the analysis tools: the maximum resident set size (GNU time's "Maximum resident set
# size") and wall time of sgema-summary, sgema-sweep and sgema-export on a results file of TRIALS
# trials of one SG m = 1, n = 2 run, made here with PROCS processes (or reused with --keep). The
# tools stream their datasets in chunks, so the figures should barely grow with TRIALS; only
# sgema-summary's exact medians hold one column of the done trials (8 bytes per trial).
#   bench/analysis_memory.sh [BUILD_DIR] [TRIALS] [PROCS] [DIR]
# DIR (default a temporary directory, removed afterwards) keeps the results file
# memory-TRIALS.h5 for a later call, which then reuses it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
trials=${2:-10000}
procs=${3:-2}
dir=${4:-}
if [ -z "$dir" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
file="$dir/memory-$trials.h5"
if [ ! -s "$file" ]; then
  cat >"$dir/memory-$trials.yaml" <<EOF
experiment: memory-$trials
seed: 1
description: "bench/analysis_memory.sh: one SG m = 1, n = 2 run of $trials trials."
runs:
  - name: sg-m1-n2
    alg: sg
    trials: $trials
EOF
  t0=$(date +%s)
  mpirun --oversubscribe -np "$procs" "$build/sgema-run" "$dir/memory-$trials.yaml" -o "$file" \
    --quiet >/dev/null 2>&1
  echo "made $file ($trials trials, $procs processes, $(($(date +%s) - t0)) s)"
fi
echo "file: $(du -h "$file" | cut -f1) on disk, $trials trials"

# label command...: one line with the maximum RSS in MiB, the wall time and the output's size.
measure() {
  label=$1
  shift
  # The output goes through wc (an 800 MB CSV need not touch the disk); time measures the tool.
  out=$( (/usr/bin/time -v -o "$dir/time.txt" "$@" 2>"$dir/err.txt" || echo fail >"$dir/failed") |
    wc -c)
  if [ -e "$dir/failed" ]; then
    echo "$label: failed: $(cat "$dir/err.txt")"
    rm -f "$dir/failed"
    return 1
  fi
  awk -v label="$label" -v out="$out" '
    /Maximum resident set size/ { rss = $NF }
    /Elapsed \(wall clock\)/ { wall = $NF }
    END { printf "%-44s max RSS %7.1f MiB   wall %8s   output %10d bytes\n", label, rss / 1024, wall, out }
  ' "$dir/time.txt"
}
measure "sgema-summary" "$build/analysis/sgema-summary" "$file"
measure "sgema-sweep" "$build/analysis/sgema-sweep" "$file"
measure "sgema-export --where 'delta > 0.95' (few)" \
  "$build/analysis/sgema-export" "$file" --run sg-m1-n2 --where 'delta > 0.95'
measure "sgema-export (every trial)" "$build/analysis/sgema-export" "$file" --run sg-m1-n2
measure "sgema-export --commands (every trial)" \
  "$build/analysis/sgema-export" "$file" --run sg-m1-n2 --commands
