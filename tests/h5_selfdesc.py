#!/usr/bin/python3
"""h5_selfdesc.py RUN.h5 XSEC.h5 — the files as h5py users see them (test_h5_selfdesc): the grid
axes are labelled dimension scales, /beam, /target and /model hold the parameters, every string
is UTF-8 (h5py returns str, not bytes), the per-integral diagnostics line up with their axes, and
the cross-section file records seed, backend, command and version; where xarray and h5netcdf are
installed, xarray names the dimensions after the scales.  Exit 0 when all hold, 77 when
h5py is missing (the test skips), 1 with a message otherwise."""
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit(77)


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def utf8(obj, name):
    t = obj.attrs.get_id(name).dtype
    info = h5py.check_string_dtype(t)
    check(info is not None and info.encoding == "utf-8", f"{obj.name} attribute {name}: not UTF-8")
    check(isinstance(obj.attrs[name], str), f"{obj.name} attribute {name}: not read as str")


run, xs = sys.argv[1], sys.argv[2]
with h5py.File(run, "r") as f:
    nm, nb = f["masses_GeV"].shape[0], f["energy_bin_centers_GeV"].shape[0]
    check(f["energy_bin_edges_GeV"].shape[0] == nb + 1, "bin centres vs edges")
    for ch in f.attrs["channels"].split(",") + ["total"]:
        d = f[ch]["dNdE"]
        check(d.shape == (nm, nb), f"{ch}/dNdE shape")
        check([d.dims[i].label for i in range(2)] == ["mass_GeV", "energy_GeV"],
              f"{ch}/dNdE axis labels {[d.dims[i].label for i in range(2)]}")
        check(d.dims[0][0].name == "/masses_GeV" and
              d.dims[1][0].name == "/energy_bin_centers_GeV", f"{ch}/dNdE scales")
        check(np.array_equal(d.dims[0][0][()], f["masses_GeV"][()]), "mass scale values")
        for n in ("N_above_cut", "N_total_err"):
            check(f[ch][n].dims[0][0].name == "/masses_GeV", f"{ch}/{n} scale")
    for name in ("name", "config", "version", "backend", "device", "conventions", "model"):
        utf8(f, name)
    b, t, m = f["beam"], f["target"], f["model"]
    for g, name in ((b, "particle"), (t, "material"), (m, "name"), (m, "coupling_definition")):
        utf8(g, name)
    check(b.attrs["particle"] == "e-" and b.attrs["pdg_id"] == 11, "beam particle")
    check(b.attrs["energy_GeV"] == 100.0, "beam energy")
    check(t.attrs["material"] == "na64_ecal" and t.attrs["thickness_X0"] == 40.0, "target")
    check(abs(t.attrs["thickness_cm"] - 40.0 * t.attrs["radiation_length_cm"]) < 1e-9 *
          t.attrs["thickness_cm"], "target thickness in cm and X0")
    check(abs(sum(t.attrs["elements_mass_fraction"]) - 1.0) < 1e-9, "mass fractions sum to 1")
    check(m.attrs["name"] == "vector" and m.attrs["coupling_name"] == "eps", "model")
    ig = f["brem-e-"]["integrals"]
    s = ig["sigma_pb"]
    check(s.ndim == 3 and s.shape[0] == nm, "integrals shape")
    check([s.dims[i].label for i in range(3)] == ["mass_GeV", "element_Z", "node"],
          f"integral axis labels {[s.dims[i].label for i in range(3)]}")
    check(list(s.dims[1][0][()]) == list(ig["element_Z"][()]), "element scale")
    for n in ("chi2_dof", "q", "n_eval", "converged", "n_iter", "sigma_err_pb"):
        check(ig[n].shape == s.shape, f"integrals/{n} shape")
    check(f["brem-e+"].attrs["integrals"] == "/brem-e-/integrals", "brem-e+ shares brem-e-")
with h5py.File(xs, "r") as f:
    for name in ("command", "version", "backend", "device", "process", "created"):
        utf8(f, name)
    check(f.attrs["seed"] == 7, "xsec seed")
    check(f.attrs["backend"] == "cpu", "xsec backend")
    check("--seed 7" in f.attrs["command"], "xsec command line")
    check(isinstance(f["method"][0], (str, bytes)), "method dataset")
    check(h5py.check_string_dtype(f["method"].dtype).encoding == "utf-8", "method UTF-8")
# xarray through h5netcdf, where installed: dimensions named by the scales, scales as coordinates
try:
    import xarray as xr
    import h5netcdf  # noqa: F401
except ImportError:
    xr = None
if xr is not None:
    root = xr.open_dataset(run, engine="h5netcdf", phony_dims="access")
    check("masses_GeV" in root.coords and "energy_bin_centers_GeV" in root.coords,
          "xarray coordinates")
    tot = xr.open_dataset(run, engine="h5netcdf", group="total")
    check(tot["dNdE"].dims == ("masses_GeV", "energy_bin_centers_GeV"), "xarray dims of dNdE")
    ig = xr.open_dataset(run, engine="h5netcdf", group="brem-e-/integrals")
    check(ig["chi2_dof"].dims == ("masses_GeV", "element_Z", "node"), "xarray integral dims")
    print("xarray: ok")
print("ok")
