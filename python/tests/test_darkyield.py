"""Tests of the Python package against the command line (same code, same seed: the same
numbers), and its errors.  Runs under pytest or `python3 -m unittest`; ctest passes
DARKYIELD_LIBRARY (the built libdarkyield.so) and DARKYIELD_CLI (the built command)."""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

try:
    import numpy as np
    import darkyield
except ImportError as e:  # ctest: SKIP_RETURN_CODE 77
    print("SKIP: %s" % e)
    sys.exit(77)

CLI = os.environ.get("DARKYIELD_CLI", "darkyield")

CFG = {"name": "py", "seed": 1, "precision": 0.02,
       "beam": {"particle": "e-", "energy_GeV": 100},
       "target": {"material": "Pb", "thickness_X0": 40},
       "model": {"mediator": "vector", "decay": "invisible", "alpha_D": 0.1,
                 "mchi_over_m": 0.3333333, "dm_kind": "dirac", "coupling": 1.0e-4},
       "processes": ["annihilation"], "masses_GeV": [0.1, 0.2],
       "energy_bins": {"min_GeV": 0, "max_GeV": 100, "n": 10},
       "cuts": {"energy_min_GeV": 50}}


def cli(*args):
    r = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    if r.returncode:
        raise AssertionError("darkyield %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


class TestXsec(unittest.TestCase):
    def test_version(self):
        self.assertIn(darkyield.version(), cli("--version"))

    def test_same_as_cli(self):
        t = darkyield.xsec(process="brem", target="W", energy=[4, 8], mass="0.01,0.1",
                           method="etl,iww", coupling=1e-4, precision=2e-2, backend="cpu")
        out = cli("xsec", "--process", "brem", "--target", "W", "--energy", "4,8", "--mass",
                  "0.01,0.1", "--method", "etl,iww", "--coupling", "1e-4", "--precision",
                  "2e-2", "--backend", "cpu", "--format", "csv", "--quiet")
        lines = [ln for ln in out.splitlines() if not ln.startswith("#")]
        head = lines[0].split(",")
        rows = [ln.split(",") for ln in lines[1:]]
        self.assertEqual(len(rows), 8)
        self.assertEqual(len(t["sigma_pb"]), 8)
        for col in head:  # every CLI column, named the same
            self.assertIn(col, t)
        for i, r in enumerate(rows):
            row = dict(zip(head, r))
            self.assertEqual(row["method"], t["method"][i])
            self.assertEqual(row["mediator"], t["mediator"][i])
            self.assertEqual(row["coupling_name"], t["coupling_name"][i])
            for col in ("energy_GeV", "mass_GeV", "sigma_pb", "Z", "A"):
                self.assertTrue(math.isclose(float(row[col]), t[col][i], rel_tol=1e-9),
                                (col, row[col], t[col][i]))
            self.assertEqual(int(row["n_eval"]), t["n_eval"][i])

    def test_scaling_and_types(self):
        a = darkyield.xsec(target="W", energy=8, mass=0.1, precision=2e-2, backend="cpu")
        b = darkyield.xsec(target="W", energy=8, mass=0.1, precision=2e-2, backend="cpu",
                           coupling=3.0)
        self.assertIsInstance(a["sigma_pb"], np.ndarray)
        self.assertTrue(math.isclose(b["sigma_pb"][0], 9.0 * a["sigma_pb"][0], rel_tol=1e-12))

    def test_errors(self):
        with self.assertRaises(darkyield.DarkyieldError) as e:
            darkyield.xsec(process="brem", target="water", energy=8, mass=0.1, backend="cpu")
        self.assertIn("compound or mixture", str(e.exception))
        with self.assertRaises(darkyield.DarkyieldError) as e:
            darkyield.xsec(target="W", energy=8, mass=9, backend="cpu")
        self.assertIn("kinematic limit", str(e.exception))
        with self.assertRaises(TypeError):
            darkyield.xsec(target="W", energy=8, mass=0.1, masss=1)


class TestRun(unittest.TestCase):
    def test_same_as_cli(self):
        g = darkyield.run(CFG, backend="cpu")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "py.yaml")
            with open(path, "w") as f:
                json.dump(dict(CFG, output={"dir": os.path.join(d, "o"), "plots": False}), f)
            j = json.loads(cli("run", path, "--backend", "cpu", "--format", "json", "--quiet"))
            gf = darkyield.run(path, backend="cpu")
        np.testing.assert_array_equal(g["masses_GeV"], j["masses_GeV"])
        for ch in ("annihilation", "total"):
            for k in ("N_above_cut", "N_above_cut_err", "N_total", "N_total_err"):
                np.testing.assert_array_equal(g[ch][k], j["channels"][ch][k])  # bit for bit
                np.testing.assert_array_equal(gf[ch][k], g[ch][k])
        self.assertEqual(g["annihilation"]["dNdE"].shape, (2, 10))
        self.assertEqual(len(g["energy_bin_edges_GeV"]), 11)
        self.assertEqual(g.attrs["coupling_name"], "eps")
        self.assertEqual(g.channels, ["annihilation", "total"])

    def test_overrides_and_outputs(self):
        g1 = darkyield.run(CFG, backend="cpu")
        with tempfile.TemporaryDirectory() as d:
            g2 = darkyield.run(CFG, output_dir=d, backend="cpu", model__coupling=2e-4,
                               sets={"seed": 1})
            self.assertTrue(os.path.exists(os.path.join(d, "py.h5")))
            self.assertTrue(os.path.exists(os.path.join(d, "py_integrated.csv")))
        self.assertEqual(g2.attrs["coupling"], 2e-4)
        a1, e1 = g1["total"]["N_above_cut"], g1["total"]["N_above_cut_err"]
        a2, e2 = g2["total"]["N_above_cut"], g2["total"]["N_above_cut_err"]
        # yields ~ eps^2: twice the coupling, four times the yields, within the MC errors
        self.assertTrue(np.all(np.abs(a2 - 4 * a1) <= 4 * np.hypot(e2, 4 * e1) + 1e-9 * a2))

    def test_geometry(self):
        # docs/geometry.md: angle and depth bins, summing to dNdE
        g = darkyield.run(CFG, backend="cpu", geometry={"theta_bins": 4, "depth_bins": 3})
        self.assertEqual(len(g["theta_bin_edges_rad"]), 5)
        self.assertEqual(len(g["depth_bin_edges_cm"]), 4)
        t, d = g["total"]["dNdE_theta"], g["total"]["dNdE_depth"]
        self.assertEqual(t.shape, (2, 10, 4))
        self.assertEqual(d.shape, (2, 3, 10))
        ref = g["total"]["dNdE"]
        np.testing.assert_allclose(t.sum(axis=2), ref, rtol=1e-9, atol=1e-300)
        np.testing.assert_allclose(d.sum(axis=1), ref, rtol=1e-6, atol=1e-300)
        self.assertNotIn("theta_bin_edges_rad", darkyield.run(CFG, backend="cpu"))

    def test_errors(self):
        bad = dict(CFG, masses_GeV=[0.1, -1])
        with self.assertRaises(darkyield.DarkyieldError) as e:
            darkyield.run(bad, backend="cpu")
        self.assertIn("masses_GeV", str(e.exception))
        with self.assertRaises(darkyield.DarkyieldError) as e:
            darkyield.run("/no/such/config.yaml")
        self.assertIn("/no/such/config.yaml", str(e.exception))
        with self.assertRaises(darkyield.DarkyieldError) as e:
            darkyield.run(CFG, backend="cpu", sets={"seed.x": 1})
        self.assertIn("not a map", str(e.exception))


if __name__ == "__main__":
    unittest.main()
