#!/bin/bash
# sgema-census end to end: the data set is sgema-trial's for the same options; m = 1 gives the
# closed forms of docs/MODEL.md fact 1 (SG and EMA); every equilibrium solves Eq. 6 (numpy); a
# saddle at m = 2 gets input files that reproduce with sgema-trial bit for bit, at least one side
# leaving the saddle; files are never overwritten; runs the census does not take are refused.
#   test_census_cli.sh SGEMA_CENSUS SGEMA_TRIAL SOURCE_DIR WORK_DIR
set -u
CENSUS=$1
TRIAL=$2
SRC=$3
WORK=$4
PY=/usr/bin/python3
CHECK=$SRC/tests/census_cli_check.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

# Exits with status want, its stderr naming the problem.
refused() { # status, message part, command...
  local want=$1 part=$2 status
  shift 2
  "$@" >ref.out 2>ref.err
  status=$?
  [ $status -eq "$want" ] && grep -qF -- "$part" ref.err && [ ! -s ref.out ] ||
    { echo "     status $status: $(cut -c1-300 ref.err)"; return 1; }
}

check "--help: exit 0, lists --write-inputs and the settings" \
  bash -c "'$CENSUS' --help | grep -q -- --write-inputs && '$CENSUS' --help | grep -q -- --rtol"
check "GD refused" refused 2 "GD has no census" "$CENSUS" --alg gd --m 2 --n 3
check "EMA with the default (moving) momentum refused" refused 2 "moving momentum" \
  "$CENSUS" --alg ema --m 2 --n 3
check "EMA with a frozen target refused" refused 2 "frozen target" \
  "$CENSUS" --alg ema --m 2 --n 3 --momentum constant:1
check "m = 5 refused" refused 2 "m <= 4" "$CENSUS" --m 5 --n 6
check "discrete time refused" refused 2 "flow" "$CENSUS" --m 2 --n 3 --time discrete
check "a wrong option is reported as sgema-trial reports it" refused 2 "unknown option '--foo'" \
  "$CENSUS" --foo

# m = 1: the closed forms, with and without --explain, SG and EMA.
for alg in "sg" "ema --momentum constant:0.5"; do
  for stats in "3 2 0.1" "1.5 -0.9 0.05" "2 0.5 0.1"; do
    set -- $stats
    $CENSUS --alg $alg --rho $1 --tau $2 --lambda $3 --json >m1.json 2>m1.err
    check "m = 1 $alg rho $1 tau $2 lambda $3: the closed forms, no counterexample" \
      $PY "$CHECK" m1 m1.json $1 $2 $3 0
    $CENSUS --alg $alg --rho $1 --tau $2 --lambda $3 --json --explain >m1x.json 2>m1.err
    check "m = 1 $alg rho $1 tau $2 lambda $3 --explain: the S1 saddle explained" \
      $PY "$CHECK" m1 m1x.json $1 $2 $3 1
  done
done

# The data set sgema-trial runs, and Eq. 6 for every equilibrium, SG and EMA, m = 2 and 3.
for opts in "--m 2 --n 3 --trial 4" "--m 2 --n 4 --alg ema --momentum constant:0.9 --trial 2" \
  "--m 3 --n 4 --trial 1"; do
  $CENSUS $opts --stats generic --json >c.json
  $TRIAL $opts --stats generic --json >t.json
  check "$opts: the census' data set is sgema-trial's" $PY "$CHECK" same c.json t.json
  check "$opts: every equilibrium solves Eq. 6 / S F(S) = 0 (numpy)" $PY "$CHECK" eq6 c.json
done

# A full-rank saddle at m = 2 (SG trial 1 of --stats generic has one): files, sgema-trial, sides.
mkdir out
SADDLE="--m 2 --n 3 --stats generic --trial 1"
$CENSUS $SADDLE --json --write-inputs out >s.json
check "saddle: one counterexample" \
  $PY -c "import json,sys; c=json.load(open('s.json')); sys.exit(len(c['counterexamples'])!=1 or c['equilibria'][c['counterexamples'][0]['index']]['rank']!=2)"
plus=$(ls out/*-plus.yaml)
minus=$(ls out/*-minus.yaml)
$TRIAL --input "$plus" --json >plus.json
$TRIAL --input "$minus" --json >minus.json
check "saddle: the written inputs reproduce with sgema-trial; one side leaves the saddle" \
  $PY "$CHECK" sides s.json plus.json minus.json
check "--write-inputs to a missing directory refused" \
  bash -c "$CENSUS $SADDLE --write-inputs out2 2>&1 | grep -q 'out2: is not\|not a directory'"
cp "$plus" plus.before
check "an existing file is not overwritten" refused 2 "exists" $CENSUS $SADDLE --write-inputs out
check "... and is unchanged" cmp -s plus.before "$plus"
mkdir out3
$CENSUS $SADDLE --write-inputs out3 --rtol 1e-11 >s3.txt
check "the text names both sgema-trial lines, with the settings given" \
  bash -c "grep -c 'sgema-trial --input out3/.*-eq1-\(plus\|minus\).yaml --rtol 1e-11' s3.txt | grep -qx 2"

finish
