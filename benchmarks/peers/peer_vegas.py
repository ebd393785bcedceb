#!/usr/bin/env python3
"""peer_vegas.py — G. P. Lepage's `vegas` (PyPI; VEGAS+ with adaptive stratified sampling in its
default mode, arXiv:2009.05112) on darkyield's own integrands: the parameter sets written by
`bench_peers --dump`, evaluated in batches by libdy_peer_integrand (kernels/dy_process_table.h
compiled as plain C) through ctypes.

Protocol per integral (benchmarks/RESULTS.md, "Peers"): a warm-up call of W iterations of N
evaluations that only trains the map (discarded), then one call of up to max_eval/N iterations of
N with rtol = the goal: vegas stops after the first iteration whose cumulative error meets it.
Evaluations are counted by the library (every evaluation passes through it).

One JSON object per line on stdout (the same fields as bench_peers), then a summary line.
With one integral each --neval value is a row; with several, the list is tuned on integral 0
(not timed) and the converged value with the fewest evaluations is used for the timed loop."""
import argparse
import ctypes
import json
import math
import sys
import time

import gvar
import numpy as np
import vegas

MAGIC = b"DYPEERS1"


def load_params(path, size):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 16 or blob[:8] != MAGIC:
        sys.exit(f"peer_vegas: {path}: not a bench_peers --dump file")
    psize, n = int.from_bytes(blob[8:12], "little"), int.from_bytes(blob[12:16], "little")
    if psize != size:
        sys.exit(f"peer_vegas: {path}: dy_params of {psize} bytes, library has {size}: "
                 "rebuild bench_peers and libdy_peer_integrand together")
    if len(blob) != 16 + n * psize:
        sys.exit(f"peer_vegas: {path}: truncated ({len(blob)} bytes for {n} parameter sets)")
    return [ctypes.create_string_buffer(blob[16 + i * psize:16 + (i + 1) * psize], psize)
            for i in range(n)]


class Integrand:
    """Batch integrand calling dy_peer_eval on one parameter set."""

    def __init__(self, lib, params):
        self.lib, self.params = lib, params

    def __call__(self, x):
        x = np.ascontiguousarray(x, dtype=np.float64)
        f = np.empty(x.shape[0], dtype=np.float64)
        self.lib.dy_peer_eval(self.params, x.shape[0], x.ctypes.data, x.shape[1], f.ctypes.data)
        return f


def run_one(lib, params, neval, a, seed):
    dim = lib.dy_peer_dim(params)
    if not 1 <= dim <= lib.dy_peer_max_dim():
        sys.exit(f"peer_vegas: parameter set with dimension {dim}")
    gvar.ranseed(seed)
    f = vegas.lbatchintegrand(Integrand(lib, params))
    t0 = time.monotonic()
    n0 = lib.dy_peer_n_eval()
    kw = {"neval": neval}
    if a.beta is not None:
        kw["beta"] = a.beta
    integ = vegas.Integrator(dim * [[0.0, 1.0]])
    integ(f, nitn=a.warmup, **kw)  # warm-up: trains the map, result discarded
    n_warm = lib.dy_peer_n_eval() - n0
    nitn = max(1, min(100000, int(a.max_eval // neval)))
    r = integ(f, nitn=nitn, rtol=a.rel, **kw)
    wall = time.monotonic() - t0
    mean, sdev = float(r.mean), float(r.sdev)
    return {"value": mean, "error": sdev, "chi2_dof": float(r.chi2 / r.dof) if r.dof > 0 else -1.0,
            "n_eval": int(lib.dy_peer_n_eval() - n0), "n_eval_warmup": int(n_warm),
            "n_iter": len(r.itn_results), "converged": int(mean != 0 and sdev <= a.rel * abs(mean)),
            "neval": neval, "wall_s": wall}


def row(a, i, res, with_wall=True):
    d = {"label": a.label, "integrator": a.name, "i": i, "value": res["value"],
         "error": res["error"], "chi2_dof": res["chi2_dof"], "n_eval": res["n_eval"],
         "n_iter": res["n_iter"], "converged": res["converged"], "rel_goal": a.rel,
         "calls": res["neval"]}
    if with_wall:
        d["wall_s"] = res["wall_s"]
    print(json.dumps(d), flush=True)


def summary(a, n, n_eval, wall, neval):
    print(json.dumps({"label": a.label, "integrator": a.name, "summary": 1, "n": n,
                      "n_eval": n_eval, "wall_s": wall, "threads": "1", "backend": "python",
                      "device": f"vegas {vegas.__version__}, numpy {np.__version__}, "
                                f"python {sys.version.split()[0]}", "calls": neval}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", required=True, help="path of libdy_peer_integrand.so")
    ap.add_argument("--params", required=True, help="bench_peers --dump file")
    ap.add_argument("--label", required=True)
    ap.add_argument("--name", default="vegas", help="integrator name in the output")
    ap.add_argument("--rel", type=float, default=1e-3)
    ap.add_argument("--neval", default="30000", help="evaluations per iteration, comma list")
    ap.add_argument("--warmup", type=int, default=5, help="warm-up iterations (default 5)")
    ap.add_argument("--beta", type=float, default=None,
                    help="vegas beta (default: vegas's 0.75; 0 = uniform strata)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-eval", type=float, default=1e9)
    ap.add_argument("--index-offset", type=int, default=0,
                    help="add this to the integral index in the output (rows of a larger item)")
    a = ap.parse_args()
    try:
        nevals = [int(float(v)) for v in a.neval.split(",")]
    except ValueError:
        sys.exit(f"peer_vegas: --neval '{a.neval}': need a comma list of counts")
    if not (0 < a.rel < 1) or a.warmup < 1 or any(v < 100 for v in nevals):
        sys.exit("peer_vegas: need 0 < --rel < 1, --warmup >= 1, --neval values >= 100")
    lib = ctypes.CDLL(a.lib)
    lib.dy_peer_params_size.restype = ctypes.c_size_t
    lib.dy_peer_n_eval.restype = ctypes.c_uint64
    lib.dy_peer_dim.restype = ctypes.c_uint
    lib.dy_peer_dim.argtypes = [ctypes.c_char_p]
    lib.dy_peer_max_dim.restype = ctypes.c_uint
    lib.dy_peer_eval.restype = None
    lib.dy_peer_eval.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                                 ctypes.c_size_t, ctypes.c_void_p]
    params = load_params(a.params, lib.dy_peer_params_size())
    if len(params) == 1:
        for neval in nevals:
            res = run_one(lib, params[0], neval, a, a.seed)
            row(a, a.index_offset, res)
            summary(a, 1, res["n_eval"], res["wall_s"], neval)
        return
    neval = nevals[0]
    if len(nevals) > 1:  # tune on integral 0, untimed
        best = math.inf
        for v in nevals:
            res = run_one(lib, params[0], v, a, a.seed)
            if res["converged"] and res["n_eval"] < best:
                best, neval = res["n_eval"], v
    t0 = time.monotonic()
    total = 0
    for i, p in enumerate(params):
        res = run_one(lib, p, neval, a, a.seed + i)
        total += res["n_eval"]
        row(a, a.index_offset + i, res, with_wall=False)
    summary(a, len(params), total, time.monotonic() - t0, neval)


if __name__ == "__main__":
    main()
