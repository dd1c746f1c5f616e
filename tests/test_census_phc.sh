#!/bin/sh
# The census' Eq. 6 solution counts (finite regular, real) against PHCpack's blackbox solver
# `phc -b` on random systems, 200 for m = 2 and 200 for m = 3 by default (phc takes 1.4 s on an m = 3
# system: 200 of them take about 2.5 minutes on 2 cores); skipped (77)
# without phc. phc's own paths sometimes fail (it then reports fewer regular solutions): a system
# that differs is solved by phc twice more and its largest count used, and the reruns are named;
# where phc still finds fewer (never more) roots than the census, the system is counted apart (at
# most 2% of them): the census' roots are Newton-refined and distinct. phc finding more fails.
# The parameter homotopy's generic start systems (m = 2, 3) are checked too: their finite roots,
# which every census tracks, must be exactly phc's regular solutions. And at m = 2 the rank-1
# system (docs/CENSUS.md "Rank 1", written by test_census from its own expansion): the census'
# real rank-1 solutions (PSD equilibria and negative semidefinite ones) against phc's finite real
# roots, counted from its solution list (phc's own "real" tag misses ill-conditioned real roots it
# refines too little), on as many systems as m = 2's Eq. 6.
# Usage: test_census_phc.sh TEST_CENSUS WORKDIR [COUNT_M2 [COUNT_M3]]
set -u
census=$1
work=$2
# SGEMA_PHC_COUNTS="M2 M3" overrides both (scripts/sanitize.sh: a few, since phc does the work).
count2=${3:-200}
count3=${4:-200}
if [ -n "${SGEMA_PHC_COUNTS:-}" ]; then
  count2=${SGEMA_PHC_COUNTS% *}
  count3=${SGEMA_PHC_COUNTS#* }
fi
if ! command -v phc >/dev/null 2>&1; then
  echo "SKIP: phc (Debian package phcpack) not found"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
fail=0
for m in 2 3; do
  count=$count2
  [ "$m" -eq 3 ] && count=$count3
  # one line per system: input file, our finite distinct solutions, our real ones, path ends
  "$census" --phc "$work" "$count" "$m" >"$work/ours_$m.txt" || { echo "FAIL: test_census --phc $m"; exit 1; }
  # phc runs in the work directory (it writes scratch files next to its output), two at a time
  cut -d' ' -f1 "$work/ours_$m.txt" |
    xargs -P 2 -I{} sh -c 'cd "$(dirname "$1")" && phc -b "$1" "$1.out" </dev/null >/dev/null 2>&1' _ {}
  bad=0
  lost=0
  n=0
  while read -r sys finite real conv inf sing failed; do
    n=$((n + 1))
    regular=$(grep "Number of regular solutions" "$sys.out" 2>/dev/null | tail -1 | tr -dc '0-9')
    preal=$(grep "Number of real solutions" "$sys.out" 2>/dev/null | tail -1 | tr -dc '0-9')
    for again in 1 2; do
      [ "${regular:-0}" -lt "$finite" ] || break
      (cd "$work" && phc -b "$sys" "$sys.out$again" </dev/null >/dev/null 2>&1)
      r2=$(grep "Number of regular solutions" "$sys.out$again" | tail -1 | tr -dc '0-9')
      p2=$(grep "Number of real solutions" "$sys.out$again" | tail -1 | tr -dc '0-9')
      echo "  m=$m $sys: phc found ${regular:-?} of the census' $finite, run again: $r2"
      if [ "${r2:-0}" -gt "${regular:-0}" ]; then
        regular=$r2
        preal=$p2
      fi
    done
    if [ -n "$regular" ] && [ "$regular" -lt "$finite" ] && [ "${preal:-0}" -le "$real" ]; then
      # phc lost paths three times over; the census' extra roots are Newton-verified and distinct
      lost=$((lost + 1))
      echo "  m=$m $sys: phc finds $regular of the census' $finite (phc path failures), counted apart"
    elif [ -z "$regular" ] || [ "$regular" != "$finite" ] || [ "$preal" != "$real" ]; then
      bad=$((bad + 1))
      [ $bad -le 5 ] && echo "  m=$m $sys: census $finite finite ($real real; paths $conv $inf $sing $failed), phc ${regular:-?} regular (${preal:-?} real)"
    fi
  done <"$work/ours_$m.txt"
  # the parameter homotopy's generic start system (complex coefficients): its finite roots, which
  # every census at this m tracks, must be all of phc's regular ones
  gline=$("$census" --phc-generic "$work" "$m")
  gsys=${gline% *}
  groots=${gline#* }
  (cd "$work" && phc -b "$gsys" "$gsys.out" </dev/null >/dev/null 2>&1)
  gphc=$(grep "Number of regular solutions" "$gsys.out" 2>/dev/null | tail -1 | tr -dc '0-9')
  if [ "${gphc:-x}" = "$groots" ]; then
    echo "ok   m = $m: the generic start system's $groots finite roots equal phc -b's regular ones"
  else
    echo "FAIL m = $m: the generic start system has $groots finite roots, phc -b ${gphc:-?}"
    fail=1
  fi
  if [ "$bad" -eq 0 ] && [ "$n" -eq "$count" ] && [ $((lost * 50)) -le "$n" ]; then
    echo "ok   m = $m: $n systems, the census' finite and real solution counts equal phc -b's ($lost where phc lost paths, at most 2%)"
  else
    echo "FAIL m = $m: $bad of $n systems differ from phc -b"
    fail=1
  fi
done
# phc's finite real roots in its last solution list: every imaginary part within 1e-6 (1 + the
# largest real part); roots at infinity and failures left out.
phc_real() {
  awk '/THE SOLUTIONS/ { on = 1; n = 0; big = 0; imag = 0; next }
    on && /^ [A-Za-z][A-Za-z0-9_]* : / { re = $3 + 0; im = $4 + 0; if (re < 0) re = -re;
      if (im < 0) im = -im; if (re > big) big = re; if (im > imag) imag = im; next }
    on && /== err/ { if ($0 !~ /infinity|failure/ && imag <= 1e-6 * (1 + big)) n++; big = 0; imag = 0 }
    END { print n + 0 }' "$1"
}
"$census" --phc-rank1 "$work" "$count2" >"$work/ours_rank1.txt" || { echo "FAIL: test_census --phc-rank1"; exit 1; }
cut -d' ' -f1 "$work/ours_rank1.txt" |
  xargs -P 2 -I{} sh -c 'cd "$(dirname "$1")" && phc -b "$1" "$1.out" </dev/null >/dev/null 2>&1' _ {}
bad=0
lost=0
n=0
equilibria=0
while read -r sys real psd; do
  n=$((n + 1))
  equilibria=$((equilibria + psd))
  preal=$(phc_real "$sys.out")
  for again in 1 2; do
    [ "$preal" -lt "$real" ] || break
    (cd "$work" && phc -b "$sys" "$sys.out$again" </dev/null >/dev/null 2>&1)
    p2=$(phc_real "$sys.out$again")
    echo "  rank 1 $sys: phc found $preal of the census' $real real roots, run again: $p2"
    [ "$p2" -gt "$preal" ] && preal=$p2
  done
  if [ "$preal" -lt "$real" ] && grep -q "= failure ==" "$sys.out"; then
    lost=$((lost + 1))
    echo "  rank 1 $sys: phc finds $preal of the census' $real real roots (phc path failures), counted apart"
  elif [ "$preal" -ne "$real" ]; then
    bad=$((bad + 1))
    [ $bad -le 5 ] && echo "  rank 1 $sys: census $real real rank-1 solutions, phc $preal"
  fi
done <"$work/ours_rank1.txt"
if [ "$bad" -eq 0 ] && [ "$n" -eq "$count2" ] && [ $((lost * 50)) -le "$n" ]; then
  echo "ok   m = 2 rank-1 system: $n systems, the census' real rank-1 solutions ($equilibria of them equilibria) equal phc -b's real roots ($lost where phc lost paths, at most 2%)"
else
  echo "FAIL m = 2 rank-1 system: $bad of $n systems differ from phc -b, $lost where phc lost paths"
  fail=1
fi
exit $fail
