"""The m = 1 census run against MODEL.md's closed forms (fact 1), from h5dump's text alone.

Per data set: Delta = tau^2 - 4 rho lambda from the stored statistics; Delta > 0: two PD solutions,
S1 = r1^2 a saddle and S2 = r2^2 stable, r = (|tau| -+ sqrt(Delta)) / (2 rho), besides the origin;
Delta < 0: no PD solution, the origin alone. Data sets with |Delta| < 1e-9 (a double root) are
skipped. Prints the problems and "checked N data sets"; exits 1 on any problem.
    m1_check.py DUMPDIR RUN
DUMPDIR/RUN.NAME holds dataset NAME's values one per line (test_census_run.sh writes them)."""
import math
import sys

d, run = sys.argv[1], sys.argv[2]


def col(name):
    with open(f"{d}/{run}.{name}") as f:
        return [v.strip() for v in f if v.strip()]


rho = [float(v) for v in col("Sxx")]
tau = [float(v) for v in col("Syx")]
lam = [float(v) for v in col("lambda")]
counts = [int(v) for v in col("counts")]
stored = [int(v) for v in col("stored")]
S = col("S")
cls = col("class")
rank = [int(v) for v in col("rank")]
T = len(rho)
E = len(cls) // T
bad = []
checked = 0
for k in range(T):
    delta = tau[k] ** 2 - 4 * rho[k] * lam[k]
    if abs(delta) < 1e-9:
        continue
    checked += 1
    pd = counts[4 * k + 3]
    eq = [(rank[k * E + j], float(S[k * E + j]), cls[k * E + j]) for j in range(stored[k])]
    nonzero = [e for e in eq if e[0] > 0]
    origin = [e for e in eq if e[0] == 0]
    if len(origin) != 1:
        bad.append(f"{k}: {len(origin)} origins")
    if delta < 0:
        if pd != 0 or nonzero:
            bad.append(f"{k}: Delta = {delta:.3g} < 0 but {pd} PD solutions")
        continue
    r1 = (abs(tau[k]) - math.sqrt(delta)) / (2 * rho[k])
    r2 = (abs(tau[k]) + math.sqrt(delta)) / (2 * rho[k])
    if pd != 2 or len(nonzero) != 2:
        bad.append(f"{k}: Delta = {delta:.3g} > 0 but {pd} PD solutions")
        continue
    s1, s2 = sorted(nonzero, key=lambda e: e[1])
    for (rk, s, c), r, want in ((s1, r1, "saddle"), (s2, r2, "stable")):
        if abs(s - r * r) > 1e-8 * max(1.0, r * r) or c != want:
            bad.append(f"{k}: S = {s!r} ({c}), closed form {r * r!r} ({want})")
for b in bad[:10]:
    print(b)
print(f"checked {checked} data sets of {T}, {len(bad)} problems")
sys.exit(1 if bad or checked < T // 2 else 0)
