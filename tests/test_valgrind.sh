#!/bin/bash
# Valgrind memcheck on the tools: sgema-trial (SG, EMA, m = 2, a trajectory, a re-run from a record),
# sgema-run with one process and no mpirun (a new file, then --resume of a stopped one) and
# sgema-summary; no invalid access, no use of uninitialised values, no definite leak that is ours
# (tests/valgrind.supp holds Open MPI's), and the same results as without valgrind.
#   test_valgrind.sh SGEMA_TRIAL SGEMA_RUN SGEMA_SUMMARY SOURCE_DIR WORK_DIR    (77: skipped)
set -u
TRIAL=$1
RUN=$2
SUM=$3
SRC=$4
WORK=$5
command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 77; }
# Sanitizer builds cannot run under valgrind (scripts/sanitize.sh excludes this test by label).
if nm -D "$TRIAL" 2>/dev/null | grep -q __asan_init || nm "$TRIAL" 2>/dev/null | grep -q __asan_init; then
  echo "sanitizer build: skipped"
  exit 77
fi
. "$SRC/tests/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
# Open MPI's components stay loaded, so that their frames have names the suppressions can match.
export OMPI_MCA_mca_base_component_disable_dlclose=1 PMIX_MCA_mca_base_component_disable_dlclose=1
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
  --show-leak-kinds=definite --track-origins=yes --num-callers=50 --suppressions=$SRC/tests/valgrind.supp"

# memcheck NAME EXPECTED_STATUS COMMAND...: the command's status under valgrind is the expected one
# (99 is valgrind's own "errors found"), and valgrind printed nothing.
memcheck() {
  local name=$1 want=$2 status
  shift 2
  $VG --log-file="$name.vg" "$@" >"$name.out" 2>"$name.err"
  status=$?
  if [ $status -ne "$want" ] || [ -s "$name.vg" ]; then
    echo "     status $status (expected $want); valgrind said:"
    sed 's/^/     /' "$name.vg" | head -60
    return 1
  fi
}

same_record() { test -s "$1" && cmp -s "$1" "$2"; }

# 1. sgema-trial: records equal to those of the same commands without valgrind (byte for byte).
n=0
while read -r args; do
  n=$((n + 1))
  check "sgema-trial $args: clean" memcheck trial$n 0 $TRIAL $args --json
  $TRIAL $args --json >trial$n.native 2>/dev/null
  check "sgema-trial $args: same record as without valgrind" same_record trial$n.out trial$n.native
done <<'ARGS'
--alg sg --trial 3
--alg ema --trial 5 --record 5:20
--alg ema --m 2 --n 3 --stats generic --trial 4
--alg gd --time discrete --mu 0.05 --nu 0.05 --trial 6
ARGS
check "sgema-trial --input (YAML reader): clean" memcheck input 0 $TRIAL --input trial1.native --json
check "sgema-trial bad options: clean, exit 2" memcheck badopt 2 $TRIAL --alg nope --m 0 --rtol x

# 2. sgema-run, one process without mpirun: a small experiment (SG and EMA at m = 1 with a recorded
# trajectory, SG at m = 2), the same /runs as a run without valgrind.
cat >tiny.yaml <<'YAML'
experiment: valgrind-tiny
seed: 11
defaults:
  trials: 6
  record: {trajectories: 1, points: 11, t_last: 50}
runs:
  - name: "{alg}-m1"
    alg: [sg, ema]
    m: 1
    n: 2
  - name: sg-m2
    alg: sg
    m: 2
    n: 3
    sampling: {stats: generic}
YAML
check "sgema-run tiny.yaml: clean" memcheck run 0 $RUN tiny.yaml -o vg.h5 --quiet
$RUN tiny.yaml -o native.h5 --quiet >/dev/null 2>&1
check "sgema-run: /runs identical to the run without valgrind (h5diff)" h5diff -q vg.h5 native.h5 /runs /runs
check "sgema-run --dry-run: clean" memcheck dry 0 $RUN tiny.yaml --dry-run
check "sgema-run bad experiment: clean, exit 2" memcheck badexp 2 $RUN "$SRC/tests/bad_experiments/$(ls "$SRC/tests/bad_experiments" | head -1)" -o bad.h5
# A file with undone rows (done flags cleared by h5py), completed by --resume under valgrind.
cp native.h5 resume.h5
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  /usr/bin/python3 - <<'PY'
import h5py
with h5py.File("resume.h5", "r+") as f:
    for name in f["runs"]:
        d = f["runs"][name]["done"]
        d[1::2] = 0
    f.attrs["complete"] = 0
PY
  check "sgema-run --resume: clean" memcheck resume 0 $RUN tiny.yaml -o resume.h5 --resume --quiet
  check "sgema-run --resume: /runs identical to the uninterrupted run" h5diff -q resume.h5 native.h5 /runs /runs
fi

# 3. sgema-summary on that file, every format.
for fmt in text csv json markdown; do
  check "sgema-summary --format $fmt: clean" memcheck sum_$fmt 0 $SUM vg.h5 --format $fmt
done
check "sgema-summary on a non-HDF5 file: clean, exit 1" memcheck sumbad 1 $SUM tiny.yaml

finish
