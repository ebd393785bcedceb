"""dy_plotting.py — helpers shared by the darkyield plot scripts (plot_yields.py, plot_limits.py):
the error exit, importing numpy/matplotlib (re-running once with the system python3 that has
Debian's packages) and saving each figure as PNG and PDF.  Not a script of its own.
"""
import os
import sys

SYSTEM_PYTHON = "/usr/bin/python3"


def die(prog, code, msg):
    """Print 'PROG: error: MSG' to stderr and exit with code."""
    print(f"{prog}: error: {msg}", file=sys.stderr)
    sys.exit(code)


def import_modules(script, argv, prog, hint, h5py=False):
    """Import numpy, (h5py,) matplotlib with the Agg backend and pyplot; return (np, plt, h5py).

    On ImportError a pyenv/venv python3 first on PATH may lack Debian's packages: re-execute
    `script` once with the system interpreter (DY_PLOT_REEXEC guards the loop); when that is not
    possible, exit 3 with the missing module and `hint`.
    """
    try:
        import numpy as np
        h5 = None
        if h5py:
            import h5py as h5
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        if (os.path.exists(SYSTEM_PYTHON)
                and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)
                and not os.environ.get("DY_PLOT_REEXEC")):
            os.environ["DY_PLOT_REEXEC"] = "1"
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(script)] + argv[1:])
        die(prog, 3, f"missing Python module ({exc}); {hint}")
    return np, plt, h5


def save(fig, outdir, stem, written):
    """Write OUTDIR/STEM.png (150 dpi) and OUTDIR/STEM.pdf; append both paths to written."""
    for ext in ("png", "pdf"):
        path = os.path.join(outdir, f"{stem}.{ext}")
        fig.savefig(path, dpi=150 if ext == "png" else None, bbox_inches="tight")
        written.append(path)
