#!/bin/sh
# sgema-trial's command line: every bad input is refused (status, message, no output); good runs
# print parseable records that re-run to the same result. Usage: test_cli.sh PATH/TO/sgema-trial
set -u

BIN=${1:?usage: test_cli.sh PATH/TO/sgema-trial}
# Debian's python: the first python3 on PATH may be another install without the same behaviour.
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

# bad STATUS FRAGMENT ARG...: exits with STATUS, FRAGMENT on stderr, nothing on stdout.
bad() {
  want=$1 fragment=$2
  shift 2
  checks=$((checks + 1))
  "$BIN" "$@" >out.txt 2>err.txt
  got=$?
  if [ "$got" -ne "$want" ]; then
    fail "sgema-trial $*: exit $got, expected $want"
  elif ! grep -qF -- "$fragment" err.txt; then
    fail "sgema-trial $*: stderr lacks '$fragment':"
    sed 's/^/    /' err.txt
  elif [ -s out.txt ]; then
    fail "sgema-trial $*: wrote to stdout on error"
  fi
}

# Which input file the YAML cases below read.
write() {
  cat >"$1"
}

# --- bad numbers ------------------------------------------------------------------------------
bad 2 "--lambda: 'abc' is not a number" --rho 1 --tau 0.5 --lambda abc
bad 2 "--rtol: '1.5x' is not a number" --rtol 1.5x
bad 2 "--rtol: missing value" --rtol ""
bad 2 "--rtol: 'nan' is not allowed" --rtol nan
bad 2 "--t-max: 'inf' is not allowed" --t-max inf
bad 2 "--lambda: '0' is not allowed" --rho 1 --tau 0.5 --lambda 0
bad 2 "--lambda: '-0.1' is not allowed" --rho 1 --tau 0.5 --lambda -0.1
bad 2 "--sigma: '1e999' is out of range" --sigma 1e999
bad 2 "--seed: '-3' is negative" --seed -3
bad 2 "--run: '4294967296' is out of range" --run 4294967296
bad 2 "--trial: '0x10' is not" --trial 0x10
bad 2 "--max-steps: '0' is not allowed" --max-steps 0
bad 2 "--invariant-window: '1' is not allowed" --invariant-window 1
bad 2 "--momentum: '0.9,1' must be 3 comma-separated numbers" --momentum linear:0.9,1
bad 2 "--momentum: 'const' is not one of constant|linear" --momentum const:0.5
bad 2 "A0 and A1 must be in [0, 1]" --momentum linear:0.9,1.5,300
bad 2 "--record: '0' is not allowed" --record 0
bad 2 "--record: '-5' is not allowed" --record 10:-5
bad 2 "--rho-range: '3,1' is not a range" --rho-range 3,1
bad 2 "--tau-range: 'a' is not a number" --tau-range a,1
bad 2 "--tau-range: '1' must be 2 comma-separated numbers" --tau-range 1
bad 2 "--lambda-range: '0' is not allowed" --lambda-range 0,0.1

# --- bad names, options and missing values ---------------------------------------------------
bad 2 "--alg: 'sgd' is not one of sg|ema|gd" --alg sgd
bad 2 "--method: 'euler' is not one of" --method euler
bad 2 "--stats: 'dense' is not one of diagonal|commuting|generic" --stats dense
bad 2 "--time: 'continuous' is not one of flow|discrete" --time continuous
bad 2 "--target: 'clone' is not one of copy|independent" --target clone
bad 2 "--rtol: missing value" --rtol
bad 2 "--rtol: missing value (found option '--atol')" --rtol --atol 1e-9
bad 2 "unknown option '--frobnicate'" --frobnicate
bad 2 "ambiguous option '--lam'" --lam 0.1
bad 2 "unknown option '-x'" -x
bad 2 "--json: takes no value" --json=1
bad 2 "unexpected argument 'stray'" stray
bad 2 "--alg: given more than once" --alg sg --alg ema

# --- dimensions and modes ----------------------------------------------------------------------
bad 2 "--n: 2 is not allowed: must be greater than m = 2" --m 2 --n 2
bad 2 "--m: '0' is not allowed" --m 0
bad 2 "--n: '129' is not allowed" --n 129

# --- the large-state path's settings (issue 12) --------------------------------------------------
bad 2 "--krylov-dim: '0' is not allowed: must be between 1 and 1000" --krylov-dim 0
bad 2 "--krylov-dim: '-2' is not allowed: must be between 1 and 1000" --krylov-dim -2
bad 2 "--preconditioner: 'jacobi' is not one of block|none" --preconditioner jacobi
bad 2 "--spectrum: 'shift-invert' is not one of auto|dense|lapack|arnoldi" --spectrum shift-invert
bad 2 "--eigenvalues: '0' is not allowed: must be between 1 and 16" --eigenvalues 0
bad 2 "--eigenvalues: '17' is not allowed: must be between 1 and 16" --m 8 --n 16 --eigenvalues 17
# SG m = 1, n = 2 has a state of N = 6 (A: 2, B: 4): k = 6 runs, k = 7 is refused.
bad 2 "--eigenvalues: 7 is more than the state length N = 6 of sg m = 1 n = 2" --eigenvalues 7
# A dense spectrum forced where it would not fit 2 GiB (issue 10): refused before any work.
bad 2 "--spectrum: lapack needs 28.0 GiB a process for ema m = 64 n = 128" --alg ema --m 64 --n 128 --spectrum lapack
bad 2 "--spectrum: dense needs" --m 64 --n 128 --spectrum dense
bad 2 "--arnoldi-tol: '1' is not allowed: must be in (0, 1)" --arnoldi-tol 1
bad 2 "--arnoldi-tol: '0' is not allowed: must be in (0, 1)" --arnoldi-tol 0
bad 2 "--arnoldi-restarts: '0' is not allowed" --arnoldi-restarts 0
bad 2 "--lapack-min-n: '0' is not allowed" --lapack-min-n 0
bad 2 "--krylov-min-n: '0' is not allowed" --krylov-min-n 0
checks=$((checks + 1))
"$BIN" --eigenvalues 6 --spectrum dense --json >k6.json 2>err.txt || fail "--eigenvalues 6 (N = 6) refused: $(cat err.txt)"
bad 2 "missing --tau" --rho 1 --lambda 0.1
bad 2 "explicit statistics need m = 1" --rho 1 --tau 0.5 --lambda 0.1 --m 2 --n 3
bad 2 "--condition-delta: Delta is defined for m = 1 only" --condition-delta --m 2 --n 3
bad 2 "--input cannot be combined with --rho" --input x.json --rho 1 --tau 1 --lambda 0.1
bad 2 "--input cannot be combined with --seed" --input x.json --seed 4
bad 2 "x.json:1:1: cannot open" --input x.json

# Every problem is reported, not only the first.
bad 2 "--sigma: '-1' is not allowed" --lambda-range x --sigma -1 --method nope
for fragment in "--lambda-range: 'x' must be 2 comma-separated numbers" "--method: 'nope' is not one of" \
  "3 problems"; do
  grep -qF -- "$fragment" err.txt || fail "collected problems lack '$fragment'"
done

# A computation that cannot succeed is status 1: Delta = tau^2 - 4 rho lambda < 0 on every draw.
# The failed trial's record still goes to stdout (class failed, its status), as sgema-run stores it.
checks=$((checks + 1))
"$BIN" --condition-delta --max-draws 3 --rho-range 2.9,3 --tau-range -0.01,0.01 \
  --lambda-range 0.09,0.1 --json >out.txt 2>err.txt
got=$?
if [ "$got" -ne 1 ] || ! grep -qF "exhausted its draw budget" err.txt ||
  ! grep -qF '"class": "failed"' out.txt || ! grep -qF '"status": "SGEMA_ESAMPLE"' out.txt ||
  ! grep -qF '"draws": 3' out.txt; then
  fail "exhausted draw budget: exit $got, expected 1, a failed record with its status"
fi

# --- bad input files ---------------------------------------------------------------------------
write shape.yaml <<'EOF'
problem:
  alg: sg
  m: 1
  Sxx:
  - [1, 2]
EOF
bad 2 "shape.yaml:5:3: problem.Sxx: expected 1 x 1 matrix" --input shape.yaml
bad 2 "shape.yaml:2:3: problem.n: missing" --input shape.yaml
grep -qF "shape.yaml:1:1: initial: missing" err.txt || fail "shape.yaml: missing initial not reported"

write keys.yaml <<'EOF'
problem:
  alg: sg
  m: 1
  n: 2
  lambda: 0.05x
  Sxx: 1.5
  Syx: [[0.9]]
  Sxy: [[0.9]]
  m: 1
initial:
  A: [[0.3], [-1.2]]
  B: [[0.1, 0.2], [0.3, 0.4]]
  C: [[0.3], [-1.2]]
results: {}
EOF
bad 2 "keys.yaml:5:11: problem.lambda: '0.05x' is not a number" --input keys.yaml
for fragment in "keys.yaml:8:3: problem.Sxy: unknown key" "keys.yaml:9:3: problem.m: duplicate key" \
  "keys.yaml:14:1: results: unknown key"; do
  grep -qF -- "$fragment" err.txt || fail "keys.yaml problems lack '$fragment'"
done

write types.yaml <<'EOF'
problem: {alg: sg, m: 1, n: 2, lambda: "0.05", Sxx: [[1]], Syx: [[null]]}
initial: {A: [[1], [1]], B: [[1, 0], [0, 1]], C: [[1], [1]]}
EOF
bad 2 "types.yaml:1:40: problem.lambda: expected a number" --input types.yaml
grep -qF "problem.Syx[0][0]: 'null' is not a number" err.txt || fail "types.yaml: null accepted"
grep -qF "initial.C: only the ema algorithm" err.txt || fail "types.yaml: C accepted for sg"

printf 'problem: {alg: sg\n' >syntax.yaml
bad 2 "syntax.yaml:2:1: YAML syntax error" --input syntax.yaml
: >empty.yaml
bad 2 "empty.yaml: empty file" --input empty.yaml

write singular.yaml <<'EOF'
problem: {alg: ema, m: 1, n: 2, lambda: 0.05, Sxx: 0, Syx: 1}
initial: {A: [[1], [1]], B: [[1, 0], [0, 1]]}
EOF
bad 2 "problem.Sxx: singular" --input singular.yaml

# --- good runs ---------------------------------------------------------------------------------
checks=$((checks + 1))
"$BIN" --help >help.txt 2>err.txt || fail "--help exited non-zero"
for opt in --seed --run --trial --rho --tau --lambda --input --alg --m --n --time --mu --nu \
  --momentum --stats --rho-range --tau-range --lambda-range --sigma --condition-delta --target \
  --max-draws --method --rtol --atol --h0 --t-max --max-steps --f-tol --diverge-norm --origin-tol \
  --rank-tol --saddle-tol --symmetry-tol --sphere-tol --invariant-window --record --json \
  --compact --help --version; do
  grep -qF -- "$opt" help.txt || fail "--help does not mention $opt"
done
"$BIN" --version | grep -q '^sgema-trial (sgema) [0-9]' || fail "--version"
# The version names the commit the binary was built from, even when CMake last configured at an
# older one (the stamp is rewritten at build time): checked where the sources are a git clone.
SRC=$(dirname "$0")/..
if commit=$(git -C "$SRC" describe --always --dirty 2>/dev/null); then
  checks=$((checks + 1))
  "$BIN" --version | grep -qF "($commit)" || fail "--version does not name the build's commit $commit"
fi

# json_check FILE: parses, and the class is one of the six.
json_check() {
  $PY - "$1" <<'EOF' || fail "record $1 is not valid"
import json, sys
r = json.load(open(sys.argv[1]))
classes = {"origin", "stable", "saddle", "partial", "not_converged", "diverged"}
assert r["result"]["class"] in classes, r["result"]["class"]
for key in ("program", "version", "settings", "trial", "problem", "initial", "final", "result",
            "verification"):
    assert key in r, key
EOF
}

# round_trip FILE1 FILE2: the re-run from FILE1's record ends where FILE1 did, in the same class.
round_trip() {
  $PY - "$1" "$2" <<'EOF' || fail "round trip $1 -> $2 differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["problem"] == b["problem"], "problem"
assert a["initial"] == b["initial"], "initial"
assert a["final"] == b["final"], "final"
assert a["result"]["class"] == b["result"]["class"], "class"
assert b["trial"] == {"seed": None, "run": None, "trial": None, "draws": 0}, b["trial"]
EOF
}

run_good() {
  name=$1
  shift
  checks=$((checks + 1))
  if ! "$BIN" "$@" --json >"$name.json" 2>err.txt; then
    fail "sgema-trial $* --json failed: $(cat err.txt)"
    return
  fi
  json_check "$name.json"
  if ! "$BIN" --input "$name.json" --json >"$name.rerun.json" 2>err.txt; then
    fail "sgema-trial --input $name.json failed: $(cat err.txt)"
    return
  fi
  round_trip "$name.json" "$name.rerun.json"
}

run_good sg --alg sg --trial 3
run_good ema --alg ema --trial 5
run_good gd --alg gd --trial 2
run_good ema_independent --alg ema --target independent --momentum constant:0.95 --trial 1
run_good generic --alg ema --m 2 --n 3 --stats generic --trial 4
run_good explicit --rho 1.5 --tau -0.9 --lambda 0.05 --alg ema
run_good discrete --time discrete --mu 0.05 --nu 0.05 --trial 6

# Every settings flag lands in its field (odd values, so that no default passes by coincidence).
checks=$((checks + 1))
"$BIN" --alg ema --m 1 --n 3 --time flow --mu 0.0213 --nu 0.0317 --momentum linear:0.81,0.993,157 \
  --stats commuting --rho-range 0.53,2.47 --tau-range -0.61,0.73 --lambda-range 0.023,0.087 \
  --sigma 0.77 --condition-delta --max-draws 777 --target independent --method rk8pd \
  --rtol 2.5e-9 --atol 3.5e-11 --h0 0.0023 --t-max 12345 --max-steps 54321 --f-tol 2.7e-9 \
  --diverge-norm 1.3e9 --tail-f 3.3e-7 --tail-rtol 4.3e-4 --stiff-ratio 2.9 \
  --krylov-dim 17 --preconditioner none --krylov-min-n 33 \
  --origin-tol 2.1e-6 --rank-tol 3.1e-6 --saddle-tol 4.1e-6 --symmetry-tol 5.1e-9 --sphere-tol 6.1e-6 \
  --spectrum lapack --eigenvalues 3 --arnoldi-tol 3.7e-8 --arnoldi-restarts 71 --lapack-min-n 19 \
  --invariant-window 513 --seed 11 --run 12 --trial 13 \
  --json >settings.json 2>err.txt || fail "settings run: $(cat err.txt)"
$PY - <<'EOF' || fail "settings flags do not land in the record"
import json
r = json.load(open("settings.json"))
s = r["settings"]
want = {"alg": "ema", "m": 1, "n": 3, "time": "flow", "mu": 0.0213, "nu": 0.0317,
        "momentum": {"kind": "linear", "a0": 0.81, "a1": 0.993, "T": 157},
        "invariant_window": 513}
for k, v in want.items():
    assert s[k] == v, (k, s[k])
assert s["sampling"] == {"stats": "commuting", "rho": [0.53, 2.47], "tau": [-0.61, 0.73],
                         "lambda": [0.023, 0.087], "sigma": 0.77, "condition_delta": True,
                         "max_draws": 777, "target": "independent"}, s["sampling"]
assert s["integration"] == {"method": "rk8pd", "rtol": 2.5e-9, "atol": 3.5e-11, "h0": 0.0023,
                            "t_max": 12345, "max_steps": 54321, "f_tol": 2.7e-9,
                            "diverge_norm": 1.3e9, "tail_f": 3.3e-7, "tail_rtol": 4.3e-4,
                            "stiff_ratio": 2.9, "krylov_dim": 17, "preconditioner": "none",
                            "krylov_min_n": 33}, s["integration"]
assert s["classification"] == {"origin_tol": 2.1e-6, "rank_tol": 3.1e-6, "saddle_tol": 4.1e-6,
                               "symmetry_tol": 5.1e-9, "sphere_tol": 6.1e-6, "spectrum": "lapack",
                               "eigenvalues": 3, "arnoldi_tol": 3.7e-8, "arnoldi_restarts": 71,
                               "lapack_min_n": 19}, s["classification"]
assert r["trial"]["seed"] == 11 and r["trial"]["run"] == 12 and r["trial"]["trial"] == 13
assert r["problem"]["momentum"] == s["momentum"] and r["problem"]["n"] == 3
assert r["initial"]["C"] != r["initial"]["A"], "independent target"
EOF

# The settings of the original run still apply (and must be repeated) with --input.
checks=$((checks + 1))
"$BIN" --input sg.json --alg ema >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -qF "conflicts with alg sg" err.txt || fail "--input with another --alg"

# --compact: one line; --record: that many points.
checks=$((checks + 1))
"$BIN" --compact --record 5:20 >compact.json || fail "--compact --record failed"
[ "$(wc -l <compact.json)" -eq 1 ] || fail "--compact printed more than one line"
$PY -c 'import json,sys; r=json.load(sys.stdin); assert len(r["trajectory"]) == 5' <compact.json ||
  fail "--record 5:20 did not record 5 points"

# A hand-written YAML without Syy gets the default Syy = Syx^2 / Sxx + Sxx (m = 1).
write hand.yaml <<'EOF'
# m = 1 SG with Delta > 0
problem:
  alg: sg
  m: 1
  n: 2
  lambda: 0.05
  Sxx: 1.5
  Syx: [[0.9]]
initial:
  A: [[0.3], [-1.2]]
  B:
    - [0.1, 0.2]
    - [0.3, 0.4]
EOF
checks=$((checks + 1))
"$BIN" --input hand.yaml --json >hand.json 2>err.txt || fail "hand.yaml: $(cat err.txt)"
json_check hand.json
$PY -c '
import json, sys
r = json.load(sys.stdin)
assert abs(r["problem"]["Syy"][0][0] - (0.9 ** 2 / 1.5 + 1.5)) < 1e-14, r["problem"]["Syy"]
' <hand.json || fail "hand.yaml: default Syy"

# The readable text names the class too.
checks=$((checks + 1))
"$BIN" --trial 3 | grep -Eq '^  class +: (origin|stable|saddle|partial|not_converged|diverged)$' ||
  fail "text output lacks the class line"

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
