#!/usr/bin/env bash
# run-tests.sh — set up (scripts/setup.sh) and run the whole test suite with ctest.
# CUDA tests skip with a printed reason where no GPU driver is present.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j 2 "$@"
