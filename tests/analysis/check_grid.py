#!/usr/bin/python3
"""Checks of the grid tools (issue 14; tests/test_grid.sh) with h5py, numpy and PIL alone, none of
the tools' code. The grid's geometry is given on the command line (as the experiment file says it),
and each trial's cell computed here from its index: k = (iy * nx + ix) * per_cell + j.

  check_grid.py cells CSV H5 RUN NX NY PER_CELL XLO XHI YLO YHI
      sgema-export --cells's CSV: one row per cell in order, the centres, done, incomplete, and every
      class's count, fraction and 95% Wilson interval, against h5py's count of the done rows.
  check_grid.py json JSON CSV
      the --json form holds the same cells as the CSV.
  check_grid.py summary JSON H5 RUN NX NY PER_CELL
      sgema-summary --format json's design.cells, partial_cells, empty_cells and the cells by
      majority class (ties: the lower class index) against h5py's.
  check_grid.py phase PNG LAYOUT.csv PANELS
      the phase figure: a colour bar inside the image whose colours run from dark (0) to light (1);
      the heat map's colours in every panel frame (both ends of the map in one at least); the
      Delta = 0 curve's red in every frame.
  check_grid.py basins PNG LAYOUT.csv R2 COLOURS...
      the basins figure: each class colour (R,G,B) present in every frame, and the circle |a| = R2
      (in the world window [-1, 1]^2 of the frames) drawn dark at every 30 degrees.
Exit 0 when every check passes, 1 with a line per problem otherwise.
"""
import csv
import json
import math
import sys

import h5py
import numpy as np
from PIL import Image

Z95 = 1.959963984540054
CLASSES = ["origin", "stable", "saddle", "partial", "not_converged", "diverged", "failed"]
problems = []


def problem(msg):
    if len(problems) < 12:
        print(f"     {msg}")
    problems.append(msg)


def wilson(k, n):
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def counts(path, run, nx, ny, per_cell):
    """[ny, nx] done and [ny, nx, classes] counts from the done rows."""
    with h5py.File(path, "r") as f:
        r = f["runs/" + run]
        done = r["done"][:] == 1
        ds = r["outputs/class"]
        names = {v: k for k, v in h5py.check_enum_dtype(ds.dtype).items()}
        cls = ds[:]
    n = np.zeros((ny, nx), dtype=np.int64)
    c = np.zeros((ny, nx, len(CLASSES)), dtype=np.int64)
    for k in np.nonzero(done)[0]:
        if k >= nx * ny * per_cell:
            continue
        cell = k // per_cell
        ix, iy = cell % nx, cell // nx
        n[iy, ix] += 1
        c[iy, ix, CLASSES.index(names[int(cls[k])])] += 1
    return n, c


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(b))


def num(text):
    return float("nan") if text == "" else float(text)


def check_cells(csv_path, h5, run, nx, ny, per_cell, xlo, xhi, ylo, yhi):
    rows = list(csv.DictReader(open(csv_path)))
    n, c = counts(h5, run, nx, ny, per_cell)
    if len(rows) != nx * ny:
        problem(f"{len(rows)} rows, the grid has {nx * ny} cells")
        return
    for idx, row in enumerate(rows):
        ix, iy = idx % nx, idx // nx
        where = f"{run} cell ({ix}, {iy})"
        if (int(row["ix"]), int(row["iy"])) != (ix, iy):
            problem(f"{where}: row says ({row['ix']}, {row['iy']})")
            continue
        if not close(float(row["x"]), xlo + (ix + 0.5) * (xhi - xlo) / nx) or \
           not close(float(row["y"]), ylo + (iy + 0.5) * (yhi - ylo) / ny):
            problem(f"{where}: centre ({row['x']}, {row['y']})")
        if int(row["done"]) != n[iy, ix] or int(row["incomplete"]) != int(n[iy, ix] < per_cell):
            problem(f"{where}: done {row['done']} incomplete {row['incomplete']}, "
                    f"h5py {n[iy, ix]}")
        for k, name in enumerate(CLASSES):
            got = int(row[name])
            if got != c[iy, ix, k]:
                problem(f"{where}: {name} {got}, h5py {c[iy, ix, k]}")
            frac, lo, hi = (num(row[name + s]) for s in ("_fraction", "_ci95_lo", "_ci95_hi"))
            if n[iy, ix] == 0:
                if not (math.isnan(frac) and math.isnan(lo) and math.isnan(hi)):
                    problem(f"{where}: {name} has a fraction without a done trial")
                continue
            wl, wh = wilson(c[iy, ix, k], n[iy, ix])
            if not close(frac, c[iy, ix, k] / n[iy, ix]) or not close(lo, wl) or not close(hi, wh):
                problem(f"{where}: {name} {frac} [{lo}, {hi}], want "
                        f"{c[iy, ix, k] / n[iy, ix]} [{wl}, {wh}]")


def check_json(json_path, csv_path):
    doc = json.load(open(json_path))
    rows = list(csv.DictReader(open(csv_path)))
    cells = doc["cells"]
    if len(cells) != len(rows):
        problem(f"JSON {len(cells)} cells, CSV {len(rows)}")
        return
    for cell, row in zip(cells, rows):
        same = cell["ix"] == int(row["ix"]) and cell["iy"] == int(row["iy"]) and \
            cell["done"] == int(row["done"]) and cell["incomplete"] == (row["incomplete"] == "1")
        for name in CLASSES:
            same = same and cell[name]["count"] == int(row[name])
            f = cell[name]["fraction"]
            same = same and ((f is None and row[name + "_fraction"] == "") or
                             (f is not None and close(f, float(row[name + "_fraction"]))))
        if not same:
            problem(f"cell ({cell['ix']}, {cell['iy']}): JSON {cell} differs from CSV {row}")
            return


def check_summary(json_path, h5, run, nx, ny, per_cell):
    doc = json.load(open(json_path))
    runs = [r for r in doc["runs"] if r.get("name") == run]
    if not runs or "design" not in runs[0]:
        problem(f"{run}: no design in the summary")
        return
    d = runs[0]["design"]
    n, c = counts(h5, run, nx, ny, per_cell)
    want = {"cells": nx * ny, "partial_cells": int((n < per_cell).sum()),
            "empty_cells": int((n == 0).sum())}
    for k, v in want.items():
        if d[k] != v:
            problem(f"{run}: design.{k} {d[k]}, h5py {v}")
    maj = np.zeros(len(CLASSES), dtype=np.int64)
    for iy in range(ny):
        for ix in range(nx):
            if n[iy, ix]:
                maj[int(np.argmax(c[iy, ix]))] += 1  # argmax: the first of the largest
    for k, name in enumerate(CLASSES):
        if d["majority"][name]["count"] != maj[k]:
            problem(f"{run}: majority {name} {d['majority'][name]['count']}, h5py {maj[k]}")


def layout(path):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    for r in rows:
        for k in ("x0", "y0", "x1", "y1"):
            r[k] = float(r[k])
    return rows


def pixels(png, box, height):
    """The RGB pixels strictly inside a layout box (y up) of the image (y down)."""
    a = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)
    x0, x1 = int(math.ceil(box["x0"])) + 2, int(box["x1"]) - 2
    y0, y1 = int(math.ceil(height - box["y1"])) + 2, int(height - box["y0"]) - 2
    return a[y0:y1, x0:x1]


def has_colour(px, rgb, tol=6, least=20):
    d = np.abs(px - np.array(rgb, dtype=np.int16)).max(axis=2)
    return int((d <= tol).sum()) >= least


def check_phase(png, layout_path, panels):
    rows = layout(layout_path)
    page = [r for r in rows if r["kind"] == "page"][0]
    W, H = page["x1"], page["y1"]
    frames = [r for r in rows if r["kind"] == "frame"]
    bars = [r for r in rows if r["kind"] == "colorbar"]
    if len(frames) != panels:
        problem(f"{len(frames)} panels, want {panels}")
    if len(bars) != 1:
        problem("no colour bar in the layout")
        return
    bar = bars[0]
    if bar["x0"] < 0 or bar["y0"] < 0 or bar["x1"] > W or bar["y1"] > H:
        problem(f"the colour bar is outside the {W}x{H} image")
    labels = [r for r in rows if r["kind"] == "text" and r["role"] == "axis_label" and
              r["x0"] >= bar["x1"]]
    if not labels:
        problem("the colour bar has no label")
    px = pixels(png, bar, H)
    low, high = px[-1].mean(axis=0), px[0].mean(axis=0)
    if not (low.sum() < 300 and high.sum() > 450):
        problem(f"colour bar from {low} (0) to {high} (1): not dark to light")
    both = 0
    for f in frames:
        p = pixels(png, f, H)
        if not has_colour(p, (214, 39, 40), tol=10, least=30):
            problem(f"panel {f['text']}: no Delta = 0 curve (red) drawn")
        # The heat map's ends: dark purple (fraction 0) and yellow (fraction 1).
        flat = p.reshape(-1, 3)
        dark = ((flat[:, 0] < 90) & (flat[:, 2] > 60) & (flat[:, 1] < 40)).sum()
        light = ((flat[:, 0] > 180) & (flat[:, 1] > 180) & (flat[:, 2] < 100)).sum()
        if dark < 50 and light < 50:
            problem(f"panel {f['text']}: no heat map ({dark} dark, {light} light pixels)")
        both += dark >= 50 and light >= 50
    if not both:
        problem("no panel shows both ends of the heat map (fractions 0 and 1)")


def check_basins(png, layout_path, r2, colours):
    rows = layout(layout_path)
    H = [r for r in rows if r["kind"] == "page"][0]["y1"]
    a = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)
    for f in [r for r in rows if r["kind"] == "frame"]:
        p = pixels(png, f, H)
        for rgb in colours:
            if not has_colour(p, rgb):
                problem(f"panel {f['text']}: class colour {rgb} absent")
        for deg in range(0, 360, 30):
            t = math.radians(deg)
            wx, wy = r2 * math.cos(t), r2 * math.sin(t)
            px = f["x0"] + (wx + 1) / 2 * (f["x1"] - f["x0"])
            py = H - (f["y0"] + (wy + 1) / 2 * (f["y1"] - f["y0"]))
            x, y = int(round(px)), int(round(py))
            near = a[y - 3:y + 4, x - 3:x + 4].reshape(-1, 3)
            if near.sum(axis=1).min() > 150:
                problem(f"panel {f['text']}: circle |a| = {r2} not drawn at {deg} degrees")


def main(argv):
    cmd = argv[1]
    if cmd == "cells":
        check_cells(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), int(argv[7]),
                    *map(float, argv[8:12]))
    elif cmd == "json":
        check_json(argv[2], argv[3])
    elif cmd == "summary":
        check_summary(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), int(argv[7]))
    elif cmd == "phase":
        check_phase(argv[2], argv[3], int(argv[4]))
    elif cmd == "basins":
        cols = [tuple(int(v) for v in c.split(",")) for c in argv[5:]]
        check_basins(argv[2], argv[3], float(argv[4]), cols)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
