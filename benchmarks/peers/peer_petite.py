#!/usr/bin/env python3
"""peer_petite.py — PETITE's exact-tree-level dark-photon bremsstrahlung total cross section
(N. Blinov, P. J. Fox, K. J. Kelly, P. A. N. Machado, R. Plestid, arXiv:2401.06843; its
integrand is the phi-integrated 3-D form, in numpy, integrated by Lepage's vegas), timed and
counted on the same machine as darkyield.  PETITE is installed by benchmarks/run-peers.sh; this
script only imports it.

The integrand, its integration range and its vegas options (nstrat per axis) are PETITE's own
(PETITE.all_processes: dsig_dx_dcostheta_dark_brem_exact_tree_level, integration_range,
vegas_integrator_options["DarkBrem"]).  The target is given as darkyield has it (Z, A and the
nucleus mass M = A u, where PETITE's own table puts M = 207.2 GeV for lead), so both codes
integrate the same physics and their values can be compared (pulls).

--protocol precision: a warm-up call of W iterations (discarded), then iterations until the
  cumulative relative error meets --rel (vegas's rtol), as for every peer;
--protocol shipped: what PETITE's vegas_integration() does: a burn-in call of nitn iterations,
  then a second call of nitn iterations whose result is kept.
--log-angle-min L moves the lower end of PETITE's variable log10(1 - cos theta) (PETITE: -12) for
  a diagnostic row: the A' forward peak reaches 1 - cos theta ~ m_e^2/(2 E0^2) ~ 1e-11 at 100 GeV.
Every evaluation passes through a counting wrapper.  One JSON line per run on stdout."""
import argparse
import json
import sys
import time

import gvar
import numpy as np
import vegas

GEV2_TO_PB = 0.389379372e9  # (hbar c)^2 = 0.3893793721 GeV^2 mb (PDG), as darkyield's constant


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--label", required=True)
    ap.add_argument("--energy", type=float, default=100.0, help="e- beam energy, GeV")
    ap.add_argument("--mass", type=float, default=0.1, help="dark photon mass, GeV")
    ap.add_argument("--Z", type=float, default=82.0)
    ap.add_argument("--A", type=float, default=207.2)
    ap.add_argument("--M", type=float, default=None, help="nucleus mass, GeV (default A u)")
    ap.add_argument("--rel", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--protocol", choices=["precision", "shipped"], default="precision")
    ap.add_argument("--log-angle-min", type=float, default=None,
                    help="lower end of log10(1 - cos theta) (default: PETITE's)")
    ap.add_argument("--name", default=None, help="integrator name in the output")
    a = ap.parse_args()
    try:
        import PETITE
        from PETITE import all_processes as pap
        from PETITE.physical_constants import alpha_em, m_electron
    except Exception as e:  # the caller prints this as the reason for a skipped row
        sys.exit(f"peer_petite: cannot import PETITE: {e}")
    M = a.M if a.M is not None else a.A * 0.93149410242
    ei = {"E_inc": a.energy, "mV": a.mass, "Z_T": a.Z, "A_T": a.A, "mT": M,
          "m_e": m_electron, "alpha_FS": alpha_em, "m_lepton": m_electron,
          "Eg_min": 0.001, "Ee_min": 0.005}  # the defaults vegas_integration() fills in
    rng = pap.integration_range(ei, "DarkBrem")
    if a.log_angle_min is not None:
        rng[1][0] = a.log_angle_min
    name = a.name or f"petite-{a.protocol}"
    petite_f = pap.dsig_dx_dcostheta_dark_brem_exact_tree_level(event_info=ei, ndim=len(rng),
                                                                batch_mode=True)
    opts = dict(pap.vegas_integrator_options["DarkBrem"])
    count = [0]

    @vegas.lbatchintegrand
    def f(x):
        count[0] += x.shape[0]
        return petite_f(x)

    gvar.ranseed(a.seed)
    integ = vegas.Integrator(rng)
    t0 = time.monotonic()
    if a.protocol == "shipped":
        integ(f, **opts)
        n_warm, warm_itn = count[0], opts["nitn"]
        r = integ(f, **opts)
    else:
        wopts = dict(opts, nitn=a.warmup)
        integ(f, **wopts)
        n_warm, warm_itn = count[0], a.warmup
        r = integ(f, **dict(opts, nitn=1000, rtol=a.rel))
    wall = time.monotonic() - t0
    mean, sdev = float(r.mean) * GEV2_TO_PB, float(r.sdev) * GEV2_TO_PB
    n_main = count[0] - n_warm
    itn = len(r.itn_results)
    print(json.dumps({
        "label": a.label, "integrator": name, "i": 0, "x": a.mass,
        "value": mean, "error": sdev, "chi2_dof": float(r.chi2 / r.dof) if r.dof > 0 else -1.0,
        "n_eval": count[0], "n_eval_warmup": n_warm, "n_iter": itn, "n_iter_warmup": warm_itn,
        "eval_per_pass": (count[0] / (itn + warm_itn)), "converged": int(sdev <= a.rel * abs(mean)),
        "rel_goal": a.rel, "wall_s": wall, "nstrat": list(opts["nstrat"]),
        "log_angle_range": list(rng[1]),
        "petite": getattr(PETITE, "__version__", "?"), "vegas": vegas.__version__,
        "numpy": np.__version__}), flush=True)
    print(json.dumps({"label": a.label, "integrator": name, "summary": 1,
                      "n": 1, "n_eval": count[0], "wall_s": wall, "threads": "1",
                      "backend": "python",
                      "device": f"PETITE {getattr(PETITE, '__version__', '?')}, "
                                f"vegas {vegas.__version__}, numpy {np.__version__}"}),
          flush=True)


if __name__ == "__main__":
    main()
