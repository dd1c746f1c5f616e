#!/usr/bin/python3
"""Independent check of pooling (tests/test_pool.sh), with h5py and the stored settings alone.

  check_pool.py plot DATA.csv FILE.h5...   sgema-plot sweep --data: every point pools exactly the
      runs of its algorithm, rule for n and m whose settings equal but for alg, m and n; its counts,
      fractions and Wilson intervals are h5py's sums; series of different settings are labelled
      differently; every run is drawn.
  check_pool.py sweep TABLE.csv FILE.h5...  sgema-sweep --format csv: rows of equal settings (but
      alg, m, n) have equal variants, rows of different settings different ones.
Exit 0 when everything matches, 1 with one line per problem otherwise.
"""
import csv
import json
import math
import sys

import h5py

problems = []


def problem(msg):
    problems.append(msg)
    print("     " + msg)


def wilson(k, n, z=1.959963984540054):
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def runs_of(paths):
    """{(path, run): (alg, m, n, key, counts, done)} from h5py."""
    out = {}
    for path in paths:
        with h5py.File(path, "r") as f:
            for name, r in f["runs"].items():
                a = r.attrs
                s = json.loads(a["settings"])
                for k in ("alg", "m", "n"):
                    s.pop(k)
                done = r["done"][:] == 1
                enum = {v: k for k, v in h5py.check_enum_dtype(r["outputs/class"].dtype).items()}
                cls = r["outputs/class"][:][done]
                counts = {enum[v]: int((cls == v).sum()) for v in enum if enum[v] != "undone"}
                out[(path, name)] = (a["alg"], int(a["m"]), int(a["n"]),
                                     json.dumps(s, sort_keys=True), counts, int(done.sum()))
    return out


def rules(m, n):
    r = [rule for rule, ok in (("m+1", n == m + 1), ("2m", n == 2 * m)) if ok]
    return r or ["n=%d" % n]


def rule_of(series):
    tail = series.rsplit(", n = ", 1)[1]
    return {"m + 1": "m+1", "2m": "2m", "2": "m+1"}.get(tail, "n=" + tail)


def check_plot(data, paths):
    runs = runs_of(paths)
    rows = list(csv.DictReader(open(data)))
    # Expected points: (alg, key, rule) -> m -> set of runs; a 2m series only at m = 1 is drawn
    # once, as the m + 1 one.
    want = {}
    for rid, (alg, m, n, key, _, done) in runs.items():
        if done == 0:
            continue
        for rule in rules(m, n):
            want.setdefault((alg, key, rule), {}).setdefault(m, set()).add(rid)
    for sk in [k for k in want if k[2] == "2m" and set(want[k]) == {1}]:
        del want[sk]
    shown = {c for r in runs.values() for c, k in r[4].items() if k > 0}
    seen, label_of = {}, {}
    for row in rows:
        listed = set()
        for item in row["runs"].split(";"):
            path, _, name = item.rpartition(":")
            listed.add((path, name))
        unknown = [r for r in listed if r not in runs]
        if unknown:
            problem(f"{row['series']} m={row['m']}: unknown runs {unknown}")
            continue
        keys = {(runs[r][0], runs[r][3]) for r in listed}
        if len(keys) != 1:
            problem(f"{row['series']} m={row['m']}: pools runs of different settings: {sorted(listed)}")
            continue
        alg, key = keys.pop()
        sk = (alg, key, rule_of(row["series"]))
        m = int(row["m"])
        if want.get(sk, {}).get(m) != listed:
            problem(f"{row['series']} m={m}: runs {sorted(listed)}, h5py's group "
                    f"{sorted(want.get(sk, {}).get(m, []))}")
        label_of.setdefault(row["series"], set()).add(sk)
        c = row["class"]
        k = sum(runs[r][4].get(c, 0) for r in listed)
        n = sum(runs[r][5] for r in listed)
        seen[(sk, m, c)] = seen.get((sk, m, c), 0) + 1
        if int(row["count"]) != k or int(row["done"]) != n:
            problem(f"{row['series']} m={m} {c}: {row['count']}/{row['done']}, h5py {k}/{n}")
            continue
        lo, hi = wilson(k, n)
        if float(row["fraction"]) != k / n or abs(float(row["ci_low"]) - lo) > 1e-12 or \
                abs(float(row["ci_high"]) - hi) > 1e-12:
            problem(f"{row['series']} m={m} {c}: {row['fraction']} [{row['ci_low']}, "
                    f"{row['ci_high']}], by hand {k / n} [{lo}, {hi}]")
    for label, sks in label_of.items():
        if len(sks) != 1:
            problem(f"label {label!r} names {len(sks)} different series")
    for sk, points in want.items():
        for m in points:
            for c in shown:
                if seen.get((sk, m, c)) != 1:
                    problem(f"{sk[0]} {sk[2]} m={m} {c}: drawn {seen.get((sk, m, c), 0)} times")


def check_sweep(table, paths):
    runs = runs_of(paths)
    rows = list(csv.DictReader(open(table)))
    if len(rows) != len(runs):
        problem(f"{len(rows)} rows, h5py {len(runs)} runs")
    got = {}
    for row in rows:
        r = runs.get((row["file"], row["run"]))
        if r is None:
            problem(f"row {row['file']}:{row['run']} is no run of the files")
            continue
        got[(row["file"], row["run"])] = (r[0], r[3], row["variant"])
    items = list(got.items())
    for i, (ra, (alg_a, key_a, var_a)) in enumerate(items):
        for rb, (alg_b, key_b, var_b) in items[i + 1:]:
            if alg_a != alg_b:
                continue
            if key_a == key_b and var_a != var_b:
                problem(f"{ra} and {rb}: same settings, variants {var_a!r} and {var_b!r}")
            if key_a != key_b and var_a == var_b:
                problem(f"{ra} and {rb}: different settings, the same variant {var_a!r}")


def main(argv):
    {"plot": check_plot, "sweep": check_sweep}[argv[1]](argv[2], argv[3:])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
