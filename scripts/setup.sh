#!/bin/sh
# Installs the Debian packages sgema needs (when missing), then configures and builds it in build/.
#   scripts/setup.sh [extra cmake options, e.g. -DSGEMA_WERROR=ON]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
packages="build-essential cmake pkg-config libgsl-dev libyaml-dev librandom123-dev python3 libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools libplplot-dev plplot-driver-cairo python3-h5py time"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$top/build" -j "$(nproc)"
