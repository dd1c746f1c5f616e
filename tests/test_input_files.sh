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
refused "$TRIAL" "range-input.yaml:1:23: problem.m: '99999999999999999999' is too large: out of the range of a 64-bit integer (must be between 1 and 16)" --input range-input.yaml
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

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
