#!/bin/sh
# bench/sgema-start-roots writes the shipped start roots: run afresh for m <= 2, its tables must be
# the shipped file's m = 1 and m = 2 tables byte for byte (the roots are a pure function of m and
# the system, and the shipped file is this program's output); bad arguments exit 2 and write
# nothing.
# Usage: test_start_roots.sh SGEMA_START_ROOTS SHIPPED_C WORKDIR
set -u
gen=$1
shipped=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
fail=0
check() { # message, then the command's status (0: passed)
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}
# The arrays of m = 1 and m = 2 (from their declaration to the closing brace).
arrays() {
  awk '/^static const double roots_m[12]_/ {on = 1} on {print} on && /^};/ {on = 0}' "$1"
}
"$gen" --m-max 2 -o "$work/m2.c" >"$work/m2.log" 2>&1
check "sgema-start-roots --m-max 2 runs" $?
arrays "$shipped" >"$work/shipped.arrays"
arrays "$work/m2.c" >"$work/fresh.arrays"
lines=$(wc -l <"$work/fresh.arrays")
[ "$lines" -gt 20 ] && cmp -s "$work/shipped.arrays" "$work/fresh.arrays"
check "the m = 1 and m = 2 tables solved afresh are the shipped ones, byte for byte ($lines lines)" $?
"$gen" --quiet-loops 0 -o "$work/bad.c" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$work/bad.c" ]
check "--quiet-loops 0 is refused (exit 2), nothing written" $?
"$gen" --m-max 5 -o "$work/bad.c" >/dev/null 2>&1
[ $? -eq 2 ]
check "--m-max 5 is refused (exit 2)" $?
"$gen" --m-max 2 -o "$work/missing-dir/x.c" >/dev/null 2>&1
[ $? -ne 0 ] && [ ! -e "$work/missing-dir" ]
check "an output in a missing directory fails cleanly" $?
exit $fail
