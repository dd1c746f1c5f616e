#!/bin/bash
# The spectrum's columns and the numerics attribute of format 3 (tests/check_spectrum.py against
# h5py: types and shapes, the solver a state length implies, eigenvalues_re[:, 0] = max_real_eig,
# fill values where no spectrum was computed, OpenBLAS at one thread although the environment asks
# for two); sgema-summary's spectrum counts; a resume under other numerics noted; a format-2 file
# still read by sgema-summary, sgema-export and sgema-plot and refused by --resume.
#   test_spectrum.sh SGEMA_RUN SGEMA_SUMMARY SGEMA_EXPORT SGEMA_PLOT SOURCE_DIR WORK_DIR
set -u
RUN=$1
SUM=$2
EXPORT=$3
PLOT=$4
SRC=$5
WORK=$6
PY=/usr/bin/python3
CHECK=$SRC/tests/check_spectrum.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

OPENBLAS_NUM_THREADS=2 $MPIRUN -np 2 "$RUN" "$SRC/tests/runner/spectrum.yaml" -o s.h5 --quiet \
  >run.out 2>&1
check "spectrum.yaml, 2 processes: exit 0" test $? -eq 0
check "datasets, types, shapes, solvers, eigenvalues and numerics against h5py" $PY "$CHECK" file s.h5

"$SUM" --format json s.h5 >s.json
check "summary --format json: exit 0" test $? -eq 0
check "summary: solver counts, fell back and largest error equal h5py's" \
  $PY "$CHECK" summary s.h5 s.json
"$SUM" s.h5 >s.txt
check "summary text: a spectrum line per run" test "$(grep -c '^  spectrum solver: ' s.txt)" -eq 6
check "summary text: the diverged run's trials have no spectrum" \
  grep -q "dense 0, lapack 0, arnoldi 0, none 6; fell back 0; largest abscissa error nan" s.txt

# A resume under other numerics or by another build (here: the file's attributes edited) says so
# and records both.
cp s.h5 other.h5
$PY - other.h5 <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["numerics"] = "blas: another\n"
    f.attrs["program_version"] = "0.0.0 (another)"
PY
$MPIRUN -np 1 "$RUN" "$SRC/tests/runner/spectrum.yaml" -o other.h5 --resume --quiet >other.out 2>&1
check "resume under other numerics: exit 0" test $? -eq 0
check "resume under other numerics: a note" grep -q "note: resumed under other numerics" other.out
check "resume under other numerics: both recorded" \
  $PY -c 'import sys, h5py; t = h5py.File(sys.argv[1], "r").attrs["numerics"]; \
sys.exit(not (t.startswith("blas: another\nresumed with:\nblas: ") and "\nmpi: " in t))' other.h5
check "resume by another build: a note" grep -q "note: resumed under another build" other.out
check "resume by another build: both versions recorded" \
  $PY -c 'import sys, h5py; t = h5py.File(sys.argv[1], "r").attrs["program_version"]; \
sys.exit(not (t.startswith("0.0.0 (another)\nresumed with:\n") and t.count("\n") == 2))' other.h5
check "resume by the same build: flags unchanged" \
  $PY -c 'import sys, h5py; a = [h5py.File(f, "r").attrs["build_flags"] for f in sys.argv[1:]]; \
sys.exit(a[0] != a[1])' s.h5 other.h5

# Format 2 (before the spectrum's columns): read by every analysis tool, refused by --resume.
cp s.h5 v2.h5
$PY "$CHECK" make-v2 v2.h5
"$SUM" v2.h5 >v2.txt 2>v2.err
check "format 2: summary exit 0" test $? -eq 0
check "format 2: summary as for format 3 without the spectrum lines" \
  diff <(grep -v "^  spectrum solver: " s.txt | sed 's/(format 3)/(format N)/;/^file /d') \
  <(sed 's/(format 2)/(format N)/;/^file /d' v2.txt)
"$SUM" --format json v2.h5 >v2.json
check "format 2: summary json, spectrum null" \
  $PY -c 'import sys, json; d = json.load(open(sys.argv[1])); \
sys.exit(not all(r["spectrum"] is None for r in d["runs"]))' v2.json
for run in sg-m1 sg-m8; do
  "$EXPORT" s.h5 --run $run >s.$run.csv && "$EXPORT" v2.h5 --run $run >v2.$run.csv
  check "format 2: export $run exit 0" test $? -eq 0
  # The new columns are the last ones: format 2's CSV is format 3's without them.
  cols=$(head -1 s.$run.csv | tr , '\n' | grep -n '^spectrum_solver$' | cut -d: -f1)
  check "format 2: export $run as format 3's without its last columns" \
    cmp -s <(cut -d, -f1-$((cols - 1)) s.$run.csv) v2.$run.csv
done
"$PLOT" classes v2.h5 -o v2.svg --size 300x200 >plot.out 2>&1
check "format 2: plot classes exit 0, a file" test $? -eq 0 -a -s v2.svg
check "format 2: --resume refused, the versions named" \
  fails_cleanly 1 "has format version 2; this program writes version 3" \
  "$RUN" "$SRC/tests/runner/spectrum.yaml" -o v2.h5 --resume --quiet

finish
