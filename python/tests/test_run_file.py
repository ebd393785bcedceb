"""darkyield.run() holds what the HDF5 file of the same run holds, as h5py shows it: every group
and dataset, every attribute (the root's, /beam, /target, /model, the datasets' units and
descriptions, /<channel>/integrals' diagnostics) with the same types and values, and each
axis's label and dimension scales.  Skipped where h5py is not installed."""
import copy
import os
import pickle
import sys
import tempfile

import pytest

try:
    import numpy as np
    import darkyield
except ImportError as e:  # ctest: SKIP_RETURN_CODE 77
    print("SKIP: %s" % e)
    sys.exit(77)

h5py = pytest.importorskip("h5py")

# brem (MC integrals: /brem-e-/integrals) and annihilation on a two-element target
CFG = {"name": "rf", "seed": 3, "precision": 0.05,
       "beam": {"particle": "e-", "energy_GeV": 100},
       "target": {"material": "na64_ecal", "thickness_X0": 40},
       "model": {"mediator": "vector", "decay": "invisible", "alpha_D": 0.1,
                 "mchi_over_m": 0.25, "dm_kind": "dirac", "coupling": 1},
       "processes": ["brem", "annihilation"], "masses_GeV": [0.01, 0.1],
       "energy_bins": {"min_GeV": 0, "max_GeV": 100, "n": 10},
       "cuts": {"energy_min_GeV": 50}, "quadrature": {"nodes": 17},
       "output": {"formats": ["hdf5"], "plots": False}}

DS_BOOKKEEPING = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "DIMENSION_LABELS"}
VARYING = {"created"}  # the time the file was made


@pytest.fixture(scope="module")
def both():
    with tempfile.TemporaryDirectory() as d:
        g = darkyield.run(CFG, backend="cpu", output_dir=d)
        with h5py.File(os.path.join(d, "rf.h5"), "r") as f:
            yield g, f


def same_value(a, b, where):
    if isinstance(b, str):
        assert isinstance(a, str) and a == b, where
    elif isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray), where
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where)  # NaN == NaN here
    else:
        assert type(a) is type(b), "%s: %s vs %s" % (where, type(a), type(b))
        assert a == b or (np.isnan(a) and np.isnan(b)), "%s: %r vs %r" % (where, a, b)


def same_attrs(a, obj, where):
    want = {k for k in obj.attrs if k not in DS_BOOKKEEPING}
    assert set(a) == want, "%s: attributes %s vs %s" % (where, sorted(a), sorted(want))
    for k in want - VARYING:
        same_value(a[k], obj.attrs[k], "%s attribute %s" % (where, k))


def walk(node, obj, seen):
    same_attrs(node.attrs, obj, obj.name)
    seen.append(obj.name)
    if isinstance(obj, h5py.Group):
        assert isinstance(node, darkyield.Group), obj.name
        assert sorted(node.keys()) == sorted(obj.keys()), obj.name
        for k in obj:
            walk(node[k], obj[k], seen)
        return
    assert isinstance(node, darkyield.Dataset), obj.name
    same_value(np.asarray(node), obj[()], obj.name)
    assert len(node.dims) == obj.ndim, obj.name
    for i in range(obj.ndim):
        assert node.dims[i]["label"] == obj.dims[i].label, obj.name
        assert node.dims[i]["scales"] == [s.name for s in obj.dims[i].values()], obj.name


def test_everything_the_file_holds(both):
    g, f = both
    seen = []
    walk(g, f, seen)
    # the groups the issue names were all compared
    for p in ("/beam", "/target", "/model", "/brem-e-/integrals", "/brem-e-/integrals/q",
              "/total/N_above_cut"):
        assert p in seen, p


def test_indexed_like_the_file(both):
    g, f = both
    assert g["beam"].attrs["particle"] == "e-" and g["beam"].attrs["pdg_id"] == 11
    assert g["target"].attrs["material"] == "na64_ecal"
    assert g["model"].attrs["coupling_name"] == "eps"
    ig = g["brem-e-"]["integrals"]
    assert ig["q"].shape == f["brem-e-/integrals/q"].shape
    assert ig["converged"].dtype == np.int32 and ig["n_eval"].dtype == np.uint64
    assert np.all(ig["n_eval"] > 0)
    np.testing.assert_array_equal(g["brem-e-/integrals/chi2_dof"], ig["chi2_dof"])
    assert "brem-e-/integrals/sigma_pb" in g and "brem-e-/nothing" not in g
    n = g["brem-e-"]["N_above_cut"]
    assert n.attrs["units"] == f["brem-e-/N_above_cut"].attrs["units"]
    assert n.dims[0] == {"label": "mass_GeV", "scales": ["/masses_GeV"]}
    assert g.channels == f.attrs["channels"].split(",") + ["total"]
    assert {"brem-e-", "annihilation", "total"} <= set(g.channels)
    assert g.attrs["seed"] == 3 and g.attrs["seed"].dtype == np.uint64
    # arithmetic and slices give plain arrays, values unchanged
    assert type(n * 2) is np.ndarray and type(n[0]) is np.float64
    assert float(n.sum()) == float(np.asarray(n).sum())


def test_copies_keep_attributes(both):
    g, _ = both
    for c in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        assert c["beam"].attrs == g["beam"].attrs
        d = c["brem-e-"]["N_above_cut"]
        np.testing.assert_array_equal(d, g["brem-e-"]["N_above_cut"])
        assert d.attrs["units"] == g["brem-e-"]["N_above_cut"].attrs["units"]
        assert d.dims == g["brem-e-"]["N_above_cut"].dims
