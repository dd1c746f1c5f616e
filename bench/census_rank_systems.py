#!/usr/bin/python3
"""Candidate rank-k census systems, solved by PHCpack: root counts and what the roots are.

    /usr/bin/python3 bench/census_rank_systems.py M K SEED WORKDIR   (needs python3-sympy, phc)

A research aid for issue 13 (docs/CENSUS.md, "A rank-k system without multiple roots"), not part
of the product: it writes the rank-k system below for random data (Sxx = G G^T / M + I / 2, Syx
with entries in [-2, 2], lambda = 0.1, from SEED), runs `phc -b` on it and prints phc's root
count, how its paths ended, and for every regular root whether it is a genuine solution
(T symmetric, |S F(S)| small) and, if real, the eigenvalues of S.

The system: S = N T N^T with N = [I_k; Z] (Z is (M - k) x k), P = N^T Sxx N, R = N^T Syx N,
G = N^T N, and a k x k unknown K standing for T R (T P + lambda I)^{-1}:
    K (T P + lambda I) - T R = 0                     (k^2 equations)
    Sxx N T G + lambda N - Sxy N K = 0               (M k equations)
T is a general k x k matrix (T symmetric would leave k(k-1)/2 more equations than unknowns), so
for k >= 2 the system also has roots with T not symmetric, which are not equilibria.
"""
import random
import re
import subprocess
import sys

import numpy as np
import sympy as sp


def data(m, seed):
    random.seed(seed)
    G = sp.Matrix(m, m, lambda i, j: sp.Rational(random.randint(-99, 99), 50))
    Sxx = G * G.T / m + sp.eye(m) / 2
    Syx = sp.Matrix(m, m, lambda i, j: sp.Rational(random.randint(-99, 99), 50))
    return Sxx, Syx, sp.Rational(1, 10)


def system(m, k, Sxx, Syx, lam):
    T = sp.Matrix(k, k, lambda i, j: sp.Symbol(f"t{i}{j}"))
    K = sp.Matrix(k, k, lambda i, j: sp.Symbol(f"k{i}{j}"))
    Z = sp.Matrix(m - k, k, lambda i, j: sp.Symbol(f"z{i}{j}"))
    N = sp.Matrix.vstack(sp.eye(k), Z)
    P, R, G = N.T * Sxx * N, N.T * Syx * N, N.T * N
    eqs = list(K * (T * P + lam * sp.eye(k)) - T * R) + list(Sxx * N * T * G + lam * N - Syx.T * N * K)
    lines = [str(len(eqs))]
    for e in eqs:
        text = str(sp.expand(e).evalf(17)).replace("**", "^")
        lines.append(text.replace("e-", "E-").replace("e+", "E+") + ";")
    return "\n".join(lines) + "\n"


def roots(path):
    text = open(path).read()
    for block in text.split("THE SOLUTIONS")[-1].split("solution ")[1:]:
        end = re.search(r"= ((real|complex) (regular|singular)|at infinity|failure) ==", block)
        values = {name: float(re_) + 1j * float(im)
                  for name, re_, im in re.findall(r"^\s*(\w+)\s*:\s*(\S+)\s+(\S+)", block, re.M)
                  if name[0] in "tkz" and name[1:].isdigit()}
        yield (end.group(1) if end else "unknown"), values


def main(argv):
    m, k, seed, work = int(argv[1]), int(argv[2]), int(argv[3]), argv[4]
    Sxx, Syx, lam = data(m, seed)
    sys_path = f"{work}/rank_m{m}_k{k}_s{seed}.txt"
    open(sys_path, "w").write(system(m, k, Sxx, Syx, lam))
    subprocess.run(["phc", "-b", sys_path, sys_path + ".out"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    counts = re.findall(r"(mixed volume|total degree) : (\d+)", open(sys_path + ".out").read())
    print(f"m = {m}, k = {k}, seed {seed}:", ", ".join(f"{a} {b}" for a, b in counts[:2]))
    Sxx, Syx = np.array(Sxx, dtype=float), np.array(Syx, dtype=float)
    ends, genuine = {}, 0
    for end, v in roots(sys_path + ".out"):
        if not v:
            continue
        ends[end] = ends.get(end, 0) + 1
        if "regular" not in end:
            continue
        T = np.array([[v[f"t{i}{j}"] for j in range(k)] for i in range(k)])
        Z = np.array([[v[f"z{i}{j}"] for j in range(k)] for i in range(m - k)]).reshape(m - k, k)
        N = np.vstack([np.eye(k), Z])
        S = N @ T @ N.T
        F = (Sxx @ S + 0.1 * np.eye(m)) @ (S @ Sxx + 0.1 * np.eye(m)) - Syx.T @ S @ Syx
        sym = np.abs(T - T.T).max() <= 1e-8 * (1 + np.abs(T).max())
        genuine += sym
        real = max(abs(np.imag(list(v.values())))) < 1e-9
        eig = np.round(np.linalg.eigvalsh(S.real), 6) if real and sym else ""
        print(f"  {end:16} T {'symmetric' if sym else 'not symmetric':13} "
              f"|S F(S)| {np.abs(S @ F).max():.1e} {eig}")
    print("  path ends:", ", ".join(f"{n} {e}" for e, n in sorted(ends.items())),
          f"; genuine (T symmetric) regular roots: {genuine}")


if __name__ == "__main__":
    main(sys.argv)
