#!/bin/bash
# sgema-plot trial (issue 10): one trial of a results file re-integrated with the kernel. Its end
# equals the stored y_end bit for bit and its first state the stored y0, its |A|_F and singular
# values equal numpy's (tests/analysis/check_trial.py, h5py), for SG, EMA, GD, the discrete EMA and
# m = 2; the PNG has the requested size; a file whose stored end the kernel does not reproduce is
# refused (exit 1); bad --trial/--run values are refused with exit 2; no file is left either way.
#   test_plot_trial.sh SGEMA_PLOT SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
PLOT=$1
RUN=$2
SRC=$3
WORK=$4
PY=/usr/bin/python3
CHECK=$SRC/tests/analysis/check_trial.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

$MPIRUN -np 2 "$RUN" "$SRC/experiments/smoke.yaml" -o smoke.h5 --quiet >run.out 2>&1
check "run smoke.yaml: exit 0" test $? -eq 0

png_size() { # file -> "WxH" from the IHDR chunk
  $PY -c 'import sys; from PIL import Image; im = Image.open(sys.argv[1]); print("%dx%d" % im.size, im.format)' "$1"
}
for rk in "sg-m1-n2 3" "ema-m1-n2 0" "gd-m1-n2 5" "ema-discrete 2" "sg-m2-n3-generic 7"; do
  set -- $rk
  rm -f t.png t.csv
  "$PLOT" trial smoke.h5 --run "$1" --trial "$2" -o t.png --data t.csv --size 1000x700 2>err.txt
  check "trial $1 $2: exit 0, silent" test $? -eq 0 -a ! -s err.txt
  check "trial $1 $2: a 1000x700 PNG" test "$(png_size t.png)" = "1000x700 PNG"
  check "trial $1 $2: end bit for bit, y0, |A|_F and singular values equal h5py/numpy" \
    $PY "$CHECK" check t.csv smoke.h5 "$1" "$2"
done
"$PLOT" trial smoke.h5 --run ema-m1-n2 --trial 1 -o big.png --size 3200x2000
check "trial at --size 3200x2000: a 3200x2000 PNG" test "$(png_size big.png)" = "3200x2000 PNG"

refused() { # status, message part, command...
  rm -f out.png out.csv ./*.tmp-*
  fails_cleanly "$@" || return 1
  [ -z "$(ls out.* ./*.tmp-* 2>/dev/null)" ] || { echo "     left: $(ls out.* ./*.tmp-*)"; return 1; }
}
cp smoke.h5 tampered.h5
$PY "$CHECK" tamper tampered.h5 sg-m1-n2 3
check "stored end one ulp off: refused, exit 1" refused 1 "differs from the stored y_end" \
  "$PLOT" trial tampered.h5 --run sg-m1-n2 --trial 3 -o out.png --data out.csv
check "--trial 200 of 200 trials: exit 2" refused 2 "run sg-m1-n2 has trials 0 to 199" \
  "$PLOT" trial smoke.h5 --run sg-m1-n2 --trial 200 -o out.png
check "--trial -1: exit 2" refused 2 "--trial" "$PLOT" trial smoke.h5 --run sg-m1-n2 --trial -1 -o out.png
check "--trial x: exit 2" refused 2 "--trial" "$PLOT" trial smoke.h5 --run sg-m1-n2 --trial x -o out.png
check "no --trial: exit 2" refused 2 "--trial K is needed" "$PLOT" trial smoke.h5 --run sg-m1-n2 -o out.png
check "unknown --run: exit 2" refused 2 "no run named 'nope'" "$PLOT" trial smoke.h5 --run nope --trial 0 -o out.png
check "two runs: exit 2" refused 2 "one --run NAME" "$PLOT" trial smoke.h5 --run sg-m1-n2,gd-m1-n2 --trial 0 -o out.png
check "no --run: exit 2" refused 2 "one --run NAME" "$PLOT" trial smoke.h5 --trial 0 -o out.png
check "--trial with another kind: exit 2" refused 2 "only for KIND trial" \
  "$PLOT" classes smoke.h5 --trial 0 -o out.png

finish
