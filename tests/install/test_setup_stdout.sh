#!/bin/sh
# test_setup_stdout.sh SOURCE_DIR TMP — scripts/setup.sh prints nothing on stdout, so the stdout of
# scripts/run-default.sh is the main job's alone.  A copy of the script runs in TMP with stand-ins
# for the tools it calls (dpkg: every package missing; apt-get, pip, cmake: printing on stdout and,
# for pip, failing, so that every warning branch of the script runs); its stdout must be empty and
# its stderr must hold the tools' lines and the warnings.
set -eu
S=$(cd "$1" && pwd)
T=$2
rm -rf "$T"
mkdir -p "$T/repo/scripts" "$T/bin"
# the copy calls python3 from PATH (the stand-in) instead of /usr/bin/python3
sed 's#/usr/bin/python3#python3#g' "$S/scripts/setup.sh" >"$T/repo/scripts/setup.sh"
for tool in apt-get cmake nproc; do
    printf '#!/bin/sh\necho "%s on stdout: $*"\n' "$tool" >"$T/bin/$tool"
done
printf '#!/bin/sh\nexit 1\n' >"$T/bin/dpkg"
printf '#!/bin/sh\necho "python3 on stdout: $*"\nexit 1\n' >"$T/bin/python3"
chmod +x "$T/bin/"*
(cd "$T/repo" && PATH="$T/bin:/usr/bin:/bin" bash scripts/setup.sh >"$T/out" 2>"$T/err") ||
    { echo "FAIL: the copy of setup.sh failed:"; cat "$T/err"; exit 1; }
if [ -s "$T/out" ]; then
    echo "FAIL: scripts/setup.sh printed on stdout:"
    cat "$T/out"
    exit 1
fi
for want in "apt-get on stdout" "python3 on stdout" "cmake on stdout" \
    "could not install hepdata-validator" "could not install pylhe" "could not install pyhf"; do
    grep -q "$want" "$T/err" || { echo "FAIL: '$want' not on stderr"; cat "$T/err"; exit 1; }
done
echo "ok: setup.sh writes nothing on stdout"
