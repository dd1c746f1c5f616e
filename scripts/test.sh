#!/bin/sh
# Runs the whole test suite (CTest) in build/, on all cores.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/build"
ctest --output-on-failure -j "$(nproc)"
