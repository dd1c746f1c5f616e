#!/bin/bash
# `cmake --install` puts every tool in PREFIX/bin, and with that on PATH the commands that
# sgema-export --commands prints run as printed and re-run their trial to the stored end state.
#   test_install.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR
set -u
CMAKE=$1
BUILD=$2
SRC=$3
WORK=$4
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

"$CMAKE" --install "$BUILD" --prefix "$WORK/prefix" >install.out 2>&1
check "cmake --install --prefix: exit 0" test $? -eq 0
for tool in sgema-run sgema-trial sgema-census sgema-bench sgema-summary sgema-sweep sgema-export \
  sgema-plot sgema-match; do
  check "$tool installed and executable" test -x "prefix/bin/$tool"
done

export PATH="$WORK/prefix/bin:/usr/bin:/bin"
check "sgema-trial found on PATH in the prefix" test "$(command -v sgema-trial)" = "$WORK/prefix/bin/sgema-trial"
sgema-run "$SRC/experiments/smoke.yaml" -o r.h5 --quiet >run.out 2>&1
check "installed sgema-run writes a results file" test $? -eq 0
run=sg-m1-n2
sgema-export r.h5 --run "$run" --where 'trial < 3' --commands >commands.sh 2>export.err
check "sgema-export --commands prints 3 lines" test "$(wc -l <commands.sh)" -eq 3
check "the printed commands name plain sgema-trial" grep -q '^sgema-trial ' commands.sh
# Each printed line, run as printed, must give the stored end state: compare the CSV's y_end
# columns with the JSON record's final state through Python (an independent reader).
sgema-export r.h5 --run "$run" --where 'trial < 3' >rows.csv
i=0
ok=1
while IFS= read -r line; do
  sh -c "$line --json" >"trial$i.json" 2>"trial$i.err" || { ok=0; echo "     failed: $line"; }
  i=$((i + 1))
done <commands.sh
check "every printed command runs as printed" test "$ok" -eq 1
/usr/bin/python3 - rows.csv trial0.json trial1.json trial2.json <<'PY' >compare.out 2>&1
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 3 and len(sys.argv[2:]) == 3, "3 rows and 3 records expected"
for row, path in zip(rows, sys.argv[2:]):
    rec = json.load(open(path))
    assert rec["result"]["class"] == row["class"], (path, "class")
    for key in [k for k in row if k.startswith("y_end_")]:
        _, _, block, i, j = key.split("_")
        # exact: both sides print the shortest round-trip decimal of the same double
        assert float(row[key]) == rec["final"][block][int(i)][int(j)], (path, key)
print("ok")
PY
check "the re-run trials end where the file says, bit for bit" grep -qx ok compare.out
finish
