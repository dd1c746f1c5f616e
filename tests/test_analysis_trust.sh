#!/bin/bash
# The analysis tools and issue 10 ("Trust"): no tool writes over one of its inputs (also through a
# symbolic or hard link); --where refuses deep nesting and huge expressions with a message instead of
# a stack overflow; files whose datasets claim more rows than the run has, or than the file stores,
# are refused at once by every tool; attributes of the wrong type are named as such; the summary of
# a frozen-target EMA run explains the limits with C != A and checks Eq. 6, Eq. 7 and the spheres
# only where they apply (the counts against h5py), an SG run's report unchanged in substance.
#   test_analysis_trust.sh SGEMA_RUN ANALYSIS_DIR SOURCE_DIR WORK_DIR
set -u
RUN=$1
ADIR=$2
SRC=$3
WORK=$4
PY=/usr/bin/python3
. "$SRC/tests/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
$PY -c 'import h5py, numpy' 2>/dev/null || { echo "h5py missing: skipped"; exit 77; }
SUM=$ADIR/sgema-summary
EXP=$ADIR/sgema-export
SWEEP=$ADIR/sgema-sweep
PLOT=$ADIR/sgema-plot

cat >trust.yaml <<'YAML'
experiment: trust
seed: 7
defaults:
  m: 1
  n: 2
  trials: 60
  sampling: {stats: diagonal, rho: [0, 3], tau: [-1, 1], lambda: [0.01, 0.1], sigma: 1, target: copy}
  integration: {t_max: 2000}
runs:
  - name: ema-frozen
    alg: ema
    momentum: {kind: linear, a0: 0.9, a1: 1, T: 300}
  - name: ema-const
    alg: ema
    momentum: {kind: constant, alpha: 0.9}
  - name: sg
    alg: sg
YAML
"$RUN" trust.yaml -o res.h5 --quiet >run.out 2>&1
check "the results file is written" test $? -eq 0
cp res.h5 pristine.h5 # each section starts from it: a tool that overwrote res.h5 fails one section only

# --- 1. never write over an input ------------------------------------------------------------------
sum_of() { md5sum <"$1" | cut -d' ' -f1; }
before=$(sum_of res.h5)
ln -s res.h5 sym.h5
ln res.h5 hard.h5
# refused TOOL... : exit 2, one line saying so, the input byte for byte as before, nothing left next
# to it.
refused() {
  "$@" >out.txt 2>err.txt
  local status=$?
  [ $status -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "refusing to write over" err.txt &&
    [ "$(sum_of res.h5)" = "$before" ] && [ -z "$(ls | grep 'tmp-')" ] ||
    { echo "     status $status: $(head -c 300 err.txt)"; return 1; }
}
check "export -o RESULTS (its input): refused, exit 2, input unchanged" refused "$EXP" res.h5 --run sg -o res.h5
check "export -o ./RESULTS: refused" refused "$EXP" res.h5 --run sg -o ./res.h5
check "export -o a symbolic link to the input: refused" refused "$EXP" res.h5 --run sg -o sym.h5
check "  the link is still a link to it" test "$(readlink sym.h5)" = res.h5
check "export -o a hard link to the input: refused" refused "$EXP" res.h5 --run sg -o hard.h5
check "  the hard link is still the input's inode" test res.h5 -ef hard.h5
check "export --commands -o RESULTS: refused" refused "$EXP" res.h5 --run sg --commands -o res.h5
# Standard output appended to the input (`>> RES.h5`; `>` has truncated it before the tool starts).
appended() {
  "$@" >>res.h5 2>err.txt
  local status=$?
  [ $status -eq 2 ] && grep -q "standard output is the input res.h5: refusing to write over it" err.txt &&
    [ "$(sum_of res.h5)" = "$before" ] || { echo "     status $status: $(head -c 300 err.txt)"; return 1; }
}
check "export >> RESULTS: refused, input unchanged" appended "$EXP" res.h5 --run sg
check "summary >> RESULTS: refused, input unchanged" appended "$SUM" res.h5
check "sweep >> RESULTS: refused, input unchanged" appended "$SWEEP" res.h5
# sgema-plot takes an image name: a results file named like one is still an input.
cp res.h5 res.svg
ln -s res.svg sym.svg
ln res.svg hard.svg
before_svg=$(sum_of res.svg)
plot_refused() {
  "$PLOT" classes res.svg -o "$1" --size 300x200 >out.txt 2>err.txt
  local status=$?
  [ $status -eq 2 ] && grep -q "refusing to write over" err.txt && [ "$(sum_of res.svg)" = "$before_svg" ] &&
    [ -z "$(ls | grep 'tmp-')" ] || { echo "     status $status: $(head -c 300 err.txt)"; return 1; }
}
check "plot classes RES -o RES: refused, exit 2, input unchanged" plot_refused res.svg
check "plot -o a symbolic link to its input: refused" plot_refused sym.svg
check "  the link is still a link" test "$(readlink sym.svg)" = res.svg
check "plot -o a hard link to its input: refused" plot_refused hard.svg
check "  the hard link is still the input's inode" test res.svg -ef hard.svg
check "plot to another file still works" "$PLOT" classes res.svg -o other.svg --size 300x200
check "export to another file still works" "$EXP" res.h5 --run sg -o other.csv

# --- 2. --where: nesting and length bounded --------------------------------------------------------
rm -f res.h5 && cp pristine.h5 res.h5
deep=$($PY -c "print('('*40000+'trial > 1'+')'*40000)")
check "--where 40,000 parentheses deep: exit 2 naming the depth and position (no stack overflow)" \
  fails_cleanly 2 "nested deeper than 100 levels of parentheses and 'not' at character 101" \
  "$EXP" res.h5 --run sg --where "$deep"
check "  the message quotes only the start of the expression" test "$(wc -c <fail.err)" -lt 400
nots=$($PY -c "print('not '*20000+'trial > 1')")
check "--where 'not not not ...' (20,000): exit 2" fails_cleanly 2 "nested deeper than 100" \
  "$EXP" res.h5 --run sg --where "$nots"
long=$($PY -c "print(' or '.join(['trial == %d' % k for k in range(6000)]))")
check "--where longer than 65,536 characters: exit 2" fails_cleanly 2 "more than the 65536 allowed" \
  "$EXP" res.h5 --run sg --where "$long"
# At the bound: 100 levels (parentheses and nots) still work, and select what h5py selects.
ok100=$($PY -c "print('not '*51+'('*49+'trial < 10'+')'*49)")
want=$($PY -c "
import h5py
d = h5py.File('res.h5', 'r')['runs/sg/done'][:]
print(sum(1 for k in range(len(d)) if d[k] == 1 and not (k < 10)))")
"$EXP" res.h5 --run sg --where "$ok100" >deep.csv 2>deep.err
check "--where 100 levels deep: exit 0" test $? -eq 0
check "  the rows h5py selects ($want)" test "$(($(wc -l <deep.csv) - 1))" = "$want"

# --- 3. shapes against the run's trial count and the storage the file holds -----------------------
rm -f res.h5 && cp pristine.h5 res.h5
$PY - <<'PY'
import shutil
import h5py, numpy as np
BIG = 4294967295
def edit(name, fn):
    shutil.copy("res.h5", name)
    with h5py.File(name, "r+") as f:
        fn(f)
def per_trial(g):
    names = []
    g.visititems(lambda n, o: names.append(n)
                 if isinstance(o, h5py.Dataset) and not n.startswith("trajectories") else None)
    return names
def huge(f):  # every per-trial dataset of run sg claims 2^32 - 1 rows, none written
    g = f["runs/sg"]
    g.attrs["trials"] = np.uint32(BIG)
    for n in per_trial(g):
        d = g[n]
        shape, dtype = (BIG,) + d.shape[1:], d.dtype
        del g[n]
        g.create_dataset(n, shape=shape, dtype=dtype, chunks=(1024,) + shape[1:])
def longer(f):  # one dataset with more rows than the run's trials
    g = f["runs/sg"]
    v = g["outputs/delta"][:]
    del g["outputs/delta"]
    g["outputs/delta"] = np.concatenate([v, v])
edit("huge.h5", huge)
edit("longer.h5", longer)
edit("fv-string.h5", lambda f: f.attrs.__setitem__("format_version", "2"))
edit("trials-float.h5", lambda f: f["runs/sg"].attrs.__setitem__("trials", 60.0))
PY
check "the huge-claim file is small (h5py wrote no data)" test "$(wc -c <huge.h5)" -lt 1000000
# quick_refusal FILE PART TOOL ARGS...: exit 1 within 5 s (today's main: 20 s and then a summary of
# fill values, or gigabytes of CSV), one line naming the file and PART, no output file.
quick_refusal() {
  local file=$1 part=$2 start end status
  shift 2
  rm -f out.csv out.svg
  start=$(date +%s%N)
  timeout 60 "$@" >out.txt 2>err.txt
  status=$?
  end=$(date +%s%N)
  local ms=$(((end - start) / 1000000))
  [ $status -eq 1 ] && [ $ms -lt 5000 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -qF "$file" err.txt &&
    grep -qF -- "$part" err.txt && [ ! -e out.csv ] && [ ! -e out.svg ] && [ "$(wc -c <out.txt)" -lt 2000 ] ||
    { echo "     status $status after $ms ms: $(head -c 300 err.txt)"; return 1; }
}
claim="damaged/inconsistent file: /runs/sg/done claims 4294967295 rows"
check "summary: huge claimed extent refused in < 5 s" quick_refusal huge.h5 "$claim" "$SUM" huge.h5
check "export: huge claimed extent refused in < 5 s, no CSV" quick_refusal huge.h5 "$claim" "$EXP" huge.h5 --run sg -o out.csv
check "export to stdout: refused, no rows streamed" quick_refusal huge.h5 "$claim" "$EXP" huge.h5 --run sg
check "sweep: refused in < 5 s" quick_refusal huge.h5 "$claim" "$SWEEP" huge.h5
check "plot: refused in < 5 s, no image" quick_refusal huge.h5 "$claim" "$PLOT" classes huge.h5 -o out.svg --size 300x200
longer="damaged/inconsistent file: /runs/sg/outputs/delta claims 120 rows, run sg has 60 trials"
check "summary: a dataset longer than the run's trials refused" quick_refusal longer.h5 "$longer" "$SUM" longer.h5
check "export (another run): refused the same" quick_refusal longer.h5 "$longer" "$EXP" longer.h5 --run ema-const
check "plot delta: refused the same" quick_refusal longer.h5 "$longer" "$PLOT" delta longer.h5 -o out.svg --size 300x200

# --- 4. attributes of the wrong type ---------------------------------------------------------------
check "format_version stored as a string: says so" fails_cleanly 1 \
  'attribute format_version of the file is the string "2", not an integer' "$SUM" fv-string.h5
check "trials stored as a float: says so" fails_cleanly 1 \
  "attribute trials of /runs/sg is a floating-point number, not an integer" "$EXP" trials-float.h5 --run sg

# --- 5. the EMA summary: C != A explained, the checks only where they apply -------------------------
# The oracle, from the file with h5py: per run the converged limits, the ones with C != A away from
# the origin (|C - A| > sphere_tol max(1, |A|), sphere_tol = 1e-6 in these settings), the sphere
# checks and the Eq. 6 values where they apply.
$PY - >oracle.txt <<'PY'
import h5py, numpy as np
f = h5py.File("res.h5", "r")
for run in ("ema-frozen", "ema-const", "sg"):
    g = f["runs"][run]
    done = g["done"][:] == 1
    end_enum = h5py.check_enum_dtype(g["outputs/end"].dtype)
    cls_enum = h5py.check_enum_dtype(g["outputs/class"].dtype)
    conv = done & (g["outputs/end"][:] == end_enum["converged"])
    origin = g["outputs/class"][:] == cls_enum["origin"]
    cma, an = g["verification/c_minus_a"][:], g["outputs/a_norm"][:]
    c_is_a = cma <= 1e-6 * np.maximum(1.0, an) if g.attrs["alg"] == "ema" else np.ones_like(done)
    applies = conv & (origin | c_is_a)
    agrees = g["outputs/sphere_agrees"][:]
    eq6 = g["verification/eq6"][:]
    eq6_used = applies & ~np.isnan(eq6)
    worst = np.max(np.abs(eq6[eq6_used])) if eq6_used.any() else float("nan")
    print(run, int((conv & ~applies).sum()), int((applies & (agrees != -1)).sum()),
          int((applies & (agrees == 0)).sum()), int(eq6_used.sum()), "%.3g" % worst,
          int((done & (agrees != -1)).sum()), int((done & (agrees == 0)).sum()))
PY
cat oracle.txt
"$SUM" res.h5 >sum.txt 2>sum.err
check "summary: exit 0" test $? -eq 0
"$SUM" res.h5 --format csv >sum.csv
csvget() { awk -F, -v r="\"$1\"" -v q="$2" -v c="$3" '$1 == r && $2 == q { print $c }' sum.csv; }
# The text of one run's section.
section() { awk -v r="== run $1 " 'index($0, r) == 1 { on = 1; print; next } /^== run / { on = 0 } on' sum.txt; }
read -r _ fz_cne fz_app fz_dis fz_eq6 fz_worst fz_all fz_alldis < <(grep '^ema-frozen ' oracle.txt)
read -r _ sg_cne sg_app sg_dis sg_eq6 sg_worst sg_all sg_alldis < <(grep '^sg ' oracle.txt)
check "frozen EMA: the fixture has limits with C != A ($fz_cne) and a raw disagreement ($fz_alldis)" \
  test "$fz_cne" -gt 0 -a "$fz_alldis" -gt 0
check "frozen EMA: C != A limits counted and explained" \
  grep -q "C != A at $fz_cne converged limits, not checked: the frozen-target schedule stopped C short of A: these limits are equilibria off the spheres" <(section ema-frozen)
check "frozen EMA: no unexplained disagreement: $fz_dis of $fz_app where the check applies" \
  grep -qE "sphere and spectrum disagree: $fz_dis of $fz_app limits with sphere_agrees defined \(C = A or origin\)" <(section ema-frozen)
check "frozen EMA: eq6 over the $fz_eq6 limits where Eq. 6 applies" \
  grep -qE "^  eq6 +$fz_eq6 " <(section ema-frozen)
check "frozen EMA csv: c_ne_a = $fz_cne" test "$(csvget ema-frozen c_ne_a 3)" = "$fz_cne"
check "frozen EMA csv: sphere_disagree $fz_dis of $fz_app" \
  test "$(csvget ema-frozen sphere_disagree 3)/$(csvget ema-frozen sphere_disagree 4)" = "$fz_dis/$fz_app"
check "SG: no C != A line" bash -c "! grep -q 'C != A at' <(awk '/^== run sg /,0' sum.txt)"
check "SG: sphere check unchanged: $sg_alldis of $sg_all (every limit with sphere_agrees)" \
  grep -qE "sphere and spectrum disagree: $sg_alldis of $sg_all limits with sphere_agrees defined\$" <(section sg)
check "SG: eq6 count ($sg_eq6) and worst ($sg_worst) as h5py computes them" \
  grep -qE "^  eq6 +$sg_eq6 +[^ ]+ +$sg_worst " <(section sg)
check "SG csv: c_ne_a = 0" test "$(csvget sg c_ne_a 3)" = 0
"$SUM" res.h5 --format json >sum.json
check "json: c_ne_a per run as h5py counts" $PY -c "
import json, sys
runs = {r['name']: r for r in json.load(open('sum.json'))['runs']}
sys.exit(0 if runs['ema-frozen']['c_ne_a'] == $fz_cne and runs['sg']['c_ne_a'] == 0 else 1)"
check "docs/ANALYSIS.md explains C != A at frozen-target limits" grep -q "C != A" "$SRC/docs/ANALYSIS.md"

finish
