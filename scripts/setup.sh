#!/usr/bin/env bash
# setup.sh — install what darkyield needs from Debian's packages (when missing), then configure
# and build into build/.  Idempotent: a second run only rebuilds what changed.  Everything it
# prints goes to stderr, so the stdout of scripts/run-default.sh is the main job's alone.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(cmake make gcc g++ pkg-config libgsl-dev libcmocka-dev librandom123-dev libyaml-dev
      libhdf5-dev hdf5-tools ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd clinfo
      python3 python3-numpy python3-matplotlib python3-h5py python3-pip libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# pip step: Python packages Debian does not ship, into build/pydeps (not the system's site
# packages).  hepdata-validator checks the HEPData output in the tests; offline, the tests skip
# that check with a message.
if ! PYTHONPATH=build/pydeps /usr/bin/python3 -c 'import hepdata_validator' 2>/dev/null; then
  mkdir -p build/pydeps
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --target build/pydeps \
      hepdata-validator ||
    echo "setup: warning: could not install hepdata-validator (the tests skip the HEPData check)" >&2
fi
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDARKYIELD_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)" >&2
