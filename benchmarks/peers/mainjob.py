#!/usr/bin/env python3
"""mainjob.py — the default main job (`darkyield run CONFIG --no-plots`) of two builds, A (this
tree) and B (the baseline, darkyield 0.1.0), timed as alternating pairs A B A B ... on the same
machine, then their integrated yields compared within errors.

Each run is a whole process timed from outside (wall: monotonic clock around start..exit; cpu:
the child's user + system seconds from wait4).  A and B run in separate working directories (the
config writes out/<name>/ relative to the current directory), with checkpoints off.  The paired
ratio B/A is taken pair by pair, so a drift of the machine's speed cancels; medians are quoted.
Only the standard library is used; no shell sees the arguments.  One JSON line on stdout."""
import argparse
import csv
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time


def run_once(binary, config, cwd, log):
    argv = [binary, "run", config, "--no-plots", "--no-checkpoint"]
    with open(log, "w") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, wall, ru.ru_utime + ru.ru_stime


def integrated_csv(side_dir):
    for root, _, files in os.walk(side_dir):
        for f in files:
            if f.endswith("_integrated.csv"):
                return os.path.join(root, f)
    return None


def read_yields(path):
    meta, rows = {}, {}
    with open(path, newline="") as f:
        lines = [l for l in f]
    for l in lines:
        if l.startswith("#"):
            for m in re.finditer(r"(\w+): ([^;]+)", l):
                meta.setdefault(m.group(1), m.group(2).strip())
    for r in csv.DictReader(l for l in lines if not l.startswith("#")):
        key = (r["channel"], float(r["mass_GeV"]))
        rows[key] = {k: float(r[k]) for k in ("N_above_cut", "N_above_cut_err", "N_total",
                                               "N_total_err")}
    return meta, rows


def compare(a, b):
    """Pulls (A - B)/sqrt(eA^2 + eB^2) of N_above_cut and N_total for every (channel, mass)."""
    pulls, identical, worst, missing = [], 0, None, sorted(set(a) ^ set(b))
    for key in sorted(set(a) & set(b)):
        for q in ("N_above_cut", "N_total"):
            va, vb = a[key][q], b[key][q]
            ea, eb = a[key][q + "_err"], b[key][q + "_err"]
            if va == vb:
                identical += 1
                pulls.append(0.0)
                continue
            s = math.hypot(ea, eb)
            pull = (va - vb) / s if s > 0 else math.inf
            pulls.append(pull)
            if worst is None or abs(pull) > abs(worst[0]):
                worst = (pull, key[0], key[1], q, va, vb)
    rms = math.sqrt(sum(p * p for p in pulls) / len(pulls)) if pulls else math.nan
    return {"n_compared": len(pulls), "identical": identical, "pull_rms": rms,
            "pull_max": abs(worst[0]) if worst else 0.0,
            "n_over_4": sum(1 for p in pulls if abs(p) > 4),
            "worst": worst and {"pull": worst[0], "channel": worst[1], "mass_GeV": worst[2],
                                "quantity": worst[3], "A": worst[4], "B": worst[5]},
            "missing": [list(k) for k in missing]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="darkyield binary A (this tree)")
    ap.add_argument("--b", required=True, help="darkyield binary B (baseline)")
    ap.add_argument("--config", required=True, help="run config used by both")
    ap.add_argument("--b-config", help="config for B when B rejects --config (exit 2)")
    ap.add_argument("--workdir", required=True, help="scratch directory (created)")
    ap.add_argument("--runs", type=int, default=5, help="timed pairs")
    ap.add_argument("--warmup", type=int, default=1, help="untimed pairs first")
    ap.add_argument("--label", default="mainjob")
    a = ap.parse_args()
    if a.runs < 1 or a.warmup < 0:
        sys.exit("mainjob: need --runs >= 1 and --warmup >= 0")
    cfg_name = os.path.basename(a.config)
    # each side runs in <workdir>/<side>/run with its copy of the config there: a relative
    # output.dir (the shipped configs say ../out/...) then lands in <workdir>/<side>/out whether
    # the binary resolves it against the config file (this tree) or the working directory (0.1.0)
    dirs, rund = {}, {}
    for side, cfg in (("A", a.config), ("B", a.config)):
        d = os.path.join(a.workdir, side)
        rd = os.path.join(d, "run")
        os.makedirs(rd, exist_ok=True)
        with open(cfg, "rb") as src, open(os.path.join(rd, cfg_name), "wb") as dst:
            dst.write(src.read())
        dirs[side], rund[side] = d, rd
    binaries = {"A": a.a, "B": a.b}
    notes = []
    # probe B on A's config first: a baseline that predates a config key gets its own config
    rc, _, _ = run_once(a.b, cfg_name, rund["B"], os.path.join(a.workdir, "B-probe.log"))
    if rc == 2 and a.b_config:
        with open(a.b_config, "rb") as src, open(os.path.join(rund["B"], cfg_name), "wb") as dst:
            dst.write(src.read())
        notes.append("B rejected this tree's config (exit 2); B ran its own shipped config")
    elif rc != 0:
        sys.exit(f"mainjob: B failed on the config (exit {rc}): see {a.workdir}/B-probe.log")
    walls = {"A": [], "B": []}
    cpus = {"A": [], "B": []}
    for k in range(a.warmup + a.runs):
        for side in ("A", "B"):
            log = os.path.join(a.workdir, f"{side}-{k}.log")
            rc, wall, cpu = run_once(binaries[side], cfg_name, rund[side], log)
            if rc != 0:
                sys.exit(f"mainjob: {side} run {k} failed (exit {rc}): see {log}")
            if k >= a.warmup:
                walls[side].append(wall)
                cpus[side].append(cpu)
    ratios = [b / a_ for a_, b in zip(walls["A"], walls["B"])]
    res = {"label": a.label, "mainjob": 1, "pairs": a.runs, "warmup_pairs": a.warmup,
           "config": cfg_name, "notes": notes}
    for side in ("A", "B"):
        res[side] = {"binary": binaries[side], "wall_median": statistics.median(walls[side]),
                     "wall_min": min(walls[side]), "wall_max": max(walls[side]),
                     "cpu_median": statistics.median(cpus[side]), "walls": walls[side]}
    res["ratio_B_over_A"] = {"median": statistics.median(ratios), "min": min(ratios),
                             "max": max(ratios)}
    ya, yb = integrated_csv(dirs["A"]), integrated_csv(dirs["B"])
    if not ya or not yb:
        sys.exit("mainjob: a run wrote no *_integrated.csv")
    ma, ra = read_yields(ya)
    mb, rb = read_yields(yb)
    res["A"]["backend"], res["B"]["backend"] = ma.get("backend", "?"), mb.get("backend", "?")
    res["A"]["device"], res["B"]["device"] = ma.get("device", "?"), mb.get("device", "?")
    res["yields"] = compare(ra, rb)
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
