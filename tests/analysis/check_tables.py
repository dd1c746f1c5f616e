#!/usr/bin/python3
"""Independent checks of sgema-sweep and sgema-export output against the results files, read
with h5py and numpy only (none of the tools' code). Exit status 0 when everything matches; every
mismatch is printed.

  check_tables.py sweep CSV FILE...            counts, fractions, intervals, rows and their order
  check_tables.py export CSV FILE RUN [--class C,...] [--where PYEXPR] [--limit N]
                                               selected rows, header and every value bit for bit
  check_tables.py rerun CSV RECORDS            sgema-trial --compact records (one per line) of
                                               the CSV's trials: same class and y_end bit for bit
  check_tables.py clear-done FILE RUN K...     mark trials K... of RUN undone (an interrupted run)

--where PYEXPR is a Python expression over numpy arrays named by field (d['delta'] > 0.1),
evaluated on the done rows."""
import csv
import json
import math
import sys

import h5py
import numpy as np

Z95 = 1.959963984540054
ALG_ORDER = {"sg": 0, "ema": 1, "gd": 2}
problems = []


def problem(msg):
    problems.append(msg)
    print("     " + msg)


def wilson(k, n):
    """Wilson's score interval, from its textbook definition."""
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def enum_names(ds):
    return {v: k for k, v in h5py.check_enum_dtype(ds.dtype).items()}


def check_sweep(csv_path, files):
    rows = list(csv.DictReader(open(csv_path)))
    want = []
    for fi, path in enumerate(files):
        with h5py.File(path, "r") as f:
            for name, r in f["runs"].items():
                done = r["done"][:] == 1
                names = enum_names(r["outputs/class"])
                cls = r["outputs/class"][:][done]
                counts = {names[v]: int((cls == v).sum()) for v in names if names[v] != "undone"}
                a = r.attrs
                key = (ALG_ORDER.get(a["alg"], 9), int(a["m"]), int(a["n"]), fi, int(a["index"]))
                want.append((key, path, name, int(done.sum()), int(a["trials"]), counts))
    want.sort()
    if len(rows) != len(want):
        problem(f"{len(rows)} rows, the files have {len(want)} runs")
    for row, (key, path, name, done, trials, counts) in zip(rows, want):
        where = f"{path}:{name}"
        if (row["file"], row["run"]) != (path, name):
            problem(f"row order: ({row['file']}, {row['run']}) where {where} belongs")
            continue
        if int(row["done"]) != done or int(row["trials"]) != trials:
            problem(f"{where}: done/trials {row['done']}/{row['trials']}, h5py {done}/{trials}")
        if int(row["complete"]) != (done == trials):
            problem(f"{where}: complete {row['complete']} with {done}/{trials}")
        for c, k in counts.items():
            if c + "_count" not in row:
                continue
            if int(row[c + "_count"]) != k:
                problem(f"{where}: {c} {row[c + '_count']}, h5py {k}")
            if done and float(row[c + "_fraction"]) != k / done:
                problem(f"{where}: {c} fraction {row[c + '_fraction']} != {k}/{done}")
            if done:
                lo, hi = wilson(k, done)
                if abs(float(row[c + "_ci_low"]) - lo) > 1e-12 or abs(float(row[c + "_ci_high"]) - hi) > 1e-12:
                    problem(f"{where}: {c} interval [{row[c + '_ci_low']}, {row[c + '_ci_high']}], "
                            f"by hand [{lo!r}, {hi!r}]")


def state_names(prefix, alg, m, n, width):
    names = [f"{prefix}_A_{i}_{j}" for i in range(n) for j in range(m)]
    names += [f"{prefix}_B_{i}_{j}" for i in range(n) for j in range(n)]
    if alg == "ema":
        names += [f"{prefix}_C_{i}_{j}" for i in range(n) for j in range(m)]
    assert len(names) == width, (prefix, len(names), width)
    return names


def run_columns(r):
    """Every exported column: (name, dataset path, element index or None)."""
    a = r.attrs
    alg, m, n = a["alg"], int(a["m"]), int(a["n"])
    cols = [("lambda", "inputs/lambda", None), ("draws", "inputs/draws", None)]
    for s in ("Sxx", "Syx", "Syy"):
        cols += [(f"{s}_{i}_{j}", f"inputs/{s}", (i, j)) for i in range(m) for j in range(m)]
    N = r["inputs/y0"].shape[1]
    cols += [(nm, "inputs/y0", (k,)) for k, nm in enumerate(state_names("y0", alg, m, n, N))]
    for s in ("class", "end", "sphere", "status", "sphere_agrees", "rank", "max_real_eig", "symmetry_zeros",
              "a_norm", "delta", "r1", "r2", "t_end", "field_norm", "steps", "rejected",
              "rhs_evals", "jac_evals"):
        cols.append((s, "outputs/" + s, None))
    cols += [(nm, "outputs/y_end", (k,)) for k, nm in enumerate(state_names("y_end", alg, m, n, N))]
    for s in ("eq6", "eq7", "balance", "invariant_drift", "invariant_t", "c_minus_a", "ebar_start",
              "ebar_end", "fbar_start", "fbar_end"):
        cols.append((s, "verification/" + s, None))
    if "outputs/spectrum_solver" in r:  # format 3 on: at the end, the earlier columns unmoved
        k = r["outputs/eigenvalues_re"].shape[1]
        cols += [("spectrum_solver", "outputs/spectrum_solver", None),
                 ("spectrum_fell_back", "outputs/spectrum_fell_back", None)]
        for part in ("re", "im"):
            cols += [(f"eigenvalues_{part}_{i}", f"outputs/eigenvalues_{part}", (i,))
                     for i in range(k)]
        for s in ("abscissa_error", "spectrum_products", "jvp_evals"):
            cols.append((s, "outputs/" + s, None))
    return cols


def same(text, value, ds):
    """The CSV text is exactly the dataset's value."""
    if h5py.check_enum_dtype(ds.dtype) is not None:
        return text == enum_names(ds)[int(value)]
    if ds.dtype.kind in "iu":
        return int(text) == int(value)
    x = float(text)
    return (math.isnan(x) and math.isnan(value)) or x == float(value)


def check_export(csv_path, path, run, classes, where, limit):
    rows = list(csv.reader(open(csv_path)))
    header, rows = rows[0], rows[1:]
    with h5py.File(path, "r") as f:
        r = f["runs/" + run]
        cols = run_columns(r)
        want_header = ["trial", "seed", "stream"] + [c[0] for c in cols]
        if header != want_header:
            problem(f"header {header[:6]}... differs from {want_header[:6]}... "
                    f"({len(header)} and {len(want_header)} columns)")
            return
        done = r["done"][:] == 1
        idx = np.nonzero(done)[0]
        d = {"trial": idx}
        for name, dpath, el in cols:
            v = r[dpath][:][done]
            d[name] = v if el is None else v[(slice(None),) + el]
        keep = np.ones(len(idx), bool)
        if classes:
            names = enum_names(r["outputs/class"])
            keep &= np.isin([names[int(c)] for c in d["class"]], classes)
        if where:
            keep &= eval(where, {"np": np}, {"d": d})
        sel = idx[keep]
        if limit is not None:
            sel = sel[:limit]
        got = [int(row[0]) for row in rows]
        if got != list(sel):
            problem(f"{run}: trials {got[:10]}... but h5py selects {list(sel)[:10]}... "
                    f"({len(got)} and {len(sel)} rows)")
            return
        seed, stream = int(f.attrs["seed"]), int(r.attrs["stream"])
        full = {dpath: r[dpath][:] for _, dpath, _ in cols}
        for row in rows:
            k = int(row[0])
            if int(row[1]) != seed or int(row[2]) != stream:
                problem(f"{run} trial {k}: seed, stream {row[1]}, {row[2]}; file {seed}, {stream}")
            for text, (name, dpath, el) in zip(row[3:], cols):
                v = full[dpath][k] if el is None else full[dpath][k][el]
                if not same(text, v, r[dpath]):
                    problem(f"{run} trial {k}: {name} = {text}, file {v!r}")
    print(f"     {len(rows)} rows compared")


def flat_state(rec):
    fin = rec["final"]
    out = [x for row in fin["A"] for x in row] + [x for row in fin["B"] for x in row]
    if "C" in fin:
        out += [x for row in fin["C"] for x in row]
    return out


def check_rerun(csv_path, records_path):
    rows = list(csv.DictReader(open(csv_path)))
    recs = [json.loads(line) for line in open(records_path) if line.strip()]
    if len(recs) != len(rows) or not rows:
        problem(f"{len(recs)} records for {len(rows)} exported trials")
        return
    for row, rec in zip(rows, recs):
        k = int(row["trial"])
        if rec["trial"]["trial"] != k or rec["trial"]["seed"] != int(row["seed"]) or \
                rec["trial"]["run"] != int(row["stream"]):
            problem(f"record {rec['trial']} for exported trial {k}")
        if rec["result"]["class"] != row["class"]:
            problem(f"trial {k}: re-run class {rec['result']['class']}, file {row['class']}")
        y_end = [float(row[c]) for c in row if c.startswith("y_end_")]
        if flat_state(rec) != y_end:
            problem(f"trial {k}: re-run y_end {flat_state(rec)} differs from file {y_end}")
    print(f"     {len(rows)} trials re-run")


def clear_done(path, run, trials):
    with h5py.File(path, "r+") as f:
        done = f["runs/" + run + "/done"]
        for k in trials:
            done[k] = 0
        f.attrs["complete"] = np.int32(0)


def main(argv):
    cmd = argv[1]
    if cmd == "sweep":
        check_sweep(argv[2], argv[3:])
    elif cmd == "export":
        opts = {"--class": None, "--where": None, "--limit": None}
        rest = argv[5:]
        for i in range(0, len(rest), 2):
            opts[rest[i]] = rest[i + 1]
        check_export(argv[2], argv[3], argv[4],
                     opts["--class"].split(",") if opts["--class"] else None, opts["--where"],
                     int(opts["--limit"]) if opts["--limit"] else None)
    elif cmd == "rerun":
        check_rerun(argv[2], argv[3])
    elif cmd == "clear-done":
        clear_done(argv[2], argv[3], [int(k) for k in argv[4:]])
        return 0
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
