#!/bin/sh
# test_install.sh BUILD_DIR SOURCE_DIR — the installed package as a user meets it: installed into
# a temporary prefix (cmake --install), every public header compiled alone (C17 and C++17,
# -Wall -Wextra -Werror -pedantic), only the public API exported under a versioned soname, the
# examples built with find_package(darkyield) and with pkg-config (no CUDA or MPI on their link
# lines) and against the static library, run, and their numbers equal to the command line's.
set -eu
B=$(cd "$1" && pwd)
S=$(cd "$2" && pwd)
T=$B/install-test
P=$T/prefix
CC=${CC:-cc}
CXX=${CXX:-c++}
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
rm -rf "$T"
mkdir -p "$T"
cmake --install "$B" --prefix "$P" >"$T/install.log" || fail "cmake --install (see $T/install.log)"

# -- headers: each alone, included twice (guards), as strict C17 and as C++17 -----------------
H=$P/include/darkyield
for h in dy.h dy_api.h dy_version.h dy_status.h dy_engine.h dy_integrate.h dy_xsec.h dy_yields.h \
    dy_limits.h dy_materials.h dy_types.h dy_portable.h; do
    [ -f "$H/$h" ] || fail "header $h not installed"
done
for h in "$H"/*.h; do
    n=$(basename "$h")
    printf '#include <darkyield/%s>\n#include <darkyield/%s>\ntypedef int dy_check_t;\n' "$n" "$n" \
        >"$T/h.c"
    $CC -std=c17 -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$P/include" "$T/h.c" ||
        fail "$n does not compile alone as C17"
    if command -v "$CXX" >/dev/null 2>&1; then
        $CXX -x c++ -std=c++17 -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$P/include" \
            "$T/h.c" || fail "$n does not compile alone as C++17"
    fi
done
grep -q "define DY_VERSION_MAJOR 0" "$H/dy_version.h" || fail "dy_version.h: no DY_VERSION_MAJOR"

# -- exports: exactly the functions the headers declare with DY_API, under the soname ---------
SO=$P/lib/libdarkyield.so
readelf -d "$SO" | grep -q 'SONAME.*libdarkyield\.so\.0\.2\]' || fail "soname is not libdarkyield.so.0.2"
nm -D --defined-only "$SO" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u >"$T/exported"
grep -hv "^#" "$H"/*.h | tr '\n' ' ' | grep -o 'DY_API [^;(]*(' | sed 's/.*[ *]\([a-z_0-9A-Z]*\)($/\1/' |
    sort -u >"$T/declared"
[ -s "$T/declared" ] || fail "no DY_API declarations found"
if ! cmp -s "$T/exported" "$T/declared"; then
    diff "$T/declared" "$T/exported" >&2 || true
    fail "exported symbols differ from the DY_API declarations (< declared, > exported)"
fi
if readelf -d "$SO" | grep -E 'NEEDED.*(mpi|cuda)'; then fail "libdarkyield.so needs MPI or CUDA"; fi

# -- the examples with CMake's find_package -------------------------------------------------
cmake -S "$S/examples" -B "$T/cmake" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_BUILD_TYPE=Release \
    >"$T/cmake.log" 2>&1 || fail "configuring the examples (see $T/cmake.log)"
cmake --build "$T/cmake" -v >"$T/build.log" 2>&1 || fail "building the examples (see $T/build.log)"
grep -E ' -o (xsec_scan|yield_grid|limit_scan) ' "$T/build.log" >"$T/link-lines"
[ "$(wc -l <"$T/link-lines")" -eq 3 ] || fail "link lines of the examples not found"
# libraries named on the line (not paths: a prefix may well be called .../cuda-build)
if grep -Eo '(-l|/lib)(mpi|cuda|cudart|cublas|open-rte|open-pal)[A-Za-z0-9_.+-]*' "$T/link-lines"; then
    fail "CUDA or MPI on a consumer's link line"
fi

# -- pkg-config ------------------------------------------------------------------------------
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
[ "$(pkg-config --modversion darkyield)" = "$(sed -n 's/^#define DY_VERSION  *"\(.*\)"/\1/p' "$H/dy_version.h")" ] ||
    fail "pkg-config version differs from DY_VERSION"
libs=$(pkg-config --libs darkyield)
if echo "$libs" | grep -Eq '(-l|/lib)(mpi|cuda|cudart)'; then
    fail "pkg-config --libs darkyield: $libs"
fi
mkdir -p "$T/pc"
cp "$S/examples/"*.c "$S/examples/Makefile" "$T/pc/"
make -C "$T/pc" CC="$CC" >"$T/pc.log" 2>&1 || fail "pkg-config build of the examples (see $T/pc.log)"

# -- the static library and its dependencies (COMPONENTS static) ---------------------------
mkdir -p "$T/static-src"
cp "$S/examples/xsec_scan.c" "$T/static-src/"
cat >"$T/static-src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.24)
project(dy_static_consumer LANGUAGES C)
find_package(darkyield 0.2 CONFIG REQUIRED COMPONENTS static)
add_executable(xsec_scan_static xsec_scan.c)
target_link_libraries(xsec_scan_static PRIVATE darkyield::darkyield_static)
EOF
cmake -S "$T/static-src" -B "$T/static" -DCMAKE_PREFIX_PATH="$P" >"$T/static.log" 2>&1 &&
    cmake --build "$T/static" >>"$T/static.log" 2>&1 || fail "static consumer (see $T/static.log)"
if readelf -d "$T/static/xsec_scan_static" | grep -q 'NEEDED.*libdarkyield'; then
    fail "the static consumer needs libdarkyield.so"
fi

# -- run them: the library's numbers are the command line's (same code, same seed) -----------
cd "$T/cmake"
./xsec_scan >"$T/scan.out" 2>"$T/scan.err" || fail "xsec_scan: $(cat "$T/scan.err")"
grep -q "^# darkyield $(pkg-config --modversion darkyield) " "$T/scan.out" || fail "dy_version()"
grep -q "a bad target: not found: unknown material 'Unobtainium'" "$T/scan.out" ||
    fail "xsec_scan: the bad target's status and message"
"$P/bin/darkyield" xsec --process brem --lepton e --target W --energy 8 --mass 0.01,0.03,0.1,0.3 \
    --coupling 1e-4 --precision 1e-2 --method etl,iww --backend cpu --format csv \
    >"$T/cli.csv" 2>/dev/null || fail "installed darkyield xsec"
# CLI rows: ...,mass_GeV(7),...,method(11),sigma_pb(12),error_pb(13); example: m etl err iww K
awk -F, '!/^#/ && NR > 1 && $11 != "method" {printf "%.5e %s\n", $12, $11}' "$T/cli.csv" |
    sort >"$T/cli.vals"
awk '!/^#/ && $1 != "m/GeV" {printf "%.5e etl\n%.5e iww\n", $2, $4}' "$T/scan.out" |
    sort >"$T/api.vals"
[ "$(wc -l <"$T/api.vals")" -eq 8 ] || fail "xsec_scan printed $(wc -l <"$T/api.vals") values, not 8"
cmp -s "$T/cli.vals" "$T/api.vals" || {
    diff "$T/cli.vals" "$T/api.vals" >&2
    fail "xsec_scan's cross sections differ from darkyield xsec's"
}

# the yield grid: the example's in-memory config, then the same text from a file through the
# installed `darkyield run`: identical integrated yields
./yield_grid >"$T/grid.out" 2>"$T/grid.err" || fail "yield_grid: $(cat "$T/grid.err")"
[ -f example-out/example.h5 ] && [ -f example-out/example_integrated.csv ] ||
    fail "yield_grid wrote no outputs"
# (output.dir is relative to the config file: the file goes into cli-run/)
mkdir -p "$T/cli-run"
sed -n '/^static const char config\[\] = /,/;$/p' "$S/examples/yield_grid.c" |
    sed 's/^[^"]*"//; s/\\n"[;]*$//' >"$T/cli-run/example.yaml"
cd "$T"
"$P/bin/darkyield" run "$T/cli-run/example.yaml" --backend cpu --no-plots >/dev/null 2>"$T/run.err" ||
    fail "installed darkyield run: $(cat "$T/run.err")"
grep -v '^#' "$T/cmake/example-out/example_integrated.csv" >"$T/api.int"
grep -v '^#' "$T/cli-run/example-out/example_integrated.csv" >"$T/cli.int"
[ "$(wc -l <"$T/api.int")" -ge 4 ] || fail "yield_grid: too few integrated rows"
cmp -s "$T/api.int" "$T/cli.int" || fail "yield_grid's yields differ from darkyield run's"
# the limit: in memory from the same grid, from its HDF5 file, and by the installed
# `darkyield limit` on that file: the same limits
cd "$T/cmake"
./limit_scan >"$T/limit.out" 2>"$T/limit.err" || fail "limit_scan: $(cat "$T/limit.err")"
./limit_scan example-out/example.h5 >"$T/limit-file.out" 2>"$T/limit.err" ||
    fail "limit_scan FILE: $(cat "$T/limit.err")"
cmp -s "$T/limit.out" "$T/limit-file.out" || fail "limit_scan: in-memory and file yields differ"
[ "$(grep -vc '^#' "$T/limit.out")" -eq 4 ] || fail "limit_scan: not 3 masses"
mkdir -p "$T/cli-limit"
sed -n '/^static const char limit_config\[\] =/,/;$/p' "$S/examples/limit_scan.c" | sed -n '/"/p' |
    sed 's/^[^"]*"//; s/\\n"[;]*$//' >"$T/cli-limit/limit.yaml"
"$P/bin/darkyield" limit "$T/cli-limit/limit.yaml" --set "yields=$T/cmake/example-out/example.h5" \
    --no-plots --format csv --quiet >"$T/cli-limit.csv" 2>"$T/limit.err" ||
    fail "installed darkyield limit: $(cat "$T/limit.err")"
grep -v '^#' example-out/limits/example-limit_limits.csv >"$T/api-limit.csv"
cmp -s "$T/api-limit.csv" "$T/cli-limit.csv" || {
    diff "$T/api-limit.csv" "$T/cli-limit.csv" >&2
    fail "limit_scan's limits differ from darkyield limit's"
}
# the pkg-config build runs as well (no rpath: the loader is told where)
cd "$T/pc"
LD_LIBRARY_PATH="$P/lib" ./xsec_scan >/dev/null || fail "pkg-config xsec_scan"

"$P/bin/darkyield" --version | grep -q "$(pkg-config --modversion darkyield)" || fail "--version"
echo "install test: ok ($(wc -l <"$T/exported") exported functions)"
