#!/usr/bin/env bash
# ci-pip.sh — `pip install .` as docs/python.md tells users: the package built (scikit-build-core
# from PyPI, the C library inside it) into a fresh virtual environment, then the package's tests
# run on that installed copy, its library and its command, from outside the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$work/venv" # numpy, pytest from scripts/setup.sh
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$root" \
  --config-settings=cmake.define.DARKYIELD_CUDA=OFF
cd "$work"
pkg=$(env -u PYTHONPATH "$work/venv/bin/python" -c 'import darkyield, os; print(os.path.dirname(darkyield.__file__))')
case "$pkg" in
  "$work/venv/"*) ;;
  *) echo "ci-pip: darkyield was imported from $pkg, not from the installed copy" >&2; exit 1 ;;
esac
env -u PYTHONPATH -u DARKYIELD_LIBRARY DARKYIELD_CLI="$pkg/bin/darkyield" PYTHONDONTWRITEBYTECODE=1 \
  "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests"
echo "ci-pip: pip install . and the package's tests on the installed copy passed"
