#!/usr/bin/python3
"""docs_tutorial.py DOC BUILD_DIR SOURCE_DIR — run every ```sh and ```python block of
docs/tutorial.md in order, as a user would from the repository root (a scratch directory under
BUILD_DIR with build/ and python/ linked in, so out/tutorial/ lands there), and fail on the first
block that fails.  Then check the tutorial's hand calculation on the files it wrote: the limit is
eps = sqrt(s_up / (N_pot eff N(E > cut))) at every mass, for the command line (0 observed)
and for darkyield.limit (2 observed).  Exit 77 (skip) without numpy or h5py."""
import csv
import math
import os
import re
import shutil
import subprocess
import sys

try:
    import h5py  # noqa: F401  (the tutorial's h5py block)
    import numpy  # noqa: F401
except ImportError:
    print("SKIP: numpy or h5py missing")
    sys.exit(77)

doc, build, src = (os.path.abspath(a) for a in sys.argv[1:4])
work = os.path.join(build, "docs_tutorial_tmp")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(os.path.join(work, "bin"))
os.symlink(build, os.path.join(work, "build"))
os.symlink(os.path.join(src, "python"), os.path.join(work, "python"))
os.symlink(sys.executable, os.path.join(work, "bin", "python3"))  # `python3` in the sh blocks
env = dict(os.environ, PATH=os.path.join(work, "bin") + os.pathsep + os.environ.get("PATH", ""),
           DARKYIELD_LIBRARY=os.path.join(build, "libdarkyield.so"),
           PYTHONPATH=os.path.join(src, "python"))
blocks = re.findall(r"```(\w*)\n(.*?)```", open(doc, encoding="utf-8").read(), re.S)
n = 0
for lang, body in blocks:
    if lang == "sh":
        cmd = ["bash", "-euo", "pipefail", "-c", body]
    elif lang == "python":
        cmd = [sys.executable, "-c", body]
    else:
        continue  # program output shown in the text
    n += 1
    r = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
    if r.returncode:
        print(f"FAIL: block {n} ({lang}) exited {r.returncode}:\n{body}\n--- stdout\n"
              f"{r.stdout[-3000:]}\n--- stderr\n{r.stderr[-3000:]}")
        sys.exit(1)
print(f"{n} blocks ran")

with h5py.File(os.path.join(work, "out/tutorial/mygrid.h5"), "r") as f:
    N = f["total/N_above_cut"][()]
    coupling = f.attrs["coupling"]
rows = [r for r in csv.DictReader(line for line in open(
    os.path.join(work, "out/tutorial/mylimit_limits.csv")) if not line.startswith("#"))]
if len(rows) != len(N):
    print(f"FAIL: {len(rows)} limit rows for {len(N)} masses")
    sys.exit(1)
s_up = -math.log(1.0 - 0.9)  # 0 observed, no background, 90 % CL: 2.303 events
for row, n_above in zip(rows, N):
    want = coupling * math.sqrt(s_up / (1e12 * 0.5 * n_above))
    got = float(row["coupling_obs"])
    if abs(got / want - 1.0) > 1e-6:  # the CSV keeps 8 digits
        print(f"FAIL: m = {row['mass_GeV']} GeV: eps = {got}, expected {want}")
        sys.exit(1)
print("ok: the limits are sqrt(2.303 / (N_pot eff N)) at every mass")

# section 4: darkyield.limit with 2 observed events on the same yield file wrote
# out/tutorial/py/mylimit_limits.csv; its s_up solves P(n <= 2 | s) = 0.1 (classical Poisson)
lo, hi = 2.0, 10.0
for _ in range(200):
    s = 0.5 * (lo + hi)
    lo, hi = (s, hi) if math.exp(-s) * (1 + s + s * s / 2) > 0.1 else (lo, s)
s_up2 = 0.5 * (lo + hi)
rows = [r for r in csv.DictReader(line for line in open(
    os.path.join(work, "out/tutorial/py/mylimit_limits.csv")) if not line.startswith("#"))]
if len(rows) != len(N):
    print(f"FAIL: Python limit: {len(rows)} rows for {len(N)} masses")
    sys.exit(1)
for row, n_above in zip(rows, N):
    want = coupling * math.sqrt(s_up2 / (1e12 * 0.5 * n_above))
    got = float(row["coupling_obs"])
    if abs(got / want - 1.0) > 1e-6:
        print(f"FAIL: Python limit, 2 observed, m = {row['mass_GeV']} GeV: eps = {got}, "
              f"expected {want}")
        sys.exit(1)
print(f"ok: darkyield.limit with 2 observed: sqrt({s_up2:.4f} / (N_pot eff N)) at every mass")
