#!/bin/bash
# Damaged results files: a small results file (two runs, recorded trajectories) truncated at seeded
# random offsets, with seeded random bytes flipped, with datasets, groups and attributes deleted or
# replaced (h5py), with shapes claiming more rows than the file stores or the run has, attributes of
# the wrong type, done flags other than 0/1 and rows marked done that hold only fill values (issue
# 10), empty, all zeros, random bytes and not HDF5 at all. On every variant the analysis
# tools must exit 0 (recovered) or 1 with one line on stderr naming the file, within a time limit
# and without a crash or sanitizer report; a plot refused leaves no file. sgema-run --resume, on a
# copy, must refuse (status 1 or 2, a message) or complete, and either way lose no data and make
# none up: rows done before are kept as they were (or recomputed, equal to the undamaged run's),
# rows done after equal the undamaged run's, and a completed file has no done row of fill values.
#   test_damaged.sh SGEMA_RUN ANALYSIS_DIR SOURCE_DIR WORK_DIR
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
LIMIT=60 # seconds per command: a hang is a failure (killed 10 s after the TERM it may ignore)

cat >damaged.yaml <<'YAML'
experiment: damaged
seed: 2385
defaults:
  m: 1
  n: 2
  trials: 40
  record: {trajectories: 2, points: 11, t_last: 50}
runs:
  - name: sg
    alg: sg
    reference: {class: stable, sphere: S2, fraction: 0.8, source: test}
  - name: ema
    alg: ema
YAML
"$RUN" damaged.yaml -o ref.h5 --quiet >ref.out 2>&1
check "reference run: exit 0" test $? -eq 0
# A file with undone rows (half of each run's done flags cleared, complete = 0) as the base of the
# damaged variants, so that --resume has work to do on them.
cp ref.h5 base.h5
$PY - <<'PY'
import h5py
with h5py.File("base.h5", "r+") as f:
    for name in f["runs"]:
        f["runs"][name]["done"][1::2] = 0
    f.attrs["complete"] = 0
PY

# --- the variants --------------------------------------------------------------------------------
mkdir -p v
$PY - <<'PY'
import os, random, shutil
import h5py, numpy as np
rng = random.Random(2385)  # seeded: the same variants every time
base = open("base.h5", "rb").read()
size = len(base)
def put(name, data):
    open(os.path.join("v", name + ".h5"), "wb").write(data)
for k in range(8):  # truncated at random offsets, spread over the whole file
    cut = rng.randrange(size * k // 8, size * (k + 1) // 8)
    put("truncated-at-%d" % cut, base[:cut])
put("truncated-superblock-100", base[:100])
for k in range(6):  # bytes flipped at random offsets: 1 byte, then 16 and 256 bytes
    count = (1, 1, 16, 16, 256, 256)[k]
    data = bytearray(base)
    offsets = sorted(rng.randrange(size) for _ in range(count))
    for o in offsets:
        data[o] ^= rng.randrange(1, 256)
    put("flipped-%d-bytes-%d" % (count, k), bytes(data))
data = bytearray(base)  # the first 2048 bytes (superblock and root metadata) flipped
for o in range(2048):
    data[o] ^= 0x5A
put("flipped-first-2048", bytes(data))
put("empty", b"")
put("zeros", bytes(size))
put("random-bytes", bytes(rng.randrange(256) for _ in range(4096)))
put("not-hdf5", b"experiment: damaged\nseed: 2385\n" * 20)
# Objects deleted or replaced with h5py.
def edit(name, fn):
    path = os.path.join("v", name + ".h5")
    shutil.copy("base.h5", path)
    with h5py.File(path, "r+") as f:
        fn(f)
def replace(f, path, data):
    del f[path]
    f[path] = data
edit("no-outputs-class", lambda f: f.__delitem__("runs/sg/outputs/class"))
edit("no-done", lambda f: f.__delitem__("runs/ema/done"))
edit("no-run-group", lambda f: f.__delitem__("runs/sg"))
edit("no-runs", lambda f: f.__delitem__("runs"))
edit("no-source-attr", lambda f: f.attrs.__delitem__("source"))
edit("no-settings-attr", lambda f: f["runs/sg"].attrs.__delitem__("settings"))
edit("no-format-version", lambda f: f.attrs.__delitem__("format_version"))
edit("no-trajectory-state", lambda f: f.__delitem__("runs/sg/trajectories/0/state"))
edit("no-inputs-y0", lambda f: f.__delitem__("runs/ema/inputs/y0"))
edit("short-class", lambda f: replace(f, "runs/sg/outputs/class", np.zeros(5, np.uint8)))
edit("class-as-float", lambda f: replace(f, "runs/sg/outputs/class", np.zeros(40)))
edit("class-out-of-range", lambda f: f["runs/sg/outputs/class"].__setitem__(slice(0, 40, 2), 77))
edit("done-as-string", lambda f: replace(f, "runs/ema/done", np.array([b"x"] * 40)))
edit("trials-attr-huge", lambda f: f["runs/sg"].attrs.__setitem__("trials", np.uint32(4000000000)))
edit("settings-not-json", lambda f: f["runs/sg"].attrs.__setitem__("settings", "{not json"))
edit("source-other-experiment", lambda f: f.attrs.__setitem__("source", "experiment: other\n"))
edit("format-version-4", lambda f: f.attrs.__setitem__("format_version", np.int32(4)))
# Issue 10: shapes that claim more rows than the run has or the file stores, attributes of the wrong
# type, done flags other than 0/1, rows marked done that hold only fill values (NaN, class undone).
BIG = 4294967295
def huge(f):  # every per-trial dataset of run sg claims 2^32 - 1 rows, none written (a 24 KB claim)
    g = f["runs/sg"]
    g.attrs["trials"] = np.uint32(BIG)
    names = []
    g.visititems(lambda n, o: names.append(n)
                 if isinstance(o, h5py.Dataset) and not n.startswith("trajectories") else None)
    for n in names:
        d = g[n]
        shape, dtype = (BIG,) + d.shape[1:], d.dtype
        del g[n]
        g.create_dataset(n, shape=shape, dtype=dtype, chunks=(1024,) + shape[1:])
edit("extent-huge", huge)
edit("extent-done-huge", lambda f: (f["runs/ema"].__delitem__("done"),
                                    f["runs/ema"].create_dataset("done", shape=(BIG,), dtype=np.uint8)))
edit("extent-longer-than-trials",
     lambda f: replace(f, "runs/sg/outputs/delta", np.zeros(80)))
edit("format-version-string", lambda f: f.attrs.__setitem__("format_version", "2"))
edit("format-version-array", lambda f: f.attrs.__setitem__("format_version", np.arange(50)))
edit("trials-attr-float", lambda f: f["runs/sg"].attrs.__setitem__("trials", 40.0))
edit("alg-attr-int", lambda f: f["runs/ema"].attrs.__setitem__("alg", np.int32(1)))
edit("done-flag-2", lambda f: f["runs/sg/done"].__setitem__(0, 2))
edit("done-flag-255", lambda f: f["runs/sg/done"].__setitem__(2, 255))
def nan_rows(f):  # rows 1 and 3 of run sg marked done but holding the fill values (NaN, 255)
    g = f["runs/sg"]
    names = []
    g.visititems(lambda n, o: names.append(n)
                 if isinstance(o, h5py.Dataset) and not n.startswith("trajectories") else None)
    for n in names:
        d = g[n]
        for k in (1, 3):
            if d.dtype.kind == "f":
                d[k] = np.nan
            elif n in ("outputs/class", "outputs/end", "outputs/sphere"):
                d[k] = 255
    g["done"][1] = 1
    g["done"][3] = 1
edit("nan-rows-marked-done", nan_rows)
def trajectory_huge(f):  # a recorded trajectory whose count and shapes claim 2^40 points, none stored
    g = f["runs/sg/trajectories/0"]
    for n in ("t", "ebar", "fbar", "state"):
        d = g[n]
        shape, dtype = (2**40,) + d.shape[1:], d.dtype
        del g[n]
        g.create_dataset(n, shape=shape, dtype=dtype, chunks=(1024,) + shape[1:])
    del g["count"]
    g["count"] = np.int64(2**40)
edit("trajectory-extent-huge", trajectory_huge)
PY
variants=$(cd v && ls | sed 's/\.h5$//')
check "at least 20 damaged variants ($(echo $variants | wc -w))" test "$(echo $variants | wc -w)" -ge 20

# --- the analysis tools --------------------------------------------------------------------------
# sane TOOL VARIANT STATUS: 0 with output, or 1 with one stderr line naming the file; never a
# crash (>= 128), a timeout (124), a sanitizer report or another status.
sane() {
  local tool=$1 name=$2 status=$3 err=$4 out=$5
  if grep -qE 'Sanitizer|runtime error|Segmentation|Aborted' "$err"; then
    echo "     $tool on $name: sanitizer or crash report"; head -5 "$err" | sed 's/^/       /'; return 1
  fi
  case $status in
  0) [ -s "$out" ] || { echo "     $tool on $name: exit 0 without output"; return 1; } ;;
  1) [ "$(wc -l <"$err")" -eq 1 ] && grep -qF "$name" "$err" ||
    { echo "     $tool on $name: exit 1 without a one-line message naming the file:"; sed 's/^/       /' "$err" | head -5; return 1; } ;;
  *) echo "     $tool on $name: exit $status"; sed 's/^/       /' "$err" | head -5; return 1 ;;
  esac
}
declare -A outcome
tools="sgema-summary"
for t in sgema-sweep sgema-export sgema-plot; do [ -x "$ADIR/$t" ] && tools="$tools $t"; done
for name in $variants; do
  f=v/$name.h5
  for t in $tools; do
    case $t in
    sgema-summary) args=("$f") ;;
    sgema-sweep) args=("$f") ;;
    sgema-export) args=("$f" --run sg) ;;
    sgema-plot) rm -f plot.svg; args=(classes "$f" -o plot.svg --size 300x200) ;;
    esac
    timeout -k 10 $LIMIT "$ADIR/$t" "${args[@]}" >tool.out 2>tool.err
    status=$?
    if [ $t = sgema-plot ]; then
      [ $status -eq 0 ] && cp plot.svg tool.out
      if [ $status -ne 0 ] && [ -e plot.svg ]; then
        echo "     sgema-plot on $name: exit $status but plot.svg left behind"; status=99
      fi
    fi
    check "$t on $name: recovered (0) or refused with one line (1) [status $status]" \
      sane $t "$name" $status tool.err tool.out
    outcome[$t,$name]="$status $(head -c 150 tool.err | head -1)"
  done
done

# The new variants of issue 10 are refused by every tool (never summarised from fill values, never
# streamed for the length of a claim), with a message that says what is wrong.
for name in extent-huge extent-done-huge extent-longer-than-trials format-version-string \
  format-version-array trials-attr-float alg-attr-int done-flag-2 done-flag-255; do
  for t in $tools; do
    check "$t on $name: refused (1)" test "${outcome[$t,$name]%% *}" = 1
  done
done
# The tools that read trajectories (the summary's Figure 4 number, the classes plot's does not).
check "sgema-summary on trajectory-extent-huge: refused (1)" test "${outcome[sgema-summary,trajectory-extent-huge]%% *}" = 1
check "extent-huge: the claim named" grep -q "claims 4294967295 rows" <(echo "${outcome[sgema-summary,extent-huge]}")
check "format-version-string: the type named" grep -q "is the string" <(echo "${outcome[sgema-summary,format-version-string]}")
check "done-flag-2: the flag named" grep -q "done row 0 is 2" <(echo "${outcome[sgema-summary,done-flag-2]}")

# --- sgema-run --resume, on a copy ---------------------------------------------------------------
# An edited attribute's type is named, not HDF5's conversion error (issue 10: format_version as a
# string; before: "reading the format version ... failed: H5T__path_find_real(): ...").
for name in format-version-string trials-attr-float; do
  cp v/$name.h5 resume.h5
  "$RUN" damaged.yaml -o resume.h5 --resume --quiet >/dev/null 2>resume.err
  check "sgema-run --resume on $name: the attribute's type named, no HDF5 text" \
    sh -c "grep -q 'is a .*, not one integer' resume.err && ! grep -q 'H5[A-Z]' resume.err"
done
# no_data_lost DAMAGED AFTER [complete]: the copy is unchanged, or h5py reads both and every row the
# damaged copy had done is still done with the same values, every other row now done equals the
# reference run's (the resume computed it), and with "complete" every trial is done.
no_data_lost() {
  cmp -s "$1" "$2" && [ $# -eq 2 ] && return 0
  $PY - "$@" <<'PY'
import sys
import h5py, numpy as np
damaged, after = sys.argv[1:3]
complete = len(sys.argv) > 3
try:
    dmg, res = h5py.File(damaged, "r"), h5py.File(after, "r")
except OSError as e:
    print("     changed a file h5py cannot read: %s" % e)
    sys.exit(1)
ok = True
same = lambda x, y: np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
with h5py.File("ref.h5", "r") as ref:
    for run in ref["runs"]:
        try:
            done_d = dmg["runs"][run]["done"][:] == 1
        except Exception:
            done_d = np.zeros(len(ref["runs"][run]["done"]), bool)
        done_r = res["runs"][run]["done"][:] == 1
        if (done_d & ~done_r).any():
            print("     %s: a done trial is no longer done" % run); ok = False
        if complete and not done_r.all():
            print("     %s: not every trial done" % run); ok = False
        # A done row holds a result: not the fill values of a row never computed (class "undone").
        cls = res["runs"][run]["outputs/class"]
        names = h5py.check_enum_dtype(cls.dtype)
        undone = names.get("undone") if names else None
        if complete and undone is not None and (done_r & (cls[:] == undone)).any():
            print("     %s: rows marked done hold the fill values (class undone)" % run); ok = False
        def visit(name, obj):
            global ok
            if not isinstance(obj, h5py.Dataset) or obj.shape == () or "trajectories" in name:
                return
            if name not in res["runs"][run] or res["runs"][run][name].shape != obj.shape:
                return  # the damage's own (the resume refused or failed on it)
            a = obj[()]
            try:
                c = dmg["runs"][run][name][()] if name in dmg["runs"][run] else None
            except OSError:
                return  # unreadable in the damaged copy already: the damage's own
            try:
                b = res["runs"][run][name][()]
            except OSError as e:
                print("     %s/%s readable before the resume, not after: %s" % (run, name, e))
                ok = False
                return
            for k in np.nonzero(done_r)[0]:
                want = c[k] if done_d[k] and c is not None and c.shape == a.shape else a[k]
                # A row done in the damaged copy is kept, or recomputed (a resume that checks
                # done rows against their contents): then it equals the reference run's.
                if not same(np.asarray(b[k]), np.asarray(want)) and not same(np.asarray(b[k]), a[k]):
                    print("     %s/%s row %d is garbage" % (run, name, k)); ok = False
                    return
        ref["runs"][run].visititems(visit)
sys.exit(0 if ok else 1)
PY
}
for name in base $variants; do
  # trajectory-extent-huge: a parallel open for writing allocates what a dataset claims (2^40
  # points: 13 GB in 14 minutes before sgema-run checked shapes through a read-only open first).
  [ $name = base ] && f=base.h5 || f=v/$name.h5
  cp "$f" resume.h5
  timeout -k 10 $LIMIT "$RUN" damaged.yaml -o resume.h5 --resume --quiet >resume.out 2>resume.err
  status=$?
  if grep -qE 'Sanitizer|runtime error' resume.err; then
    check "sgema-run --resume on $name: no sanitizer report" false
    head -5 resume.err
  elif [ $status -eq 0 ]; then
    check "sgema-run --resume on $name: completed; done rows kept, the others equal the reference" \
      no_data_lost "$f" resume.h5 complete
  elif [ $status -eq 1 ] || [ $status -eq 2 ]; then
    check "sgema-run --resume on $name: refused with a message (status $status)" test -s resume.err
    check "sgema-run --resume on $name: refused, no data lost or made up" no_data_lost "$f" resume.h5
  else
    check "sgema-run --resume on $name: status $status (crash, timeout or 75)" false
    head -5 resume.err
  fi
  unchanged=changed
  cmp -s "$f" resume.h5 && unchanged=unchanged
  outcome[resume,$name]="$status $unchanged $(grep -v '^ *#' resume.err | head -1 | head -c 150)"
done
check "the undamaged base file resumes to completion" test "${outcome[resume,base]%% *}" = 0

# What happened to each variant (for docs/FAULTS.md).
for name in $variants; do
  line="$name:"
  for t in $tools; do line="$line $t=${outcome[$t,$name]%% *}"; done
  line="$line resume=$(echo "${outcome[resume,$name]:-not-run}" | cut -d' ' -f1-2)"
  echo "  $line"
done >outcomes.txt
cat outcomes.txt
finish
