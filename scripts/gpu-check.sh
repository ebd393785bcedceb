#!/usr/bin/env bash
# gpu-check.sh — the CUDA checks in one call on a GPU machine (issue 13), from the repository root:
# build for the GPU present (sm_XY from nvidia-smi), ctest -L cuda (a skip counts as a failure),
# cross sections and the default job on cuda against cpu (same seed: equal within the consistency
# tests' tolerances), the engine statistics of the default job (--stats) and the benchmarks' cuda
# rows.  Results in $OUT (default ./gpu-check-out): summary.txt and one log per stage.
# Time: about 5 minutes on an H100/H200 with 16 cores; each stage is capped.
set -u -o pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/gpu-check-out}
B=${BUILD:-build-gpu}
mkdir -p "$OUT"
SUM=$OUT/summary.txt
: >"$SUM"
note() { printf '%-5s %-20s %s\n' "$1" "$2" "${3:-}" | tee -a "$SUM"; }
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH
cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '.')
note INFO gpu "$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -1); sm_${cc:-?}"
[ -n "$cc" ] || { note FAIL gpu "nvidia-smi lists no GPU"; exit 1; }

timeout 300 cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DDARKYIELD_CUDA=ON \
  -DDARKYIELD_CUDA_ARCHITECTURES="$cc" >"$OUT/build.log" 2>&1 &&
  timeout 400 cmake --build "$B" -j "$(nproc)" >>"$OUT/build.log" 2>&1
if [ $? -ne 0 ]; then note FAIL build "see build.log"; exit 1; fi
note PASS build "$(grep -o 'darkyield backends:.*' "$OUT/build.log" | head -1)"

timeout 400 ctest --test-dir "$B" -L cuda --output-on-failure >"$OUT/ctest-cuda.log" 2>&1
rc=$?
if grep -q '(Skipped)' "$OUT/ctest-cuda.log"; then
  note FAIL ctest-cuda "skipped: $(grep -m1 'SKIP' "$OUT/ctest-cuda.log")"
else
  note "$([ $rc = 0 ] && echo PASS || echo FAIL)" ctest-cuda "$(grep -E 'tests passed|tests failed' "$OUT/ctest-cuda.log")"
fi

DY=$B/darkyield
"$DY" devices >"$OUT/devices.txt" 2>&1
for spec in "--process brem --target Pb --energy 100 --mass 0.01,0.1,1" \
            "--process brem --lepton mu --target Pb --energy 160 --mass 0.1" \
            "--process annihilation --target Pb --energy 10 --mass 0.1" \
            "--process primakoff --target W --energy 50 --mass 0.02" \
            "--process compton --energy 50 --mass 0.1"; do
  for be in cpu cuda; do
    # shellcheck disable=SC2086
    timeout 120 "$DY" xsec $spec --seed 7 --precision 1e-3 --backend $be --format csv \
      >"$OUT/xsec-$be.csv" 2>>"$OUT/xsec.log"
  done
  # same seed, same streams: values agree to the backends' rounding (test_backend_consistency)
  r=$(paste -d, <(grep -v '^#' "$OUT/xsec-cpu.csv") <(grep -v '^#' "$OUT/xsec-cuda.csv") |
    python3 -c 'import sys
m=0.0
for l in sys.stdin:
    f=l.strip().split(","); h=len(f)//2
    for a,b in zip(f[:h],f[h:]):
        try: x,y=float(a),float(b)
        except ValueError: continue
        if x: m=max(m,abs(x-y)/abs(x))
print("%.2g"%m)')
  note "$(python3 -c "print('PASS' if float('${r:-1}') < 1e-8 else 'FAIL')" 2>/dev/null || echo FAIL)" xsec "$spec: max rel. diff cpu/cuda ${r:-?}"
done

for be in cpu cuda; do
  sed "s#^\( *dir:\).*#\1 $OUT/run-$be#" configs/na64e-invisible.yaml >"$OUT/run-$be.yaml"
  /usr/bin/time -f "%e" -o "$OUT/run-$be.time" timeout 300 "$DY" run "$OUT/run-$be.yaml" \
    --backend $be --no-plots --no-checkpoint --stats "$OUT/stats-$be.json" >"$OUT/run-$be.log" 2>&1
  note "$([ $? = 0 ] && echo INFO || echo FAIL)" "run-$be" "wall $(cat "$OUT/run-$be.time") s; stats-$be.json"
done

(cd "$B" && timeout 200 benchmarks/bench_engine 256 && timeout 200 benchmarks/bench_brem) \
  >"$OUT/bench.log" 2>&1
note INFO bench "cuda rows: $(grep -c cuda "$OUT/bench.log") (bench.log)"
grep -q '^FAIL' "$SUM" && exit 1
exit 0
