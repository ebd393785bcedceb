#!/usr/bin/env python3
"""plot_yields.py — figures from one `darkyield run` HDF5 file (layout: docs/config.md).

Usage: plot_yields.py FILE.h5 OUTDIR

Writes <name>_yield_map, <name>_spectra and <name>_integrated as PNG and PDF into OUTDIR:
the total dN/dE over (mass x energy) on a log colour scale, dN/dE for up to four masses, and the
yield above the energy cut versus mass for every channel and the total (log-log).
Needs numpy, h5py and matplotlib (Debian: apt-get install python3-matplotlib python3-h5py, then
run it with /usr/bin/python3).  Exit codes: 0 ok, 1 bad input file, 2 usage, 3 missing modules.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dy_plotting  # noqa: E402  (scripts/dy_plotting.py, next to this script)

INSTALL_HINT = ("install them with: apt-get install python3-matplotlib python3-h5py "
                "(and run this script with /usr/bin/python3)")


def die(code, msg):
    dy_plotting.die("plot_yields.py", code, msg)


def attr_str(obj, key, default=""):
    v = obj.attrs.get(key, default)
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def mass_edges(np, m):
    """Cell edges around the masses: geometric midpoints (log grids) or arithmetic ones."""
    if len(m) == 1:
        return np.array([m[0] / 1.2, m[0] * 1.2])
    if np.all(m > 0):
        mid = np.sqrt(m[1:] * m[:-1])
        return np.concatenate(([m[0] ** 2 / mid[0]], mid, [m[-1] ** 2 / mid[-1]]))
    mid = 0.5 * (m[1:] + m[:-1])
    return np.concatenate(([2 * m[0] - mid[0]], mid, [2 * m[-1] - mid[-1]]))


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    np, plt, h5py = dy_plotting.import_modules(__file__, argv, "plot_yields.py", INSTALL_HINT,
                                               h5py=True)
    from matplotlib.colors import LogNorm

    path, outdir = argv[1], argv[2]
    try:
        f = h5py.File(path, "r")
    except (OSError, IOError) as exc:
        die(1, f"cannot read HDF5 file '{path}': {exc}")
    with f:
        try:
            masses = np.asarray(f["masses_GeV"][:], dtype=float)
            edges = np.asarray(f["energy_bin_edges_GeV"][:], dtype=float)
            total = {k: np.asarray(f["total"][k][...], dtype=float)
                     for k in ("dNdE", "dNdE_err", "N_above_cut", "N_above_cut_err")}
            names = [c for c in attr_str(f, "channels").split(",") if c] or \
                [k for k in f.keys() if isinstance(f[k], h5py.Group)
                 and k not in ("total", "beam", "target", "model")]
            chans = {c: (np.asarray(f[c]["N_above_cut"][:], dtype=float),
                         np.asarray(f[c]["N_above_cut_err"][:], dtype=float)) for c in names}
        except KeyError as exc:
            die(1, f"'{path}' is not a darkyield yield file (missing {exc})")
        run = attr_str(f, "name") or os.path.splitext(os.path.basename(path))[0]
        cut = float(f.attrs.get("cut_energy_min_GeV", 0.0))
        coupling = float(f.attrs.get("coupling", 1.0))
        cname = attr_str(f, "coupling_name") or "coupling"  # the model's own coupling
        cunit = attr_str(f, "coupling_unit")
        version = attr_str(f, "version")
    os.makedirs(outdir, exist_ok=True)
    written = []
    unit = f" {cunit}" if cunit not in ("", "1", "unknown") else ""
    per = f"per particle on target at {cname} = {coupling:g}{unit}"
    foot = f"darkyield {version}" if version else "darkyield"

    # 1. yield map of the total dN/dE
    fig, ax = plt.subplots(figsize=(7, 5))
    dn = np.ma.masked_where(~(total["dNdE"] > 0), total["dNdE"])
    if dn.count() > 0:
        norm = LogNorm(vmin=max(dn.min(), dn.max() * 1e-8), vmax=dn.max())
        mesh = ax.pcolormesh(edges, mass_edges(np, masses), dn, norm=norm, shading="flat")
        fig.colorbar(mesh, ax=ax, label=f"dN/dE [1/GeV] ({per})")
    else:
        ax.text(0.5, 0.5, "no non-zero yield", ha="center", va="center", transform=ax.transAxes)
    if np.all(masses > 0) and masses.max() / masses.min() > 10:
        ax.set_yscale("log")
    if cut > 0:
        ax.axvline(cut, color="w", ls="--", lw=1)
    ax.set_xlabel("energy of the produced particle E [GeV]")
    ax.set_ylabel("mass m [GeV]")
    ax.set_title(f"{run}: total yield dN/dE")
    fig.text(0.99, 0.01, foot, ha="right", va="bottom", fontsize=7, color="gray")
    dy_plotting.save(fig, outdir, f"{run}_yield_map", written)
    plt.close(fig)

    # 2. spectra for up to four masses
    fig, ax = plt.subplots(figsize=(7, 5))
    idx = sorted(set(np.linspace(0, len(masses) - 1, min(4, len(masses))).round().astype(int)))
    positive = False
    for i in idx:
        y, e = total["dNdE"][i], total["dNdE_err"][i]
        ax.stairs(y, edges, baseline=None, label=f"m = {masses[i]:.4g} GeV")
        ax.fill_between(edges, np.append(y - e, (y - e)[-1]), np.append(y + e, (y + e)[-1]),
                        step="post", alpha=0.25)
        positive |= bool(np.any(y > 0))
    if positive:
        ax.set_yscale("log")
    if cut > 0:
        ax.axvline(cut, color="k", ls="--", lw=1, label=f"cut E > {cut:g} GeV")
    ax.set_xlabel("energy of the produced particle E [GeV]")
    ax.set_ylabel(f"dN/dE [1/GeV] ({per})")
    ax.set_title(f"{run}: spectra (sum of channels)")
    ax.legend(fontsize=8)
    fig.text(0.99, 0.01, foot, ha="right", va="bottom", fontsize=7, color="gray")
    dy_plotting.save(fig, outdir, f"{run}_spectra", written)
    plt.close(fig)

    # 3. integrated yield above the cut vs mass, per channel and total
    fig, ax = plt.subplots(figsize=(7, 5))
    series = list(chans.items()) + [("total", (total["N_above_cut"], total["N_above_cut_err"]))]
    positive = False
    for name, (n, err) in series:
        ok = n > 0
        if not np.any(ok):
            continue
        positive = True
        style = dict(color="k", lw=2) if name == "total" else dict(lw=1)
        ax.errorbar(masses[ok], n[ok], yerr=err[ok], marker="o", ms=3, capsize=2, label=name,
                    **style)
    if positive:
        ax.set_yscale("log")
    if np.all(masses > 0):
        ax.set_xscale("log")
    ax.set_xlabel("mass m [GeV]")
    ax.set_ylabel(f"N(E > {cut:g} GeV) ({per})")
    ax.set_title(f"{run}: yield above the energy cut")
    if positive:
        ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.text(0.99, 0.01, foot, ha="right", va="bottom", fontsize=7, color="gray")
    dy_plotting.save(fig, outdir, f"{run}_integrated", written)
    plt.close(fig)

    for w in written:
        print(w)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
