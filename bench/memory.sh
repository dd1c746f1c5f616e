#!/bin/bash
# Memory of sgema-run per process against the number of trials: the maximum resident set size
# (GNU time's "Maximum resident set size") of one process without mpirun and of each of two
# processes under mpirun, for m = 1, n = 2 and m = 4, n = 8 with 100 and 100,000 trials, and the
# results file's size. docs/NUMERICS.md ("Memory") explains the figures.
#   bench/memory.sh [BUILD_DIR] [FLUSH_SECONDS]
# The m = 4, n = 8 run of 100,000 trials is 100 ordinary trials and 99,900 that end at t = 0
# (diverge_norm 1e-300): a full trial costs about 10 ms there, and what this measures, the
# memory that grows with the trial count, does not depend on how long a trial integrates.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
flush=${2:-30}
run="$build/sgema-run"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

experiment() { # file m n normal cheap
  {
    printf 'experiment: mem\nseed: 1\ndefaults:\n  m: %s\n  n: %s\n' "$2" "$3"
    [ "$2" -gt 1 ] && printf '  sampling: {stats: generic}\n'
    printf 'runs:\n  - {name: sg, alg: sg, trials: %s}\n' "$4"
    [ "$5" -gt 0 ] &&
      printf '  - {name: cheap, alg: sg, trials: %s, integration: {diverge_norm: 1.0e-300}}\n' "$5"
  } >"$1"
}

rss() { # the "Maximum resident set size" lines of GNU time's -v output, in MiB, comma-separated
  awk -F': ' '/Maximum resident set size/ { printf "%s%.1f", n++ ? ", " : "", $2 / 1024 }' "$1"
}

printf '%-10s %8s  %-12s %-22s %10s\n' "m, n" trials "1 process" "2 processes (each)" "file MiB"
for mn in "1 2" "4 8"; do
  set -- $mn
  for trials in 100 100000; do
    if [ "$1" -eq 1 ] || [ "$trials" -eq 100 ]; then
      experiment "$out/e.yaml" "$1" "$2" "$trials" 0
    else
      experiment "$out/e.yaml" "$1" "$2" 100 $((trials - 100))
    fi
    rm -f "$out"/*.h5
    /usr/bin/time -v -o "$out/t1" "$run" "$out/e.yaml" -o "$out/a.h5" --quiet \
      --flush-seconds "$flush" >/dev/null 2>&1 || echo "run failed: m=$1 n=$2 trials=$trials" >&2
    # Each rank writes its own figure: time's output file named after Open MPI's rank variable.
    mpirun --oversubscribe -np 2 sh -c '/usr/bin/time -v -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' \
      "$out/t2" "$run" "$out/e.yaml" -o "$out/b.h5" --quiet --flush-seconds "$flush" \
      >/dev/null 2>&1 || echo "mpirun failed: m=$1 n=$2 trials=$trials" >&2
    cat "$out"/t2.* >"$out/t2" 2>/dev/null
    size=$(stat -c %s "$out/a.h5" 2>/dev/null || echo 0)
    printf '%-10s %8s  %-12s %-22s %10.1f\n' "$1, $2" "$trials" "$(rss "$out/t1")" \
      "$(rss "$out/t2")" "$(awk -v s="$size" 'BEGIN { print s / 1048576 }')"
  done
done
