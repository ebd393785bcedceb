"""darkyield — dark-sector yields of fixed-target experiments, from Python.

A thin layer over the C library libdarkyield (docs/api.md, docs/python.md): the same cross
sections as ``darkyield xsec``, yield grids as ``darkyield run`` and limits as ``darkyield
limit``, with numpy arrays out.
Units: GeV, pb; every Monte-Carlo number comes with its one-standard-deviation error.
"""
import ctypes as _C
import json as _json
import os as _os
import sys as _sys
import warnings as _warnings

import numpy as _np

__all__ = ["xsec", "run", "limit", "material", "tracklength", "tracklength_integral", "version", "DarkyieldError", "XsecTable", "YieldGrid", "Group", "Dataset",
           "LimitTable"]


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


class _Hist(_C.Structure):  # dy_xsec_histogram (DY_XSEC_MAX_BINS = 256)
    _fields_ = [("name", _C.c_char * 32), ("unit", _C.c_char * 16), ("nbins", _C.c_int),
                ("log_bins", _C.c_int), ("edges", _C.c_double * 257),
                ("dsigma", _C.c_double * 256), ("error", _C.c_double * 256)]


class _Hist2dBin(_C.Structure):  # dy_xsec_hist2d_bin
    _fields_ = [(k, _C.c_double) for k in ("energy_GeV", "mass_GeV", "x_lo", "x_hi",
                                           "theta_lo_rad", "theta_hi_rad", "d2sigma", "error")]


_HIST2D_BINS = 10 * 60  # DY_XSEC_HIST2D_NX x DY_XSEC_HIST2D_NTHETA


class _Material(_C.Structure):  # dy_material_info (include/darkyield/dy_materials.h)
    _fields_ = [("name", _C.c_char * 64), ("n_elements", _C.c_int), ("Z", _C.c_double * 16),
                ("A", _C.c_double * 16), ("mass_fraction", _C.c_double * 16),
                ("density_g_cm3", _C.c_double), ("X0_g_cm2", _C.c_double),
                ("X0_cm", _C.c_double), ("Z_eff", _C.c_double), ("A_eff", _C.c_double),
                ("Z_mean", _C.c_double), ("A_mean", _C.c_double), ("n_atom_cm3", _C.c_double),
                ("n_e_cm3", _C.c_double), ("Ec_GeV", _C.c_double)]


class _TLSpec(_C.Structure):  # dy_tracklength_spec
    _fields_ = [("material", _P), ("thickness_X0", _C.c_double), ("thickness_cm", _C.c_double),
                ("beam", _P), ("species", _P), ("energy_GeV", _C.c_double), ("model", _P)]


_XSEC_MAX_OBS = 4
_PROGRESS = _C.CFUNCTYPE(None, _C.c_void_p, _C.c_int, _C.c_int)


class _LimitsOptions(_C.Structure):  # dy_limits_options (include/darkyield/dy_limits.h)
    _fields_ = [("yields", _C.c_void_p), ("yields_path", _C.c_char_p),
                ("sets", _C.POINTER(_C.c_char_p)), ("n_sets", _C.c_int), ("quiet", _C.c_int),
                ("silent", _C.c_int), ("verbose", _C.c_int), ("progress", _PROGRESS),
                ("progress_user", _C.c_void_p)]


_RUN_PROGRESS = _C.CFUNCTYPE(None, _C.c_void_p, _C.c_size_t, _C.c_size_t)


class _YieldsOptions(_C.Structure):  # dy_yields_options
    _fields_ = [("backend", _P), ("progress", _C.c_int),
                ("sets", _C.POINTER(_P)), ("n_sets", _C.c_int),
                ("on_progress", _RUN_PROGRESS), ("progress_user", _C.c_void_p)]


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
_lib.dy_xsec_compute_histograms.argtypes = [_C.c_void_p, _C.POINTER(_Spec), _C.c_size_t, _D, _D,
                                            _C.POINTER(_Value), _C.POINTER(_Hist),
                                            _C.POINTER(_Error)]
_lib.dy_xsec_compute_histograms.restype = _C.c_int
_lib.dy_xsec_compute_hist2d.argtypes = [_C.c_void_p, _C.POINTER(_Spec), _C.c_size_t, _D, _D,
                                        _C.POINTER(_Hist2dBin), _C.POINTER(_Error)]
_lib.dy_xsec_compute_hist2d.restype = _C.c_int
_lib.dy_material_find.argtypes = [_P, _C.POINTER(_Material), _C.POINTER(_Error)]
_lib.dy_material_find.restype = _C.c_int
_lib.dy_tracklength_compute.argtypes = [_C.POINTER(_TLSpec), _C.c_size_t, _D, _D,
                                        _C.POINTER(_Error)]
_lib.dy_tracklength_compute.restype = _C.c_int
_lib.dy_tracklength_integral_cm.argtypes = [_C.POINTER(_TLSpec), _C.c_double, _C.c_double, _D,
                                            _C.POINTER(_Error)]
_lib.dy_tracklength_integral_cm.restype = _C.c_int
_lib.dy_limits_options_default.argtypes = [_C.POINTER(_LimitsOptions)]
_lib.dy_limits_compute_file.argtypes = [_P, _C.POINTER(_LimitsOptions), _C.POINTER(_C.c_void_p),
                                        _C.POINTER(_Error)]
_lib.dy_limits_compute_file.restype = _C.c_int
_lib.dy_limits_compute_string.argtypes = [_P, _C.c_size_t, _P, _C.POINTER(_LimitsOptions),
                                          _C.POINTER(_C.c_void_p), _C.POINTER(_Error)]
_lib.dy_limits_compute_string.restype = _C.c_int
_lib.dy_limits_free.argtypes = [_C.c_void_p]
for _f in ("dy_limits_n_points", "dy_limits_n_columns"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _C.c_int
_lib.dy_limits_column_name.argtypes = [_C.c_void_p, _C.c_int]
_lib.dy_limits_column_name.restype = _P
_lib.dy_limits_column.argtypes = [_C.c_void_p, _P]
_lib.dy_limits_column.restype = _D
_lib.dy_limits_event_limits.argtypes = [_C.c_void_p, _D]
for _f in ("dy_limits_name", "dy_limits_particle", "dy_limits_mode", "dy_limits_method",
           "dy_limits_coupling_name", "dy_limits_coupling_unit", "dy_limits_log",
           "dy_limits_csv_path"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _P
for _f in ("dy_limits_cl", "dy_limits_cut_GeV"):
    getattr(_lib, _f).argtypes = [_C.c_void_p]
    getattr(_lib, _f).restype = _C.c_double
_lib.dy_limits_write.argtypes = [_C.c_void_p, _P, _C.POINTER(_Error)]
_lib.dy_limits_write.restype = _C.c_int
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
for _f in ("dy_yields_dNdE", "dy_yields_N_above", "dy_yields_N_total"):
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
_lib.dy_yields_file_json.argtypes = [_C.c_void_p, _C.POINTER(_Error)]
_lib.dy_yields_file_json.restype = _P
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

    def kfactors(self):
        """The table of ``darkyield xsec --kfactor FILE``: K = sigma_approx / sigma_etl for every
        approximation computed beside etl, one row per (energy, mass, approximation), with the
        error propagated from both; columns process, lepton, mediator, Z, A, energy_GeV,
        mass_GeV, approximation, K_approx_over_etl, K_approx_over_etl_error."""
        meth = self["method"]
        if not _np.any(meth == "etl") or not _np.any((meth != "etl") & (meth != "nwa")):
            raise ValueError("kfactors: needs etl and at least one approximation")
        cols = {k: [] for k in ("process", "lepton", "mediator", "Z", "A", "energy_GeV",
                                "mass_GeV", "approximation", "K_approx_over_etl",
                                "K_approx_over_etl_error")}
        for i in _np.flatnonzero(meth == "etl"):
            same = (self["energy_GeV"] == self["energy_GeV"][i]) & \
                   (self["mass_GeV"] == self["mass_GeV"][i]) & (meth != "etl") & (meth != "nwa")
            s0, e0 = self["sigma_pb"][i], self["error_pb"][i]
            for j in _np.flatnonzero(same):
                K = self["sigma_pb"][j] / s0
                for k in ("process", "lepton", "mediator", "Z", "A", "energy_GeV", "mass_GeV"):
                    cols[k].append(self[k][j])
                cols["approximation"].append(meth[j])
                cols["K_approx_over_etl"].append(K)
                cols["K_approx_over_etl_error"].append(
                    abs(K) * _np.hypot(e0 / s0, self["error_pb"][j] / self["sigma_pb"][j]))
        t = XsecTable()
        for k, v in cols.items():
            t[k] = _np.asarray(v)
        return t


_XSEC_OPTIONS = {"process", "lepton", "mediator", "target", "energy", "mass", "method",
                 "coupling", "form_factor", "elastic_only", "alpha_d", "dm_kind", "dm_mass",
                 "dm_splitting", "final_state", "channel", "per_atom", "ww_tmax",
                 "ww_theta_max", "precision", "max_eval", "seed", "backend", "histograms",
                 "hist2d"}


def xsec(**options):
    """Cross sections as ``darkyield xsec``: keywords named like its flags (dashes become
    underscores), e.g. ``xsec(process="brem", target="W", energy=8, mass=[0.01, 0.1],
    method="etl,ww", coupling=1e-4)``.  ``energy`` and ``mass`` take numbers or lists (every
    combination is computed), ``method`` a name, a comma-separated list or a list.  Returns an
    XsecTable indexable by the CSV column names (sigma_pb, error_pb, mass_GeV, ...).
    ``histograms=True`` (Monte-Carlo methods: etl, bw) also fills ``.histograms``, a table with
    the columns of ``xsec --histograms FILE`` (observable, unit, lo, hi, dsigma_pb_per_unit,
    error_pb_per_unit, per point and method)."""
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
    want_hist = bool(options.get("histograms"))
    try:
        for meth in methods:
            setp("method", meth)
            out = (_Value * n)()
            hist = (_Hist * (n * _XSEC_MAX_OBS))() if want_hist else None
            if want_hist:
                st = _lib.dy_xsec_compute_histograms(eng, _C.byref(spec), n, Ea, Ma, out, hist,
                                                     _C.byref(err))
            else:
                st = _lib.dy_xsec_compute(eng, _C.byref(spec), n, Ea, Ma, out, _C.byref(err))
            if st:
                _raise(st, err)
            results.append((meth or ("bw" if proc == "annihilation" else "etl"), out, hist))
    finally:
        _lib.dy_engine_close(eng)
    hcols = {k: [] for k in ("process", "method", "energy_GeV", "mass_GeV", "observable", "unit",
                             "lo", "hi", "dsigma_pb_per_unit", "error_pb_per_unit")}
    for i in range(n):  # rows as the command prints them: per point, then per method
        for name, out, hist in results:
            for k in range(_XSEC_MAX_OBS if hist is not None else 0):
                h = hist[i * _XSEC_MAX_OBS + k]
                for b in range(h.nbins):
                    hcols["process"].append(proc)
                    hcols["method"].append(name)
                    hcols["energy_GeV"].append(out[i].energy_GeV)
                    hcols["mass_GeV"].append(out[i].mass_GeV)
                    hcols["observable"].append(h.name.decode())
                    hcols["unit"].append(h.unit.decode())
                    hcols["lo"].append(h.edges[b])
                    hcols["hi"].append(h.edges[b + 1])
                    hcols["dsigma_pb_per_unit"].append(h.dsigma[b])
                    hcols["error_pb_per_unit"].append(h.error[b])
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
    t.hist2d = _hist2d(spec, E, M, methods, options) if options.get("hist2d") else None
    t.histograms = None
    if want_hist:
        t.histograms = XsecTable()
        for k, v in hcols.items():
            t.histograms[k] = _np.asarray(v)
    return t


def _hist2d(spec, E, M, methods, options):
    """xsec(hist2d=True): the table of ``xsec --hist2d FILE`` (brem, etl; the library says so
    for anything else)."""
    pts = [(e, m) for e in E for m in M]
    n = len(pts)
    Ea = (_C.c_double * n)(*[p[0] for p in pts])
    Ma = (_C.c_double * n)(*[p[1] for p in pts])
    out = (_Hist2dBin * (n * _HIST2D_BINS))()
    err = _Error()
    eng = _C.c_void_p()
    st = _lib.dy_engine_open(_b(options.get("backend")), _C.byref(eng), _C.byref(err))
    if st:
        _raise(st, err)
    # etl when asked for (or by default); else the first method, which the library refuses
    spec.method = b"etl" if None in methods or "etl" in methods else _b(methods[0])
    keep = spec.method  # noqa: F841 (the bytes live as long as the call)
    try:
        st = _lib.dy_xsec_compute_hist2d(eng, _C.byref(spec), n, Ea, Ma, out, _C.byref(err))
    finally:
        _lib.dy_engine_close(eng)
    if st:
        _raise(st, err)
    names = ("energy_GeV", "mass_GeV", "x_lo", "x_hi", "theta_lo_rad", "theta_hi_rad",
             "d2sigma_dx_dtheta_pb_per_rad", "error_pb_per_rad")
    a = _np.ctypeslib.as_array(out).view(_np.float64).reshape(-1, 8)
    t = XsecTable()
    for k, name in enumerate(names):
        t[name] = a[:, k].copy()
    return t


class _Handle:
    """Owns a C dy_yields result: freed once, when the last YieldGrid sharing it goes.  Copies
    made by pickle or deepcopy hold no C grid (a pointer is not data)."""

    def __init__(self, ptr):
        self.ptr = ptr

    def __reduce__(self):
        return (_Handle, (None,))

    def __del__(self):
        p, self.ptr = self.ptr, None
        if p and _lib is not None:
            _lib.dy_yields_free(p)


class Dataset(_np.ndarray):
    """A dataset of the run's HDF5 file: a numpy array with the file's attributes in ``attrs``
    (``units``, ``description``) and, in ``dims``, each axis's ``label`` and dimension
    ``scales`` (paths, as h5py's ``ds.dims[i].label`` and ``ds.dims[i][0].name``).  Slices and
    arithmetic give plain numpy arrays."""

    def __new__(cls, data, attrs=None, dims=None):
        a = _np.asarray(data).view(cls)
        a.attrs = dict(attrs or {})
        a.dims = list(dims or [])
        return a

    def __array_finalize__(self, obj):
        self.attrs = getattr(obj, "attrs", {})
        self.dims = getattr(obj, "dims", [])

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        arr = _np.asarray(arr).view(_np.ndarray)
        return arr[()] if return_scalar or arr.ndim == 0 else arr

    def __getitem__(self, key):
        return _np.asarray(self)[key]

    def __reduce__(self):
        return (Dataset, (_np.asarray(self), self.attrs, self.dims))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()

    def __deepcopy__(self, memo):
        import copy

        return Dataset(_np.array(self), copy.deepcopy(self.attrs, memo),
                       copy.deepcopy(self.dims, memo))


class Group(dict):
    """A group of the run's HDF5 file: its members (groups and datasets) by name, paths such as
    ``g["brem-e-/integrals/q"]`` as h5py takes them, and the group's attributes in ``attrs``."""

    def __init__(self, members=(), attrs=None):
        super().__init__(members)
        self.attrs = dict(attrs or {})

    def __getitem__(self, key):
        if isinstance(key, str) and "/" in key:
            node = self
            for part in [k for k in key.split("/") if k]:
                node = dict.__getitem__(node, part)
            return node
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        try:
            self[key]
            return True
        except (KeyError, TypeError):
            return False


def _value(v):
    """A value of dy_yields_file_json as h5py reads it: str, a numpy scalar or a numpy array."""
    if v is None:
        return None
    if v["dtype"] == "str":
        return v["data"]
    a = _np.array(v["data"], dtype=v["dtype"]).reshape(v["shape"])
    return a[()] if a.ndim == 0 else a


def _node(n):
    attrs = {k: _value(v) for k, v in n["attrs"].items()}
    if n["kind"] == "group":
        return Group(((k, _node(m)) for k, m in n["members"].items() if m is not None), attrs)
    return Dataset(_value(n["value"]), attrs, n["dims"])


class YieldGrid(Group):
    """A yield grid holding what the HDF5 file of ``darkyield run`` holds, indexed the same way:
    ``g["masses_GeV"]``, ``g["brem-e-"]["N_above_cut"]`` (and ``"total"``), the groups
    ``g["beam"]``, ``g["target"]``, ``g["model"]`` and ``g["brem-e-"]["integrals"]`` (the MC
    integrals' diagnostics), each with its ``attrs``; the root attributes in ``g.attrs``."""

    def __init__(self, members=(), attrs=None, handle=None):
        super().__init__(members, attrs)
        self._handle = _Handle(handle)  # the C result, for limit(yields=grid)

    @property
    def channels(self):
        """The channels of the grid in the file's order, then "total"."""
        return [c for c in str(self.attrs.get("channels", "")).split(",") if c] + ["total"]


def _overrides(sets, kwargs):
    out = []
    for k, v in list((sets or {}).items()) + [(k.replace("__", "."), v)
                                              for k, v in kwargs.items()]:
        out.append("%s=%s" % (k, _json.dumps(v)))  # JSON is YAML
    return out


def run(config, output_dir=None, backend=None, progress=False, sets=None, seed=None,
        **overrides):
    """A yield grid as ``darkyield run``.  config: a path, or a dict with the schema of
    docs/config.md.  Overrides as ``--set``: ``sets={"beam.energy_GeV": 150}`` or keywords with
    ``__`` for the dots (``beam__energy_GeV=150``); ``seed`` sets the config's seed, ``backend``
    the backend ("cpu", "cuda", "opencl"; default: the config's).  progress: a bar over the
    grid's integrals (tqdm where installed, else a line on stderr).  output_dir: also write the
    run's HDF5 and CSV files there (default: write nothing).  Returns a YieldGrid."""
    if seed is not None:
        overrides = dict(overrides, seed=int(seed))
    strs = [s.encode() for s in _overrides(sets, overrides)]
    arr = (_P * max(len(strs), 1))(*strs)
    o = _YieldsOptions()
    _lib.dy_yields_options_default(_C.byref(o))
    o.backend = _b(backend)
    o.sets = arr
    o.n_sets = len(strs)
    bar = _Progress("run", "integral") if progress else None
    cb = _RUN_PROGRESS(bar) if bar else _RUN_PROGRESS()
    o.on_progress = cb
    y = _C.c_void_p()
    err = _Error()
    try:
        if isinstance(config, dict):
            text = _json.dumps(config).encode()
            name = str(config.get("name", "config")).encode()
            st = _lib.dy_yields_run_string(None, text, len(text), name, _C.byref(o), _C.byref(y),
                                           _C.byref(err))
        else:
            st = _lib.dy_yields_run_file(None, _os.fsencode(config), _C.byref(o), _C.byref(y),
                                         _C.byref(err))
    finally:
        if bar:
            bar.close()
    if st:
        _raise(st, err)
    ok = False
    try:
        js = _lib.dy_yields_file_json(y, _C.byref(err))
        if not js:
            _raise(err.status, err)
        tree = _json.loads(js.decode("utf-8"))
        if output_dir is not None:
            st = _lib.dy_yields_write(y, _os.fsencode(output_dir), _C.byref(err))
            if st:
                _raise(st, err)
        ok = True
    finally:
        if not ok:
            _lib.dy_yields_free(y)
    members = [(k, _node(m)) for k, m in tree["members"].items() if m is not None]
    return YieldGrid(members, {k: _value(v) for k, v in tree["attrs"].items()}, y.value)


class LimitTable(XsecTable):
    """The limits of ``darkyield limit``: columns of <name>_limits.csv as numpy arrays
    (``mass_GeV``, ``coupling_obs``, ``coupling_exp``, ``coupling_exp_m1`` ... or, for visible
    decays, ``obs_lower``, ``obs_upper``, ...), ``to_pandas()``, and in ``attrs`` the event
    limits, name, particle, mode, method, CL, coupling name and unit and the energy cut."""


class _Progress:
    """progress=True: a tqdm bar where tqdm is installed, else a line on stderr."""

    def __init__(self, what, unit="mass"):
        self.bar = None
        self.what = what
        self.unit = unit
        self.last = None
        try:
            import tqdm

            self.tqdm = tqdm.tqdm
        except ImportError:
            self.tqdm = None

    def __call__(self, user, done, total):
        if (done, total) == self.last:
            return
        self.last = (done, total)
        if self.tqdm is not None:
            if self.bar is None:
                self.bar = self.tqdm(total=total, desc=self.what, unit=self.unit)
            self.bar.update(done - self.bar.n)
        else:
            end = "\n" if done == total else ""
            units = self.unit + ("es" if self.unit.endswith("s") else "s")
            _sys.stderr.write("\r%s: %d/%d %s%s" % (self.what, done, total, units, end))
            _sys.stderr.flush()

    def close(self):
        if self.bar is not None:
            self.bar.close()


def limit(config, yields=None, output_dir=None, progress=False, verbose=False, seed=None,
          sets=None, **overrides):
    """Limits as ``darkyield limit``.  config: a path or a dict with the schema of
    docs/limits.md.  yields: None (the config's 'yields' file), a path to an HDF5 file of
    ``darkyield run``, or a YieldGrid from ``run()``.  Overrides as ``--set``
    (``sets={"statistics.observed": 2}``, or ``statistics__observed=2``); seed: the toys'
    seed (statistics.seed, method cls-toys).  output_dir: also write the command's CSV, HEPData
    and pyhf outputs there (no plots).  progress: a bar over the masses (tqdm where installed);
    verbose: a line per mass on stderr.  Notes and warnings come as Python warnings.  Returns a
    LimitTable."""
    if seed is not None:
        overrides = dict(overrides, statistics__seed=int(seed))
    strs = [s.encode() for s in _overrides(sets, overrides)]
    arr = (_P * max(len(strs), 1))(*strs)
    o = _LimitsOptions()
    _lib.dy_limits_options_default(_C.byref(o))
    o.sets = arr
    o.n_sets = len(strs)
    o.silent = 0 if verbose else 1
    o.quiet = 1
    o.verbose = 1 if verbose else 0
    keep = None
    if isinstance(yields, YieldGrid):
        if not yields._handle.ptr:
            raise ValueError("limit: this YieldGrid holds no computed grid (a copy from pickle?); "
                             "pass the HDF5 file of the run instead")
        o.yields = yields._handle.ptr
    elif yields is not None:
        keep = _os.fsencode(yields)
        o.yields_path = keep
    bar = _Progress("limit") if progress else None
    cb = _PROGRESS(bar) if bar else _PROGRESS()
    o.progress = cb
    lim = _C.c_void_p()
    err = _Error()
    try:
        if isinstance(config, dict):
            text = _json.dumps(config).encode()
            name = str(config.get("name", "limit")).encode()
            st = _lib.dy_limits_compute_string(text, len(text), name, _C.byref(o), _C.byref(lim),
                                               _C.byref(err))
        else:
            st = _lib.dy_limits_compute_file(_os.fsencode(config), _C.byref(o), _C.byref(lim),
                                             _C.byref(err))
    finally:
        if bar:
            bar.close()
    if st:
        _raise(st, err)
    try:
        n = _lib.dy_limits_n_points(lim)
        t = LimitTable()
        for k in range(_lib.dy_limits_n_columns(lim)):
            name = _lib.dy_limits_column_name(lim, k)
            col = _np.ctypeslib.as_array(_lib.dy_limits_column(lim, name), shape=(n,)).copy()
            t[name.decode()] = col.astype(int) if name == b"grid" else col
        ev = (_C.c_double * 6)()
        _lib.dy_limits_event_limits(lim, ev)
        t.attrs = {"name": _lib.dy_limits_name(lim).decode(),
                   "particle": _lib.dy_limits_particle(lim).decode(),
                   "mode": _lib.dy_limits_mode(lim).decode(),
                   "method": _lib.dy_limits_method(lim).decode(),
                   "cl": _lib.dy_limits_cl(lim),
                   "coupling_name": _lib.dy_limits_coupling_name(lim).decode(),
                   "coupling_unit": _lib.dy_limits_coupling_unit(lim).decode(),
                   "cut_energy_min_GeV": _lib.dy_limits_cut_GeV(lim),
                   "event_limits": dict(zip(("obs", "exp", "exp_m1", "exp_p1", "exp_m2",
                                             "exp_p2"), list(ev)))}
        log = _lib.dy_limits_log(lim).decode("utf-8", "replace")
        if not verbose:
            for line in log.splitlines():
                _warnings.warn("darkyield: " + line, stacklevel=2)
        if output_dir is not None:
            st = _lib.dy_limits_write(lim, _os.fsencode(output_dir), _C.byref(err))
            if st:
                _raise(st, err)
            t.attrs["csv"] = _lib.dy_limits_csv_path(lim).decode()
    finally:
        _lib.dy_limits_free(lim)
    return t


def material(name):
    """A target material as run configs name it ("Pb", "PbWO4", "82,207.2", "Pb:1.5+Sc:1.5"):
    a dict with its elements (Z, A in g/mol, mass_fraction: numpy arrays), density_g_cm3, the
    radiation length X0_g_cm2 and X0_cm, Z_eff, A_eff, Z_mean, A_mean, n_atom_cm3, n_e_cm3 and
    the critical energy Ec_GeV."""
    m = _Material()
    err = _Error()
    st = _lib.dy_material_find(_b(name), _C.byref(m), _C.byref(err))
    if st:
        _raise(st, err)
    n = m.n_elements
    out = {"name": m.name.decode()}
    for k in ("Z", "A", "mass_fraction"):
        out[k] = _np.array(getattr(m, k)[:n])
    for k, _t in _Material._fields_[5:]:
        out[k] = getattr(m, k)
    return out


def _tl_spec(material, energy_GeV, thickness_X0, thickness_cm, beam, species, model, keep):
    s = _TLSpec()
    for f, v in (("material", material), ("beam", beam), ("species", species),
                 ("model", model)):
        b = _b(v)
        keep.append(b)
        setattr(s, f, b)
    s.energy_GeV = float(energy_GeV)
    s.thickness_X0 = float(thickness_X0) if thickness_X0 is not None else 0.0
    s.thickness_cm = float(thickness_cm) if thickness_cm is not None else 0.0
    return s


def tracklength(material, energy_GeV, E, thickness_X0=None, thickness_cm=None, beam="e-",
                species=None, model=None):
    """The differential track length dT/dE (cm/GeV per incident particle) at energies E (GeV)
    of species ("e-", "e+", "gamma", "e+-", "primary"; None: the beam's) for a beam ("e-",
    "e+", "gamma", "mu") of energy_GeV on a target of thickness_X0 (or thickness_cm; neither:
    infinitely thick).  model: None/"auto" as ``darkyield run``, or "shower", "thin", "muon"
    (docs/api.md, docs/tracklengths.md).  Returns a numpy array shaped as E."""
    keep = []
    s = _tl_spec(material, energy_GeV, thickness_X0, thickness_cm, beam, species, model, keep)
    Ea = _np.ascontiguousarray(_np.atleast_1d(_np.asarray(E, dtype=float)))
    T = _np.empty_like(Ea)
    err = _Error()
    st = _lib.dy_tracklength_compute(_C.byref(s), Ea.size, Ea.ctypes.data_as(_D),
                                     T.ctypes.data_as(_D), _C.byref(err))
    if st:
        _raise(st, err)
    return T.reshape(_np.shape(E))


def tracklength_integral(material, energy_GeV, E1, E2, thickness_X0=None, thickness_cm=None,
                         beam="e-", species=None, model=None):
    """The track length (cm per incident particle) with energy in [E1, E2] GeV, arguments as
    tracklength(); photons need E1 > 0 (their spectrum diverges as E -> 0)."""
    keep = []
    s = _tl_spec(material, energy_GeV, thickness_X0, thickness_cm, beam, species, model, keep)
    L = _C.c_double()
    err = _Error()
    st = _lib.dy_tracklength_integral_cm(_C.byref(s), float(E1), float(E2), _C.byref(L),
                                         _C.byref(err))
    if st:
        _raise(st, err)
    return L.value
