#!/usr/bin/python3
"""The architecture of docs/ARCHITECTURE.md, checked on the built libraries and the sources.

usage: test_layers.py SOURCE_DIR LAYER=ARCHIVE...   (layers lowest first)

1. Calls: every function an object file calls that another object file of our libraries defines
   (nm's undefined and defined symbols) is an edge between the two files. An edge from a layer
   to a later one is an upward call; a cycle of edges is a dependency circle (within a layer too).
2. Includes: a source of src/<layer>/ includes no header of a later layer (public headers of
   include/sgema/ and private ones of src/internal/ belong to the layer named below).
Prints one line per check and "N passed, M failed" like the other tests.
"""
import os
import re
import subprocess
import sys

# Which layer each shared header belongs to; a header not listed belongs to the folder it is in.
HEADER_LAYER = {
    "sgema/experiment.h": "experiment",
    "sgema/output.h": "io",
    "sgema/schedule.h": "parallel",
    "format_double.h": "util",
    "json_writer.h": "util",
    "cli_args.h": "cli",
}

passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + detail if detail else ""))


def archive_symbols(layer, archive):
    """{object: (defined set, undefined set)} of one static library, objects named layer/file."""
    out = subprocess.run(["nm", "-A", archive], check=True, capture_output=True, text=True).stdout
    objects = {}
    for line in out.splitlines():
        m = re.match(r"^[^:]+:([^:]+):\s*([0-9a-f]*)\s+([A-Za-z])\s+(\S+)$", line)
        if not m:
            continue
        obj = layer + "/" + os.path.basename(archive) + ":" + m.group(1).replace(".c.o", ".c")
        defined, undefined = objects.setdefault(obj, (set(), set()))
        kind, name = m.group(3), m.group(4)
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBR":  # global text, data, bss, read-only data
            defined.add(name)
    return objects


def call_graph(layers):
    objects, layer_of = {}, {}
    for layer, archive in layers:
        for obj, syms in archive_symbols(layer, archive).items():
            objects[obj] = syms
            layer_of[obj] = layer
    definer = {}
    for obj, (defined, _) in objects.items():
        for name in defined:
            definer[name] = obj
    edges = {obj: set() for obj in objects}
    for obj, (_, undefined) in objects.items():
        for name in undefined:
            if name in definer and definer[name] != obj:
                edges[obj].add(definer[name])
    return edges, layer_of


def cycles(edges):
    """The strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def layer_order(layers):
    """Each layer's position; a layer may come as several libraries (io: writer and reader)."""
    order = {}
    for layer, _ in layers:
        order.setdefault(layer, len(order))
    return order


def check_calls(layers):
    order = layer_order(layers)
    edges, layer_of = call_graph(layers)
    check("the libraries hold object files (nm read them)", len(edges) > 10, str(len(edges)))
    upward = sorted(f"{a} -> {b}" for a in edges for b in edges[a]
                    if order[layer_of[b]] > order[layer_of[a]])
    check("no call from a layer to a later one", not upward, "; ".join(upward))
    circles = cycles(edges)
    check("no dependency circle between source files",
          not circles, "; ".join(" <-> ".join(c) for c in circles))


def header_layer(name, sources):
    if name in HEADER_LAYER:
        return HEADER_LAYER[name]
    if name.startswith("sgema/"):
        return "kernel"
    return None  # a header of the including file's own folder or a system header


def check_includes(source_dir, layers):
    order = layer_order(layers)
    bad = []
    for layer in order:
        folder = os.path.join(source_dir, "src", layer)
        if not os.path.isdir(folder):  # analysis/ sits beside src/
            folder = os.path.join(source_dir, layer)
        for root, _, files in os.walk(folder):
            for f in files:
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(root, f)
                with open(path, encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                        if not m:
                            continue
                        owner = header_layer(m.group(1), folder)
                        if owner in order and order[owner] > order[layer]:
                            bad.append(f"{os.path.relpath(path, source_dir)}:{n} includes "
                                       f"{m.group(1)} ({owner})")
    check("no source includes a header of a later layer", not bad, "; ".join(bad))


def main():
    source_dir = sys.argv[1]
    layers = [tuple(a.split("=", 1)) for a in sys.argv[2:]]
    check_calls(layers)
    check_includes(source_dir, layers)
    # The check can fail: a made-up upward edge and circle must be seen.
    check("the circle finder sees a made-up circle", cycles({"a": {"b"}, "b": {"a"}, "c": set()})
          == [["a", "b"]])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
