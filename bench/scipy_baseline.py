#!/usr/bin/python3
"""SciPy baseline for sgema: re-integrates and re-classifies the trials of a JSON-lines record file.

An independent implementation of docs/MODEL.md (vector fields, analytic Jacobian, classification of
the limits), built on scipy.integrate.solve_ivp(method="LSODA"). The benchmark uses it to measure the
C code's speed "side by side at equal accuracy" (same rtol/atol/f_tol/t_max, same classification
tolerances) and the agreement of the classes.

Input: the records printed by the C program, one JSON object per line (see include/sgema/record.h).
Only "settings", "problem" and "initial" are used to integrate and classify; "result" and "final" are
read only to compare with. Records with problem.time != "flow" are skipped and counted.

Per trial:
  1. integrate from t = 0 with LSODA (analytic Jacobian by default), in segments [0, T] and
     [T, t_max] for the linear momentum schedule (the field has a kink at T);
  2. after every accepted step: stop when |f(t, y)|_2 < f_tol max(1, |y|_2) (converged), when max |y_i| >
     diverge_norm or y is not finite (diverged), after max_steps steps or at t_max (not converged);
     see _Watch for why this is not a root-finding terminal event;
  3. classify the limit (docs/MODEL.md "Limits and their classes"): origin if |A|_F < origin_tol; else the
     spectrum of the Jacobian restricted to the complement of the O(n) orbit's tangent space: saddle if
     its largest real part > saddle_tol, else stable if rank(A) = m, partial if 0 < rank(A) < m.
     EMA with a frozen target (alpha = 1 at the end): C is a parameter, the spectrum is that of the
     (A, B) block, and the symmetry removed is that of the frozen field, (A, B) -> (Q2 A, Q1 B Q2^T)
     for Q2 in O(n) and Q1 C = C (see symmetry_tangents and --frozen-symmetry).
  LSODA picks its own first step (the record's h0 is for the C steppers and is not used); max_steps
  counts accepted steps only (LSODA does not expose its rejected ones to solve_ivp).
  The summary also counts, per kind of limit, the eigenvalues left in the reduced spectrum with
  |eigenvalue| <= saddle_tol ("residual zeros"): 0 when the symmetry accounts for every zero.

Usage:  /usr/bin/python3 bench/scipy_baseline.py RECORDS.jsonl [--limit K] [--rtol R] [--atol A]
            [--symmetry-tol S] [--jac analytic|estimated] [--frozen-symmetry group|stabilizer|none] [--json]
            [--check-jacobian] [--verbose]
"""

import argparse
import json
import math
import sys
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp

CLASSES = ("origin", "stable", "saddle", "partial", "not_converged", "diverged")


# ----------------------------------------------------------------------------------------------
# Reading records


def _mat(x, rows, cols, what):
    """A JSON matrix (array of rows; null -> NaN) as a float array of the given shape."""
    if x is None:
        raise ValueError("missing matrix " + what)
    a = np.array([[np.nan if v is None else float(v) for v in row] for row in x], dtype=float)
    if a.shape != (rows, cols):
        raise ValueError("matrix %s has shape %s, expected %dx%d" % (what, a.shape, rows, cols))
    return a


def _num(x, default=math.nan):
    return default if x is None else float(x)


class Trial:
    """The inputs of one record, independent of the C code's answer."""

    def __init__(self, rec, index):
        self.index = index
        tr = rec.get("trial") or {}
        self.label = tr.get("trial")
        pr = rec["problem"]
        st = rec["settings"]
        self.alg = pr["alg"]
        if self.alg not in ("sg", "ema", "gd"):
            raise ValueError("unknown alg %r" % self.alg)
        self.time_kind = pr.get("time", st.get("time", "flow"))
        m, n = int(pr["m"]), int(pr["n"])
        self.m, self.n = m, n
        self.lam = float(pr["lambda"])
        self.Sxx = _mat(pr["Sxx"], m, m, "Sxx")
        self.Syx = _mat(pr["Syx"], m, m, "Syx")
        self.Syy = _mat(pr["Syy"], m, m, "Syy") if pr.get("Syy") is not None else np.full((m, m), np.nan)
        mo = pr.get("momentum") or st.get("momentum") or {"kind": "constant", "a0": 0.0}
        self.mom_kind = mo.get("kind", "constant")
        self.a0 = _num(mo.get("a0"), 0.0)
        self.a1 = _num(mo.get("a1"), self.a0)
        self.T = _num(mo.get("T"), math.inf)
        integ = st["integration"]
        self.rtol = float(integ["rtol"])
        self.atol = float(integ["atol"])
        self.t_max = float(integ["t_max"])
        self.max_steps = int(integ["max_steps"]) if integ.get("max_steps") is not None else 0
        self.f_tol = float(integ["f_tol"])
        self.diverge_norm = _num(integ.get("diverge_norm"), math.inf)
        cl = st["classification"]
        self.origin_tol = float(cl["origin_tol"])
        self.rank_tol = float(cl["rank_tol"])
        self.saddle_tol = float(cl["saddle_tol"])
        self.symmetry_tol = float(cl["symmetry_tol"])
        self.sphere_tol = _num(cl.get("sphere_tol"), 1e-3)
        ini = rec["initial"]
        self.A0 = _mat(ini["A"], n, m, "initial.A")
        self.B0 = _mat(ini["B"], n, n, "initial.B")
        self.C0 = _mat(ini["C"], n, m, "initial.C") if self.alg == "ema" else None
        # The C code's answer, for comparison only.
        res = rec.get("result") or {}
        self.c_class = res.get("class")
        self.c_sphere = res.get("sphere")
        self.c_max_re = res.get("max_real_eig")
        self.c_rhs = res.get("rhs_evals")
        self.c_steps = res.get("steps")
        fin = rec.get("final") or {}
        try:
            self.fA = _mat(fin["A"], n, m, "final.A")
            self.fB = _mat(fin["B"], n, n, "final.B")
            self.fC = _mat(fin["C"], n, m, "final.C") if self.alg == "ema" and fin.get("C") is not None else None
        except (KeyError, ValueError, TypeError):
            self.fA = self.fB = self.fC = None

    def y0(self):
        parts = [self.A0.ravel(), self.B0.ravel()]
        if self.alg == "ema":
            parts.append(self.C0.ravel())
        return np.concatenate(parts)

    def alpha(self, t):
        if self.mom_kind == "linear":
            return self.a0 + (self.a1 - self.a0) * min(t / self.T, 1.0)
        return self.a0

    def segments(self):
        """Integration segments: [0, T] and [T, t_max] for the linear schedule, else [0, t_max]."""
        if self.alg == "ema" and self.mom_kind == "linear" and 0.0 < self.T < self.t_max:
            return [(0.0, self.T), (self.T, self.t_max)]
        return [(0.0, self.t_max)]


# ----------------------------------------------------------------------------------------------
# The model: vector field and analytic Jacobian (row-major vec throughout)


def _commutation(p, q):
    """K with vec(X^T) = K vec(X) for X p x q, row-major vec."""
    K = np.zeros((p * q, p * q))
    for i in range(p):
        for j in range(q):
            K[j * p + i, i * q + j] = 1.0
    return K


class Model:
    def __init__(self, tr):
        self.tr = tr
        self.alg = tr.alg
        self.m, self.n = tr.m, tr.n
        m, n = self.m, self.n
        self.nm, self.nn = n * m, n * n
        self.dim = self.nm + self.nn + (self.nm if self.alg == "ema" else 0)
        self.lam = tr.lam
        self.Sxx, self.Syx, self.Syy = tr.Sxx, tr.Syx, tr.Syy
        self.Sxy = tr.Syx.T.copy()
        self.In, self.Im = np.eye(n), np.eye(m)
        self.Knm = _commutation(n, m)
        self.Knn = _commutation(n, n)
        self.nfev = 0  # calls of the field by the solver
        self.njev = 0

    def split(self, y):
        nm, nn, n, m = self.nm, self.nn, self.n, self.m
        A = y[:nm].reshape(n, m)
        B = y[nm:nm + nn].reshape(n, n)
        C = y[nm + nn:].reshape(n, m) if self.alg == "ema" else A
        return A, B, C

    def field(self, t, y, frozen=False):
        A, B, C = self.split(y)
        R = B @ A @ self.Sxx - C @ self.Syx
        dA = B.T @ R + self.lam * A
        if self.alg == "gd":
            dA = dA - (B @ A @ self.Sxy - A @ self.Syy)
        dB = R @ A.T + self.lam * B
        if self.alg == "ema":
            g = 0.0 if frozen else 1.0 - self.tr.alpha(t)
            return np.concatenate([-dA.ravel(), -dB.ravel(), (g * (A - C)).ravel()])
        return np.concatenate([-dA.ravel(), -dB.ravel()])

    def rhs(self, t, y):
        self.nfev += 1
        return self.field(t, y)

    def jacobian(self, t, y, frozen=False):
        A, B, C = self.split(y)
        In, Im, lam = self.In, self.Im, self.lam
        nm, nn = self.nm, self.nn
        R = B @ A @ self.Sxx - C @ self.Syx
        dR_dA = np.kron(B, self.Sxx.T)                      # B dA Sxx
        if self.alg != "ema":
            dR_dA = dR_dA - np.kron(In, self.Syx.T)         # - dA Syx   (C = A)
        dR_dB = np.kron(In, (A @ self.Sxx).T)               # dB A Sxx
        BtL = np.kron(B.T, Im)                              # B^T (.)
        AtR = np.kron(In, A)                                # (.) A^T
        J = np.zeros((self.dim, self.dim))
        JAA = -(BtL @ dR_dA) - lam * np.eye(nm)
        JAB = -(np.kron(In, R.T) @ self.Knn + BtL @ dR_dB)
        if self.alg == "gd":
            JAA += np.kron(B, self.Sxy.T) - np.kron(In, self.Syy.T)   # + B dA Sxy - dA Syy
            JAB += np.kron(In, (A @ self.Sxy).T)                        # + dB A Sxy
        JBA = -(AtR @ dR_dA + np.kron(R, In) @ self.Knm)
        JBB = -(AtR @ dR_dB) - lam * np.eye(nn)
        J[:nm, :nm] = JAA
        J[:nm, nm:nm + nn] = JAB
        J[nm:nm + nn, :nm] = JBA
        J[nm:nm + nn, nm:nm + nn] = JBB
        if self.alg == "ema":
            dR_dC = -np.kron(In, self.Syx.T)
            c0 = nm + nn
            J[:nm, c0:] = -(BtL @ dR_dC)
            J[nm:nm + nn, c0:] = -(AtR @ dR_dC)
            g = 0.0 if frozen else 1.0 - self.tr.alpha(t)
            J[c0:, :nm] = g * np.eye(nm)
            J[c0:, c0:] = -g * np.eye(nm)
        return J

    def jac(self, t, y):
        self.njev += 1
        return self.jacobian(t, y)


def check_jacobian(model, t, y, frozen=False):
    """Relative difference between the analytic Jacobian and central finite differences."""
    J = model.jacobian(t, y, frozen)
    Jfd = np.zeros_like(J)
    for k in range(len(y)):
        h = 1e-6 * max(1.0, abs(y[k]))
        e = np.zeros_like(y)
        e[k] = h
        Jfd[:, k] = (model.field(t, y + e, frozen) - model.field(t, y - e, frozen)) / (2 * h)
    return np.linalg.norm(J - Jfd) / max(np.linalg.norm(J), 1e-300)


# ----------------------------------------------------------------------------------------------
# Integration


class _Stop(Exception):
    def __init__(self, end, t, y):
        super().__init__(end)
        self.end, self.t, self.y = end, t, y


class _Watch:
    """The stopping tests, as an event function that never fires: solve_ivp calls every event once
    at the start of the integration and once after every accepted step, with the step's state, so
    this counts steps and ends the integration (by raising _Stop) when the state has converged
    (|f(t, y)|_2 < f_tol max(1, |y|_2)), diverged (max |y_i| > diverge_norm, or not finite), or after max_steps.

    Why not a terminal event on |f| - f_tol: solve_ivp locates an event's root with brentq on the
    solver's dense output, and at |f| ~ 1e-10 LSODA's interpolant differs from the accepted states by
    more than that, so the sign test on the accepted states and the one on the interpolant disagree
    (ValueError "f(a) and f(b) must have different signs"); the interpolated root would also be a
    less accurate final state than an accepted step. Testing the accepted state after each step is
    what the C integrator does."""

    def __init__(self, tr, model, steps_before):
        self.tr = tr
        self.model = model
        self.calls = 0
        self.field_evals = 0
        self.steps_before = steps_before

    def __call__(self, t, y):
        self.calls += 1
        if not np.all(np.isfinite(y)) or np.max(np.abs(y)) > self.tr.diverge_norm:
            raise _Stop("diverged", t, np.array(y))
        self.field_evals += 1
        # The C code's test: relative to max(1, |y|_2) (include/sgema/integrate.h).
        if np.linalg.norm(self.model.field(t, y)) < self.tr.f_tol * max(1.0, np.linalg.norm(y)):
            raise _Stop("converged", t, np.array(y))
        if self.tr.max_steps > 0 and self.steps_before + self.calls - 1 >= self.tr.max_steps:
            raise _Stop("max_steps", t, np.array(y))
        return 1.0


def integrate(tr, model, rtol, atol, use_jac=True):
    """Integrates one trial; returns (end, t, y, steps, nfev, njev, field evaluations of the
    stopping test)."""
    y = tr.y0()
    t = 0.0
    steps = 0
    tests = 0
    for (ta, tb) in tr.segments():
        watch = _Watch(tr, model, steps)
        kw = dict(method="LSODA", rtol=rtol, atol=atol, events=[watch])
        if use_jac:
            kw["jac"] = model.jac
        try:
            sol = solve_ivp(model.rhs, (ta, tb), y, **kw)
        except _Stop as s:
            steps += max(watch.calls - 1, 0)
            return s.end, s.t, s.y, steps, model.nfev, model.njev, tests + watch.field_evals
        steps += watch.calls - 1
        tests += watch.field_evals
        t, y = float(sol.t[-1]), sol.y[:, -1].copy()
        if sol.status < 0:  # LSODA gave up (the watch sees every accepted state, so y is finite)
            return "step_fail", t, y, steps, model.nfev, model.njev, tests
    # solve_ivp calls the watch after every step, the last one (at t_max) included.
    return "t_max", t, y, steps, model.nfev, model.njev, tests


# ----------------------------------------------------------------------------------------------
# Classification


def _antisym_basis(n):
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            X = np.zeros((n, n))
            X[i, j], X[j, i] = 1.0, -1.0
            out.append(X)
    return out


def symmetry_tangents(model, y, frozen, mode):
    """Columns: tangent vectors at y of the orbit of the field's continuous symmetry group.

    Not frozen (SG, GD, EMA with alpha < 1): O(n) acting as (A, B, C) -> (QA, QBQ^T, QC), tangents
    (XA, XB - BX, XC) for X = E_ij - E_ji.

    Frozen target (EMA with alpha = 1: state (A, B), C a parameter). The field
    dA = -(B^T R + lambda A), dB = -(R A^T + lambda B), R = BA Sxx - C Syx is invariant under
    (A, B) -> (Q2 A, Q1 B Q2^T) for any Q2 in O(n) and any Q1 with Q1 C = C (R -> Q1 R). Modes:
      "group"      (default) that whole group: tangents (XA, -BX) for every antisymmetric X, and
                   (0, YB) for Y = W Y' W^T, W an orthonormal basis of col(C)'s orthogonal complement;
      "stabilizer" only the Q1 = Q2 part fixing C: (YA, YB - BY), Y as above;
      "none"       no reduction."""
    A, B, C = model.split(y)
    n = model.n
    cols = []
    if not frozen:
        for X in _antisym_basis(n):
            parts = [(X @ A).ravel(), (X @ B - B @ X).ravel()]
            if model.alg == "ema":
                parts.append((X @ C).ravel())
            cols.append(np.concatenate(parts))
    elif mode != "none":
        U, s, _ = np.linalg.svd(C, full_matrices=True)
        r = int(np.sum(s > model.tr.symmetry_tol * s[0])) if s.size and s[0] > 0 else 0
        W = U[:, r:]
        Ys = [W @ Yp @ W.T for Yp in _antisym_basis(n - r)]
        if mode == "group":
            for X in _antisym_basis(n):
                cols.append(np.concatenate([(X @ A).ravel(), (-B @ X).ravel()]))
            for Y in Ys:
                cols.append(np.concatenate([np.zeros(model.nm), (Y @ B).ravel()]))
        else:
            for Y in Ys:
                cols.append(np.concatenate([(Y @ A).ravel(), (Y @ B - B @ Y).ravel()]))
    d = model.nm + model.nn if frozen else model.dim
    return np.array(cols).T if cols else np.zeros((d, 0))


def reduced_spectrum(model, t, y, frozen, mode):
    """Eigenvalues of V^T J V, V an orthonormal basis of the complement of the symmetry tangents;
    returns (eigenvalues, number of symmetry directions removed, |J U|_F / |J|_F)."""
    J = model.jacobian(t, y, frozen)
    if frozen:
        d = model.nm + model.nn
        J = J[:d, :d]
    Tg = symmetry_tangents(model, y, frozen, mode)
    d = J.shape[0]
    r = 0
    if Tg.shape[1] > 0:
        U, s, _ = np.linalg.svd(Tg, full_matrices=True)
        if s.size and s[0] > 0:
            r = int(np.sum(s > model.tr.symmetry_tol * s[0]))
        V = U[:, r:]
        leak = np.linalg.norm(J @ U[:, :r]) / max(np.linalg.norm(J), 1e-300) if r else 0.0
    else:
        V = np.eye(d)
        leak = 0.0
    ev = np.linalg.eigvals(V.T @ J @ V) if V.shape[1] else np.zeros(0)
    return ev, r, leak


def is_frozen(tr, t):
    return tr.alg == "ema" and tr.alpha(t) >= 1.0


def classify(tr, model, end, t, y, frozen_mode):
    out = {"end": end, "t_end": t, "rank": -1, "max_re": None, "symmetry_zeros": 0, "frozen": False}
    A, B, C = model.split(y)
    out["a_norm"] = float(np.linalg.norm(A))
    if end == "diverged":
        out["class"] = "diverged"
        return out
    if end != "converged":
        out["class"] = "not_converged"
        return out
    sv = np.linalg.svd(A, compute_uv=False)
    out["rank"] = int(np.sum(sv > tr.rank_tol))
    if out["a_norm"] < tr.origin_tol:
        out["class"] = "origin"
    else:
        frozen = is_frozen(tr, t)
        out["frozen"] = frozen
        try:
            ev, r, leak = reduced_spectrum(model, t, y, frozen, frozen_mode)
        except np.linalg.LinAlgError as e:  # report, do not abort the whole comparison
            out["class"] = "error: " + str(e)
            return out
        mx = float(np.max(ev.real)) if ev.size else -math.inf
        out["max_re"], out["symmetry_zeros"], out["leak"] = mx, r, leak
        out["residual_zeros"] = int(np.sum(np.abs(ev) <= tr.saddle_tol))
        if mx > tr.saddle_tol:
            out["class"] = "saddle"
        elif out["rank"] == tr.m:
            out["class"] = "stable"
        else:
            out["class"] = "partial"
    # m = 1: which sphere |a| lies on (docs/MODEL.md fact 1).
    if tr.m == 1:
        rho, tau = tr.Sxx[0, 0], tr.Syx[0, 0]
        delta = tau * tau - 4 * rho * tr.lam
        sphere = "none"
        if delta >= 0 and rho > 0:
            r1 = (abs(tau) - math.sqrt(delta)) / (2 * rho)
            r2 = (abs(tau) + math.sqrt(delta)) / (2 * rho)
            out["r1"], out["r2"] = r1, r2
            a = out["a_norm"]
            if abs(a - r2) <= tr.sphere_tol * r2:
                sphere = "S2"
            elif abs(a - r1) <= tr.sphere_tol * r1:
                sphere = "S1"
            out["sphere_rel_dist"] = min(abs(a - r2) / r2, abs(a - r1) / r1 if r1 > 0 else math.inf)
        out["sphere"] = sphere
        expect = {"S2": "stable", "S1": "saddle", "none": "origin"}[sphere]
        out["sphere_agrees"] = (out["class"] == expect)
    return out


# ----------------------------------------------------------------------------------------------
# Driver


def load(path, limit):
    trials, skipped, bad = [], 0, []
    f = sys.stdin if path == "-" else open(path)
    with f:
        index = -1
        for line in f:
            line = line.strip()
            if not line:
                continue
            index += 1
            if limit is not None and index >= limit:
                break
            try:
                rec = json.loads(line)
                tr = Trial(rec, index)
            except (ValueError, KeyError, TypeError) as e:
                bad.append((index, str(e)))
                continue
            if tr.time_kind != "flow":
                skipped += 1
                continue
            trials.append(tr)
    return trials, skipped, bad


def state_distance(tr, y, model):
    if tr.fA is None:
        return None
    A, B, C = model.split(y)
    d2 = np.sum((A - tr.fA) ** 2) + np.sum((B - tr.fB) ** 2)
    if tr.alg == "ema" and tr.fC is not None:
        d2 += np.sum((C - tr.fC) ** 2)
    d = float(math.sqrt(d2))
    return d if math.isfinite(d) else None


def _finite(x):
    """Non-finite floats as null, so that the summary is strict JSON."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def _stats(xs):
    if not xs:
        return {"mean": None, "max": None}
    return {"mean": float(np.mean(xs)), "max": float(np.max(xs))}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("records", help="JSON-lines file of trial records ('-' for stdin)")
    ap.add_argument("--limit", type=int, default=None, metavar="K", help="only the first K records")
    ap.add_argument("--rtol", type=float, default=None, help="override each record's rtol")
    ap.add_argument("--atol", type=float, default=None, help="override each record's atol")
    ap.add_argument("--symmetry-tol", type=float, default=None,
                    help="override each record's symmetry_tol (relative cut on the singular values "
                         "of the symmetry tangents)")
    ap.add_argument("--jac", choices=("analytic", "estimated"), default="analytic",
                    help="LSODA Jacobian: analytic (default) or estimated by LSODA's differences")
    ap.add_argument("--frozen-symmetry", choices=("group", "stabilizer", "none"), default="group",
                    help="symmetry removed at EMA limits with a frozen target (alpha = 1): 'group' "
                         "(default) (A, B) -> (Q2 A, Q1 B Q2^T) with Q1 C = C; 'stabilizer' only "
                         "Q1 = Q2 fixing C; 'none'")
    ap.add_argument("--check-jacobian", action="store_true",
                    help="compare the analytic Jacobian with finite differences at each trial's "
                         "initial and final states (outside the timed loop) and report the worst")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ap.add_argument("--verbose", action="store_true", help="one line per trial on stderr")
    args = ap.parse_args(argv)

    trials, skipped, bad = load(args.records, args.limit)
    counts = {c: 0 for c in CLASSES}
    c_counts = {}
    ends = {}
    nfevs, steps_l, njevs, evevs, times = [], [], [], [], []
    agree, compared = 0, 0
    disagree = []
    sphere_counts, sphere_agree, sphere_n = {}, 0, 0
    c_sphere_agree, c_sphere_n = 0, 0
    frozen_n, sym_zero_hist = 0, {}
    resid = {"frozen": {}, "not_frozen": {}}
    mre = {"frozen": [0, 0.0], "not_frozen": [0, 0.0]}  # compared, max |scipy - C| of max_real_eig
    max_leak = 0.0
    results = []

    t_all = time.perf_counter()
    for tr in trials:
        t0 = time.perf_counter()
        if args.symmetry_tol is not None:
            tr.symmetry_tol = args.symmetry_tol
        model = Model(tr)
        rtol = tr.rtol if args.rtol is None else args.rtol
        atol = tr.atol if args.atol is None else args.atol
        end, t, y, steps, nfev, njev, evev = integrate(tr, model, rtol, atol, args.jac == "analytic")
        res = classify(tr, model, end, t, y, args.frozen_symmetry)
        times.append(time.perf_counter() - t0)
        res["steps"], res["nfev"] = steps, nfev
        results.append((tr, model, y, res))
        nfevs.append(nfev)
        njevs.append(njev)
        steps_l.append(steps)
        evevs.append(evev)
    wall = time.perf_counter() - t_all

    jac_check = None
    if args.check_jacobian:
        worst = 0.0
        for tr, model, y, res in results:
            worst = max(worst, check_jacobian(model, 0.0, tr.y0()))
            worst = max(worst, check_jacobian(model, res["t_end"], y, is_frozen(tr, res["t_end"])))
        jac_check = worst

    for tr, model, y, res in results:
        cls = res["class"]
        counts[cls] += 1
        ends[res["end"]] = ends.get(res["end"], 0) + 1
        if "residual_zeros" in res:
            h = resid["frozen" if res["frozen"] else "not_frozen"]
            h[str(res["residual_zeros"])] = h.get(str(res["residual_zeros"]), 0) + 1
            max_leak = max(max_leak, res["leak"])
        if res.get("frozen"):
            frozen_n += 1
            sym_zero_hist[res["symmetry_zeros"]] = sym_zero_hist.get(res["symmetry_zeros"], 0) + 1
        if "sphere" in res:
            sphere_counts[res["sphere"]] = sphere_counts.get(res["sphere"], 0) + 1
            sphere_n += 1
            sphere_agree += bool(res["sphere_agrees"])
            if tr.c_sphere is not None:
                c_sphere_n += 1
                c_sphere_agree += (tr.c_sphere == res["sphere"])
        if tr.c_class is not None:
            c_counts[tr.c_class] = c_counts.get(tr.c_class, 0) + 1
            compared += 1
            if tr.c_class == cls:
                agree += 1
                if res["max_re"] is not None and tr.c_max_re is not None \
                        and math.isfinite(res["max_re"]) and math.isfinite(float(tr.c_max_re)):
                    e = mre["frozen" if res["frozen"] else "not_frozen"]
                    e[0] += 1
                    e[1] = max(e[1], abs(res["max_re"] - float(tr.c_max_re)))
            elif len(disagree) < 10:
                disagree.append({"index": tr.index, "trial": tr.label, "alg": tr.alg,
                                 "scipy": cls, "c": tr.c_class,
                                 "final_distance": state_distance(tr, y, model),
                                 "scipy_t_end": res["t_end"], "scipy_max_re": res["max_re"],
                                 "c_max_re": tr.c_max_re})
        if args.verbose:
            print("%d %s %s end=%s t=%.6g steps=%d nfev=%d |A|=%.6g max_re=%s rank=%d symz=%d "
                  "sphere=%s c=%s" % (tr.index, tr.alg, cls, res["end"], res["t_end"],
                                      res["steps"], res["nfev"], res["a_norm"], res["max_re"], res["rank"],
                                      res["symmetry_zeros"], res.get("sphere"), tr.c_class),
                  file=sys.stderr)

    ntr = len(trials)
    nc = counts["not_converged"]
    summary = {
        "file": args.records,
        "scipy_version": scipy.__version__,
        "numpy_version": np.__version__,
        "method": "LSODA",
        "jacobian": args.jac,
        "rtol_override": args.rtol,
        "atol_override": args.atol,
        "symmetry_tol_override": args.symmetry_tol,
        "trials": ntr,
        "skipped_not_flow": skipped,
        "unreadable": len(bad),
        "algs": sorted({tr.alg for tr in trials}),
        "wall_seconds": wall,
        "trials_per_second": (ntr / wall) if wall > 0 and ntr else None,
        "seconds_per_trial": _stats(times),
        "nfev": _stats(nfevs),
        "njev": _stats(njevs),
        "steps": _stats(steps_l),
        "stop_test_field_evals": _stats(evevs),
        "not_converged_fraction": (nc / ntr) if ntr else None,
        "ends": ends,
        "classes": counts,
        "c_classes": c_counts,
        "agreement": {"compared": compared, "agree": agree,
                      "fraction": (agree / compared) if compared else None,
                      "disagreements": disagree},
        "frozen_target": {"trials": frozen_n, "mode": args.frozen_symmetry,
                          "symmetry_zeros": {str(k): v for k, v in sorted(sym_zero_hist.items())}},
        "residual_zeros": resid,
        "max_real_eig_vs_c": {k: {"compared": v[0], "max_abs_diff": v[1] if v[0] else None}
                              for k, v in mre.items()},
        "max_symmetry_leak": max_leak,
    }
    if sphere_n:
        summary["m1_sphere"] = {"counts": sphere_counts, "agrees_with_class": sphere_agree,
                                "trials": sphere_n,
                                "c_sphere_compared": c_sphere_n, "c_sphere_agree": c_sphere_agree}
    if jac_check is not None:
        summary["jacobian_check_max_rel_err"] = jac_check
    if bad:
        summary["unreadable_examples"] = [{"index": i, "error": e} for i, e in bad[:5]]

    if args.json:
        print(json.dumps(_finite(summary), allow_nan=False))
        return 0
    p = print
    p("file            %s   (SciPy %s, LSODA, %s Jacobian)" % (args.records, scipy.__version__, args.jac))
    p("trials          %d   (skipped, not flow: %d; unreadable: %d)  algs %s"
      % (ntr, skipped, len(bad), ",".join(summary["algs"])))
    if ntr:
        p("wall time       %.3f s   %.2f trials/s   (integration + classification)"
          % (wall, summary["trials_per_second"]))
        p("LSODA nfev      mean %.1f  max %d      njev mean %.1f  max %d"
          % (np.mean(nfevs), max(nfevs), np.mean(njevs), max(njevs)))
        p("steps           mean %.1f  max %d      stop-test field evals mean %.1f"
          % (np.mean(steps_l), max(steps_l), np.mean(evevs)))
        p("not converged   %.4f   ends %s" % (nc / ntr, ends))
        p("classes         " + "  ".join("%s %d" % (c, counts[c]) for c in CLASSES if counts[c]))
    if compared:
        p("C classes       " + "  ".join("%s %d" % kv for kv in sorted(c_counts.items())))
        p("agreement       %d / %d = %.4f" % (agree, compared, agree / compared))
        for d in disagree:
            fd = d["final_distance"]
            p("  trial %d (%s): scipy %s, C %s, |final difference| %s"
              % (d["index"], d["alg"], d["scipy"], d["c"], "n/a" if fd is None else "%.3g" % fd))
    if sphere_n:
        p("m=1 spheres     %s   class agrees with sphere: %d / %d%s"
          % (sphere_counts, sphere_agree, sphere_n,
             ("   same sphere as C: %d / %d" % (c_sphere_agree, c_sphere_n)) if c_sphere_n else ""))
    if frozen_n:
        p("frozen target   %d limits, symmetry removed (%s): %s"
          % (frozen_n, args.frozen_symmetry, summary["frozen_target"]["symmetry_zeros"]))
    if resid["frozen"] or resid["not_frozen"]:
        p("residual zeros  (reduced eigenvalues with |ev| <= saddle_tol: count -> limits) not frozen %s"
          "  frozen %s   max |J U|/|J| %.2g" % (resid["not_frozen"], resid["frozen"], max_leak))
    if mre["frozen"][0] or mre["not_frozen"][0]:
        p("max_real_eig    |scipy - C| max: not frozen %s (%d limits)  frozen %s (%d limits)"
          % tuple(x for k in ("not_frozen", "frozen")
                  for x in (("%.2g" % mre[k][1]) if mre[k][0] else "-", mre[k][0])))
    if jac_check is not None:
        p("Jacobian check  max relative error vs central differences %.3g" % jac_check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
