#!/usr/bin/env bash
# run-peers.sh — darkyield beside its peers, on the same integrands and precision goals, in one
# run on this machine (issue 11): gsl_monte_vegas (Debian's GSL), G. P. Lepage's vegas (PyPI),
# PETITE (arXiv:2401.06843) and darkyield 0.1.0 on the default main job.  It installs the peers,
# builds what it needs, runs every work item and prints markdown tables (protocols and fields:
# benchmarks/RESULTS.md, "Peers side by side").
#
# usage: benchmarks/run-peers.sh [--quick] [--out DIR]
#   --quick    smoke check of every path: looser goals, small grids, one main-job pair (minutes;
#              its figures are not a measurement)
#   --out DIR  where results.jsonl, peers.md and the logs go (default: $BUILD/peers/run)
# environment:
#   BUILD=build         this tree's build directory (configured here when missing)
#   DY_THREADS=2        darkyield's OpenMP threads where the item says "2 threads"
#   DY_BENCH_BACKEND=cpu  darkyield's backend for the integral items (the main job uses the
#                       config's own choice, as a user's run does)
#   PETITE_SRC=DIR      a PETITE checkout to install when pip cannot reach its public repository
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --out) [ $# -ge 2 ] || { echo "run-peers: --out needs a directory" >&2; exit 2; }; OUT=$2; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-peers: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
THREADS=${DY_THREADS:-2}
BACKEND=${DY_BENCH_BACKEND:-cpu}
V010_COMMIT=0be5de8                    # darkyield 0.1.0
PETITE_REPO=https://github.com/kjkellyphys/PETITE
PETITE_COMMIT=8f8752da46afb044b37569ed4c19062a80da309b
OUT=${OUT:-$BUILD/peers/run}
case "$OUT" in /*) ;; *) OUT=$ROOT/$OUT ;; esac
rm -rf "$OUT"
mkdir -p "$OUT/logs"
RES=$OUT/results.jsonl
: > "$RES"
FAILED=0
say() { echo "run-peers: $*" >&2; }
trap 'say "failed (line $LINENO); logs in $OUT/logs"' ERR

# ---- prerequisites: Debian's GSL, a Python venv; installed when missing (as root) -------------
need=()
for p in libgsl-dev python3-venv python3-pip; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { say "missing Debian packages ${need[*]} (install them as root)"; exit 1; }
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
PY=/usr/bin/python3

# ---- this tree ---------------------------------------------------------------------------------
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  say "configuring $BUILD"
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$OUT/logs/cmake.log" 2>&1
fi
say "building darkyield, bench_peers, dy_peer_integrand in $BUILD"
cmake --build "$BUILD" -j "$(nproc)" --target darkyield bench_peers dy_peer_integrand \
  >"$OUT/logs/build.log" 2>&1 || { say "build failed: $OUT/logs/build.log"; exit 1; }
BENCH=$BUILD/benchmarks/bench_peers
LIB=$BUILD/benchmarks/libdy_peer_integrand.so
DY=$BUILD/darkyield

# ---- Python peers in a venv of their own: vegas (PyPI), PETITE -----------------------------------
VENV=$BUILD/peers/venv
VPY=$VENV/bin/python
if ! "$VPY" -c 'import vegas' 2>/dev/null; then
  say "installing vegas into $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VPY" -m pip install -q --disable-pip-version-check 'vegas>=6' >"$OUT/logs/pip-vegas.log" 2>&1 ||
    { say "pip install vegas failed: $OUT/logs/pip-vegas.log"; exit 1; }
fi
PETITE_SKIP=""
if ! "$VPY" -c 'import PETITE' >/dev/null 2>&1; then
  # PETITE is not on PyPI: pip installs it from its public repository (pinned commit), or from a
  # checkout named by PETITE_SRC; its imports need scipy, matplotlib and tqdm.
  src="PETITE @ git+$PETITE_REPO@$PETITE_COMMIT"
  [ -n "${PETITE_SRC:-}" ] && src=$PETITE_SRC
  say "installing PETITE from $src"
  if ! timeout 900 "$VPY" -m pip install -q --disable-pip-version-check scipy matplotlib tqdm \
       "$src" >"$OUT/logs/pip-petite.log" 2>&1 ||
     ! "$VPY" -c 'import PETITE' >>"$OUT/logs/pip-petite.log" 2>&1; then
    why=$(grep -m1 -i 'fatal' "$OUT/logs/pip-petite.log" || grep -m1 -i 'error' "$OUT/logs/pip-petite.log" || echo "see $OUT/logs/pip-petite.log")
    PETITE_SKIP="PETITE could not be installed ($(echo "$why" | sed 's/^ *//' | cut -c1-160)); set PETITE_SRC to a checkout of $PETITE_REPO"
    say "$PETITE_SKIP"
  fi
fi

# ---- darkyield 0.1.0, built from its commit in a temporary worktree (cached by commit + options) --
V010=$BUILD/peers/v0.1.0
opts=()
# 0.1.0 without CUDA: its fixed sm_70 list does not build with CUDA 13, and no item here runs on a GPU
opts=(-DDARKYIELD_CUDA=OFF)
for k in DARKYIELD_OPENCL DARKYIELD_OPENMP DARKYIELD_MPI; do
  v=$(sed -n "s/^$k:[A-Z]*=//p" "$BUILD/CMakeCache.txt")
  [ -n "$v" ] && opts+=("-D$k=$v")
done
stamp="$(git rev-parse "$V010_COMMIT") ${opts[*]}"
if [ ! -x "$V010/darkyield" ] || [ "$(cat "$V010/stamp" 2>/dev/null)" != "$stamp" ]; then
  say "building darkyield 0.1.0 ($V010_COMMIT) with ${opts[*]}"
  tmp=$(mktemp -d /tmp/dy-v010.XXXXXX)
  git worktree add --detach "$tmp/src" "$V010_COMMIT" >"$OUT/logs/v010-build.log" 2>&1
  ok=1
  { cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DDARKYIELD_BUILD_TESTS=OFF \
      -DDARKYIELD_BUILD_BENCHMARKS=OFF "${opts[@]}" &&
    cmake --build "$tmp/build" -j "$(nproc)" --target darkyield; } >>"$OUT/logs/v010-build.log" 2>&1 || ok=0
  if [ $ok = 1 ]; then
    mkdir -p "$V010"
    cp "$tmp/build/darkyield" "$V010/darkyield"
    git show "$V010_COMMIT:configs/na64e-invisible.yaml" >"$V010/na64e-invisible.yaml"
    echo "$stamp" >"$V010/stamp"
  fi
  git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true
  git worktree prune
  rm -rf "$tmp"
  [ $ok = 1 ] || { say "building 0.1.0 failed: $OUT/logs/v010-build.log"; exit 1; }
fi

# ---- helpers -----------------------------------------------------------------------------------
item() { # item LABEL KIND TITLE WHAT XNAME [NOTE...]
  "$PY" -c 'import json, sys; a = sys.argv[1:]
print(json.dumps({"item": 1, "label": a[0], "kind": a[1], "title": a[2], "what": a[3],
                  "xname": a[4], "notes": a[5:]}))' "$@" >>"$RES"
}
skip() { "$PY" -c 'import json, sys; print(json.dumps({"skip": 1, "label": sys.argv[1],
"integrator": sys.argv[2], "reason": sys.argv[3]}))' "$@" >>"$RES"; }
# run LABEL NAME CMD...: JSON lines to results, everything to a log; a failure becomes a skip line
run() {
  local label=$1 name=$2 log
  shift 2
  log=$OUT/logs/$label-$name.log
  say "$label: $name"
  if "$@" >"$log.out" 2>"$log"; then
    grep '^{' "$log.out" >>"$RES" || true
  else
    local rc=$?
    skip "$label" "$name" "failed (exit $rc): $(tail -n 1 "$log" | cut -c1-200)"
    [ "$name" = darkyield ] && FAILED=1
  fi
  cat "$log.out" >>"$log"
  rm -f "$log.out"
}
dyrun() { local label=$1 thr=$2; shift 2; run "$label" darkyield env OMP_NUM_THREADS="$thr" "$BENCH" --integrator darkyield --backend "$BACKEND" --label "$label" "$@"; }
gslrun() { local label=$1; shift; run "$label" gsl env OMP_NUM_THREADS=1 "$BENCH" --integrator gsl --label "$label" "$@"; }
vegasrun() { local label=$1 params=$2; shift 2; run "$label" vegas "$VPY" "$ROOT/benchmarks/peers/peer_vegas.py" --lib "$LIB" --params "$params" --label "$label" "$@"; }
dump() { local file=$1; shift; "$BENCH" --integrator none --dump "$file" "$@" >/dev/null; }

MODE=full
[ $QUICK = 1 ] && MODE=quick
"$PY" "$ROOT/benchmarks/peers/report.py" --meta start "$MODE" >>"$RES"
P=$OUT/params
mkdir -p "$P"

# ---- 1. brem ETL e- Pb 100 GeV, m = 0.1 GeV, to 1e-4: darkyield and PETITE --------------------
if [ $QUICK = 1 ]; then R=1e-3; else R=1e-4; fi
L=brem-etl-$R
note=()
[ $QUICK = 0 ] && note=("petite-angle-1e-20: PETITE's integrand with the lower end of its log10(1 − cos θ) moved from −12 to −20.  The A′ forward peak reaches 1 − cos θ ~ m_e²/2E0² ≈ 1e-11 near x → 1, so PETITE's cut at 1e-12 removes part of the cross section: compare the pulls of the two PETITE rows.")
item "$L" evals "Brem ETL, e⁻ Pb 100 GeV, m = 0.1 GeV, to $R: evaluations and wall time" \
  "darkyield: its engine on the $BACKEND backend, $THREADS threads.  PETITE: its own φ-integrated 3-D integrand in numpy with its vegas settings (nstrat per axis); petite-precision: 5 warm-up passes, then passes until $R; petite-shipped: what PETITE's vegas_integration() does (20 + 20 passes).  Target as darkyield has it (Z = 82, A = 207.2, M = A u)." \
  "m / GeV" ${note[@]+"${note[@]}"}
dyrun "$L" "$THREADS" --problem brem --energy 100 --masses 0.1 --rel "$R"
if [ -n "$PETITE_SKIP" ]; then
  skip "$L" petite "$PETITE_SKIP"
else
  run "$L" petite-precision "$VPY" "$ROOT/benchmarks/peers/peer_petite.py" --label "$L" --energy 100 --mass 0.1 --rel "$R"
  if [ $QUICK = 0 ]; then
    run "$L" petite-angle "$VPY" "$ROOT/benchmarks/peers/peer_petite.py" --label "$L" --energy 100 --mass 0.1 --rel "$R" --log-angle-min -20 --name petite-angle-1e-20
    run "$L" petite-shipped "$VPY" "$ROOT/benchmarks/peers/peer_petite.py" --label "$L" --energy 100 --mass 0.1 --rel "$R" --protocol shipped
  fi
fi

# ---- 2. brem at 1e-3, m = 10 MeV and 1 GeV: evaluations (darkyield, GSL, vegas) ------------------
L=brem-1e-3
if [ $QUICK = 1 ]; then LAD=10000; else LAD=3000,10000,30000,100000; fi
item "$L" evals "Brem ETL at 1e-3, e⁻ Pb 100 GeV, m = 10 MeV and 1 GeV: evaluations" \
  "Same integrand (kernels/processes/dy_proc_brem.h, dimension from the parameters) for all three.  Peers: 5 warm-up iterations, then iterations until 1e-3, for each samples-per-iteration value of the ladder ($LAD); the fewest-evaluation run that met the goal is the peer's figure." \
  "m / GeV"
dyrun "$L" "$THREADS" --problem brem --energy 100 --masses 0.01,1 --rel 1e-3
gslrun "$L" --problem brem --energy 100 --masses 0.01 --rel 1e-3 --calls "$LAD"
gslrun "$L" --problem brem --energy 100 --masses 1 --rel 1e-3 --calls "$LAD" --index-offset 1
for m in 0.01 1; do
  dump "$P/brem-$m.bin" --problem brem --energy 100 --masses "$m"
  vegasrun "$L" "$P/brem-$m.bin" --rel 1e-3 --neval "$LAD" --index-offset "$([ "$m" = 1 ] && echo 1 || echo 0)"
done

# ---- 3. 128 brem integrals at 1e-3: wall (darkyield 2 threads, GSL and vegas looped on 1) --------
if [ $QUICK = 1 ]; then N=8; LAD=10000; else N=128; LAD=3000,10000,30000; fi
L=brem-grid-$N
item "$L" grid "$N brem integrals at 1e-3 (e⁻ Pb 100 GeV, m log-spaced 2 MeV–1 GeV): wall time" \
  "darkyield: one batched call, $THREADS threads.  GSL and vegas: looped, one thread; their samples per iteration tuned on the first integral (ladder $LAD, not timed)." \
  "m / GeV"
dyrun "$L" "$THREADS" --problem brem --energy 100 --mass-grid "$N:0.002:1" --rel 1e-3
gslrun "$L" --problem brem --energy 100 --mass-grid "$N:0.002:1" --rel 1e-3 --calls "$LAD"
dump "$P/brem-grid.bin" --problem brem --energy 100 --mass-grid "$N:0.002:1"
vegasrun "$L" "$P/brem-grid.bin" --rel 1e-3 --neval "$LAD"

# ---- 4. one Genz product peak 6-D at 1e-4: evaluations (darkyield, GSL, vegas) ------------------
if [ $QUICK = 1 ]; then R=1e-3; LG=100000; LV=30000; else R=1e-4; LG=30000,100000,300000,1000000; LV=10000,30000,100000,300000; fi
L=genz-$R
item "$L" evals "One Genz product peak, 6-D (parameters from seed 1), at $R: evaluations" \
  "Peers: 5 warm-up iterations then iterations until $R, ladders GSL $LG, vegas $LV; pulls against the closed form too." \
  "integral"
dyrun "$L" "$THREADS" --problem genz --family product-peak --dim 6 --n 1 --rel "$R"
gslrun "$L" --problem genz --family product-peak --dim 6 --n 1 --rel "$R" --calls "$LG"
dump "$P/genz1.bin" --problem genz --family product-peak --dim 6 --n 1
vegasrun "$L" "$P/genz1.bin" --rel "$R" --neval "$LV"

# ---- 5. grids of Genz product peaks: 256 at 1e-3 and 1000 at 1e-2 (darkyield vs GSL looped) ------
for spec in "256 1e-3 3000,10000,30000" "1000 1e-2 1000,3000,10000"; do
  read -r N R LAD <<<"$spec"
  [ $QUICK = 1 ] && N=$((N / 8)) && LAD=${LAD##*,}
  L=genz-grid-$N-$R
  item "$L" grid "$N Genz product peaks, 6-D, at $R: wall time" \
    "darkyield: one batched call on 1 and on $THREADS threads.  GSL: looped on one thread, samples per iteration tuned on the first integral (ladder $LAD, not timed).  Pulls against the closed form." \
    "integral"
  dyrun "$L" 1 --problem genz --family product-peak --dim 6 --n "$N" --rel "$R"
  [ "$THREADS" != 1 ] && dyrun "$L" "$THREADS" --problem genz --family product-peak --dim 6 --n "$N" --rel "$R"
  gslrun "$L" --problem genz --family product-peak --dim 6 --n "$N" --rel "$R" --calls "$LAD"
done

# ---- 6. the default NA64e main job: this tree vs 0.1.0, alternating A/B, yields compared --------
if [ $QUICK = 1 ]; then RUNS=1; WARM=0; else RUNS=5; WARM=1; fi
L=mainjob
item "$L" mainjob "Default NA64e main job (configs/na64e-invisible.yaml, run --no-plots): this tree vs 0.1.0" \
  "Whole processes timed from outside, alternating A (this tree) and B (0.1.0) $RUNS time(s) after $WARM untimed pair(s), on this tree's config (backend: the config's auto choice); checkpoints off." \
  ""
say "$L: $RUNS pair(s)"
if "$PY" "$ROOT/benchmarks/peers/mainjob.py" --a "$DY" --b "$V010/darkyield" \
     --config "$ROOT/configs/na64e-invisible.yaml" --b-config "$V010/na64e-invisible.yaml" \
     --workdir "$OUT/mainjob" --runs "$RUNS" --warmup "$WARM" --label "$L" \
     >"$OUT/logs/mainjob.out" 2>"$OUT/logs/mainjob.log"; then
  cat "$OUT/logs/mainjob.out" >>"$RES"
else
  skip "$L" mainjob "failed: $(tail -n 1 "$OUT/logs/mainjob.log" | cut -c1-200)"
  FAILED=1
fi

"$PY" "$ROOT/benchmarks/peers/report.py" --meta end "$MODE" >>"$RES"
"$PY" "$ROOT/benchmarks/peers/report.py" "$RES" | tee "$OUT/peers.md"
say "tables in $OUT/peers.md, raw results in $RES"
exit $FAILED
