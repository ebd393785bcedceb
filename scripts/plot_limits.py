#!/usr/bin/env python3
"""plot_limits.py — figures from one `darkyield limit` run (docs/limits.md §7).

Usage: plot_limits.py LIMITS.csv OUTDIR [--thermal T.csv] [--gm2 G.csv] [--overlay FILE LABEL]...

Writes <stem>_coupling (and <stem>_y for the dark-photon invisible plane or the inelastic-DM band)
as PNG and PDF: log-log,
the observed curve, the expected curve with its ±1σ (and ±2σ) band, thermal-relic lines, the
(g-2)_mu band and user curves (docs/limits.md §7.1: mass_GeV,<coupling> or m_chi_GeV,y).  Visible mode draws the excluded
region between the lower and upper edges.  Needs numpy and matplotlib; exit codes: 0 ok, 1 bad
input, 2 usage, 3 missing modules.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dy_plotting  # noqa: E402  (scripts/dy_plotting.py, next to this script)


def die(code, msg):
    dy_plotting.die("plot_limits.py", code, msg)


def read_csv(np, path):
    """Columns by name from a CSV with '#' comment lines and one header line."""
    comments, rows, header = [], [], None
    try:
        with open(path) as f:
            for line in f:
                s = line.strip()
                if not s:
                    continue
                if s.startswith("#"):
                    comments.append(s[1:].strip())
                elif header is None and any(c.isalpha() and c not in "eE" for c in s.split(",")[0]):
                    header = [h.strip() for h in s.split(",")]
                else:
                    rows.append([float(x) for x in s.split(",")])
    except (OSError, ValueError) as exc:
        die(1, f"cannot read '{path}': {exc}")
    if not rows:
        die(1, f"'{path}' has no data rows")
    a = np.array(rows, dtype=float)
    if header is None:
        header = [f"c{i}" for i in range(a.shape[1])]
    if len(header) != a.shape[1]:
        die(1, f"'{path}': header has {len(header)} columns, rows have {a.shape[1]}")
    return {h: a[:, i] for i, h in enumerate(header)}, comments


def meta(comments, key, default=""):
    for c in comments:
        for part in c.split(";"):
            if part.strip().startswith(key + ":"):
                return part.split(":", 1)[1].strip()
    return default


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    np, plt, _ = dy_plotting.import_modules(__file__, argv, "plot_limits.py",
                                            "apt-get install python3-matplotlib")
    path, outdir = argv[1], argv[2]
    thermal = gm2 = None
    overlays = []
    i = 3
    while i < len(argv):
        if argv[i] == "--thermal" and i + 1 < len(argv):
            thermal = argv[i + 1]; i += 2
        elif argv[i] == "--gm2" and i + 1 < len(argv):
            gm2 = argv[i + 1]; i += 2
        elif argv[i] == "--overlay" and i + 2 < len(argv):
            overlays.append((argv[i + 1], argv[i + 2])); i += 3
        else:
            die(2, f"unexpected argument '{argv[i]}'")
    cols, comments = read_csv(np, path)
    if "mass_GeV" not in cols:
        die(1, f"'{path}' is not a darkyield limits CSV (no mass_GeV column)")
    stem = os.path.splitext(os.path.basename(path))[0]
    # "# coupling: g_agg [GeV^-1]": the model's own coupling and its unit ("1": dimensionless)
    cmeta = meta(comments, "coupling", "coupling")
    coupling = cmeta.split("[")[0].strip()
    cunit = cmeta.split("[", 1)[1].split("]")[0].strip() if "[" in cmeta else ""
    clabel = f"{coupling} [{cunit}]" if cunit not in ("", "1") else coupling
    massname = meta(comments, "mass", "m").split("[")[0].strip()
    title = meta(comments, "title", stem)
    # what the curves are: "N_pot = 2.84e+11; observed = 0; background = 0.5; CL = 0.9; method = .."
    stat = {}
    for c in comments:
        if c.strip().startswith("N_pot ="):
            for part in c.split(";"):
                if "=" in part:
                    k, v = part.split("=", 1)
                    stat[k.strip()] = v.strip()
    if stat:
        try:
            cl = f"{100 * float(stat.get('CL', 'nan')):g}% CL"
        except ValueError:
            cl = ""
        title += (f"\nN$_{{pot}}$ = {stat.get('N_pot', '?')}, {cl}, n = {stat.get('observed', '?')}, "
                  f"b = {stat.get('background', '?')} ({stat.get('method', '?')})")
        eff = [c.split("=", 1)[1].strip() for c in comments if c.strip().startswith("efficiency =")]
        title += f", eff. {eff[0]}" if eff else ", eff. table"
    visible = "obs_lower" in cols
    m = cols["mass_GeV"]
    written = []

    def finish(fig, ax, name, xlabel, ylabel):
        ax.set_xscale("log"); ax.set_yscale("log")
        ax.set_xlabel(xlabel); ax.set_ylabel(ylabel); ax.set_title(title, fontsize=9)
        ax.grid(True, which="both", alpha=0.3); ax.legend(fontsize=8)
        dy_plotting.save(fig, outdir, name, written)
        plt.close(fig)

    def overlay(ax, plane):
        # docs/limits.md §7.1; darkyield checked each file: header mass_GeV,<coupling> (this
        # plot) or m_chi_GeV,y (the y plot), then rows of two numbers joined in file order
        for f, label in overlays:
            c, _ = read_csv(np, f)
            keys = list(c.keys())
            if (keys[1] == "y") == (plane == "y"):
                ax.plot(c[keys[0]], c[keys[1]], "--", lw=1.2, label=label)

    def band(ax, x, prefix):
        """an excluded band (visible modes, inelastic DM): observed filled, expected edges dashed"""
        lo, up = cols[prefix + "obs_lower"], cols[prefix + "obs_upper"]
        ok = np.isfinite(lo) & np.isfinite(up)
        if ok.any():
            ax.fill_between(x[ok], lo[ok], up[ok], color="tab:blue", alpha=0.35,
                            label="observed excluded")
        elo, eup = cols[prefix + "exp_lower"], cols[prefix + "exp_upper"]
        ok = np.isfinite(elo) & np.isfinite(eup)
        if ok.any():
            ax.plot(x[ok], elo[ok], "k--", lw=1, label="expected")
            ax.plot(x[ok], eup[ok], "k--", lw=1)

    def thermal_lines(ax):
        """the thermal targets' y lines against m_chi, where a thermal CSV was written"""
        if thermal:
            t, _ = read_csv(np, thermal)
            for k in t:
                if k.startswith("y_"):
                    ax.plot(t["m_chi_GeV"], t[k], lw=1.5, label=f"thermal {k[2:]}")

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    if visible:
        band(ax, m, "")
    else:
        ok = np.isfinite(cols["coupling_obs"])
        # a band only where it has width (b = 0 with the exact methods: none)
        if "coupling_exp_m2" in cols and np.any(cols["coupling_exp_p2"][ok] > cols["coupling_exp_m2"][ok]):
            ax.fill_between(m[ok], cols["coupling_exp_m2"][ok], cols["coupling_exp_p2"][ok],
                            color="gold", label="expected ±2σ")
        if np.any(cols["coupling_exp_p1"][ok] > cols["coupling_exp_m1"][ok]):
            ax.fill_between(m[ok], cols["coupling_exp_m1"][ok], cols["coupling_exp_p1"][ok],
                            color="limegreen", label="expected ±1σ")
        ax.plot(m[ok], cols["coupling_exp"][ok], "k--", lw=1, label="expected")
        ax.plot(m[ok], cols["coupling_obs"][ok], "b-", lw=2, label="observed")
    if gm2:
        g, _ = read_csv(np, gm2)
        ax.fill_between(g["mass_GeV"], g["g_lo2"], g["g_hi2"], color="lightcoral", alpha=0.4,
                        label=f"(g-2)$_\\mu$ ±2σ ({coupling})")
        ax.fill_between(g["mass_GeV"], g["g_lo1"], g["g_hi1"], color="red", alpha=0.4,
                        label=f"(g-2)$_\\mu$ ±1σ ({coupling})")
    overlay(ax, "coupling")
    finish(fig, ax, f"{stem}_coupling", f"{massname} [GeV]", clabel)

    if "y_obs" in cols:
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        mc = cols["m_chi_GeV"]
        ok = np.isfinite(cols["y_obs"])
        if np.any(cols["y_exp_p1"][ok] > cols["y_exp_m1"][ok]):
            ax.fill_between(mc[ok], cols["y_exp_m1"][ok], cols["y_exp_p1"][ok], color="limegreen",
                            label="expected ±1σ")
        ax.plot(mc[ok], cols["y_exp"][ok], "k--", lw=1, label="expected")
        ax.plot(mc[ok], cols["y_obs"][ok], "b-", lw=2, label="observed")
        thermal_lines(ax)
        overlay(ax, "y")
        finish(fig, ax, f"{stem}_y", "m$_\\chi$ [GeV]",
               "y = ε$^2$ α$_D$ (m$_\\chi$/m$_{A'}$)$^4$")
    if "y_obs_lower" in cols:  # inelastic DM: the excluded band in y (docs/limits.md §3.2)
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        band(ax, cols["m_chi_GeV"], "y_")
        thermal_lines(ax)
        overlay(ax, "y")
        finish(fig, ax, f"{stem}_y", "m$_{\\chi_1}$ [GeV]",
               "y = ε$^2$ α$_D$ (m$_{\\chi_1}$/m$_{A'}$)$^4$")
    for p in written:
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
