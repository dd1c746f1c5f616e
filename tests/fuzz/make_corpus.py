#!/usr/bin/python3
"""Writes the committed seed corpora of tests/fuzz/corpus/ (run again after adding a tool or option).

Experiment files: the shipped experiments, the bad-file corpus and the runner's test file. Trial
inputs: the YAML files of tests/test_cli.sh and a JSON record. Command lines: one file per seed,
arguments one a line (the harness splits at newline and NUL); e.yaml, r.h5 and t.json are the
files of tests/fuzz/data (make_data.sh) in the harness's working directory."""
import glob
import hashlib
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def put(harness, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def argv(harness, *commands):
    for c in commands:
        put(harness, "\n".join(c))


for p in sorted(glob.glob(os.path.join(TOP, "experiments", "*.yaml")) +
                glob.glob(os.path.join(TOP, "tests", "bad_experiments", "*.yaml")) +
                [os.path.join(TOP, "tests", "runner", "kill.yaml"), os.path.join(HERE, "data", "e.yaml")]):
    put("fuzz_experiment", open(p, "rb").read())

TRIAL_INPUTS = [
    "problem:\n  alg: sg\n  m: 1\n  Sxx:\n  - [1, 2]\n",
    "problem:\n  alg: sg\n  m: 1\n  n: 2\n  lambda: 0.05x\n  Sxx: 1.5\n  Syx: [[0.9]]\n  Sxy: [[0.9]]\n"
    "  m: 1\ninitial:\n  A: [[0.3], [-1.2]]\n  B: [[0.1, 0.2], [0.3, 0.4]]\n  C: [[0.3], [-1.2]]\nresults: {}\n",
    "problem: {alg: sg, m: 1, n: 2, lambda: \"0.05\", Sxx: [[1]], Syx: [[null]]}\n"
    "initial: {A: [[1], [1]], B: [[1, 0], [0, 1]], C: [[1], [1]]}\n",
    "problem: {alg: sg\n",
    "",
    "problem: {alg: ema, m: 1, n: 2, lambda: 0.05, Sxx: 0, Syx: 1}\ninitial: {A: [[1], [1]], B: [[1, 0], [0, 1]]}\n",
    "# m = 1 SG with Delta > 0\nproblem:\n  alg: sg\n  m: 1\n  n: 2\n  lambda: 0.05\n  Sxx: 1.5\n  Syx: [[0.9]]\n"
    "initial:\n  A: [[0.3], [-1.2]]\n  B:\n    - [0.1, 0.2]\n    - [0.3, 0.4]\n",
    "problem: {alg: ema, m: 2, n: 3, lambda: 0.1, Sxx: [[1.2, 0.1], [0.1, 0.9]], Syx: [[0.5, 0], [0, -0.4]],\n"
    "  Syy: [[2, 0], [0, 2]], momentum: {kind: linear, a0: 0.9, a1: 1, T: 300}, time: flow, mu: 0.01, nu: 0.02}\n"
    "initial: {A: [[1, 0], [0, 1], [0.5, 0.5]], B: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], C: [[1, 0], [0, 1], [0.2, 0.1]]}\n",
    "problem: {alg: gd, m: 1, n: 2, lambda: 0.05, Sxx: 1, Syx: 0.5, time: discrete, mu: 0.05, nu: 0.05}\n"
    "initial: {A: [[1], [1]], B: [[1, 0], [0, 1]]}\n",
]
for t in TRIAL_INPUTS:
    put("fuzz_trial_input", t)
record = os.environ.get("SGEMA_FUZZ_DATA")
if record and os.path.exists(os.path.join(record, "t.json")):
    put("fuzz_trial_input", open(os.path.join(record, "t.json"), "rb").read())

argv("fuzz_argv_sgema_trial",
     ["--help"], ["--version"], ["--alg", "ema", "--trial", "5", "--json"],
     ["--rho", "1", "--tau", "0.5", "--lambda", "abc"], ["--momentum", "linear:0.9,1.5,300"],
     ["--record", "10:-5"], ["--rho-range", "3,1"], ["--m", "2", "--n", "2"], ["--lam", "0.1"],
     ["--json=1"], ["--input", "t.json", "--json"], ["--input", "e.yaml"], ["--input", "t.json", "--alg", "sg"],
     ["--condition-delta", "--max-draws", "3", "--rho-range", "2.9,3", "--tau-range", "-0.01,0.01",
      "--lambda-range", "0.09,0.1"],
     ["--alg", "ema", "--m", "1", "--n", "3", "--time", "flow", "--mu", "0.0213", "--nu", "0.0317",
      "--momentum", "linear:0.81,0.993,157", "--stats", "commuting", "--sigma", "0.77", "--target",
      "independent", "--method", "rk8pd", "--rtol", "2.5e-9", "--t-max", "12345", "--invariant-window",
      "513", "--seed", "11", "--run", "12", "--trial", "13", "--compact", "--record", "5:20"],
     ["--time", "discrete", "--mu", "0.05", "--nu", "0.05", "--f-tol", "1e-9", "--origin-tol", "1e-6",
      "--rank-tol", "1e-6", "--saddle-tol", "1e-6", "--symmetry-tol", "1e-9", "--sphere-tol", "1e-6",
      "--h0", "0.01", "--atol", "1e-9", "--max-steps", "100", "--diverge-norm", "1e9", "--tail-f", "1e-6",
      "--tail-rtol", "1e-3", "--stiff-ratio", "4"])
argv("fuzz_argv_sgema_run",
     ["--help"], ["--version"], ["e.yaml", "--dry-run"], ["e.yaml", "-o", "x.h5", "--quiet"],
     ["e.yaml", "-o", "r.h5", "--resume"], ["e.yaml", "--chunk", "0"], ["e.yaml", "--flush-seconds", "x"],
     ["e.yaml", "--runs", "sg-m1,sg-m2", "--list-runs"], ["e.yaml", "--select", "1/2", "--dry-run"],
     ["e.yaml", "--select", "3/2"], ["nothere.yaml"], ["t.json"], ["e.yaml", "e.yaml"], ["--bogus"])
argv("fuzz_argv_sgema_bench",
     ["--help"], ["--alg", "ema", "--m", "2", "--n", "3", "--stats", "generic", "--trials", "3", "--json"],
     ["--method", "rk8pd", "--rtol", "1e-9", "--atol", "1e-9", "--t-max", "100", "--stiff-ratio", "3",
      "--tail-f", "0", "--tail-rtol", "0.1", "--f-tol", "1e-8", "--seed", "3", "--run", "2",
      "--condition-delta", "--trials", "2", "--dump", "d.jsonl"], ["--m", "0"], ["stray"])
argv("fuzz_argv_sgema_summary",
     ["--help"], ["r.h5"], ["r.h5", "--format", "csv"], ["r.h5", "--format", "json", "--run", "sg-m1"],
     ["r.h5", "--format", "markdown"], ["r.h5", "--run", "nosuch"], ["e.yaml"], ["nothere.h5"],
     ["--wilson", "3", "10"], ["--wilson", "5", "3"], ["r.h5", "--format", "xml"])
argv("fuzz_argv_sgema_sweep",
     ["--help"], ["r.h5"], ["r.h5", "r.h5", "--format", "csv"], ["r.h5", "--classes", "stable,origin", "--format", "json"],
     ["r.h5", "--format", "markdown", "--classes", "failed"], ["r.h5", "--classes", "bogus"], ["e.yaml"])
argv("fuzz_argv_sgema_export",
     ["--help"], ["r.h5", "--run", "sg-m1"], ["r.h5", "--run", "ema-m1", "--class", "stable,origin", "--limit", "2"],
     ["r.h5", "--run", "sg-m1", "--where", "delta > 0.1 and (class == saddle or t_end >= 20000)"],
     ["r.h5", "--run", "sg-m2", "--commands", "--program", "sgema-trial"],
     ["r.h5", "--run", "sg-m1", "-o", "out.csv"], ["r.h5", "--run", "sg-m1", "--where", "nofield < 1"],
     ["r.h5", "--run", "sg-m1", "--where", "not (y_end_A_0_0 != 1 or lambda <= 0.5)"])
argv("fuzz_argv_sgema_plot",
     ["--help"], ["classes", "r.h5", "-o", "c.svg", "--size", "200x100"],
     ["trajectories", "r.h5", "-o", "t.svg", "--trajectories", "1", "--size", "200x100"],
     ["ebar", "r.h5", "-o", "e.pdf", "--run", "ema-m1", "--size", "100x100"],
     ["delta", "r.h5", "-o", "d.svg", "--bins", "3", "--size", "100x100"],
     ["sweep", "r.h5", "-o", "s.png", "--size", "50x40"], ["bogus", "r.h5", "-o", "x.png"],
     ["classes", "r.h5", "-o", "x.bmp"])
