#!/usr/bin/python3
"""Independent check of sgema-plot trial (tests/test_plot_trial.sh) with h5py and numpy.

  check_trial.py check DATA.csv FILE.h5 RUN K   the re-integrated end (row "end" of --data) equals
      the stored outputs/y_end[K] bit for bit and its time outputs/t_end[K]; the first recorded
      state is inputs/y0[K]; times rise from 0 to at most t_end; every |A|_F and singular value
      drawn equals numpy's from the recorded state.
  check_trial.py tamper FILE.h5 RUN K           moves y_end[K][0] by one ulp (a file whose stored end
      the kernel cannot reproduce).
Exit 0 when every check passes, 1 with a line per problem otherwise.
"""
import csv
import sys

import h5py
import numpy as np

problems = []


def problem(msg):
    if len(problems) < 10:
        print("     " + msg)
    problems.append(msg)


def check(data, path, run, k):
    rows = list(csv.DictReader(open(data)))
    with h5py.File(path, "r") as f:
        r = f["runs"][run]
        m, n = int(r.attrs["m"]), int(r.attrs["n"])
        y_end = r["outputs/y_end"][k]
        t_end = r["outputs/t_end"][k]
        y0 = r["inputs/y0"][k]
    ycols = [c for c in rows[0] if c.startswith("y_")]
    if len(ycols) != len(y_end):
        problem(f"{len(ycols)} state columns, the file's y_end has {len(y_end)}")
        return
    end = [row for row in rows if row["what"] == "end"]
    points = [row for row in rows if row["what"] == "point"]
    if len(end) != 1 or len(points) < 2:
        problem(f"{len(end)} end rows, {len(points)} points")
        return
    got = np.array([float(end[0][c]) for c in ycols])
    if got.tobytes() != np.asarray(y_end, dtype=np.float64).tobytes():
        problem(f"end {got.tolist()} != stored y_end {y_end.tolist()}")
    if float(end[0]["t"]) != t_end:
        problem(f"end time {end[0]['t']} != stored t_end {t_end!r}")
    first = np.array([float(points[0][c]) for c in ycols])
    if float(points[0]["t"]) != 0.0 or first.tobytes() != np.asarray(y0, dtype=np.float64).tobytes():
        problem(f"first point t = {points[0]['t']}, state != inputs/y0[{k}]")
    ts = [float(p["t"]) for p in points]
    if any(b <= a for a, b in zip(ts, ts[1:])) or ts[-1] > t_end:
        problem(f"times not rising from 0 to at most t_end = {t_end}")
    for p in points:
        y = np.array([float(p[c]) for c in ycols])
        A = y[: n * m].reshape(n, m)
        norm = np.linalg.norm(A)
        if abs(float(p["a_norm"]) - norm) > 1e-12 * max(1.0, norm):
            problem(f"t = {p['t']}: |A|_F {p['a_norm']}, numpy {norm!r}")
        sv = np.linalg.svd(A, compute_uv=False)
        drawn = np.array([float(p[f"sv_{j + 1}"]) for j in range(m)])
        if np.max(np.abs(drawn - sv)) > 1e-12 * max(sv[0], 1e-300):  # both backward stable
            problem(f"t = {p['t']}: singular values {drawn.tolist()}, numpy {sv.tolist()}")


def tamper(path, run, k):
    with h5py.File(path, "r+") as f:
        ds = f["runs"][run]["outputs/y_end"]
        row = ds[k]
        row[0] = np.nextafter(row[0], np.inf)
        ds[k] = row


def main(argv):
    if argv[1] == "check":
        check(argv[2], argv[3], argv[4], int(argv[5]))
    else:
        tamper(argv[2], argv[3], int(argv[4]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
