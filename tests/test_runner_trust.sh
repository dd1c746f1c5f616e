#!/bin/bash
# sgema-run's items of issue 10 ("Trust"): output paths that are the input, a directory or empty,
# a resume of a missing file and a run named twice are refused in one line with nothing written;
# a kill at any moment of a file's creation leaves nothing that both --resume and a re-run refuse;
# done flags other than 0/1 are refused and done rows holding fill values or NaN are computed
# again; SIGUSR1 abandons slow trials within seconds, with a heartbeat while they run, and the
# resumed file equals an uninterrupted one; --dry-run estimates the cost from timed trials and
# writes nothing; a resume compares the resolved runs (a comment or a key order does not matter,
# a changed setting is refused by name) and more trials extend a file to what a fresh run of the
# larger count writes.
#   test_runner_trust.sh SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
RUN=$1
SRC=$2
WORK=$3
PY=/usr/bin/python3
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
T=$SRC/tests/runner

same_runs() { h5diff -q "$1" "$2" /runs /runs; }
nothing_new() { # the directory holds exactly the files listed
  [ "$(ls -A | sort | tr '\n' ' ')" = "$* " ] || { echo "     files: $(ls -A | tr '\n' ' ')"; return 1; }
}

# ---- 1. Output paths and run lists ---------------------------------------------------------------
mkdir d
cp "$SRC/experiments/smoke.yaml" exp.yaml
ln -s exp.yaml sym.yaml
ln exp.yaml hard.yaml
sum_before=$(md5sum exp.yaml)
check "-o EXP.yaml: exit 2, says it is the experiment file" \
  fails_cleanly 2 "exp.yaml: is the experiment file exp.yaml itself" "$RUN" exp.yaml -o exp.yaml
check "-o a symbolic link to EXP.yaml: refused the same way" \
  fails_cleanly 2 "sym.yaml: is the experiment file exp.yaml itself" "$RUN" exp.yaml -o sym.yaml
check "-o a hard link to EXP.yaml: refused the same way" \
  fails_cleanly 2 "hard.yaml: is the experiment file exp.yaml itself" "$RUN" exp.yaml -o hard.yaml
check "-o EXP.yaml --resume: refused the same way" \
  fails_cleanly 2 "is the experiment file" "$RUN" exp.yaml -o exp.yaml --resume
check "the experiment file is unchanged" test "$(md5sum exp.yaml)" = "$sum_before"
check "-o DIR: exit 2, says it is a directory" \
  fails_cleanly 2 "d: is a directory" "$RUN" exp.yaml -o d
check "-o DIR: nothing written in it" test -z "$(ls -A d)"
check "-o '': exit 2, says the name is empty" fails_cleanly 2 "-o: the results file name is empty" \
  "$RUN" exp.yaml -o ''
check "--resume -o missing.h5: exit 2, one clear line" \
  fails_cleanly 2 "missing.h5: no such results file to resume; run without --resume to start it" \
  "$RUN" exp.yaml -o missing.h5 --resume
$MPIRUN -np 2 "$RUN" exp.yaml -o missing.h5 --resume >fail.out 2>fail.err
check "--resume -o missing.h5 under mpirun: one line of sgema-run, no HDF5 or MPI-IO text" \
  test "$(grep -c '^sgema-run: missing.h5: no such results file' fail.err)" = 1 -a \
  "$(grep -ci 'hdf5\|H5F\|MPI_File\|ROMIO' fail.err)" = 0
check "--runs a,a: exit 2, the run named twice" \
  fails_cleanly 2 "--runs: run 'sg-m1-n2' is named more than once" \
  "$RUN" exp.yaml -o twice.h5 --runs sg-m1-n2,ema-m1-n2,sg-m1-n2
rm -f fail.out fail.err
check "nothing written by any of these" nothing_new d exp.yaml hard.yaml sym.yaml
rm -f exp.yaml hard.yaml sym.yaml && rmdir d

# ---- 2. Killed while the file is being created ---------------------------------------------------
# Deterministic kills at each moment of creation (a test hook), then timed kills of a run whose
# creation takes about a second: afterwards --resume (if the file exists) or a re-run (if not)
# must go on, never refuse; with the hook, the completed file must be the reference's.
$MPIRUN -np 2 "$RUN" "$SRC/experiments/smoke.yaml" -o smoke.h5 --quiet >smoke.out 2>&1
check "reference run (smoke): exit 0" test $? -eq 0
for point in 1 2 3 4 5; do
  rm -f c.h5 c.h5.creating
  SGEMA_TEST_DIE_IN_CREATE=$point $MPIRUN -np 2 "$RUN" "$SRC/experiments/smoke.yaml" -o c.h5 \
    --quiet >c$point.out 2>&1
  check "creation killed at point $point: no results file under its name" test ! -e c.h5
  check "creation killed at point $point: --resume says in one line there is nothing to resume" \
    fails_cleanly 2 "c.h5: no such results file to resume (its creation never finished" \
    "$RUN" "$SRC/experiments/smoke.yaml" -o c.h5 --resume
  $MPIRUN -np 2 "$RUN" "$SRC/experiments/smoke.yaml" -o c.h5 --quiet >c$point.again 2>&1
  check "creation killed at point $point: a re-run exits 0" test $? -eq 0
  check "creation killed at point $point: ... replacing the leftover, saying so" \
    grep -q "c.h5.creating: left by a creation of c.h5 that never finished" c$point.again
  check "creation killed at point $point: identical to the reference" same_runs smoke.h5 c.h5
  check "creation killed at point $point: no temporary left" test ! -e c.h5.creating
done
# Accepted: a run (--resume when c.h5 exists) that is stopped by SIGUSR1 once going exits 75/0.
goes_on() {
  local resume=
  [ -e c.h5 ] && resume=--resume
  $MPIRUN -np 2 "$RUN" "$T/create.yaml" -o c.h5 $resume --quiet >go.out 2>&1 &
  local pid=$! status
  sleep 3
  kill -USR1 "$pid"
  wait "$pid"
  status=$?
  [ $status -eq 75 ] || [ $status -eq 0 ] || { echo "     $resume status $status: $(grep sgema-run go.out | head -3)"; return 1; }
}
for delay in $(quick_or "0.5 0.9 1.3 1.7 2.2" "0.9 1.7"); do
  rm -f c.h5 c.h5.creating
  setsid $MPIRUN -np 2 "$RUN" "$T/create.yaml" -o c.h5 --quiet >k.out 2>&1 &
  pid=$!
  sleep $delay
  pkill -KILL -s "$pid" 2>/dev/null # the whole session: mpirun and every rank at once
  wait "$pid" 2>/dev/null
  for _ in $(seq 100); do pgrep -s "$pid" >/dev/null || break; sleep 0.05; done
  state="$( [ -e c.h5 ] && echo file)$( [ -e c.h5.creating ] && echo ' temporary')"
  check "killed after $delay s (left: ${state:-nothing}): --resume or a re-run goes on" goes_on
done

# ---- 3. done flags ---------------------------------------------------------------------------------
edit() { # file, python statements on f (the h5py file, read-write)
  $PY - "$1" "$2" <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    exec(sys.argv[2])
EOF
}
cp smoke.h5 flag2.h5
edit flag2.h5 'f["runs/ema-m1-n2/done"][3] = 2'
check "done flag 2: --resume refused (exit 1), naming the dataset and the row" \
  fails_cleanly 1 "/runs/ema-m1-n2/done row 3 holds 2 (only 0, not done, and 1, done, are valid)" \
  "$RUN" "$SRC/experiments/smoke.yaml" -o flag2.h5 --resume --quiet
cp smoke.h5 fill.h5
edit fill.h5 '
r = f["runs/sg-m1-n2"]
r["outputs/class"][5] = 255          # the fill value of an undone row
r["outputs/t_end"][6] = np.nan
r["inputs/lambda"][7] = np.nan
f["runs/ema-m1-n2/outputs/end"][0] = 255
f.attrs["complete"] = 1'
$MPIRUN -np 2 "$RUN" "$SRC/experiments/smoke.yaml" -o fill.h5 --resume --quiet >fill.out 2>fill.err
check "done rows with fill values or NaN: --resume exit 0" test $? -eq 0
check "... saying how many rows of which run are computed again" \
  grep -q "run .sg-m1-n2.: 3 rows marked done hold fill values or NaN" fill.err
check "... and for the other run, 1 row" grep -q "run .ema-m1-n2.: 1 row marked done holds" fill.err
check "... and the rows are recomputed: identical to the reference" same_runs smoke.h5 fill.h5

# ---- 4. A stop request within seconds, and a heartbeat ------------------------------------------
# Two EMA m = 7, n = 14 trials under msbdf take several seconds each: SIGUSR1 once both run
# abandons them (no row done), stops within 15 s, exit 75; --resume recomputes them.
$MPIRUN -np 2 "$RUN" "$T/slow.yaml" -o slow-ref.h5 --quiet >slow-ref.out 2>&1
check "slow: reference run: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$T/slow.yaml" -o slow.h5 --heartbeat 0.5 >slow.out 2>slow.err &
pid=$!
for _ in $(seq 300); do grep -q "running for" slow.err 2>/dev/null && break; sleep 0.1; done
check "heartbeat: 'rank R: run big trial K running for S s, t = ...' while a trial runs" \
  grep -Eq "sgema-run: rank [01]: run big trial [01] running for [0-9]+ s, t = [0-9.e+-]+" slow.err
start=$(date +%s.%N)
kill -USR1 "$pid"
wait "$pid"
status=$?
took=$(echo "$(date +%s.%N) - $start" | bc)
check "SIGUSR1 during slow trials: exit 75 (status $status)" test $status -eq 75
check "SIGUSR1 during slow trials: stopped within 15 s (took $took s)" \
  test "$(echo "$took < 15" | bc)" -eq 1
check "SIGUSR1 during slow trials: the trials in flight abandoned (no row done)" \
  $PY -c "import h5py, sys; sys.exit(int(h5py.File('slow.h5', 'r')['runs/big/done'][:].any()))"
$MPIRUN -np 2 "$RUN" "$T/slow.yaml" -o slow.h5 --resume --quiet >>slow.out 2>&1
check "slow: --resume completes (exit 0)" test $? -eq 0
check "slow: /runs identical to the uninterrupted run" same_runs slow-ref.h5 slow.h5

# ---- 5. --dry-run and --list-runs estimate the cost ----------------------------------------------
mkdir dry && cd dry || exit 1
"$RUN" "$SRC/experiments/smoke.yaml" --dry-run >dry.yaml 2>dry.err
check "--dry-run: exit 0" test $? -eq 0
estimate_ok() { # file with the estimate lines; every run has a finite positive cost, and a total
  $PY - "$1" "$SRC/experiments/smoke.yaml" <<'EOF2'
import sys, re, math
text = open(sys.argv[1]).read()
runs = ["sg-m1-n2", "ema-m1-n2", "gd-m1-n2", "ema-discrete", "sg-m2-n3-generic"]
trials = {"sg-m1-n2": 200, "ema-m1-n2": 200, "gd-m1-n2": 20, "ema-discrete": 20, "sg-m2-n3-generic": 20}
bad = []
if "from at most 5 timed trials per run" not in text or "estimate" not in text: bad.append("no estimate heading")
total = 0.0
for r in runs:
    m = re.search(r"  %s: ([0-9.e+-]+) s per trial \(([0-9]+) timed\) x ([0-9]+) trials = ([0-9.e+-]+) core-seconds" % re.escape(r), text)
    if not m: bad.append("no estimate for " + r); continue
    per, k, n, cost = float(m[1]), int(m[2]), int(m[3]), float(m[4])
    if not (math.isfinite(per) and per > 0 and 1 <= k <= 5 and n == trials[r]): bad.append(f"{r}: {m[0]}")
    if abs(cost - per * n) > 0.01 * cost + 1e-3: bad.append(f"{r}: {cost} != {per} x {n}")
    total += cost
m = re.search(r"total: ([0-9.e+-]+) core-seconds \(([0-9.e+-]+) core-hours\)", text)
if not m or not (float(m[1]) > 0) or abs(float(m[1]) - total) > 0.01 * total + 1e-3: bad.append("total")
for b in bad: print("    ", b)
sys.exit(1 if bad else 0)
EOF2
}
check "--dry-run: per-run estimate from timed trials, finite and positive, and the total" \
  estimate_ok dry.yaml
loads() { "$RUN" "$1" --list-runs --no-estimate >/dev/null; }
check "--dry-run: the estimate is YAML comments: the output still loads (--list-runs)" loads dry.yaml
"$RUN" "$SRC/experiments/smoke.yaml" --list-runs >list.out 2>list.err
check "--list-runs: stdout one run a line as before (5 lines)" test "$(wc -l <list.out)" -eq 5
check "--list-runs: the estimate on stderr" estimate_ok list.err
"$RUN" "$SRC/experiments/smoke.yaml" --dry-run --no-estimate >plain.yaml
check "--no-estimate: no estimate" test "$(grep -c estimate plain.yaml)" -eq 0
check "--dry-run and --list-runs wrote nothing" nothing_new dry.err dry.yaml list.err list.out plain.yaml
cd .. || exit 1

# ---- 6. Resume compares the resolved runs; more trials extend a file ----------------------------
cat >ext.yaml <<'EOF2'
experiment: ext
seed: 3
defaults: {m: 1, n: 2, record: {trajectories: 2, points: 5}}
runs:
  - {name: sg, alg: sg, trials: 30}
  - {name: ema, alg: ema, trials: 50}
EOF2
$MPIRUN -np 2 "$RUN" ext.yaml -o ext.h5 --quiet >ext.out 2>&1
check "extension: first run: exit 0" test $? -eq 0
cp ext.h5 ext-before.h5
{ echo "# a comment added"; sed 's/{name: sg, alg: sg,/{alg: sg, name: sg,/' ext.yaml; } >ext-comment.yaml
$MPIRUN -np 2 "$RUN" ext-comment.yaml -o ext.h5 --resume --quiet >>ext.out 2>&1
check "a comment added and keys reordered: --resume accepted (exit 0)" test $? -eq 0
sed 's/trials: 30}/trials: 30, integration: {rtol: 1.0e-9}}/' ext.yaml >ext-changed.yaml
check "a setting of a run changed: refused, naming the run and the setting" \
  fails_cleanly 1 "run \`sg\` has other settings in the file than in the experiment: integration.rtol (1e-10 in the file, 1e-09 in the experiment)" \
  "$RUN" ext-changed.yaml -o ext.h5 --resume --quiet
sed 's/trials: 30}/trials: 20}/' ext.yaml >ext-fewer.yaml
check "fewer trials: refused" fails_cleanly 1 "run \`sg\` has 30 trials in the file but 20 in the experiment" \
  "$RUN" ext-fewer.yaml -o ext.h5 --resume --quiet
sed 's/trials: 30}/trials: 75}/; s/trials: 50}/trials: 90}/' ext.yaml >ext-more.yaml
$MPIRUN -np 2 "$RUN" ext-more.yaml -o ext.h5 --resume --quiet >>ext.out 2>&1
check "more trials on a finished file: --resume exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" ext-more.yaml -o ext-fresh.h5 --quiet >>ext.out 2>&1
check "more trials: /runs identical to a fresh run of the larger count (h5diff)" same_runs ext-fresh.h5 ext.h5
prefix_same() { # the rows of the first file are bit for bit the first rows of the second
  $PY - "$1" "$2" <<'EOF2'
import sys, h5py
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
bad = []
for r in a["runs"]:
    if not (b["runs"][r]["done"][:] == 1).all(): bad.append(r + ": not all done")
    for s in ("inputs", "outputs", "verification"):
        for d in a["runs"][r][s]:
            x = a["runs"][r][s][d][:]
            if x.tobytes() != b["runs"][r][s][d][:len(x)].tobytes(): bad.append(f"{r}/{s}/{d}")
    if b["runs"][r].attrs["trials"] != len(b["runs"][r]["done"]): bad.append(r + ": trials attribute")
for x in bad: print("    ", x)
sys.exit(1 if bad else 0)
EOF2
}
check "more trials: the earlier rows unchanged bit for bit (h5py)" prefix_same ext-before.h5 ext.h5
# An unfinished file extended: rows 30.. of run ema marked undone (as a kill leaves them), then
# --resume with more trials.
$MPIRUN -np 2 "$RUN" ext.yaml -o part.h5 --quiet --runs ema >>ext.out 2>&1
$PY -c "
import h5py
with h5py.File('part.h5', 'r+') as f:
    f['runs/ema/done'][30:] = 0; f.attrs['complete'] = 0"
$MPIRUN -np 2 "$RUN" ext-more.yaml -o part.h5 --resume --quiet --runs ema >>ext.out 2>&1
check "more trials on an unfinished file: --resume exit 0" test $? -eq 0
check "more trials on an unfinished file: identical to a fresh run" \
  h5diff -q ext-fresh.h5 part.h5 /runs/ema /runs/ema
# A file of the earlier layout (fixed-size datasets, as sgema-run wrote them before extension;
# made here by rewriting each per-trial dataset with h5py, chunks and fill values kept) resumes
# with the same trials and is refused with a clear message when asked for more.
"$RUN" ext.yaml -o old.h5 --quiet >>ext.out 2>&1
$PY - old.h5 <<'EOF2'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    for r in f["runs"].values():
        groups = [r] + [r[s] for s in ("inputs", "outputs", "verification")]
        for g in groups:
            for name in list(g):
                d = g[name]
                if not isinstance(d, h5py.Dataset): continue
                data, dt, fv, ch = d[:], d.dtype, d.fillvalue, d.chunks
                del g[name]
                g.create_dataset(name, data=data, dtype=dt, chunks=ch, maxshape=data.shape, fillvalue=fv)
EOF2
"$RUN" ext.yaml -o old.h5 --resume --quiet >>ext.out 2>&1
check "a fixed-size file (older sgema-run): --resume with the same trials exit 0" test $? -eq 0
check "a fixed-size file: more trials refused with a clear message" \
  fails_cleanly 1 "cannot add trials to run \`sg\`: this file's datasets have a fixed size" \
  "$RUN" ext-more.yaml -o old.h5 --resume --quiet

finish
