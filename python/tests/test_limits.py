"""pytest tests of darkyield.limit() and xsec(histograms=True): the same limits as
`darkyield limit` on the same yields (from the file or from a run() in memory, bit for bit), the
analytic invisible limit, overrides, outputs, progress, warnings, and errors as DarkyieldError
with the library's messages.  ctest (python_package) passes DARKYIELD_LIBRARY and
DARKYIELD_CLI."""
import csv
import io
import math
import os
import subprocess

import pytest

np = pytest.importorskip("numpy")
darkyield = pytest.importorskip("darkyield")

CLI = os.environ.get("DARKYIELD_CLI", "darkyield")

RUN = {"name": "pylim", "seed": 2, "precision": 0.02,
       "beam": {"particle": "e-", "energy_GeV": 100},
       "target": {"material": "Pb", "thickness_X0": 40},
       "model": {"mediator": "vector", "decay": "invisible", "alpha_D": 0.1,
                 "mchi_over_m": 0.3333333, "dm_kind": "dirac", "coupling": 1.0e-4},
       "processes": ["annihilation"], "masses_GeV": [0.1, 0.2],
       "energy_bins": {"min_GeV": 0, "max_GeV": 100, "n": 10},
       "cuts": {"energy_min_GeV": 30}}

LIMIT = {"name": "pylim", "model": {"particle": "dark_photon"}, "mode": "invisible",
         "statistics": {"pot": 1.0e11, "observed": 0, "background": 0, "cl": 0.9},
         "efficiency": 0.5}


def cli(*args):
    r = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    assert r.returncode == 0, "darkyield %s: %s" % (" ".join(args), r.stderr)
    return r.stdout


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """The run in memory, and its HDF5 file."""
    d = tmp_path_factory.mktemp("yields")
    g = darkyield.run(RUN, backend="cpu", output_dir=str(d))
    return g, str(d / "pylim.h5")


def csv_table(text):
    rows = [ln for ln in text.splitlines() if not ln.startswith("#")]
    r = list(csv.DictReader(io.StringIO("\n".join(rows))))
    return {k: np.array([float(x[k]) for x in r]) for k in r[0]}


def test_same_as_cli_and_in_memory(grid, tmp_path):
    g, h5 = grid
    path = tmp_path / "limit.yaml"
    path.write_text("yields: %s\n" % h5 + "\n".join(
        "%s: %s" % (k, v if not isinstance(v, dict) else
                    "{%s}" % ", ".join("%s: %s" % kv for kv in v.items()))
        for k, v in LIMIT.items()) + "\noutput: {dir: out, plots: false}\n")
    ref = csv_table(cli("limit", str(path), "--format", "csv", "--quiet", "--no-plots"))
    t = darkyield.limit(str(path))
    assert set(ref) == set(t)  # every CSV column, named the same
    for k in ref:
        np.testing.assert_allclose(t[k], ref[k], rtol=1e-7, err_msg=k)  # CSV: %.8g
    mem = darkyield.limit(LIMIT, yields=g)
    other = darkyield.limit(LIMIT, yields=h5)
    for k in ref:
        np.testing.assert_array_equal(mem[k], t[k])  # the same grid, bit for bit
        np.testing.assert_array_equal(other[k], t[k])
    assert isinstance(t["coupling_obs"], np.ndarray)
    assert t.to_pandas is not None


def test_analytic_invisible_limit(grid):
    """0 observed, no background, 90% CLs: s_up = ln 10 and eps = eps0 sqrt(s_up/(N eff Y))."""
    g, _ = grid
    t = darkyield.limit(LIMIT, yields=g)
    assert t.attrs["event_limits"]["obs"] == pytest.approx(math.log(10.0), rel=1e-12)
    want = 1e-4 * np.sqrt(math.log(10.0) / (1e11 * 0.5 * g["total"]["N_above_cut"]))
    np.testing.assert_allclose(t["coupling_obs"], want, rtol=1e-12)
    np.testing.assert_array_equal(t["mass_GeV"], g["masses_GeV"])
    assert t.attrs["coupling_name"] == "eps" and t.attrs["mode"] == "invisible"
    assert t.attrs["cut_energy_min_GeV"] == 30.0
    # y = eps^2 alpha_D (m_chi/m_A')^4
    np.testing.assert_allclose(t["y_obs"], t["coupling_obs"] ** 2 * 0.1 / 3.0 ** 4, rtol=1e-12)


def test_overrides_outputs_and_bands(grid, tmp_path):
    g, _ = grid
    t1 = darkyield.limit(LIMIT, yields=g)
    t4 = darkyield.limit(LIMIT, yields=g, statistics__pot=4e11)  # N_sig ~ N_pot eps^2
    np.testing.assert_allclose(t4["coupling_obs"], t1["coupling_obs"] / 2, rtol=1e-12)
    t = darkyield.limit(LIMIT, yields=g, output_dir=str(tmp_path),
                        sets={"statistics.method": "cls-asymptotic",
                              "statistics.background": 2.0})
    assert os.path.exists(t.attrs["csv"]) and t.attrs["csv"].startswith(str(tmp_path))
    assert "events_obs" in t
    assert np.all(t["coupling_exp_m1"] < t["coupling_exp"])
    assert np.all(t["coupling_exp"] < t["coupling_exp_p1"])
    written = csv_table(open(t.attrs["csv"]).read())
    np.testing.assert_allclose(written["coupling_obs"], t["coupling_obs"], rtol=1e-7)


def test_toy_seed(grid):
    g, _ = grid
    kw = dict(yields=g, statistics__method="cls-toys", statistics__toys=300,
              statistics__background=1.0)
    a = darkyield.limit(LIMIT, seed=3, **kw)
    b = darkyield.limit(LIMIT, seed=3, **kw)
    c = darkyield.limit(LIMIT, seed=4, **kw)
    np.testing.assert_array_equal(a["events_obs"], b["events_obs"])  # a seed reproduces
    assert not np.array_equal(a["events_obs"], c["events_obs"])  # and is used


def test_progress_and_warnings(grid, capsys):
    g, _ = grid
    # visible decays in 1e-3..1e5 cm: everything from eps = 1e-2 up to ~1.1e-2 decays there
    vis = dict(LIMIT, mode="visible", decay={"region": "between", "z1_cm": 1e-3, "z2_cm": 1e5},
               coupling_scan={"min": 1e-2, "max": 1.0})
    with pytest.warns(UserWarning, match="reaches the coupling_scan lower edge"):
        t = darkyield.limit(vis, yields=g)
    assert "obs_lower" in t and "coupling_obs" not in t
    assert t["obs_lower"][0] == 1e-2 and t["obs_upper"][0] > t["obs_lower"][0]
    assert np.isnan(t["obs_lower"][1])  # nothing excluded at 0.2 GeV: NaN
    try:
        import tqdm  # noqa: F401
        have_tqdm = True
    except ImportError:
        have_tqdm = False
    darkyield.limit(LIMIT, yields=g, progress=True)
    err = capsys.readouterr().err
    assert "2/2 masses" in err if not have_tqdm else "limit" in err


def test_run_progress(grid, capsys):
    """progress shows, and changes nothing"""
    brem = dict(RUN, processes=["brem"], masses_GeV=[0.1], precision=0.05)
    g = darkyield.run(brem, backend="cpu")
    p = darkyield.run(brem, backend="cpu", progress=True)
    err = capsys.readouterr().err
    try:
        import tqdm  # noqa: F401
    except ImportError:
        assert "integrals" in err and err.rstrip().endswith("integrals")
        done, total = err.rstrip().split("\r")[-1].split(": ")[1].split()[0].split("/")
        assert done == total and int(total) > 0
    np.testing.assert_array_equal(p["total"]["N_above_cut"], g["total"]["N_above_cut"])


def test_errors(grid, tmp_path):
    g, h5 = grid
    with pytest.raises(darkyield.DarkyieldError, match="missing required key 'yields'") as e:
        darkyield.limit(LIMIT)
    assert e.value.status == 1
    with pytest.raises(darkyield.DarkyieldError, match="/no/such/y.h5") as e:
        darkyield.limit(LIMIT, yields="/no/such/y.h5")
    assert e.value.status == 2
    path = tmp_path / "bad.yaml"
    path.write_text("yields: %s\nmodel: {particle: dark_photon}\nstatistics: {pot: 1e11}\n"
                    "statistcs: 1\n" % h5)
    with pytest.raises(darkyield.DarkyieldError, match="bad.yaml:4"):
        darkyield.limit(str(path))
    with pytest.raises(darkyield.DarkyieldError, match="model"):
        darkyield.limit(dict(LIMIT, model={"particle": "alp"}), yields=g)
    with pytest.raises(darkyield.DarkyieldError, match="channel 'brem-e-'"):
        darkyield.limit(dict(LIMIT, channels=["brem-e-"]), yields=g)
    with pytest.raises(darkyield.DarkyieldError, match="cl"):
        darkyield.limit(LIMIT, yields=g, statistics__cl=1.5)
    with pytest.raises(darkyield.DarkyieldError, match="/no/such/config.yaml"):
        darkyield.limit("/no/such/config.yaml")


def test_xsec_histograms(tmp_path):
    kw = dict(process="brem", target="W", energy=8, mass=[0.05, 0.2], coupling=1e-4,
              precision=2e-2, backend="cpu", seed=1)
    t = darkyield.xsec(histograms=True, **kw)
    h = t.histograms
    assert set(np.unique(h["observable"])) == {"x", "theta_X", "E_lepton", "theta_lepton"}
    for i, m in enumerate(t["mass_GeV"]):  # every observable's bins add up to sigma
        for ob in ("x", "theta_X", "E_lepton", "theta_lepton"):
            s = (h["observable"] == ob) & (h["mass_GeV"] == m)
            total = np.sum(h["dsigma_pb_per_unit"][s] * (h["hi"][s] - h["lo"][s]))
            assert total == pytest.approx(t["sigma_pb"][i], rel=1e-12)
    assert np.all(h["error_pb_per_unit"] >= 0) and np.all(h["hi"] > h["lo"])
    # the command's --histograms file, same seed: the same numbers (CSV: %.8g)
    f = tmp_path / "h.csv"
    cli("xsec", "--process", "brem", "--target", "W", "--energy", "8", "--mass", "0.05,0.2",
        "--coupling", "1e-4", "--precision", "2e-2", "--backend", "cpu", "--seed", "1",
        "--histograms", str(f), "--quiet", "--format", "csv")
    rows = [ln for ln in f.read_text().splitlines() if not ln.startswith("#")]
    ref = list(csv.DictReader(io.StringIO("\n".join(rows))))
    assert len(ref) == len(h["lo"])
    for k, r in enumerate(ref):
        assert r["observable"] == h["observable"][k]
        for col in ("lo", "hi", "dsigma_pb_per_unit"):
            assert float(r[col]) == pytest.approx(h[col][k], rel=1e-7, abs=1e-300), (k, col)
    with pytest.raises(darkyield.DarkyieldError, match="Monte-Carlo method"):
        darkyield.xsec(histograms=True, method="iww", **kw)
    assert darkyield.xsec(**kw).histograms is None


def test_materials_and_tracklengths():
    pb = darkyield.material("Pb")
    # the PDG's table of atomic and nuclear properties: X0 = 6.37 g/cm^2, 0.5612 cm
    assert pb["X0_g_cm2"] == pytest.approx(6.37, rel=5e-3)
    assert pb["X0_cm"] == pytest.approx(0.5612, rel=5e-3)
    assert list(pb["Z"]) == [82.0]
    mix = darkyield.material("Pb:1.5+Sc:1.5")
    assert mix["mass_fraction"].sum() == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(darkyield.DarkyieldError, match="unobtainium") as e:
        darkyield.material("unobtainium")
    assert e.value.status == 2
    # a thin target's primary travels the thickness; a thick shower's e+- E0 X0/Ec (Rossi B)
    L = darkyield.tracklength_integral("Pb", 100.0, 0.0, 100.0, thickness_X0=0.1)
    assert L == pytest.approx(0.1 * pb["X0_cm"], rel=1e-5)
    L = darkyield.tracklength_integral("Pb", 100.0, 0.0, 100.0, species="e+-")
    assert L == pytest.approx(100.0 * pb["X0_cm"] / pb["Ec_GeV"], rel=1e-4)
    E = np.array([[1.0, 10.0], [50.0, 200.0]])
    T = darkyield.tracklength("Pb", 100.0, E, species="gamma")
    assert T.shape == (2, 2) and T[1, 1] == 0.0 and np.all(T[0] > T[1, 0])
    with pytest.raises(darkyield.DarkyieldError, match="diverges"):
        darkyield.tracklength_integral("Pb", 100.0, 0.0, 100.0, species="gamma")
    with pytest.raises(darkyield.DarkyieldError, match="beam 'proton'"):
        darkyield.tracklength("Pb", 100.0, [1.0], beam="proton")


def test_grid_copies(grid):
    """copies share the C grid (freed once); a pickled one has none and says so"""
    import copy
    import gc
    import pickle

    g, _ = grid
    c = copy.copy(g)
    del c
    gc.collect()
    t = darkyield.limit(LIMIT, yields=g)  # the original still holds its grid
    p = pickle.loads(pickle.dumps(g))
    np.testing.assert_array_equal(p["total"]["N_above_cut"], g["total"]["N_above_cut"])
    with pytest.raises(ValueError, match="holds no computed grid"):
        darkyield.limit(LIMIT, yields=p)
    d = copy.deepcopy(g)
    np.testing.assert_array_equal(darkyield.limit(LIMIT, yields=g)["coupling_obs"],
                                  t["coupling_obs"])
    del d


def test_same_messages_as_cli(grid, tmp_path):
    """a bad override: the exception's message is the command line's, word for word"""
    import json

    _, h5 = grid
    lim = tmp_path / "lim.yaml"
    lim.write_text(json.dumps(dict(LIMIT, yields=str(h5))))
    run = tmp_path / "run.yaml"
    run.write_text(json.dumps(RUN))
    for call, args in ((lambda: darkyield.limit(str(lim), statistics__cl=1.5),
                        ["limit", str(lim), "--set", "statistics.cl=1.5"]),
                       (lambda: darkyield.run(str(run), beam__energy_GeV=-1),
                        ["run", str(run), "--set", "beam.energy_GeV=-1"])):
        with pytest.raises(darkyield.DarkyieldError) as e:
            call()
        r = subprocess.run([CLI] + args + ["--quiet"], capture_output=True, text=True)
        assert r.returncode != 0 and r.stdout == ""
        assert "darkyield: error: %s\n" % e.value in r.stderr, (str(e.value), r.stderr)
    with pytest.raises(darkyield.DarkyieldError,
                       match=r"'statistics.cl' must be > 0 and <= 0.9999999, got 1.5"):
        darkyield.limit(str(lim), statistics__cl=1.5)  # the bound is named


def test_pandas(grid):
    """to_pandas(): a DataFrame with the table's columns and values (skipped without pandas)"""
    pd = pytest.importorskip("pandas")
    g, _ = grid
    t = darkyield.limit(LIMIT, yields=g)
    df = t.to_pandas()
    assert isinstance(df, pd.DataFrame) and list(df.columns) == list(t.keys())
    np.testing.assert_array_equal(df["coupling_obs"].to_numpy(), t["coupling_obs"])
    x = darkyield.xsec(process="brem", target="W", energy=8, mass=[0.01, 0.1], method="iww")
    dx = x.to_pandas()
    assert len(dx) == 2 and list(dx["method"]) == ["iww", "iww"]
    np.testing.assert_array_equal(dx["sigma_pb"].to_numpy(), x["sigma_pb"])
