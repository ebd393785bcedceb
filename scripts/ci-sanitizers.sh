#!/usr/bin/env bash
# ci-sanitizers.sh — the test suite (less its OpenCL variants: below) built with clang under
# AddressSanitizer and UndefinedBehaviorSanitizer (-fno-sanitize-recover=all: any UB fails),
# leaks checked (scripts/lsan.supp lists the runtimes whose own leaks are ignored), CUDA off.  The build dir
# build-asan also carries the libFuzzer harnesses (DARKYIELD_FUZZ=ON implies the sanitizers),
# so scripts/ci-fuzz.sh reuses it.  Called by .ci/run after scripts/run-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(clang libclang-rt-14-dev libomp-dev)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci-sanitizers: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# shellcheck source=scripts/sanitizer-env.sh
. scripts/sanitizer-env.sh
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDARKYIELD_WERROR=ON \
  -DDARKYIELD_CUDA=OFF -DDARKYIELD_FUZZ=ON -DDARKYIELD_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"
# Without the OpenCL variants: PoCL compiles the kernels with its own (uninstrumented) LLVM inside
# the instrumented process, which made one such test take 20 min under ASan; the same kernel
# source is instrumented in the cpu variants, and the host's OpenCL paths are covered by
# test_opencl_build (error paths, run here) and by the plain run of the suite.
# DARKYIELD_TEST_NO_OPENCL: the same for OpenCL runs inside cpu-labelled tests (test_run).
DARKYIELD_TEST_NO_OPENCL=1 ctest --test-dir build-asan --output-on-failure -j "$(nproc)" \
  -E '^clang_format$' -LE opencl "$@"
# use_tls=0 for this one: LeakSanitizer's tracer (clang 14) crashes with SIGSEGV reading the
# thread-local storage of PoCL's threads ("Tracer caught signal 11", every run from the test's
# own directory); leaks are still checked, with TLS not scanned as roots.
LSAN_OPTIONS="$LSAN_OPTIONS:use_tls=0" \
  ctest --test-dir build-asan --output-on-failure -R '^test_opencl_build_opencl$' "$@"
