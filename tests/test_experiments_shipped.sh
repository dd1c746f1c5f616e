#!/bin/bash
# Every experiment file shipped in experiments/ is accepted by sgema-run as it stands (read,
# expanded and checked: `--dry-run --no-estimate`, nothing computed or written) and lists its runs.
#   test_experiments_shipped.sh SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
RUN=$1
SRC=$2
WORK=$3
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
count=0
for f in "$SRC"/experiments/*.yaml; do
  name=$(basename "$f")
  count=$((count + 1))
  "$RUN" "$f" --dry-run --no-estimate >"$name.out" 2>"$name.err"
  check "experiments/$name: sgema-run --dry-run accepts it" test $? -eq 0
  "$RUN" "$f" --list-runs --no-estimate >"$name.runs" 2>/dev/null
  check "experiments/$name: at least one run listed" test -s "$name.runs"
done
check "the shipped experiment files were found" test "$count" -ge 5
check "no results file was written" test -z "$(ls ./*.h5 2>/dev/null)"
finish
