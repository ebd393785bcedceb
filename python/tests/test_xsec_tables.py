"""xsec's K-factor and 2-D histogram tables from Python: the same numbers as `darkyield xsec
--kfactor FILE` and `--hist2d FILE` (same code, same seed), and the 2-D bins integrating to the
point's cross section within the combined MC errors."""
import csv
import os
import subprocess

import pytest

np = pytest.importorskip("numpy")
darkyield = pytest.importorskip("darkyield")

CLI = os.environ.get("DARKYIELD_CLI", "darkyield")
OPTS = dict(process="brem", target="W", energy=8, mass=[0.01, 0.1], precision=0.02, seed=4,
            backend="cpu")
FLAGS = ["--process", "brem", "--target", "W", "--energy", "8", "--mass", "0.01,0.1",
         "--precision", "0.02", "--seed", "4", "--backend", "cpu", "--quiet"]


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def test_kfactors_as_cli(tmp_path):
    t = darkyield.xsec(method="etl,iww,ww", **OPTS)
    k = t.kfactors()
    out = tmp_path / "k.csv"
    subprocess.run([CLI, "xsec", *FLAGS, "--method", "etl,iww,ww", "--kfactor", str(out)],
                   check=True, capture_output=True)
    rows = read_csv(out)
    assert list(rows[0].keys()) == list(k.keys())
    assert len(rows) == len(k["K_approx_over_etl"]) == 4
    for r, K, e, a in zip(rows, k["K_approx_over_etl"], k["K_approx_over_etl_error"],
                          k["approximation"]):
        assert r["approximation"] == a
        assert abs(float(r["K_approx_over_etl"]) / K - 1) < 1e-7  # the CSV keeps 8 digits
        assert abs(float(r["K_approx_over_etl_error"]) / e - 1) < 5.1e-3  # %.3g
    with pytest.raises(ValueError, match="needs etl"):
        darkyield.xsec(method="iww", **OPTS).kfactors()


def test_hist2d_as_cli_and_integral(tmp_path):
    t = darkyield.xsec(method="etl", hist2d=True, **OPTS)
    h = t.hist2d
    out = tmp_path / "h2.csv"
    subprocess.run([CLI, "xsec", *FLAGS, "--method", "etl", "--hist2d", str(out)], check=True,
                   capture_output=True)
    rows = read_csv(out)
    assert list(rows[0].keys()) == list(h.keys()) and len(rows) == 2 * 10 * 60
    for k in h:
        got = np.array([float(r[k]) for r in rows])
        tol = 5.1e-3 if k == "error_pb_per_rad" else 1e-7  # %.3g and %.8g in the CSV
        assert np.allclose(h[k], got, rtol=tol, atol=0), k
    # sum of bin contents = the integral over x and theta_X = sigma, within errors
    w = (h["x_hi"] - h["x_lo"]) * (h["theta_hi_rad"] - h["theta_lo_rad"])
    for i, m in enumerate((0.01, 0.1)):
        sel = h["mass_GeV"] == m
        s2 = np.sum(h["d2sigma_dx_dtheta_pb_per_rad"][sel] * w[sel])
        e2 = np.sqrt(np.sum((h["error_pb_per_rad"][sel] * w[sel]) ** 2))
        s1, e1 = t["sigma_pb"][i], t["error_pb"][i]
        assert abs(s2 - s1) < 4 * np.hypot(e1, e2), (m, s1, e1, s2, e2)
    with pytest.raises(darkyield.DarkyieldError, match="process brem and method etl"):
        darkyield.xsec(method="iww", hist2d=True, **OPTS)
