#!/usr/bin/env python3
"""pyhf_check.py INDEX.csv CL RTOL — run pyhf (asymptotic CLs, q~_mu) on every workspace that
`darkyield limit` listed in INDEX.csv and compare with darkyield's own limits: the observed limit
is mu = 1 by construction of the workspace, the expected ones are the mu_exp* columns.
Exit 0: all agree within RTOL; 1: disagreement; 77: pyhf not importable (skip)."""
import csv, json, os, sys

try:
    import pyhf
except Exception as e:  # pragma: no cover - environment dependent
    print(f"SKIP: pyhf not importable ({e})")
    sys.exit(77)

index, cl, rtol = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = [r for r in csv.reader(l for l in open(index) if not l.startswith("#"))]
head, rows = rows[0], rows[1:]
col = {h: i for i, h in enumerate(head)}
bad = 0
pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))
for r in rows:
    ws = pyhf.Workspace(json.load(open(os.path.join(os.path.dirname(index), r[col["file"]]))))
    model = ws.model()
    data = ws.data(model)
    want = [float(r[col[k]]) for k in ("mu_exp_m2", "mu_exp_m1", "mu_exp", "mu_exp_p1", "mu_exp_p2")]
    obs, exp = pyhf.infer.intervals.upper_limits.toms748_scan(
        data, model, 0.0, 2.0 * max(want + [1.0]) + 1.0, level=1.0 - cl, atol=1e-12, rtol=1e-6,
        test_stat="qtilde", calctype="asymptotics")
    got = [float(obs)] + [float(x) for x in exp]
    ref = [1.0] + want
    dev = max(abs(g - w) / w for g, w in zip(got, ref))
    print(f"m = {r[col['mass_GeV']]} GeV: pyhf mu_up obs {got[0]:.6f} exp "
          + " ".join(f"{x:.6f}" for x in got[1:]) + f" | darkyield 1 "
          + " ".join(f"{x:.6f}" for x in want) + f" | max rel dev {dev:.2e}")
    if not dev < rtol:
        bad += 1
sys.exit(1 if bad or not rows else 0)
