#!/usr/bin/python3
"""Independent checks of the ranks of partial limits (sgema-sweep --ranks, sgema-plot ranks) with
h5py and numpy alone, none of the tools' code.

  check_ranks.py sweep CSV FILE...   sgema-sweep --ranks --format csv: per run (in the class
      table's order), the done partial limits, the count of each rank that occurs with its
      fraction and Wilson interval, and the mean rank / m with its interval.
  check_ranks.py plot DATA FILE...   sgema-plot ranks --data: every point pools exactly the runs
      (m >= 2) of its algorithm, rule for n and m whose settings are equal but for alg, m and n;
      its counts, mean and interval are those of h5py's pooled ranks; every such run is drawn.
  check_ranks.py colours PNG K       the first K series colours of sgema-plot's palette are in
      the image (the lines, whiskers and symbols of K series).
  check_ranks.py no-partial FILE     rewrites every partial limit of FILE as stable (a file whose
      runs have none, for the refusal).

The mean's interval is the documented one (docs/ANALYSIS.md): mean +- 1.96 s / sqrt(N), s the
sample standard deviation of rank / m, clipped to [1/m, (m - 1)/m]; that whole range for N = 1.
Exit 0 when everything matches, 1 with one line per problem otherwise."""
import csv
import json
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_tables import ALG_ORDER, Z95, enum_names, wilson  # noqa: E402

problems = []
# sgema-plot's series colours, in order (docs/PLOTS.md: Tableau 10).
SERIES_RGB = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
              (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]


def problem(msg):
    problems.append(msg)
    print("     " + msg)


def partial_ranks(r):
    """The ranks of the done partial limits of run group r, as a numpy array."""
    done = r["done"][:] == 1
    names = enum_names(r["outputs/class"])
    partial = [v for v, k in names.items() if k == "partial"][0]
    sel = done & (r["outputs/class"][:] == partial)
    return r["outputs/rank"][:][sel].astype(int)


def mean_interval(ranks, m):
    """The mean of rank / m and its interval, from the definition; NaNs when there is none."""
    x = ranks / m
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    if len(x) == 1:
        return float(x[0]), 1 / m, (m - 1) / m
    mean = float(x.mean())
    half = Z95 * float(x.std(ddof=1)) / math.sqrt(len(x))
    return mean, max(1 / m, mean - half), min((m - 1) / m, mean + half)


def close(text, want, tol=1e-12):
    if text == "":
        return math.isnan(want)
    return abs(float(text) - want) <= tol


def check_sweep(csv_path, files):
    rows = list(csv.DictReader(open(csv_path)))
    want = []
    for fi, path in enumerate(files):
        with h5py.File(path, "r") as f:
            for name, r in f["runs"].items():
                a = r.attrs
                key = (ALG_ORDER.get(a["alg"], 9), int(a["m"]), int(a["n"]), fi, int(a["index"]))
                want.append((key, path, name, int(a["m"]), partial_ranks(r)))
    want.sort(key=lambda w: w[0])
    lines = []  # the CSV lines each run should have: (path, run, rank or None)
    for _, path, name, m, ranks in want:
        ks = sorted(set(ranks.tolist()))
        lines += [(path, name, m, ranks, k) for k in ks] or [(path, name, m, ranks, None)]
    if len(rows) != len(lines):
        problem(f"{len(rows)} lines, h5py gives {len(lines)} (runs x ranks that occur)")
    for row, (path, name, m, ranks, k) in zip(rows, lines):
        where = f"{path}:{name} rank {k}"
        if (row["file"], row["run"]) != (path, name):
            problem(f"line order: ({row['file']}, {row['run']}) where {where} belongs")
            continue
        if int(row["partial"]) != len(ranks):
            problem(f"{where}: partial {row['partial']}, h5py {len(ranks)}")
        outside = int(((ranks < 1) | (ranks >= m)).sum())
        if int(row["rank_outside"]) != outside:
            problem(f"{where}: rank_outside {row['rank_outside']}, h5py {outside}")
        inside = ranks[(ranks >= 1) & (ranks < m)]
        mean, lo, hi = mean_interval(inside, m)
        if not (close(row["mean_rank_over_m"], mean) and close(row["mean_ci_low"], lo) and
                close(row["mean_ci_high"], hi)):
            problem(f"{where}: mean {row['mean_rank_over_m']} [{row['mean_ci_low']}, "
                    f"{row['mean_ci_high']}], by hand {mean!r} [{lo!r}, {hi!r}]")
        if k is None:
            if row["rank"] or row["count"]:
                problem(f"{where}: no partial limit, but rank {row['rank']} count {row['count']}")
            continue
        c, n = int((inside == k).sum()), len(inside)
        if int(row["rank"]) != k or int(row["count"]) != c:
            problem(f"{where}: rank {row['rank']} count {row['count']}, h5py {k}: {c}")
        wl, wh = wilson(c, n)
        if not (close(row["fraction"], c / n) and close(row["ci_low"], wl) and
                close(row["ci_high"], wh)):
            problem(f"{where}: fraction {row['fraction']} [{row['ci_low']}, {row['ci_high']}], "
                    f"by hand {c / n!r} [{wl!r}, {wh!r}]")
    print(f"     {len(rows)} lines compared")


def rules(m, n):
    r = [rule for rule, ok in (("m+1", n == m + 1), ("2m", n == 2 * m)) if ok]
    return r or ["n=%d" % n]


def rule_of(series):
    tail = series.rsplit(", n = ", 1)[1]
    return {"m + 1": "m+1", "2m": "2m", "2": "m+1"}.get(tail, "n=" + tail)


def check_plot(data, paths):
    runs = {}
    for path in paths:
        with h5py.File(path, "r") as f:
            for name, r in f["runs"].items():
                a = r.attrs
                s = json.loads(a["settings"])
                for k in ("alg", "m", "n"):
                    s.pop(k)
                if int(a["m"]) >= 2 and (r["done"][:] == 1).any():
                    runs[(path, name)] = (a["alg"], int(a["m"]), int(a["n"]),
                                          json.dumps(s, sort_keys=True), partial_ranks(r))
    drawn = set()
    rows = list(csv.DictReader(open(data)))
    for row in rows:
        members = [tuple(x.split(":", 1)) for x in row["runs"].split(";")]
        where = f"{row['series']} m = {row['m']}"
        if any(mb not in runs for mb in members):
            problem(f"{where}: pools a run that is not an m >= 2 run with done trials: {members}")
            continue
        alg, m, _, key, _ = runs[members[0]]
        rule = rule_of(row["series"])
        want = {rk for rk, (a, mm, n, k, _) in runs.items()
                if a == alg and mm == m and k == key and rule in rules(mm, n)}
        if set(members) != want:
            problem(f"{where}: pools {sorted(members)}, h5py's equal settings give {sorted(want)}")
        drawn |= set(members)
        ranks = np.concatenate([runs[mb][4] for mb in members])
        inside = ranks[(ranks >= 1) & (ranks < m)]
        if int(row["m"]) != m or int(row["partial"]) != len(ranks):
            problem(f"{where}: m {row['m']}, partial {row['partial']}; h5py {m}, {len(ranks)}")
        counts = ";".join(f"{k}:{int((inside == k).sum())}" for k in sorted(set(inside.tolist())))
        if row["rank_counts"] != counts:
            problem(f"{where}: rank counts {row['rank_counts']}, h5py {counts}")
        mean, lo, hi = mean_interval(inside, m)
        if not (close(row["mean_rank_over_m"], mean) and close(row["ci_low"], lo) and
                close(row["ci_high"], hi)):
            problem(f"{where}: mean {row['mean_rank_over_m']} [{row['ci_low']}, "
                    f"{row['ci_high']}], by hand {mean!r} [{lo!r}, {hi!r}]")
    missing = set(runs) - drawn
    if missing:
        problem(f"runs not drawn: {sorted(missing)}")
    print(f"     {len(rows)} points compared")


def check_colours(png, k):
    from PIL import Image
    img = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    for i in range(k):
        n = int((img == np.array(SERIES_RGB[i])).all(axis=1).sum())
        if n < 20:
            problem(f"{png}: series {i + 1}'s colour {SERIES_RGB[i]} on {n} pixels only")


def no_partial(path):
    with h5py.File(path, "r+") as f:
        for r in f["runs"].values():
            ds = r["outputs/class"]
            names = {k: v for v, k in enum_names(ds).items()}
            cls = ds[:]
            cls[cls == names["partial"]] = names["stable"]
            ds[:] = cls


def main(argv):
    if argv[1] == "sweep":
        check_sweep(argv[2], argv[3:])
    elif argv[1] == "plot":
        check_plot(argv[2], argv[3:])
    elif argv[1] == "colours":
        check_colours(argv[2], int(argv[3]))
    elif argv[1] == "no-partial":
        no_partial(argv[2])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
