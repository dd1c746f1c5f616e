#!/usr/bin/python3
# Checks of sgema-census output against what it did not compute itself (tests/test_census_cli.sh):
#   m1 CENSUS.json RHO TAU LAMBDA EXPLAIN   the closed forms of docs/MODEL.md fact 1 (origin, S1 saddle
#                                           at r1^2, S2 stable at r2^2), counterexamples only with
#                                           --explain
#   same CENSUS.json TRIAL.json             the census' data set is the trial's (bit for bit)
#   eq6 CENSUS.json                         every PD S solves Eq. 6, every PSD S solves S F(S) = 0
#   sides CENSUS.json TRIAL+.json TRIAL-.json   the written inputs reproduce with sgema-trial (class,
#                                           rank, t_end bit for bit), and at least one side left the
#                                           saddle (its A^T A is away from the saddle's S)
import json, sys

import numpy as np


def load(path):
    with open(path) as f:
        return json.load(f)


def fail(msg):
    print("     " + msg)
    sys.exit(1)


def m1(c, rho, tau, lam, explain):
    eqs = c["equilibria"]
    delta = tau * tau - 4 * rho * lam
    want = [(0, "stable", 0.0)]
    if delta >= 0:
        r1 = (abs(tau) - np.sqrt(delta)) / (2 * rho)
        r2 = (abs(tau) + np.sqrt(delta)) / (2 * rho)
        want += [(1, "saddle", r1 * r1), (1, "stable", r2 * r2)]
    got = sorted((e["rank"], e["class"], e["S"][0][0]) for e in eqs)
    want = sorted(want, key=lambda w: (w[0], w[2]))
    got = sorted(got, key=lambda g: (g[0], g[2]))
    if len(got) != len(want):
        fail("%d equilibria, closed form %d" % (len(got), len(want)))
    for g, w in zip(got, want):
        if g[0] != w[0] or g[1] != w[1] or abs(g[2] - w[2]) > 1e-10 * max(1, w[2]):
            fail("equilibrium %s, closed form %s" % (g, w))
    n_cx = len(c["counterexamples"])
    if n_cx != (1 if explain and delta >= 0 else 0):
        fail("%d counterexamples (explain %d)" % (n_cx, explain))


def same(c, t):
    for key in ("Sxx", "Syx", "Syy", "lambda", "alg", "m", "n"):
        if c["problem"][key] != t["problem"][key]:
            fail("problem.%s differs: %s vs %s" % (key, c["problem"][key], t["problem"][key]))


def eq6(c):
    p = c["problem"]
    Sxx, Syx, lam, m = np.array(p["Sxx"]), np.array(p["Syx"]), p["lambda"], p["m"]
    if not c["equilibria"]:
        fail("no equilibria")
    for e in c["equilibria"]:
        S = np.array(e["S"])
        M = Sxx @ S + lam * np.eye(m)
        F = M @ M.T - Syx.T @ S @ Syx
        scale = np.linalg.norm(M) ** 2 + np.linalg.norm(Syx) ** 2 * np.linalg.norm(S) + 1
        res = np.linalg.norm(F if e["kind"] == "pd" else S @ F) / scale
        if res > 1e-10 or np.linalg.eigvalsh(S).min() < -1e-9 * max(1, np.linalg.norm(S)):
            fail("equilibrium %d: residual %.3g, eigenvalues %s" % (e["index"], res,
                                                                    np.linalg.eigvalsh(S)))
        if e["rank"] != np.linalg.matrix_rank(S, tol=1e-8 * max(1, np.linalg.norm(S))):
            fail("equilibrium %d: rank %d, numpy %d" % (e["index"], e["rank"],
                                                        np.linalg.matrix_rank(S)))


def sides(c, plus, minus):
    cx = c["counterexamples"]
    if not cx:
        fail("no counterexample")
    x = cx[0]
    saddle = np.array(c["equilibria"][x["index"]]["S"])
    left = 0
    for side, t in zip(x["sides"], (plus, minus)):
        r = t["result"]
        if (r["class"], r["rank"], r["t_end"]) != (side["class"], side["rank"], side["t_end"]):
            fail("side %d: sgema-trial gives %s, the census %s" % (
                side["sign"], (r["class"], r["rank"], r["t_end"]),
                (side["class"], side["rank"], side["t_end"])))
        A = np.array(t["final"]["A"])
        d = np.linalg.norm(A.T @ A - saddle) / max(1, np.linalg.norm(saddle))
        left += d > 1e-3
    if not left:
        fail("neither side left the saddle")


cmd = sys.argv[1]
if cmd == "m1":
    m1(load(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]),
       int(sys.argv[6]))
elif cmd == "same":
    same(load(sys.argv[2]), load(sys.argv[3]))
elif cmd == "eq6":
    eq6(load(sys.argv[2]))
elif cmd == "sides":
    sides(load(sys.argv[2]), load(sys.argv[3]), load(sys.argv[4]))
