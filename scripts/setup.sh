#!/usr/bin/env bash
# setup.sh — install what darkyield needs from Debian's packages (when missing), then configure
# and build into build/.  Idempotent: a second run only rebuilds what changed.  Everything it
# prints goes to stderr, so the stdout of scripts/run-default.sh is the main job's alone.
set -euo pipefail
exec 1>&2 # every line below, its warnings and what apt-get, pip and cmake print: stderr
cd "$(dirname "$0")/.."
pkgs=(cmake make gcc g++ pkg-config libgsl-dev libcmocka-dev librandom123-dev libyaml-dev
      libhdf5-dev hdf5-tools zlib1g-dev ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd clinfo
      python3 python3-numpy python3-matplotlib python3-h5py python3-pip python3-scipy python3-pytest
      libopenmpi-dev openmpi-bin libhepmc3-dev)
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
# pylhe reads the LHE files of `darkyield events` in the tests; it brings its own numpy, so it
# goes into build/pydeps/lhe (put on the path only by that test), never beside Debian's.
if ! PYTHONPATH=build/pydeps/lhe /usr/bin/python3 -c 'import pylhe' 2>/dev/null; then
  mkdir -p build/pydeps/lhe
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --target build/pydeps/lhe \
      pylhe || echo "setup: warning: could not install pylhe (the events test reads LHE with xml.etree)"
fi
# pyhf (tests/pyhf_check.py compares darkyield's CLs with it): --no-deps, so that Debian's numpy
# and scipy stay the ones in use; jsonschema and click come with hepdata-validator above.
if ! PYTHONPATH=build/pydeps /usr/bin/python3 -c 'import pyhf' 2>/dev/null; then
  mkdir -p build/pydeps
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --no-deps --target build/pydeps \
      pyhf tqdm jsonpatch jsonpointer click ||
    echo "setup: warning: could not install pyhf (test_limit_syst skips the pyhf comparison)"
fi
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDARKYIELD_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)" >&2
