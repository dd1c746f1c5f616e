"""Grid designs end to end (issue 14), with h5py and this file's own arithmetic as the oracle:
tests/maps/maps-small.yaml run under mpirun, then
  (a) every trial's stored inputs (Sxx, Syx, lambda; y0's grid coordinates) are its cell's centre
      as computed here from the grid written below, and the rest of y0 is the base trial's draw;
  (b) no SG trial with Delta = tau^2 - 4 rho lambda < 0 ends stable (MODEL.md fact 1);
  (c) the file from -np 1 and -np 3 equals -np 2's (h5diff /runs);
  (d) basin cells re-run by sgema-trial --input, from a file built here out of the stored inputs
      (not through the design code), give the same final state and class bit for bit; and
      sgema-trial --design ... --trial k, with the grid as options, gives row k bit for bit;
  (e) a grid run killed (SIGKILL) mid-way and resumed equals the uninterrupted run.
  test_maps_check.py SGEMA_RUN SGEMA_TRIAL SOURCE_DIR WORK_DIR"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

RUN, TRIAL, SRC, WORK = sys.argv[1:5]
YAML = os.path.join(SRC, "tests", "maps", "maps-small.yaml")
SEED = 1414
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
CLASS = {"origin": 0, "stable": 1}

# The grids of maps-small.yaml, written out here: (what, index, lo, hi, cells) for x and y.
GRIDS = {
    "phase-sg": {"kind": "phase", "x": ("rho", 0, 0.0, 3.0, 20), "y": ("tau", 0, -2.0, 2.0, 20),
                 "per_cell": 3, "stream": 0},
    "basins-sg": {"kind": "basins", "x": ("A", 0, -1.0, 1.0, 30), "y": ("A", 1, -1.0, 1.0, 30),
                  "per_cell": 1, "stream": 1},
    "basins-ema": {"kind": "basins", "x": ("A", 0, -1.0, 1.0, 30), "y": ("A", 1, -1.0, 1.0, 30),
                   "per_cell": 1, "stream": 2},
}

passed = failed = 0


def check(ok, what):
    global passed, failed
    passed += bool(ok)
    failed += not ok
    print(("ok   " if ok else "FAIL ") + what)
    sys.stdout.flush()


def mpirun(np_, *args):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), RUN, YAML, "--quiet"] + list(args)
    return subprocess.run(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode


def centre(axis, i):
    """The centre of cell i, as docs/EXPERIMENTS.md states it: lo + (i + 1/2) (hi - lo) / cells."""
    lo, hi, cells = axis[2], axis[3], axis[4]
    return lo + (i + 0.5) * ((hi - lo) / cells)


def cells_of(grid, trials):
    cell = np.arange(trials) // grid["per_cell"]
    return cell % grid["x"][4], cell // grid["x"][4]


def same_runs(a, b):
    return subprocess.run(["h5diff", "-q", a, b, "/runs", "/runs"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def check_recorded_grid(g, name):
    s = json.loads(g.attrs["settings"])["design"]
    want = GRIDS[name]
    ok = s["kind"] == want["kind"] and s["per_cell"] == want["per_cell"]
    for a in ("x", "y"):
        what, index, lo, hi, cells = want[a]
        ok &= (s[a] == what and s[a + "_index"] == index and s[a + "_range"] == [lo, hi] and
               s[a + "_cells"] == cells)
    trials = want["x"][4] * want["y"][4] * want["per_cell"]
    check(ok and int(g.attrs["trials"]) == trials,
          f"{name}: the settings attribute records the grid, {trials} trials")


def check_phase(g):
    grid = GRIDS["phase-sg"]
    n = int(g.attrs["trials"])
    ix, iy = cells_of(grid, n)
    rho = np.array([centre(grid["x"], i) for i in range(grid["x"][4])])[ix]
    tau = np.array([centre(grid["y"], i) for i in range(grid["y"][4])])[iy]
    Sxx, Syx, lam = g["inputs/Sxx"][:, 0, 0], g["inputs/Syx"][:, 0, 0], g["inputs/lambda"][:]
    check(np.array_equal(Sxx, rho), "phase-sg (a): every Sxx is its cell's rho, bit for bit")
    check(np.array_equal(Syx, tau), "phase-sg (a): every Syx is its cell's tau, bit for bit")
    check(np.all(lam == 0.1), "phase-sg (a): lambda = 0.1 throughout")
    y0 = g["inputs/y0"][:]
    check(len({tuple(r) for r in y0}) == n, "phase-sg: every trial its own initial state")
    cls = g["outputs/class"][:]
    delta = tau * tau - 4.0 * rho * lam
    neg = delta < 0
    check(neg.sum() > 100 and (~neg).sum() > 100,
          f"phase-sg: both sides of Delta = 0 on the grid ({neg.sum()} trials with Delta < 0)")
    check(not np.any(cls[neg] == CLASS["stable"]),
          "phase-sg (b): no trial with Delta < 0 is stable (MODEL.md fact 1)")
    check(np.any(cls[~neg] == CLASS["stable"]), "phase-sg: stable limits where Delta >= 0")


def base_draw(alg, stream):
    """Trial 0's random draw (no design), from sgema-trial: the state every basin cell shares."""
    out = subprocess.run([TRIAL, "--alg", alg, "--m", "1", "--n", "2", "--seed", str(SEED), "--run",
                          str(stream), "--trial", "0", "--rho-range", "3,3", "--tau-range", "2,2",
                          "--lambda-range", "0.1,0.1", "--t-max", "1", "--json"],
                         stdout=subprocess.PIPE, check=True).stdout
    return json.loads(out)["initial"]


def check_basins(g, name, alg):
    grid = GRIDS[name]
    n = int(g.attrs["trials"])
    ix, iy = cells_of(grid, n)
    x = np.array([centre(grid["x"], i) for i in range(grid["x"][4])])[ix]
    y = np.array([centre(grid["y"], i) for i in range(grid["y"][4])])[iy]
    y0 = g["inputs/y0"][:]
    check(np.array_equal(y0[:, 0], x) and np.array_equal(y0[:, 1], y),
          f"{name} (a): A(0) = (x, y), the cell's centres, bit for bit")
    base = base_draw(alg, grid["stream"])
    B = np.array(base["B"]).ravel()
    check(np.all(y0[:, 2:6] == B), f"{name} (a): B(0) is trial 0's draw in every cell")
    if alg == "ema":
        check(np.array_equal(y0[:, 6:8], y0[:, 0:2]), f"{name} (a): C(0) = A(0) (target copy)")
    check(np.all(g["inputs/Sxx"][:] == 3.0) and np.all(g["inputs/Syx"][:] == 2.0) and
          np.all(g["inputs/lambda"][:] == 0.1), f"{name}: the data are rho = 3, tau = 2, lambda = 0.1")
    cls = g["outputs/class"][:]
    check(np.any(cls == 0) and np.any(cls == 1), f"{name}: both origin and stable cells")


def input_file(g, k, path):
    """sgema-trial's --input file of trial k, from the stored inputs only."""
    s = json.loads(g.attrs["settings"])
    y0 = g["inputs/y0"][k]
    text = {"problem": {"alg": s["alg"], "m": 1, "n": 2, "time": "flow",
                        "lambda": float(g["inputs/lambda"][k]),
                        "Sxx": [[float(g["inputs/Sxx"][k, 0, 0])]],
                        "Syx": [[float(g["inputs/Syx"][k, 0, 0])]],
                        "Syy": [[float(g["inputs/Syy"][k, 0, 0])]], "momentum": s["momentum"]},
            "initial": {"A": [[float(y0[0])], [float(y0[1])]],
                        "B": [[float(y0[2]), float(y0[3])], [float(y0[4]), float(y0[5])]]}}
    if s["alg"] == "ema":
        text["initial"]["C"] = [[float(y0[6])], [float(y0[7])]]
    with open(path, "w") as f:
        json.dump(text, f)  # repr of a float round-trips: the same bits


def check_rerun(g, name):
    """Three cells (an origin one, a stable one, and the stable side of a boundary pair)."""
    cls = g["outputs/class"][:]
    xc = GRIDS[name]["x"][4]
    pair = [k for k in range(len(cls) - 1) if (k + 1) % xc and cls[k] != cls[k + 1]]
    picks = [int(np.argmax(cls == 0)), int(np.argmax(cls == 1)), pair[len(pair) // 2] if pair else 0]
    for k in picks:
        path = os.path.join(WORK, f"{name}-{k}.json")
        input_file(g, k, path)
        out = subprocess.run([TRIAL, "--input", path, "--json"], stdout=subprocess.PIPE).stdout
        rec = json.loads(out)
        fin = rec["final"]
        y = np.array(sum(fin["A"], []) + sum(fin["B"], []) + sum(fin.get("C", []), []))
        check(np.array_equal(y, g["outputs/y_end"][k]) and
              CLASS.get(rec["result"]["class"], -1) == cls[k],
              f"{name} (d): cell {k} re-run from its stored inputs: the same y_end and class "
              f"({rec['result']['class']}) bit for bit")


def design_options(name):
    """sgema-trial's options for the grid of run name, from GRIDS (not from the file)."""
    grid = GRIDS[name]
    opts = ["--design", grid["kind"], "--design-per-cell", str(grid["per_cell"])]
    for a in ("x", "y"):
        what, index, lo, hi, cells = grid[a]
        opts += [f"--design-{a}", what, f"--design-{a}-index", str(index), f"--design-{a}-range",
                 f"{lo!r},{hi!r}", f"--design-{a}-cells", str(cells)]
    return opts


def check_trial_option(g, name, alg, sampling, trials):
    """sgema-trial --design ... --trial k: exactly row k of the run."""
    for k in trials:
        args = [TRIAL, "--alg", alg, "--m", "1", "--n", "2", "--seed", str(SEED), "--run",
                str(GRIDS[name]["stream"]), "--trial", str(k), "--json", "--compact"]
        out = subprocess.run(args + sampling + design_options(name), stdout=subprocess.PIPE).stdout
        rec = json.loads(out)
        ini, fin = rec["initial"], rec["final"]
        y0 = sum(ini["A"], []) + sum(ini["B"], []) + sum(ini.get("C", []), [])
        y = sum(fin["A"], []) + sum(fin["B"], []) + sum(fin.get("C", []), [])
        check(np.array_equal(y0, g["inputs/y0"][k]) and np.array_equal(y, g["outputs/y_end"][k]) and
              rec["problem"]["Sxx"][0][0] == g["inputs/Sxx"][k, 0, 0] and
              CLASS.get(rec["result"]["class"], -1) == g["outputs/class"][k],
              f"{name}: sgema-trial --design {GRIDS[name]['kind']} ... --trial {k} is row {k} "
              "bit for bit")


def kill_and_resume(ref):
    out = os.path.join(WORK, "killed.h5")
    for attempt in range(1, 3):
        if os.path.exists(out):
            os.remove(out)
        p = subprocess.Popen(["mpirun", "--oversubscribe", "-np", "2", RUN, YAML, "--quiet", "-o", out,
                              "--flush-seconds", "0.05", "--chunk", "4"], env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        time.sleep(random.uniform(0.3, 0.8))
        killed = p.poll() is None
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
        status = 1
        for _ in range(10):
            args = ["-o", out] + (["--resume"] if os.path.exists(out) else [])
            status = mpirun(2, *args)
            if status == 0:
                break
        check(status == 0, f"(e) kill {attempt} ({'mid-way' if killed else 'after the end'}): "
              "resumed to completion")
        check(same_runs(ref, out), f"(e) kill {attempt}: /runs identical to the uninterrupted run")


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    files = {p: os.path.join(WORK, f"np{p}.h5") for p in (1, 2, 3)}
    for p in (2, 1, 3):
        check(mpirun(p, "-o", files[p]) == 0, f"maps-small under mpirun -np {p}: exit 0")
    for p in (1, 3):
        check(same_runs(files[2], files[p]), f"(c) -np {p}: /runs identical to -np 2 (h5diff)")
    with h5py.File(files[2], "r") as f:
        for name in GRIDS:
            check_recorded_grid(f["runs"][name], name)
        check_phase(f["runs/phase-sg"])
        check_basins(f["runs/basins-sg"], "basins-sg", "sg")
        check_basins(f["runs/basins-ema"], "basins-ema", "ema")
        check_rerun(f["runs/basins-sg"], "basins-sg")
        check_rerun(f["runs/basins-ema"], "basins-ema")
        fig3 = ["--rho-range", "3,3", "--tau-range", "2,2", "--lambda-range", "0.1,0.1"]
        check_trial_option(f["runs/basins-sg"], "basins-sg", "sg", fig3, [0, 437, 899])
        check_trial_option(f["runs/basins-ema"], "basins-ema", "ema",
                           fig3 + ["--momentum", "linear:0.9,1,300"], [512])
        check_trial_option(f["runs/phase-sg"], "phase-sg", "sg", ["--lambda-range", "0.1,0.1"],
                           [0, 601, 1199])
    kill_and_resume(files[2])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
