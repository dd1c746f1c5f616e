#!/bin/bash
# Every C source and header is formatted by the repository's .clang-format (Debian 12's
# clang-format 14): `clang-format --dry-run -Werror` finds nothing. Fix with
#   clang-format -i $(git ls-files '*.c' '*.h')
# usage: test_format.sh SOURCE_DIR WORK_DIR
. "$(dirname "$0")/check.sh"
top=$1 work=$2
command -v clang-format >/dev/null || { echo "SKIPPED: clang-format not installed"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

# The files: tracked ones in a git checkout, else every .c/.h under the source folders.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  files=$(git -C "$top" ls-files '*.c' '*.h')
else
  files=$(cd "$top" && find src include analysis bench tests -name '*.[ch]')
fi
check "there are sources to check" [ "$(echo "$files" | wc -w)" -gt 50 ]

unformatted=""
for f in $files; do
  clang-format --style=file --dry-run -Werror "$top/$f" >/dev/null 2>&1 || unformatted="$unformatted $f"
done
[ -z "$unformatted" ] || echo "     not formatted:$unformatted"
check "every source formatted by .clang-format" [ -z "$unformatted" ]

# The check can fail: a badly formatted copy of a source, next to the configuration, is seen.
cp "$top/.clang-format" .
printf 'int  f( int x ){return x+1;}\n' >bad.c
check "an unformatted file is seen" bash -c '! clang-format --style=file --dry-run -Werror bad.c 2>/dev/null'
finish
