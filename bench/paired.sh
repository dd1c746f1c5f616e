#!/bin/sh
# Accuracy of the large-state path against the dense path on paired trials (issue 12's target).
#
#   bench/paired.sh [BUILD_DIR] [TRIALS] [M...]
#
# For each m (default 2 4 8; n = 2m, generic statistics) and each of SG and EMA, runs the same
# TRIALS sampled trials (default 1000; seed 1, trials 0..TRIALS-1) twice with sgema-bench --dump:
#   new:   the defaults (hybrid; CVODE + SPGMR and ARPACK on the large states);
#   dense: --method msbdf --spectrum dense (GSL's BDF with dense Newton matrices and GSL's
#          nonsymmetric eigensolver, the cross-check path); DENSE_SPECTRUM=lapack takes LAPACK's
#          dense spectrum instead, which is the one to trust from m = 8 on: GSL's one-sided Jacobi
#          SVD of the orbit's tangents keeps spurious singular values on partial limits there
#          (docs/NUMERICS.md; abscissae up to 8.5e-3 off on 49 of 100 SG limits);
# then prints, per (alg, m): trials, the share with the same class, the largest difference of the
# spectral abscissae (max_real_eig) over trials both classify as converged limits, and the share
# not converged by t_max on each path. Targets: same class >= 99.5%, abscissae within 1e-6,
# not-converged no higher on the new path. The dense path costs minutes per 100 trials at m = 8.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
trials=${2:-1000}
[ $# -ge 2 ] && shift 2 || shift $#
ms=${*:-"2 4 8"}
bench="$build/sgema-bench"
[ -x "$bench" ] || { echo "bench/paired.sh: $bench not built" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for alg in sg ema; do
  for m in $ms; do
    n=$((2 * m))
    common="--alg $alg --m $m --n $n --stats generic --trials $trials --seed 1"
    # shellcheck disable=SC2086
    "$bench" $common --dump "$dir/$alg-$m-new.jsonl" > /dev/null
    # shellcheck disable=SC2086
    "$bench" $common --method msbdf --spectrum "${DENSE_SPECTRUM:-dense}" \
      --dump "$dir/$alg-$m-dense.jsonl" > /dev/null
  done
done

/usr/bin/python3 - "$dir" $ms <<'PY'
import json, sys
d, ms = sys.argv[1], sys.argv[2:]
def load(path):
    return [json.loads(line)["result"] for line in open(path)]
converged = {"origin", "stable", "saddle", "partial"}
print("%-4s %3s %6s | %12s %14s %9s %9s" % ("alg", "m", "trials", "same class", "max |d abscissa|",
                                            "t_max new", "t_max dense"))
for alg in ("sg", "ema"):
    for m in ms:
        new, dense = load("%s/%s-%s-new.jsonl" % (d, alg, m)), load("%s/%s-%s-dense.jsonl" % (d, alg, m))
        same = sum(a["class"] == b["class"] for a, b in zip(new, dense))
        diffs = [abs(a["max_real_eig"] - b["max_real_eig"]) for a, b in zip(new, dense)
                 if a["class"] in converged and b["class"] in converged
                 and a["max_real_eig"] is not None and b["max_real_eig"] is not None]
        tmax = lambda rs: sum(r["end"] == "t_max" for r in rs)
        differ = [i for i, (a, b) in enumerate(zip(new, dense)) if a["class"] != b["class"]]
        print("%-4s %3s %6d | %11.2f%% %14.2e %9d %9d%s" % (
            alg, m, len(new), 100.0 * same / len(new), max(diffs) if diffs else float("nan"),
            tmax(new), tmax(dense),
            "   differ: " + ", ".join("%d (%s/%s)" % (i, new[i]["class"], dense[i]["class"])
                                     for i in differ[:8]) if differ else ""))
PY
