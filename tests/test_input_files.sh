#!/bin/sh
# Hostile input files given to sgema-run and sgema-trial (issue 10): each is refused with exit 2, a
# message that names the file and what is wrong, and nothing written.
# Usage: test_input_files.sh PATH/TO/sgema-run PATH/TO/sgema-trial
set -u

RUN=${1:?usage: test_input_files.sh PATH/TO/sgema-run PATH/TO/sgema-trial}
TRIAL=${2:?usage: test_input_files.sh PATH/TO/sgema-run PATH/TO/sgema-trial}
# Debian's python, for writing bytes that sh's printf cannot portably write.
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

failures=0
checks=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# refused TOOL FRAGMENT ARG...: exit 2, FRAGMENT on stderr, no results file out.h5, nothing on stdout.
refused() {
  tool=$1 fragment=$2
  shift 2
  checks=$((checks + 1))
  rm -f out.h5
  "$tool" "$@" >out.txt 2>err.txt
  got=$?
  if [ "$got" -ne 2 ]; then
    fail "$(basename "$tool") $*: exit $got, expected 2"
    sed 's/^/    /' err.txt
  elif ! grep -qF -- "$fragment" err.txt; then
    fail "$(basename "$tool") $*: stderr lacks '$fragment':"
    sed 's/^/    /' err.txt
  elif [ -s out.txt ] || [ -e out.h5 ]; then
    fail "$(basename "$tool") $*: wrote output although it refused"
  else
    echo "ok   $(basename "$tool") $*: $fragment"
  fi
}

cat >good.yaml <<'EOF'
experiment: good
seed: 1
runs:
  - {name: a, trials: 2}
EOF

# --- what is not an experiment file at all ------------------------------------------------------
mkdir adir
refused "$RUN" "adir:1:1: is a directory, not an experiment file" adir -o out.h5
refused "$TRIAL" "adir:1:1: is a directory, not a trial input file" --input adir
# A real results file, made here, given back as the experiment.
"$RUN" good.yaml -o results.h5 >/dev/null 2>&1 || fail "sgema-run good.yaml: the results file"
refused "$RUN" "results.h5:1:1: is an HDF5 results file, not an experiment file" results.h5 -o out.h5
refused "$TRIAL" "results.h5:1:1: is an HDF5 results file, not a trial input file" --input results.h5
$PY -c "import sys; sys.stdout.buffer.write(open('good.yaml').read().encode('utf-16'))" >u16.yaml
$PY -c "import sys; sys.stdout.buffer.write(open('good.yaml').read().encode('utf-16-le'))" >u16le.yaml
refused "$RUN" "u16.yaml:1:1: is UTF-16LE text (it starts with a byte order mark), not UTF-8" \
  u16.yaml -o out.h5
refused "$RUN" "u16le.yaml:1:1: is UTF-16LE text (NUL bytes between its letters), not UTF-8" \
  u16le.yaml -o out.h5
printf 'experiment: good\nseed: 1\ndescription: caf\351\nruns:\n  - {name: a, trials: 2}\n' >latin1.yaml
refused "$RUN" "latin1.yaml:3:17: the byte 0xE9 is not valid UTF-8" latin1.yaml -o out.h5

# --- limits --------------------------------------------------------------------------------------
$PY -c "print('experiment: deep\nseed: 1\nruns: ' + '[' * 100000 + ']' * 100000)" >deep.yaml
refused "$RUN" "nested more than 64 levels deep" deep.yaml --dry-run
$PY -c "print('problem: ' + '[' * 100000 + ']' * 100000)" >deep-input.yaml
refused "$TRIAL" "nested more than 64 levels deep (a trial input file needs fewer than 10)" \
  --input deep-input.yaml
$PY -c "
print('experiment: big\nseed: 1\ndescription: \"' + 'x' * 5000000 + '\"\nruns:\n  - {name: a, trials: 2}')" >big.yaml
refused "$RUN" "big.yaml:1:1: is 5000071 bytes: an experiment file may have at most 4194304 bytes" \
  big.yaml -o out.h5
cat >overflow.yaml <<'EOF'
experiment: overflow
seed: 1
runs:
  - {name: a, trials: 2, integration: {max_steps: 18446744073709551616, t_max: 1e-320}}
EOF
refused "$RUN" "runs[0].integration.max_steps: 18446744073709551616 is too large: out of the range of a 64-bit integer (must be between 1 and 9223372036854775807)" overflow.yaml -o out.h5
grep -qF "runs[0].integration.t_max: 1e-320 is too small (subnormal)" err.txt ||
  fail "overflow.yaml: t_max 1e-320 not called too small"
refused "$TRIAL" "--max-steps: '18446744073709551616' is out of range for an integer (too large: must be between 1 and 9223372036854775807)" --max-steps 18446744073709551616
refused "$TRIAL" "--t-max: '1e-320' is out of range for a number (too small: subnormal" --t-max 1e-320
refused "$TRIAL" "--tail-f: '1e-400' is out of range for a number (too small" --tail-f 1e-400
cat >range-input.yaml <<'EOF'
problem: {alg: sg, m: 99999999999999999999, n: 2, lambda: 1e-320, Sxx: 1, Syx: 1}
initial: {A: [[1], [1]], B: [[1, 0], [0, 1]]}
EOF
refused "$TRIAL" "range-input.yaml:1:23: problem.m: '99999999999999999999' is too large: out of the range of a 64-bit integer (must be between 1 and 64)" --input range-input.yaml
grep -qF "range-input.yaml:1:59: problem.lambda: '1e-320' is too small (subnormal)" err.txt ||
  fail "range-input.yaml: lambda 1e-320 not called too small"

# --- derived quantities: refused before the results file exists ---------------------------------
cat >t_last.yaml <<'EOF'
experiment: t_last
seed: 1
runs:
  - {name: a, trials: 2, record: {trajectories: 1, points: 301, t_last: 1e308}}
EOF
refused "$RUN" "t_last.yaml:4:73: runs[0].record.t_last: t_last = 1e+308 with 301 points: the recording times t_last i / 300 overflow a double" t_last.yaml -o out.h5
refused "$TRIAL" "--record: '301:2e307': the recording times T i / 300 overflow a double" --record 301:2e307
refused "$TRIAL" "--record: '1000000': 1000000 points of ema m = 16 n = 32 (2048 values a state) need 15648 MiB" \
  --record 1000000 --alg ema --m 16 --n 32 --t-max 1

# --- the YAML an experiment file may use -----------------------------------------------------------
cat >tags.yaml <<'EOF'
experiment: tags
seed: 1
runs:
  - {name: a, trials: !!str 10}
EOF
refused "$RUN" "tags.yaml:4:23: runs[0].trials: expected an integer, found the string '10' (tagged !!str)" tags.yaml -o out.h5
cat >tagged-input.yaml <<'EOF'
problem: {alg: sg, m: 1, n: 2, lambda: !!str 0.05, Sxx: 1.5, Syx: 0.9}
initial: {A: [[0.3], [-1.2]], B: [[0.1, 0.2], [0.3, 0.4]]}
EOF
refused "$TRIAL" "tagged-input.yaml:1:40: problem.lambda: expected a number" --input tagged-input.yaml
# A merge key in a trial input gives the same record as the file written out.
cat >plain-input.yaml <<'EOF'
problem: {alg: sg, m: 1, n: 2, lambda: 0.05, Sxx: 1.5, Syx: 0.9}
initial: {A: [[0.3], [-1.2]], B: [[0.1, 0.2], [0.3, 0.4]]}
EOF
checks=$((checks + 1))
"$TRIAL" --input plain-input.yaml --json >plain.json 2>&1 || fail "the plain trial input does not run"
cat >merged-input.yaml <<'EOF'
problem:
  <<: &stats {Sxx: 1.5, Syx: 0.9, lambda: 0.05}
  alg: sg
  m: 1
  n: 2
initial: {A: [[0.3], [-1.2]], B: [[0.1, 0.2], [0.3, 0.4]]}
EOF
if "$TRIAL" --input merged-input.yaml --json >merged.json 2>&1 && cmp -s plain.json merged.json; then
  echo "ok   sgema-trial: a merge key in the input gives the same record"
else
  fail "sgema-trial: a merge key in the input gives another record"
fi

# --- the largest dimensions, m = 64 and n = 128 (SGEMA_MAX_M, SGEMA_MAX_N) ------------------------
# Accepted end to end: an experiment file run by sgema-run, sgema-trial's options, and its record
# given back as an input file. A divergence bound below the initial state's size ends each trial at
# t = 0 (class diverged), so that the check takes a second; what it exercises is every buffer of
# the largest state (32768 values), the m x m statistics and the results file's rows.
cat >big.yaml <<'EOF'
experiment: big
seed: 3
runs:
  - {name: "{alg}-m{m}-n{n}", alg: [sg, ema], m: 64, n: 128, trials: 2, sampling: {stats: generic}, integration: {diverge_norm: 1e-3}}
EOF
checks=$((checks + 1))
if "$RUN" big.yaml -o big.h5 >big.txt 2>&1 &&
  "$(dirname "$RUN")/analysis/sgema-summary" big.h5 >big-summary.txt 2>&1 &&
  grep -Eq '^sg-m64-n128 +sg +64 +128 +2/2 ' big-summary.txt &&
  grep -Eq '^ema-m64-n128 +ema +64 +128 +2/2 ' big-summary.txt; then
  echo "ok   sgema-run: m = 64, n = 128 (SG and EMA) run and are stored"
else
  fail "sgema-run: m = 64, n = 128 not run or not stored:"
  sed 's/^/    /' big.txt big-summary.txt
fi
checks=$((checks + 1))
if "$TRIAL" --alg ema --m 64 --n 128 --stats generic --diverge-norm 1e-3 --json >big.json 2>err.txt &&
  "$TRIAL" --input big.json --diverge-norm 1e-3 --json >big-again.json 2>>err.txt &&
  $PY - <<'EOF'; then
import json
r, again = json.load(open("big.json")), json.load(open("big-again.json"))
p = r["problem"]
assert (p["m"], p["n"]) == (64, 128) and len(p["Sxx"]) == 64 and len(p["Sxx"][0]) == 64
for block in ("A", "C"):
    assert len(r["initial"][block]) == 128 and len(r["initial"][block][0]) == 64
assert len(r["initial"]["B"]) == 128 and len(r["initial"]["B"][0]) == 128
assert r["result"]["class"] == "diverged", r["result"]["class"]
assert again["problem"] == p and again["initial"] == r["initial"] and again["final"] == r["final"]
EOF
  echo "ok   sgema-trial: m = 64, n = 128 by options, and its record as --input"
else
  fail "sgema-trial: m = 64, n = 128 by options or as --input: $(cat err.txt)"
fi
# One past them is refused, with the file, line, column and key (or the option).
cat >m65.yaml <<'EOF'
experiment: big
seed: 3
runs:
  - {name: a, trials: 1, m: 65, n: 128}
EOF
refused "$RUN" "m65.yaml:4:29: runs[0].m: 65 is not allowed: must be between 1 and 64" m65.yaml -o out.h5
sed 's/m: 65, n: 128/m: 64, n: 129/' m65.yaml >n129.yaml
refused "$RUN" "n129.yaml:4:36: runs[0].n: 129 is not allowed: must be between 2 and 128" n129.yaml -o out.h5
refused "$TRIAL" "--m: '65' is not allowed: must be between 1 and 64" --m 65 --n 128
refused "$TRIAL" "--n: '129' is not allowed: must be between 2 and 128" --m 64 --n 129
sed 's/"m": 64,/"m": 65,/' big.json >m65.json
refused "$TRIAL" "problem.m: 65 is not allowed: must be between 1 and 64" --input m65.json

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
