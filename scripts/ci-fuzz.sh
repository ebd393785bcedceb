#!/usr/bin/env bash
# ci-fuzz.sh — short libFuzzer runs (FUZZ_SECONDS each, default 20) of every harness in
# tests/fuzz/ (run and limit configs, track-length and efficiency CSVs, yield HDF5 reader,
# part/checkpoint files; not the *_raw ones, which fuzz HDF5's own parser and find its known
# loops within seconds) under ASan+UBSan, two at a time, starting from the seed corpora in
# tests/fuzz/corpus/<target>/ (copied: new inputs never land in the source tree).  A crash, leak,
# UB report or timeout fails the script and prints the reproducer's path and bytes.  Reuses
# build-asan from scripts/ci-sanitizers.sh when it has the harnesses, else builds build-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-20}
if ! command -v clang >/dev/null || ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
  echo "ci-fuzz: installing clang libclang-rt-14-dev"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev libomp-dev >/dev/null
fi
# shellcheck source=scripts/sanitizer-env.sh
. scripts/sanitizer-env.sh
ASAN_OPTIONS=${ASAN_OPTIONS/fast_unwind_on_malloc=0/fast_unwind_on_malloc=1}
b=build-asan
if ! grep -q '^DARKYIELD_FUZZ:BOOL=ON' "$b/CMakeCache.txt" 2>/dev/null; then
  b=build-fuzz
  CC=clang cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDARKYIELD_CUDA=OFF \
    -DDARKYIELD_FUZZ=ON -DDARKYIELD_BUILD_TESTS=OFF -DDARKYIELD_BUILD_BENCHMARKS=OFF >/dev/null
fi
cmake --build "$b" --target fuzzers -j "$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run_one() { # target -> 0 or 1; log in $work/<target>.log
  local t=$1 w=$work/$1
  mkdir -p "$w/new"
  (cd "$w" && "$OLDPWD/$b/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "$w/new" \
      "$OLDPWD/tests/fuzz/corpus/$t") >"$w.log" 2>&1
}
targets=()
for src in tests/fuzz/fuzz_*.c; do
  t=${src#tests/fuzz/fuzz_}
  case $t in *_raw.c) continue ;; esac # HDF5's own parser: manual runs only (see the harness)
  targets+=("${t%.c}")
done
fail=0 pids=() names=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!) names+=("$t")
  if [ ${#pids[@]} -ge 2 ]; then
    for i in "${!pids[@]}"; do
      if ! wait "${pids[$i]}"; then fail=1; echo "ci-fuzz: fuzz_${names[$i]} FAILED"; fi
    done
    pids=() names=()
  fi
done
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then fail=1; echo "ci-fuzz: fuzz_${names[$i]} FAILED"; fi
done
for t in "${targets[@]}"; do
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || true)
  echo "ci-fuzz: fuzz_$t: ${execs:-?} executions in ${secs} s"
  for a in "$work/$t"/crash-* "$work/$t"/leak-* "$work/$t"/timeout-* "$work/$t"/oom-*; do
    [ -e "$a" ] || continue
    fail=1
    mkdir -p fuzz-artifacts && cp "$a" "fuzz-artifacts/$t-$(basename "$a")"
    echo "ci-fuzz: reproducer fuzz-artifacts/$t-$(basename "$a"):"; od -c "$a" | head -20
    tail -40 "$work/$t.log"
  done
done
exit $fail
