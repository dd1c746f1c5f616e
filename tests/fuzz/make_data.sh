#!/bin/sh
# The files the argv harnesses' inputs name: e.yaml (an experiment), r.h5 (its results, with a
# recorded trajectory) and t.json (a trial record for sgema-trial --input).
#   make_data.sh SGEMA_RUN SGEMA_TRIAL FUZZ_SOURCE_DIR OUT_DIR
set -eu
RUN=$1
TRIAL=$2
SRC=$3
OUT=$4
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$SRC/data/e.yaml" "$OUT/e.yaml"
# One process without mpirun; the sanitizer builds' leak check has nothing to say about this step.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$RUN" "$OUT/e.yaml" -o "$OUT/r.h5" --quiet >/dev/null
"$TRIAL" --alg ema --trial 3 --record 4:20 --json >"$OUT/t.json"
test -s "$OUT/r.h5" && test -s "$OUT/t.json"
