#!/bin/sh
# Installs the Debian packages sgema and its whole test suite need (when missing), builds sgema in
# build/ and installs its tools so that they are on PATH.
#   scripts/setup.sh [--prefix DIR | --no-install] [extra cmake options, e.g. -DSGEMA_WERROR=ON]
# The default prefix is /usr/local as root, ~/.local otherwise; the tools land in PREFIX/bin.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
prefix=""
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "setup.sh: --prefix needs a directory" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-install) install=""; shift ;;
    *) break ;;
  esac
done
if [ -z "$prefix" ]; then
  if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi

# The build; the tests' oracles (h5py, scipy, time, PHCpack's phc for the census); the tests'
# tools: SLURM daemons for the job scripts' test, valgrind, clang-format for the format check, and
# clang with its sanitizer and fuzzer runtimes for scripts/test.sh's sanitizer and fuzzing stages
# (the same stages CI runs).
packages="build-essential cmake pkg-config libgsl-dev libyaml-dev librandom123-dev python3 \
libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools libplplot-dev plplot-driver-cairo \
python3-h5py python3-scipy time valgrind clang clang-format libclang-rt-14-dev munge slurmctld slurmd slurm-client \
libsundials-dev libarpack2-dev liblapacke-dev libopenblas-dev phcpack"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # munge, slurmctld and slurmd start their services at install; with no init system (and no
  # slurm.conf) that fails the install, so services are kept from starting while installing: the
  # SLURM test starts daemons of its own.
  created=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    created=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
  [ -z "$created" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" "$@"
cmake --build "$top/build" -j "$(nproc)"
if [ -n "$install" ]; then
  cmake --install "$top/build" >/dev/null
  echo "setup: tools installed in $prefix/bin"
  case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "setup: $prefix/bin is not on your PATH; add it (export PATH=\"$prefix/bin:\$PATH\")" ;;
  esac
fi
