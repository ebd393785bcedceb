"""darkyield — dark-sector yields of fixed-target experiments, from Python.

A thin layer over the C library libdarkyield (docs/api.md, docs/python.md): the same cross
sections as ``darkyield xsec`` and yield grids as ``darkyield run``, with numpy arrays out.
Units: GeV, pb; every Monte-Carlo number comes with its one-standard-deviation error.
"""
import ctypes as _C
import json as _json
import os as _os

import numpy as _np

__all__ = ["xsec", "run", "version", "DarkyieldError", "XsecTable", "YieldGrid"]


class DarkyieldError(Exception):
    """A darkyield call failed: .status is the C status code, the message is the library's."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _find_library():
    env = _os.environ.get("DARKYIELD_LIBRARY")
    if env:
        return env
    here = _os.path.dirname(_os.path.abspath(__file__))
    for d in ("lib", "lib64"):
        p = _os.path.join(here, d, "libdarkyield.so")
        if _os.path.exists(p):
            return p
    import ctypes.util

    name = ctypes.util.find_library("darkyield")
    if not name:
        raise ImportError("libdarkyield not found (pip install the package, or set "
                          "DARKYIELD_LIBRARY to the path of libdarkyield.so)")
    return name


_lib = _C.CDLL(_find_library())

_P = _C.c_char_p


class _Error(_C.Structure):
    _fields_ = [("status", _C.c_int), ("msg", _C.c_char * 4096)]


class _Spec(_C.Structure):  # dy_xsec_spec (include/darkyield/dy_xsec.h)
    _fields_ = [("process", _P), ("method", _P), ("lepton", _P), ("mediator", _P),
                ("target", _P), ("form_factor", _P), ("coupling", _C.c_double),
                ("alpha_d", _C.c_double), ("dm_kind", _P), ("dm_mass_GeV", _C.c_double),
                ("dm_splitting", _C.c_double), ("final_state", _P), ("channel", _P),
                ("per_atom", _C.c_int), ("ww_tmax", _P), ("ww_theta_max", _C.c_double),
                ("precision", _C.c_double), ("max_eval", _C.c_uint64), ("seed", _C.c_uint64)]


class _Value(_C.Structure):  # dy_xsec_value
    _fields_ = [("energy_GeV", _C.c_double), ("mass_GeV", _C.c_double),
                ("value", _C.c_double), ("error", _C.c_double), ("chi2_dof", _C.c_double),
                ("q", _C.c_double), ("n_eval", _C.c_uint64), ("converged", _C.c_int),
                ("unit", _P), ("Z", _C.c_double), ("A", _C.c_double),
                ("coupling_name", _P), ("coupling_unit", _P), ("note", _C.c_char * 128)]


class _YieldsOptions(_C.Structure):  # dy_yields_options
    _fields_ = [("backend", _P), ("progress", _C.c_int),
                ("sets", _C.POINTER(_P)), ("n_sets", _C.c_int)]


_D = _C.POINTER(_C.c_double)
_lib.dy_version.restype = _P
_lib.dy_engine_open.argtypes = [_P, _C.POINTER(_C.c_void_p), _C.POINTER(_Error)]
_lib.dy_engine_open.restype = _C.c_int
_lib.dy_engine_close.argtypes = [_C.c_void_p]
_lib.dy_engine_backend.argtypes = [_C.c_void_p]
_lib.dy_engine_backend.restype = _P
_lib.dy_xsec_spec_default.argtypes = [_C.POINTER(_Spec)]
_lib.dy_xsec_compute.argtypes = [_C.c_void_p, _C.POINTER(_Spec), _C.c_size_t, _D, _D,
                                 _C.POINTER(_Value), _C.POINTER(_Error)]
_lib.dy_xsec_compute.restype = _C.c_int
_lib.dy_yields_options_default.argtypes = [_C.POINTER(_YieldsOptions)]
for _f in ("dy_yields_run_file",):
    getattr(_lib, _f).argtypes = [_C.c_void_p, _P, _C.POINTER(_YieldsOptions),
                                  _C.POINTER(_C.c_void_p), _C.POINTER(_Error)]
    getattr(_lib, _f).restype = _C.c_int
_lib.dy_yields_run_string.argtypes = [_C.c_void_p, _P, _C.c_size_t, _P,
                                      _C.POINTER(_YieldsOptions), _C.POINTER(_C.c_void_p),
                                      _C.POINTER(_Error)]
_lib.dy_yields_run_string.restype = _C.c_int
_lib.dy_yields_free.argtypes = [_C.c_void_p]
for _f in ("dy_yields_n_masses", "dy_yields_n_ebins", "dy_yields_n_channels"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _C.c_int
for _f in ("dy_yields_masses", "dy_yields_ebin_edges"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _D
for _f in ("dy_yields_n_theta_bins", "dy_yields_n_depth_bins"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _C.c_int
for _f in ("dy_yields_theta_edges", "dy_yields_depth_edges"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _D
for _f in ("dy_yields_dNdE", "dy_yields_N_above", "dy_yields_N_total", "dy_yields_dNdE_theta",
           "dy_yields_dNdE_depth"):
    getattr(_lib, _f).argtypes = [_C.c_void_p, _C.c_int, _C.POINTER(_D)]
    getattr(_lib, _f).restype = _D
_lib.dy_yields_channel_name.argtypes = [_C.c_void_p, _C.c_int]
_lib.dy_yields_channel_name.restype = _P
for _f in ("dy_yields_cut_GeV", "dy_yields_coupling"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _C.c_double
for _f in ("dy_yields_coupling_name", "dy_yields_coupling_unit", "dy_yields_name",
           "dy_yields_backend", "dy_yields_device"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _P
_lib.dy_yields_write.argtypes = [_C.c_void_p, _P, _C.POINTER(_Error)]
_lib.dy_yields_write.restype = _C.c_int


def version():
    """The version of the linked libdarkyield ("0.2.0")."""
    return _lib.dy_version().decode()


def _raise(status, err):
    raise DarkyieldError(status, err.msg.decode("utf-8", "replace"))


def _b(s):
    return None if s is None else str(s).encode()


def _floats(x):
    if isinstance(x, str):
        x = x.split(",")
    return [float(v) for v in _np.atleast_1d(_np.asarray(x, dtype=object)).ravel()]


class XsecTable(dict):
    """Columns of ``darkyield xsec --format csv`` as numpy arrays (one row per energy, mass and
    method); ``to_pandas()`` gives a DataFrame."""

    def to_pandas(self):
        import pandas

        return pandas.DataFrame(dict(self))


_XSEC_OPTIONS = {"process", "lepton", "mediator", "target", "energy", "mass", "method",
                 "coupling", "form_factor", "elastic_only", "alpha_d", "dm_kind", "dm_mass",
                 "dm_splitting", "final_state", "channel", "per_atom", "ww_tmax",
                 "ww_theta_max", "precision", "max_eval", "seed", "backend"}


def xsec(**options):
    """Cross sections as ``darkyield xsec``: keywords named like its flags (dashes become
    underscores), e.g. ``xsec(process="brem", target="W", energy=8, mass=[0.01, 0.1],
    method="etl,ww", coupling=1e-4)``.  ``energy`` and ``mass`` take numbers or lists (every
    combination is computed), ``method`` a name, a comma-separated list or a list.  Returns an
    XsecTable indexable by the CSV column names (sigma_pb, error_pb, mass_GeV, ...)."""
    bad = set(options) - _XSEC_OPTIONS
    if bad:
        raise TypeError("xsec: unknown option(s) %s" % ", ".join(sorted(bad)))
    if "energy" not in options or "mass" not in options:
        raise TypeError("xsec: energy and mass are required")
    E = _floats(options["energy"])
    M = _floats(options["mass"])
    methods = options.get("method")
    if methods is None:
        methods = [None]
    elif isinstance(methods, str):
        methods = methods.split(",")
    spec = _Spec()
    _lib.dy_xsec_spec_default(_C.byref(spec))
    keep = []  # the bytes the spec points to live as long as the call

    def setp(field, value):
        b = _b(value)
        keep.append(b)
        setattr(spec, field, b)

    for k in ("process", "lepton", "mediator", "target", "form_factor", "dm_kind",
              "final_state", "channel", "ww_tmax"):
        if options.get(k) is not None:
            setp(k, options[k])
    if options.get("elastic_only"):
        setp("form_factor", "elastic")
    for k, f in (("coupling", "coupling"), ("alpha_d", "alpha_d"), ("dm_mass", "dm_mass_GeV"),
                 ("dm_splitting", "dm_splitting"), ("ww_theta_max", "ww_theta_max"),
                 ("precision", "precision")):
        if options.get(k) is not None:
            setattr(spec, f, float(options[k]))
    if options.get("max_eval") is not None:
        spec.max_eval = int(options["max_eval"])
    if options.get("seed") is not None:
        spec.seed = int(options["seed"])
    spec.per_atom = 1 if options.get("per_atom") else 0
    n = len(E) * len(M)
    Ea = (_C.c_double * n)(*[e for e in E for _ in M])
    Ma = (_C.c_double * n)(*[m for _ in E for m in M])
    err = _Error()
    eng = _C.c_void_p()
    st = _lib.dy_engine_open(_b(options.get("backend")), _C.byref(eng), _C.byref(err))
    if st:
        _raise(st, err)
    cols = {k: [] for k in ("process", "lepton", "mediator", "Z", "A", "energy_GeV", "mass_GeV",
                            "coupling", "coupling_name", "coupling_unit", "method", "sigma_pb",
                            "error_pb", "chi2_dof", "q", "n_eval", "converged", "unit", "note")}
    proc = options.get("process") or "brem"
    if proc == "brem":
        med = options.get("mediator") or "vector"
    elif proc == "primakoff":
        med = options.get("mediator") or "pseudoscalar"
    elif options.get("channel") == "gamma":
        med = "gammaAp"
    elif options.get("final_state") in ("ee", "mumu"):
        med = options["final_state"]
    else:
        med = options.get("dm_kind") or "dirac"
    lepton = {"brem": options.get("lepton") or "e", "annihilation": "e+"}.get(proc, "gamma")
    results = []
    try:
        for meth in methods:
            setp("method", meth)
            out = (_Value * n)()
            st = _lib.dy_xsec_compute(eng, _C.byref(spec), n, Ea, Ma, out, _C.byref(err))
            if st:
                _raise(st, err)
            results.append((meth or ("bw" if proc == "annihilation" else "etl"), out))
    finally:
        _lib.dy_engine_close(eng)
    for i in range(n):  # rows as the command prints them: per point, then per method
        for name, out in results:
            v = out[i]
            cols["process"].append(proc)
            cols["lepton"].append(lepton)
            cols["mediator"].append(med)
            cols["Z"].append(v.Z)
            cols["A"].append(v.A)
            cols["energy_GeV"].append(v.energy_GeV)
            cols["mass_GeV"].append(v.mass_GeV)
            cols["coupling"].append(spec.coupling)
            cols["coupling_name"].append(v.coupling_name.decode())
            cols["coupling_unit"].append(v.coupling_unit.decode())
            cols["method"].append(name)
            cols["sigma_pb"].append(v.value)
            cols["error_pb"].append(v.error)
            cols["chi2_dof"].append(v.chi2_dof)
            cols["q"].append(v.q)
            cols["n_eval"].append(v.n_eval)
            cols["converged"].append(v.converged)
            cols["unit"].append(v.unit.decode())
            cols["note"].append(v.note.decode())
    t = XsecTable()
    for k, v in cols.items():
        t[k] = _np.asarray(v)
    return t


class YieldGrid:
    """A yield grid indexable like the HDF5 file of ``darkyield run``: ``g["masses_GeV"]``,
    ``g["energy_bin_edges_GeV"]``, ``g["brem-e-"]["N_above_cut"]`` (and ``"total"``), with the
    file's root attributes in ``g.attrs``."""

    def __init__(self, data, attrs):
        self._data = data
        self.attrs = attrs

    def __getitem__(self, key):
        return self._data[key]

    def __contains__(self, key):
        return key in self._data

    def keys(self):
        return self._data.keys()

    @property
    def channels(self):
        return [k for k in self._data if isinstance(self._data[k], dict)]


def _overrides(sets, kwargs):
    out = []
    for k, v in list((sets or {}).items()) + [(k.replace("__", "."), v)
                                              for k, v in kwargs.items()]:
        out.append("%s=%s" % (k, _json.dumps(v)))  # JSON is YAML
    return out


def run(config, output_dir=None, backend=None, progress=False, sets=None, **overrides):
    """A yield grid as ``darkyield run``.  config: a path, or a dict with the schema of
    docs/config.md.  Overrides as ``--set``: ``sets={"beam.energy_GeV": 150}`` or keywords with
    ``__`` for the dots (``beam__energy_GeV=150``, ``seed=3``).  output_dir: also write the
    run's HDF5 and CSV files there (default: write nothing).  Returns a YieldGrid."""
    strs = [s.encode() for s in _overrides(sets, overrides)]
    arr = (_P * max(len(strs), 1))(*strs)
    o = _YieldsOptions()
    _lib.dy_yields_options_default(_C.byref(o))
    o.backend = _b(backend)
    o.progress = 1 if progress else 0
    o.sets = arr
    o.n_sets = len(strs)
    y = _C.c_void_p()
    err = _Error()
    if isinstance(config, dict):
        text = _json.dumps(config).encode()
        name = str(config.get("name", "config")).encode()
        st = _lib.dy_yields_run_string(None, text, len(text), name, _C.byref(o), _C.byref(y),
                                       _C.byref(err))
    else:
        st = _lib.dy_yields_run_file(None, _os.fsencode(config), _C.byref(o), _C.byref(y),
                                     _C.byref(err))
    if st:
        _raise(st, err)
    try:
        nm = _lib.dy_yields_n_masses(y)
        ne = _lib.dy_yields_n_ebins(y)

        def arr1(p, n):
            return _np.ctypeslib.as_array(p, shape=(n,)).copy()

        data = {"masses_GeV": arr1(_lib.dy_yields_masses(y), nm),
                "energy_bin_edges_GeV": arr1(_lib.dy_yields_ebin_edges(y), ne + 1)}
        nt = _lib.dy_yields_n_theta_bins(y)
        nd = _lib.dy_yields_n_depth_bins(y)
        geo = []  # the geometry outputs (docs/geometry.md), as in the HDF5 file
        if nt > 0:
            data["theta_bin_edges_rad"] = arr1(_lib.dy_yields_theta_edges(y), nt + 1)
            geo.append(("dNdE_theta", _lib.dy_yields_dNdE_theta, (nm, ne, nt)))
        if nd > 0:
            data["depth_bin_edges_cm"] = arr1(_lib.dy_yields_depth_edges(y), nd + 1)
            geo.append(("dNdE_depth", _lib.dy_yields_dNdE_depth, (nm, nd, ne)))
        for c in list(range(_lib.dy_yields_n_channels(y))) + [-1]:
            ch = {}
            for key, f, shape in [("dNdE", _lib.dy_yields_dNdE, (nm, ne)),
                                  ("N_above_cut", _lib.dy_yields_N_above, (nm,)),
                                  ("N_total", _lib.dy_yields_N_total, (nm,))] + geo:
                e = _D()
                v = f(y, c, _C.byref(e))
                ch[key] = _np.ctypeslib.as_array(v, shape=shape).copy()
                ch[key + "_err"] = _np.ctypeslib.as_array(e, shape=shape).copy()
            data[_lib.dy_yields_channel_name(y, c).decode()] = ch
        attrs = {"name": _lib.dy_yields_name(y).decode(),
                 "version": version(),
                 "backend": _lib.dy_yields_backend(y).decode(),
                 "device": _lib.dy_yields_device(y).decode(),
                 "coupling": _lib.dy_yields_coupling(y),
                 "coupling_name": _lib.dy_yields_coupling_name(y).decode(),
                 "coupling_unit": _lib.dy_yields_coupling_unit(y).decode(),
                 "cut_energy_min_GeV": _lib.dy_yields_cut_GeV(y)}
        if output_dir is not None:
            st = _lib.dy_yields_write(y, _os.fsencode(output_dir), _C.byref(err))
            if st:
                _raise(st, err)
    finally:
        _lib.dy_yields_free(y)
    return YieldGrid(data, attrs)
