#!/usr/bin/python3
"""Legibility checks of sgema-plot figures (tests/test_plot_legible.sh), from the layout the tool
wrote (SGEMA_PLOT_LAYOUT) and the PNG itself, read here with PIL:

  check_layout.py boxes W H LAYOUT.csv IMAGE.png [LAYOUT.csv IMAGE.png ...]
      the PNG is W x H; every text box, legend sample, the legend's area and the colour bar lie
      inside the page; no two texts overlap, nor a text and a legend sample, nor two samples; no
      text but the notes (values inside a panel) overlaps a panel's frame or the colour bar; the
      legend sits below every frame; the image's outermost pixels are background (nothing cut at
      the edge).
  check_layout.py ink LAYOUT.csv WITH.png WITHOUT.png [LAYOUT.csv WITH.png WITHOUT.png ...]
      the pixels where the two images differ (WITHOUT drawn with SGEMA_PLOT_NO_TEXT=1, i.e. the
      letters) all lie inside the layout's text boxes: the boxes the checks above compare are
      where the letters really are.
Exit 0 when every check passes, 1 with a line per problem otherwise.
"""
import csv
import sys

import numpy as np
from PIL import Image

problems = []


current = [""]


def problem(msg):
    if len(problems) < 12:
        print(f"     {current[0]}: {msg}")
    problems.append(msg)


def read_layout(path):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    for r in rows:
        for k in ("x0", "y0", "x1", "y1"):
            r[k] = float(r[k])
    return rows


def overlap(a, b):
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


def name(r):
    return f"{r['kind']} {r['role']} {r['text']!r} [{r['x0']:.0f},{r['y0']:.0f},{r['x1']:.0f},{r['y1']:.0f}]"


def check_boxes(layout, image, width, height):
    rows = read_layout(layout)
    im = Image.open(image)
    if im.size != (width, height):
        problem(f"{image}: {im.size[0]}x{im.size[1]}, asked for {width}x{height}")
    page = [r for r in rows if r["kind"] == "page"][0]
    if (page["x1"], page["y1"]) != (width, height):
        problem(f"layout page {page['x1']}x{page['y1']}")
    texts = [r for r in rows if r["kind"] == "text"]
    samples = [r for r in rows if r["kind"] == "sample"]
    frames = [r for r in rows if r["kind"] == "frame"]
    areas = [r for r in rows if r["kind"] == "legend_area"]
    bars = [r for r in rows if r["kind"] == "colorbar"]
    if not texts or not frames:
        problem("no texts or no frames in the layout")
    for r in texts + samples + areas + frames + bars:
        if r["x0"] < 0 or r["y0"] < 0 or r["x1"] > width or r["y1"] > height:
            problem(f"outside the {width}x{height} page: {name(r)}")
    boxes = texts + samples
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if overlap(a, b):
                problem(f"overlap: {name(a)} and {name(b)}")
    for t in texts:
        if t["role"] == "note":
            continue
        for f in frames:
            if overlap(t, f):
                problem(f"over panel {f['text']}'s frame: {name(t)}")
        for b in bars:
            if overlap(t, b):
                problem(f"over the colour bar: {name(t)}")
    for a in areas:
        for f in frames:
            if a["y1"] > f["y0"]:
                problem(f"legend area reaches into panel {f['text']}")
    rgb = im.convert("RGB")
    px = rgb.load()
    w, h = rgb.size
    edge = [(x, 0) for x in range(w)] + [(x, h - 1) for x in range(w)] + \
           [(0, y) for y in range(h)] + [(w - 1, y) for y in range(h)]
    inked = [p for p in edge if min(px[p]) < 235]
    if inked:
        problem(f"{len(inked)} drawn pixels on the image's edge, e.g. {inked[:3]} (cut off?)")


def check_ink(layout, with_text, without_text):
    rows = read_layout(layout)
    height = [r for r in rows if r["kind"] == "page"][0]["y1"]
    texts = [r for r in rows if r["kind"] == "text"]
    a = Image.open(with_text).convert("RGB")
    b = Image.open(without_text).convert("RGB")
    if a.size != b.size:
        problem("the two images differ in size")
        return
    diff = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).max(axis=2) > 60
    inside = np.zeros(diff.shape, dtype=bool)
    h, w = diff.shape
    # Text boxes in image pixels (y down), widened by 2 pixels for antialiasing.
    for r in texts:
        x0, x1 = max(0, int(r["x0"]) - 2), min(w, int(r["x1"]) + 3)
        y0, y1 = max(0, int(height - r["y1"]) - 2), min(h, int(height - r["y0"]) + 3)
        inside[y0:y1, x0:x1] = True
    ys, xs = np.nonzero(diff & ~inside)
    if len(xs):
        problem(f"{len(xs)} text pixels outside every text box, e.g. "
                f"{list(zip(xs[:4].tolist(), ys[:4].tolist()))}")
    if not diff.any():
        problem("the images do not differ: no text drawn?")


def main(argv):
    if argv[1] == "boxes":
        width, height = int(argv[2]), int(argv[3])
        for i in range(4, len(argv), 2):
            current[0] = argv[i]
            check_boxes(argv[i], argv[i + 1], width, height)
    else:
        for i in range(2, len(argv), 3):
            current[0] = argv[i]
            check_ink(argv[i], argv[i + 1], argv[i + 2])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
