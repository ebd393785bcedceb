#!/usr/bin/env bash
# setup.sh — install what darkyield needs from Debian's packages (when missing), then configure
# and build into build/.  Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(cmake make gcc g++ pkg-config libgsl-dev libcmocka-dev librandom123-dev libyaml-dev
      libhdf5-dev hdf5-tools ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd clinfo
      python3 python3-matplotlib python3-h5py libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDARKYIELD_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
