"""The spectrum's columns and the numerics attribute of a results file (format 3), read by h5py,
against facts the writer did not compute: the solver a state length implies, max_real_eig from its
own dataset, the diverged trials' classes, OpenBLAS kept at one thread.
  check_spectrum.py file RESULTS.h5                 every check below; exit 1 on a failure
  check_spectrum.py summary RESULTS.h5 SUMMARY.json sgema-summary's spectrum counts against h5py
  check_spectrum.py make-v2 RESULTS.h5              rewrites a copy as format 2 (no new columns)"""
import json
import sys

import h5py
import numpy as np

NEW = ["spectrum_solver", "spectrum_fell_back", "eigenvalues_re", "eigenvalues_im",
       "abscissa_error", "spectrum_products", "jvp_evals"]
NUMERICS = ["blas", "blas_core", "blas_threads", "lapack", "sundials", "arpack", "gsl", "libc",
            "cpu", "cpu_features", "compiler", "hdf5", "mpi"]
LAPACK_MIN_N = 64  # include/sgema/classify.h: auto uses ARPACK from this state length on

bad = []


def fail(msg):
    bad.append(msg)
    print("     " + msg)


def solver_names(ds):
    names = h5py.check_enum_dtype(ds.dtype)
    return {v: k for k, v in names.items()} if names else {}


def check_numerics(f):
    if f.attrs["format_version"] != 3:
        fail("format_version %r, not 3" % f.attrs["format_version"])
    text = f.attrs["numerics"]
    text = text.decode() if isinstance(text, bytes) else text
    lines = [l for l in text.split("\n") if l]
    keys = [l.split(":", 1)[0] for l in lines]
    if keys != NUMERICS:
        fail("numerics keys %s, not %s" % (keys, NUMERICS))
    for l in lines:
        if not l.split(":", 1)[1].strip():
            fail("numerics: empty value in %r" % l)
    kv = dict(l.split(": ", 1) for l in lines)
    # The test runs with OPENBLAS_NUM_THREADS=2: the kernel must still have made it 1.
    if kv.get("blas_threads") not in ("1", "unknown"):
        fail("blas_threads %r: OpenBLAS is not single-threaded" % kv.get("blas_threads"))


def check_run(name, g):
    o = g["outputs"]
    T, N = int(g.attrs["trials"]), int(g.attrs["state_dim"])
    settings = json.loads(g.attrs["settings"])
    k = settings.get("classification", {}).get("eigenvalues", 1)
    want = {"spectrum_solver": ("u1", (T,)), "spectrum_fell_back": ("u1", (T,)),
            "eigenvalues_re": ("f8", (T, k)), "eigenvalues_im": ("f8", (T, k)),
            "abscissa_error": ("f8", (T,)), "spectrum_products": ("i8", (T,)),
            "jvp_evals": ("i8", (T,))}
    for d, (dtype, shape) in want.items():
        if d not in o:
            fail("%s: outputs/%s missing" % (name, d))
            return
        if o[d].dtype.base.str[1:] != dtype or o[d].shape != shape:
            fail("%s: outputs/%s is %s %s, not %s %s" % (name, d, o[d].dtype.base.str, o[d].shape,
                                                         dtype, shape))
    names = solver_names(o["spectrum_solver"])
    if sorted(names.values()) != sorted(["none", "dense", "lapack", "arnoldi", "undone"]):
        fail("%s: spectrum_solver's names %s" % (name, sorted(names.values())))
    cls_names = solver_names(o["class"])
    solver = [names[v] for v in o["spectrum_solver"][:]]
    cls = [cls_names[v] for v in o["class"][:]]
    fell = o["spectrum_fell_back"][:]
    re, im = o["eigenvalues_re"][:], o["eigenvalues_im"][:]
    err, prod, jvp = o["abscissa_error"][:], o["spectrum_products"][:], o["jvp_evals"][:]
    mre, end = o["max_real_eig"][:], o["end"][:]
    for t in range(T):
        where = "%s trial %d" % (name, t)
        if cls[t] in ("diverged", "failed"):
            if (solver[t] != "none" or fell[t] or prod[t] or not np.isnan(err[t]) or
                    not np.isnan(re[t]).all()):
                fail("%s: %s but spectrum %s, %d, %d, %g" % (where, cls[t], solver[t], fell[t],
                                                             prod[t], err[t]))
            continue
        if solver[t] == "none":
            fail("%s: %s without a spectrum" % (where, cls[t]))
            continue
        expect = ("dense",) if N < LAPACK_MIN_N else ("arnoldi", "lapack")
        if solver[t] not in expect or (solver[t] == "lapack") != bool(fell[t]):
            fail("%s: N = %d, solver %s, fell_back %d" % (where, N, solver[t], fell[t]))
        found = ~np.isnan(re[t])
        if found.any():
            if re[t, 0] != mre[t]:
                fail("%s: eigenvalues_re[0] %r != max_real_eig %r" % (where, re[t, 0], mre[t]))
            if (np.diff(re[t][found]) > 0).any() or not np.array_equal(found, ~np.isnan(im[t])):
                fail("%s: eigenvalues not in descending real parts / re, im disagree" % where)
        if solver[t] == "arnoldi":
            if not found[0]:
                fail("%s: arnoldi without eigenvalues" % where)
            if not (0 <= err[t] < 1e-6) or prod[t] <= 0:
                fail("%s: arnoldi error %g, products %d" % (where, err[t], prod[t]))
        elif err[t] != 0 or (solver[t] == "dense" and prod[t] != 0):
            fail("%s: %s solver with error %g, products %d" % (where, solver[t], err[t], prod[t]))
        # From N = 64 on the hybrid's stiff phase and tail are CVODE's Newton-Krylov solves.
        if N >= 64 and cls[t] != "not_converged" and jvp[t] <= 0:
            fail("%s: N = %d, converged without Jacobian-vector products" % (where, N))
    return solver, fell, err


def file_checks(path):
    with h5py.File(path, "r") as f:
        check_numerics(f)
        for r in f["runs"]:
            check_run(r, f["runs"][r])


def summary_checks(path, summary):
    s = json.load(open(summary))
    with h5py.File(path, "r") as f:
        for run in s["runs"]:
            o = f["runs"][run["name"]]["outputs"]
            done = f["runs"][run["name"]]["done"][:] == 1
            names = solver_names(o["spectrum_solver"])
            got = run["spectrum"]
            for v, n in names.items():
                if n != "undone" and got["solver"][n] != int((o["spectrum_solver"][:][done] == v).sum()):
                    fail("%s: summary says %d %s" % (run["name"], got["solver"][n], n))
            if got["fell_back"] != int(o["spectrum_fell_back"][:][done].sum()):
                fail("%s: summary fell_back %d" % (run["name"], got["fell_back"]))
            err = o["abscissa_error"][:][done]
            worst = np.nanmax(err) if (~np.isnan(err)).any() else None
            if got["abscissa_error_worst"] != worst:
                fail("%s: summary worst error %r, h5py %r" % (run["name"],
                                                            got["abscissa_error_worst"], worst))


def make_v2(path):
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.int32(2)
        del f.attrs["numerics"]
        for r in f["runs"]:
            for d in NEW:
                del f["runs"][r]["outputs"][d]


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "file":
        file_checks(sys.argv[2])
    elif what == "summary":
        summary_checks(sys.argv[2], sys.argv[3])
    elif what == "make-v2":
        make_v2(sys.argv[2])
    sys.exit(1 if bad else 0)
