#!/bin/bash
# Faults of a run and of its disk: trials that fail are recorded (class failed, their status) and
# the run goes on, with the other trials as in a normal run and the same file for 1 and 2
# processes; a disk too small, full or read-only, or a directory not writable, stops sgema-run
# with status 1 and one line naming the file and the operating system's reason (a resume that adds
# trials is checked for their room before it writes anything), and loses nothing:
# what was flushed stays valid and --resume on a bigger disk completes the file, identical to an
# uninterrupted run. The disk parts need root (mount -t tmpfs, bind mounts, setpriv); without it
# they print SKIP.
#   test_faults.sh SGEMA_RUN SOURCE_DIR WORK_DIR SGEMA_EXPORT SGEMA_PLOT
set -u
RUN=$1
SRC=$2
WORK=$3
EXPORT=$4
PLOT=$5
PY=/usr/bin/python3
. "$(dirname "$0")/check.sh"
EXP=$SRC/tests/faults
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
}
trap cleanup EXIT
for m in "$WORK"/small "$WORK"/ro; do umount "$m" 2>/dev/null; done
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

same_runs() { h5diff -q "$1" "$2" /runs /runs; }
# A command exits with status 1 and its stderr has a line naming the file with the reason.
fails_with() { # out-prefix, file, reason, command...
  local out=$1 file=$2 reason=$3 status
  shift 3
  "$@" >"$out.out" 2>"$out.err"
  status=$?
  [ $status -eq 1 ] && grep -v '^mca_fbtl' "$out.err" | grep -F -- "$file" | grep -qF -- "$reason" ||
    { echo "     status $status: $(grep -v '^mca_fbtl' "$out.err" | head -3)"; return 1; }
}

# ---- 1. Failed trials are results --------------------------------------------------------------
# failing.yaml gives Delta >= 0 a budget of 2 draws; normal.yaml is the same with the default.
$MPIRUN -np 1 "$RUN" "$EXP/failing.yaml" -o fail1.h5 --quiet >fail1.out 2>fail1.err
check "failing trials, 1 process: exit 0 (a failure is a result)" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$EXP/failing.yaml" -o fail2.h5 --quiet --chunk 3 >fail2.out 2>fail2.err
check "failing trials, 2 processes: exit 0" test $? -eq 0
check "failing trials: /runs identical for 1 and 2 processes (h5diff)" same_runs fail1.h5 fail2.h5
"$RUN" "$EXP/normal.yaml" -o normal.h5 --quiet >normal.out 2>&1
check "the same experiment with the default budget: exit 0" test $? -eq 0
check "summary counts the failed trials" grep -q "trials failed: their error codes are in" fail1.out
check "stderr names a failed trial with its status" grep -q "trial [0-9]* failed: .*SGEMA_ESAMPLE" \
  fail1.err

# Read with h5py: a trial fails exactly when the unlimited run needed more than 2 draws; failed
# rows say failed / error / SGEMA_ESAMPLE (4) with NaN inputs; every other row equals the normal
# run's, dataset by dataset; the failed trials' recorded trajectories are empty.
failed_rows_ok() {
  $PY - "$1" normal.h5 <<'EOF'
import sys, h5py, numpy as np
f, g = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
bad, nfail = [], 0
for name in f["runs"]:
    r, q = f["runs"][name], g["runs"][name]
    cls = h5py.check_enum_dtype(r["outputs/class"].dtype)
    end = h5py.check_enum_dtype(r["outputs/end"].dtype)
    failed = r["outputs/class"][:] == cls["failed"]
    expect = q["inputs/draws"][:] > 2
    nfail += failed.sum()
    if not (r["done"][:] == 1).all(): bad.append(name + ": not all done")
    if not (failed == expect).any() or (failed != expect).any():
        bad.append(f"{name}: failed {np.flatnonzero(failed)} != needing > 2 draws {np.flatnonzero(expect)}")
    st = r["outputs/status"][:]
    if (st[failed] != 4).any() or (st[~failed] != 0).any(): bad.append(name + ": status")
    if (r["outputs/end"][:][failed] != end["error"]).any(): bad.append(name + ": end")
    if (r["inputs/draws"][:][failed] != 2).any(): bad.append(name + ": draws")
    if not np.isnan(r["inputs/lambda"][:][failed]).all(): bad.append(name + ": lambda not NaN")
    for sec in ("inputs", "outputs", "verification"):
        for d in r[sec]:
            if d == "status": continue
            a, b = r[sec][d][:][~failed], q[sec][d][:][~failed]
            same = np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)
            if not same: bad.append(f"{name}/{sec}/{d} differs from the normal run")
    for k in r["trajectories"]:
        n = r["trajectories"][k]["count"][()]
        if failed[int(k)] and n != 0: bad.append(f"{name}: trajectory {k} of a failed trial has {n} points")
        if not failed[int(k)] and n != q["trajectories"][k]["count"][()]: bad.append(f"{name}: trajectory {k}")
print(f"     {nfail} failed trials")
for b in bad: print("    ", b)
sys.exit(1 if bad or nfail == 0 else 0)
EOF
}
check "failed rows (h5py): exactly the trials needing > 2 draws, status, NaN inputs; the rest as in the normal run" \
  failed_rows_ok fail1.h5

# ---- 2. The disk ---------------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! mkdir -p small || ! mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
  echo "SKIP disk full, read-only and unwritable directories: mount -t tmpfs is not permitted here"
  finish
  exit
fi
mounts+=("$WORK/small")
FILL=$EXP/fill.yaml
"$RUN" "$FILL" -o ref.h5 --quiet >ref.out 2>&1
check "disk: reference run: exit 0" test $? -eq 0

# 2a. Too small to start: refused before anything is written.
check "disk too small: exit 1, file and 'No space left on device' named" \
  fails_with small small/f.h5 "No space left on device" "$RUN" "$FILL" -o small/f.h5 --quiet
check "disk too small: no file left behind" test ! -e small/f.h5
umount small

some_done() { # the file being written already has done rows (its metadata is fixed: it reads)
  $PY - "$1" 2>/dev/null <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    sys.exit(0 if any(f["runs"][r]["done"][:].any() for r in f["runs"]) else 1)
EOF
}
# 2b. The disk fills up during the run: the file was allocated whole when it was created, so the
# run does not notice, and the result is that of the reference run.
size=$(($(du -k ref.h5 | cut -f1) + 2048))
mount -t tmpfs -o size=${size}k tmpfs small
"$RUN" "$FILL" -o small/f.h5 --quiet --flush-seconds 0.05 >fills.out 2>&1 &
pid=$!
# Filled once the file is created and flushed whole, which its first done rows show (up to 60 s:
# under a sanitizer the start-up is slow). A file merely of full size may not be flushed yet.
for _ in $(seq 600); do some_done small/f.h5 && break; sleep 0.05; done
dd if=/dev/zero of=small/filler bs=64k >/dev/null 2>&1
check "disk filled during the run: it is full while the run goes on" \
  test "$(df -k small | awk 'NR == 2 { print $4 }')" -lt 64 -a -e /proc/$pid
wait $pid
check "disk filled during the run: exit 0" test $? -eq 0
check "disk filled during the run: /runs identical to the reference (h5diff)" same_runs ref.h5 small/f.h5
umount small

# 2c. A write that needs space fails mid-run (as on copy-on-write or quota-limited file systems):
# a part-done file whose unwritten rows are holes (cp --sparse), resumed on a full disk.
"$RUN" "$FILL" -o part.h5 --quiet --flush-seconds 0.05 >part.out 2>&1 &
pid=$!
# Stopped once some rows are written, however slow the machine (up to 60 s).
for _ in $(seq 600); do [ -s part.h5 ] && some_done part.h5 && break; sleep 0.1; done
kill -USR1 $pid
wait $pid
check "part-done file: stopped by SIGUSR1 with status 75" test $? -eq 75
mount -t tmpfs -o size=${size}k tmpfs small
cp --sparse=always part.h5 small/f.h5
dd if=/dev/zero of=small/filler bs=4k >/dev/null 2>&1
check "disk full mid-run: exit 1, file and 'No space left on device' named" \
  fails_with full small/f.h5 "No space left on device" "$RUN" "$FILL" -o small/f.h5 --resume --quiet \
  --flush-seconds 0.05
done_rows_valid() { # every row marked done equals the reference's; prints how many
  $PY - "$1" ref.h5 <<'EOF'
import sys, h5py, numpy as np
f, g = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
bad, n = 0, 0
for name in f["runs"]:
    r, q = f["runs"][name], g["runs"][name]
    done = r["done"][:] == 1
    n += done.sum()
    for sec in ("inputs", "outputs", "verification"):
        for d in r[sec]:
            a, b = r[sec][d][:][done], q[sec][d][:][done]
            if not (np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)):
                bad += 1
print(f"     {n} rows done, {bad} datasets differ")
sys.exit(1 if bad or n == 0 else 0)
EOF
}
check "disk full mid-run: the file reads, its done rows equal the reference's (h5py)" \
  done_rows_valid small/f.h5
cp small/f.h5 big.h5
# The same with 2 processes: every rank's collective writes fail, none hangs, both name the file.
rm -f small/filler small/f.h5
cp --sparse=always part.h5 small/f2.h5
dd if=/dev/zero of=small/filler bs=4k >/dev/null 2>&1
check "disk full mid-run, 2 processes: exit 1, file and 'No space left on device' named" \
  fails_with full2 small/f2.h5 "No space left on device" timeout 120 $MPIRUN -np 2 "$RUN" "$FILL" \
  -o small/f2.h5 --resume --quiet --flush-seconds 0.05
check "disk full mid-run, 2 processes: its done rows equal the reference's (h5py)" \
  done_rows_valid small/f2.h5
# The analysis tools' outputs on the full disk: status 1, the reason, and no partial file left.
check "sgema-export -o on a full disk: exit 1, 'No space left on device', nothing left behind" \
  fails_with export small/x.csv "No space left on device" "$EXPORT" ref.h5 --run sg -o small/x.csv
check "  (no small/x.csv nor its temporary)" test -z "$(ls small/x.csv* 2>/dev/null)"
check "sgema-plot -o on a full disk: exit 1, nothing left behind" \
  fails_with plot small/x.png "" "$PLOT" classes ref.h5 -o small/x.png
check "  (no small/x.png nor its temporary)" test -z "$(ls small/x.png* 2>/dev/null)"
umount small

# 2d. A resume that adds trials: the datasets grow at the open, before any trial, so the room for
# the new rows is checked first, as for a new file: refused, the file byte for byte unchanged.
mount -t tmpfs -o size=${size}k tmpfs small
cp ref.h5 small/g.h5
sed 's/trials: 8000/trials: 400000/' "$FILL" >grow.yaml
check "resume adding trials without room for them: exit 1, file and 'No space left on device' named" \
  fails_with grow small/g.h5 "No space left on device" "$RUN" grow.yaml -o small/g.h5 --resume --quiet
check "... saying what the added trials need" grep -q "the added trials need [0-9.]* MiB" grow.err
check "... the file unchanged (cmp)" cmp -s ref.h5 small/g.h5
umount small
"$RUN" "$FILL" -o big.h5 --resume --quiet >big.out 2>&1
check "resumed on a bigger disk: exit 0" test $? -eq 0
check "resumed on a bigger disk: /runs identical to the reference (h5diff)" same_runs ref.h5 big.h5

# ---- 3. Read-only file system, unwritable directory ---------------------------------------------
mkdir -p ro
cp part.h5 ro/part.h5
mount --bind ro ro && mount -o remount,ro,bind ro && mounts+=("$WORK/ro")
check "read-only file system: exit 1, 'Read-only file system' named" \
  fails_with rofs ro/new.h5 "Read-only file system" "$RUN" "$FILL" -o ro/new.h5 --quiet
check "read-only file system: nothing created" test ! -e ro/new.h5
check "read-only file system, --resume: exit 1, 'Read-only file system' named" \
  fails_with roresume ro/part.h5 "Read-only file system" "$RUN" "$FILL" -o ro/part.h5 --resume --quiet
check "read-only file system, --resume: the file is untouched" cmp -s part.h5 ro/part.h5
umount ro
mkdir -p locked
chmod 0555 locked
check "directory not writable (as nobody): exit 1, 'Permission denied' named" \
  fails_with locked locked/new.h5 "Permission denied" setpriv --reuid=nobody --regid=nogroup \
  --clear-groups "$RUN" "$FILL" -o locked/new.h5 --quiet
finish
