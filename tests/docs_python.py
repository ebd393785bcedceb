#!/usr/bin/python3
"""docs_python.py DOC BUILD_DIR SOURCE_DIR — run the ```python blocks of docs/python.md in order in
one interpreter, as a user would from the repository root (a scratch directory under BUILD_DIR
with a copy of configs/, so the configs' relative paths land in it), and fail on the first
statement that fails.  A line with `{...}` is an elided illustration and is left out, and so
are the lines with to_pandas() where pandas is not installed.  Then check
what the blocks claim: run()'s groups and integrals, the limits' columns, the materials.
Exit 77 (skip) without numpy."""
import os
import re
import shutil
import sys

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy missing")
    sys.exit(77)

doc, build, src = (os.path.abspath(a) for a in sys.argv[1:4])
work = os.path.join(build, "docs_python_tmp")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
shutil.copytree(os.path.join(src, "configs"), os.path.join(work, "configs"))
os.environ.setdefault("DARKYIELD_LIBRARY", os.path.join(build, "libdarkyield.so"))
sys.path.insert(0, os.path.join(src, "python"))
os.chdir(work)
blocks = [b for lang, b in re.findall(r"```(\w*)\n(.*?)```", open(doc, encoding="utf-8").read(),
                                       re.S) if lang == "python"]
try:
    import pandas  # noqa: F401
    skip = ("{...}",)
except ImportError:
    skip = ("{...}", "to_pandas()")
    print("note: pandas is not installed: the lines with to_pandas() are left out")
env = {}
for n, body in enumerate(blocks, 1):
    code = "\n".join(line for line in body.splitlines() if not any(k in line for k in skip))
    try:
        exec(compile(code, "docs/python.md block %d" % n, "exec"), env)
    except Exception as e:  # noqa: BLE001 (any failure of a documented example)
        print("FAIL: block %d: %s: %s\n%s" % (n, type(e).__name__, e, body))
        sys.exit(1)
print("%d python blocks ran" % len(blocks))


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


g, gm, lim, t = env["g"], env["gm"], env["lim"], env["t"]
check(os.path.exists("out/na64e-invisible/na64e-invisible.h5"), "run(output_dir=...) wrote no file")
check(os.path.exists("out/x/na64mu.h5") and os.path.exists("out/limits"), "na64mu outputs")
check(gm["beam"].attrs["energy_GeV"] == 150.0 and list(gm["masses_GeV"]) == [0.01, 0.1],
      "the overrides of run()")
check(g["total"]["dNdE"].dims[1]["label"] == "energy_GeV", "the dNdE axis label")
check(g["brem-e-"]["integrals"]["chi2_dof"].ndim == 3, "integrals shape")
check(np.all(np.isfinite(lim["coupling_obs"])) and lim.attrs["coupling_name"] == "g_Z'",
      "the na64mu limit")
check(set(t.histograms.keys()) >= {"lo", "hi", "dsigma_pb_per_unit"}, "histogram columns")
check(abs(env["pb"]["X0_cm"] - 0.5612) < 0.005, "Pb radiation length (PDG: 0.5612 cm)")
print("ok: docs/python.md runs as shown")
