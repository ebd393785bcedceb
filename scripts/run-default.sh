#!/usr/bin/env bash
# run-default.sh — set up (scripts/setup.sh) and run the main job on the shipped NA64e default:
# A' yields per electron on target (brem from shower e-/e+, resonant annihilation) into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/darkyield run configs/na64e-invisible.yaml "$@"
