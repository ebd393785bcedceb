#!/usr/bin/env python3
"""events_pylhe.py DARKYIELD BUILD_DIR — `darkyield events` files read by pylhe (scikit-hep).

Writes a plain and a gzip brem LHE file, and Primakoff, dark Compton and annihilation
(e+ e- -> A'* -> chi chi, e+ e- -> gamma A') files, and thick-target annihilation events of a
run config (`events --config`), and reads each with pylhe: the <init> block
(beam ids, energies, cross section and its error), the event count, the particle ids and
statuses, and four-momentum conservation in every event (an s-channel resonance of status 2
carrying the incoming total).  pylhe is looked for on the path (ctest sets
PYTHONPATH to BUILD_DIR/pydeps/lhe); when it is missing, one `pip install --target
BUILD_DIR/pydeps/lhe pylhe` is tried; when that fails too (offline), the same checks run on
Python's own XML parser and the script says that pylhe was skipped.
"""
import gzip
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

N = 500


def load_pylhe(build):
    try:
        import pylhe  # noqa: F401
        return pylhe
    except ImportError:
        pass
    target = os.path.join(build, "pydeps", "lhe")
    rc = subprocess.call(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--target", target, "pylhe"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if rc == 0:
        sys.path.insert(0, target)
        try:
            import pylhe
            return pylhe
        except ImportError:
            pass
    return None


# (arguments after `events`, beam A, beam B, energy of A, ids, statuses) of each file
CASES = [
    (["--process", "brem", "--target", "W", "--energy", "8", "--mass", "0.1"], 11, 1000741840,
     8.0, [11, 1000741840, 11, 1000741840, 622], [-1, -1, 1, 1, 1]),
    (["--process", "primakoff", "--target", "W", "--energy", "8", "--mass", "0.1"], 22,
     1000741840, 8.0, [22, 1000741840, 9000005, 1000741840], [-1, -1, 1, 1]),
    (["--process", "compton", "--energy", "8", "--mass", "0.05"], 22, 11, 8.0,
     [22, 11, 11, 622], [-1, -1, 1, 1]),
    (["--process", "annihilation", "--energy", "2.45", "--mass", "0.05"], -11, 11, 2.45,
     [-11, 11, 622, 52, -52], [-1, -1, 2, 1, 1]),
    (["--process", "annihilation", "--channel", "gamma", "--energy", "8", "--mass", "0.05"],
     -11, 11, 8.0, [-11, 11, 22, 622], [-1, -1, 1, 1]),
]

# thick-target annihilation of a run config (written in main: the config file's path); its
# XSECUP is a yield per positron on target whose error comes from the draws of 500 events
ANN_CONFIG = """name: pylhe_ann
seed: 3
backend: cpu
beam:
  particle: e+
  energy_GeV: 10
target:
  material: W
  thickness_X0: 0.1
model:
  mediator: vector
  coupling: 1e-4
  decay: invisible
  alpha_D: 0.5
  mchi_over_m: 0.333333
processes: [annihilation]
masses_GeV: [0.1]
energy_bins:
  min_GeV: 0
  max_GeV: 10
  n: 10
output:
  dir: pylhe_ann_out
  formats: [csv]
"""


def check_event(parts, ids, sts, where):
    """parts: (id, status, px, py, pz, e, m) tuples; in = out, ids and statuses as written."""
    assert [p[0] for p in parts] == ids, (where, parts)
    assert [p[1] for p in parts] == sts, (where, parts)
    for c in range(2, 6):
        pin = sum(p[c] for p in parts if p[1] == -1)
        pout = sum(p[c] for p in parts if p[1] == 1)
        # 13 significant digits are written; E + M ~ 180 GeV at most
        assert abs(pin - pout) < 1e-9, (where, c, pin, pout)
        for p in parts:
            if p[1] == 2:
                assert abs(p[c] - pin) < 1e-9, (where, c, p, pin)


def read_xml(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        root = ET.fromstring(f.read())
    init = root.find("init").text.split("\n")
    init = [l.split() for l in init if l.strip()]
    events = []
    for ev in root.iter("event"):
        lines = [l.split() for l in ev.text.strip().split("\n")]
        parts = [(int(l[0]), int(l[1]), float(l[6]), float(l[7]), float(l[8]), float(l[9]),
                  float(l[10])) for l in lines[1:]]
        events.append(parts)
    return init, events


def write(darkyield, d, name, args):
    path = os.path.join(d, name)
    subprocess.check_call([darkyield, "events"] + args +
                          ["--n", str(N), "--seed", "5", "--backend", "cpu", "--quiet",
                           "--output", path])
    return path


def main():
    darkyield, build = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(dir=build) as d:
        files = []  # (path, case, sigma, error)
        cfg = os.path.join(d, "ann.yaml")
        with open(cfg, "w") as f:
            f.write(ANN_CONFIG)
        cases = CASES + [(["--config", cfg, "--mass", "0.1"], -11, 11, 10.0,
                          [-11, 11, 622, 52, -52], [-1, -1, 2, 1, 1], 0.1)]
        for k, case in enumerate(cases):
            names = ("ev.lhe", "ev.lhe.gz") if k == 0 else ("ev%d.lhe" % k,)
            for name in names:
                path = write(darkyield, d, name, case[0])
                init, events = read_xml(path)
                assert init[0][:2] == [str(case[1]), str(case[2])], (path, init)
                sigma, err = float(init[1][0]), float(init[1][1])
                assert sigma > 0 and 0 < err < (case[6] if len(case) > 6 else 0.01) * sigma, init
                assert len(events) == N
                for i, e in enumerate(events):
                    check_event(e, case[4], case[5], "xml %s event %d" % (name, i))
                files.append((path, case, sigma, err))
        pylhe = load_pylhe(build)
        if pylhe is None:
            print("SKIP: pylhe is not installed and 'pip install pylhe' failed (offline?): "
                  "checked with xml.etree only")
            return 0
        for path, case, sigma, err in files:
            if hasattr(pylhe, "LHEFile"):  # pylhe >= 0.9
                lf = pylhe.LHEFile.fromfile(path)
                ini, proc, events = lf.init.initInfo, lf.init.procInfo[0], lf.events
                get = getattr
            else:  # older: dictionaries
                info = pylhe.read_lhe_init(path)
                ini, proc, events = info["initInfo"], info["procInfo"][0], pylhe.read_lhe(path)
                get = lambda o, k: o[k]  # noqa: E731
            assert int(get(ini, "beamA")) == case[1], (path, ini)
            assert int(get(ini, "beamB")) == case[2], (path, ini)
            assert abs(get(ini, "energyA") - case[3]) < 1e-12, ini
            assert int(get(ini, "weightingStrategy")) == 3, ini
            assert abs(get(proc, "xSection") - sigma) <= 1e-9 * sigma, proc
            assert abs(get(proc, "error") - err) <= 1e-3 * err, proc
            n = 0
            for ev in events:
                parts = [(int(p.id), int(p.status), p.px, p.py, p.pz, p.e, p.m)
                         for p in ev.particles]
                check_event(parts, case[4], case[5], "pylhe %s event %d" % (path, n))
                assert abs(ev.eventinfo.weight - 1.0) < 1e-12
                n += 1
            assert n == N, (path, n)
        print("pylhe %s read %d events from each of %d files (brem plain and gzip, primakoff, "
              "compton, annihilation chi chi and gamma A', thick-target annihilation)" % (pylhe.__version__, N, len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
