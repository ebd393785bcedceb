#!/usr/bin/env python3
"""report.py — markdown tables from the JSON lines of benchmarks/run-peers.sh (bench_peers,
peer_vegas.py, peer_petite.py, mainjob.py), with the honesty checks beside every figure:
each integrator's value +- error, pulls against darkyield (and against the closed form for
Genz), chi^2/dof and whether the precision goal was met.  Standard library only.

  report.py RESULTS.jsonl          print the tables
  report.py --meta PHASE MODE      print one JSON line describing the machine now"""
import json
import math
import os
import platform
import subprocess
import sys
import time


def meta(phase, mode):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for l in f:
                if l.startswith("model name"):
                    cpu = l.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0.0
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        pass
    git = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                         text=True).stdout.strip() or "?"
    print(json.dumps({"meta": 1, "phase": phase, "mode": mode,
                      "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                      "cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(mem, 1),
                      "loadavg": os.getloadavg(), "os": platform.platform(), "git": git}))


def fmt(v, e=None):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if e is None:
        return f"{v:.6g}"
    return f"{v:.6g} ± {e:.2g}"


def fint(n):
    return f"{int(n):,}".replace(",", " ")


def pull(a, b):
    s = math.hypot(a["error"], b["error"])
    return (a["value"] - b["value"]) / s if s > 0 else (0.0 if a["value"] == b["value"]
                                                         else math.inf)


def pstats(ps):
    ps = [p for p in ps if p is not None]
    if not ps:
        return "–"
    rms = math.sqrt(sum(p * p for p in ps) / len(ps))
    mean = sum(ps) / len(ps)
    return (f"mean {mean:+.2f}, rms {rms:.2f}, max {max(abs(p) for p in ps):.1f}, "
            f"{sum(1 for p in ps if abs(p) > 4)} > 4")


def load(path):
    recs = []
    with open(path) as f:
        for n, l in enumerate(f, 1):
            l = l.strip()
            if not l:
                continue
            try:
                recs.append(json.loads(l))
            except json.JSONDecodeError:
                sys.exit(f"report: {path}:{n}: not a JSON line")
    return recs


def exact_of(recs, label):
    return {r["i"]: r["exact"] for r in recs
            if r.get("label") == label and "exact" in r and "i" in r}


def x_of(recs, label):
    return {r["i"]: r["x"] for r in recs if r.get("label") == label and "x" in r and "i" in r}


def devices(recs, label):
    seen = []
    for s in recs:
        if s.get("label") == label and s.get("summary"):
            t = s["threads"]
            d = (f"{s['integrator']} ({s['backend']}, {t} thread{'' if t == '1' else 's'}): "
                 f"{s['device']}")
            if d not in seen:
                seen.append(d)
    return ["- ran on: " + "; ".join(seen) + "."] if seen else []


def table_evals(item, recs, skips):
    label = item["label"]
    rows = [r for r in recs if r.get("label") == label and "i" in r and "value" in r]
    xs, exact = x_of(recs, label), exact_of(recs, label)
    dy = {}
    for r in rows:
        if r["integrator"] == "darkyield":
            dy.setdefault(r["i"], r)
    xname = item.get("xname", "x")
    hdr = ["integrator", xname, "calls/iter", "value ± error", "rel. err", "evaluations",
           "iter.", "wall s", "χ²/dof", "pull vs darkyield"] + (["pull vs exact"] if exact else [])
    out = [f"### {item['title']}", "", item.get("what", ""), "",
           "| " + " | ".join(hdr) + " |", "|" + "---|" * len(hdr)]
    best, count = {}, {}
    for r in rows:  # fewest evaluations among converged runs, per integrator and point
        k = (r["integrator"], r["i"])
        count[k] = count.get(k, 0) + 1
        if r["converged"] and (k not in best or r["n_eval"] < best[k]["n_eval"]):
            best[k] = r
    for r in sorted(rows, key=lambda r: (r["i"], r["integrator"] != "darkyield",
                                         r["integrator"], r.get("calls", 0))):
        i, k = r["i"], (r["integrator"], r["i"])
        ref = dy.get(i)
        if "eval_per_pass" in r:
            calls = (f"{fint(r['eval_per_pass'])} per pass, {r.get('n_iter_warmup', 0)} + "
                     f"{r['n_iter']} passes")
        else:
            calls = fint(r["calls"]) if "calls" in r else "engine"
        cells = [r["integrator"], f"{xs.get(i, i):g}", calls, fmt(r["value"], r["error"]),
                 f"{r['error'] / abs(r['value']):.2g}" if r["value"] else "–",
                 fint(r["n_eval"]) + (" **(fewest)**" if best.get(k) is r and count[k] > 1
                                      else ""),
                 str(r["n_iter"]), f"{r['wall_s']:.3g}" if "wall_s" in r else "–",
                 f"{r['chi2_dof']:.2f}" if r.get("chi2_dof", -1) >= 0 else "–",
                 "reference" if r is ref else (f"{pull(r, ref):+.2f}" if ref else "–")]
        if not r["converged"]:
            cells[4] += " (goal not met)"
        if exact:
            cells.append(f"{(r['value'] - exact[i]) / r['error']:+.2f}" if r["error"] > 0
                         else "–")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    for i in sorted(dy):
        d = dy[i]
        parts = [f"{name} {fint(b['n_eval'])} ({b['n_eval'] / d['n_eval']:.2f}× darkyield's)"
                 for (name, j), b in sorted(best.items()) if j == i and name != "darkyield"]
        if parts:
            out.append(f"- {xname} = {xs.get(i, i):g}: darkyield {fint(d['n_eval'])} "
                       "evaluations; fewest of each peer (goal met): " + "; ".join(parts) + ".")
    out += devices(recs, label)
    for s in skips:
        if s["label"] == label:
            out.append(f"- {s['integrator']}: skipped: {s['reason']}")
    for n in item.get("notes", []):
        out.append(f"- {n}")
    out.append("")
    return out


def table_grid(item, recs, skips):
    label = item["label"]
    rows = [r for r in recs if r.get("label") == label and "i" in r and "value" in r]
    sums = [r for r in recs if r.get("label") == label and r.get("summary")]
    exact = exact_of(recs, label)
    # darkyield's reference values: its first run (another thread count must not change them)
    out = [f"### {item['title']}", "", item.get("what", ""), ""]
    dy_wall = {s.get("threads"): s["wall_s"] for s in sums if s["integrator"] == "darkyield"}
    ref_thr = item.get("ref_threads", "1") if item.get("ref_threads", "1") in dy_wall \
        else next(iter(dy_wall), None)
    ref_wall = dy_wall.get(ref_thr)
    out.append("| integrator | threads | integrals | wall s | evaluations | goal met | "
               "calls/iter | pulls vs darkyield | " + ("pulls vs exact | " if exact else "")
               + f"wall / darkyield's ({ref_thr} thread{'s' if ref_thr != '1' else ''}) |")
    ncol = out[-1].count("|") - 1
    out.append("|" + "---|" * ncol)
    dy_ref = {}
    for s in sums:
        if s["integrator"] == "darkyield":
            rs = [r for r in rows if r["integrator"] == "darkyield" and r.get("run") == s.get("run")]
            dy_ref = {r["i"]: r for r in rs}
            break
    for s in sums:
        rs = [r for r in rows if r["integrator"] == s["integrator"] and r.get("run") == s.get("run")]
        conv = sum(r["converged"] for r in rs)
        is_ref = s["integrator"] == "darkyield" and rs and dy_ref.get(rs[0]["i"]) is rs[0]
        pd = "reference" if is_ref else pstats([pull(r, dy_ref[r["i"]]) for r in rs
                                                 if r["i"] in dy_ref])
        pe = ""
        if exact:
            pe = pstats([(r["value"] - exact[r["i"]]) / r["error"] for r in rs
                         if r["error"] > 0 and r["i"] in exact]) + " | "
        ratio = f"{s['wall_s'] / ref_wall:.2f}" if ref_wall else "–"
        calls = fint(s["calls"]) if "calls" in s else "engine"
        out.append(f"| {s['integrator']} | {s.get('threads', '?')} | {s['n']} | "
                   f"{s['wall_s']:.3g} | {fint(s['n_eval'])} | {conv}/{len(rs)} | {calls} | "
                   f"{pd} | {pe}{ratio} |")
    out.append("")
    out += devices(recs, label)
    for s in skips:
        if s["label"] == label:
            out.append(f"- {s['integrator']}: skipped: {s['reason']}")
    for n in item.get("notes", []):
        out.append(f"- {n}")
    out.append("")
    return out


def table_mainjob(item, recs, skips):
    out = [f"### {item['title']}", "", item.get("what", ""), ""]
    mj = [r for r in recs if r.get("mainjob") and r.get("label") == item["label"]]
    for s in skips:
        if s["label"] == item["label"]:
            out += [f"- skipped: {s['reason']}", ""]
    if not mj:
        return out
    m = mj[-1]
    out.append("| build | backend | wall s, median (min–max) | cpu s, median |")
    out.append("|---|---|---|---|")
    for side, name in (("A", "this tree"), ("B", "darkyield 0.1.0 (0be5de8)")):
        s = m[side]
        out.append(f"| {name} | {s['backend']} | {s['wall_median']:.2f} ({s['wall_min']:.2f}–"
                   f"{s['wall_max']:.2f}) | {s['cpu_median']:.2f} |")
    r = m["ratio_B_over_A"]
    y = m["yields"]
    out.append("")
    out.append(f"- speed-up 0.1.0 / this tree, paired per run: median {r['median']:.2f}× "
               f"(min {r['min']:.2f}, max {r['max']:.2f}) over {m['pairs']} pairs "
               f"({m['warmup_pairs']} untimed pair(s) first).")
    w = y.get("worst")
    out.append(f"- yields (N above the cut and N total per channel and mass, "
               f"{y['n_compared']} numbers): {y['identical']} identical; pulls "
               f"(A − B)/√(σA² + σB²): rms {y['pull_rms']:.2f}, max |pull| {y['pull_max']:.2f}, "
               f"{y['n_over_4']} above 4"
               + (f" (worst: {w['channel']} m = {w['mass_GeV']:g} GeV {w['quantity']}: "
                  f"{w['A']:.6g} vs {w['B']:.6g}, pull {w['pull']:+.2f})" if w else "") + ".")
    if y.get("missing"):
        out.append(f"- rows in only one of the two outputs: {y['missing']}")
    for n in m.get("notes", []) + item.get("notes", []):
        out.append(f"- {n}")
    out.append("")
    return out


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--meta":
        meta(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    recs = load(sys.argv[1])
    # runs of one integrator on one item are told apart by the order of their summaries
    run = {}
    for r in recs:
        if "integrator" in r and "label" in r and ("i" in r or r.get("summary")):
            k = (r["label"], r["integrator"])
            r["run"] = run.get(k, 0)
            if r.get("summary"):
                run[k] = run.get(k, 0) + 1
    metas = [r for r in recs if r.get("meta")]
    items = [r for r in recs if r.get("item")]
    skips = [r for r in recs if r.get("skip")]
    start = metas[0] if metas else {}
    end = metas[-1] if metas else {}
    out = ["## Peers side by side: `benchmarks/run-peers.sh"
           + (" --quick" if start.get("mode") == "quick" else "") + "`", ""]
    if start:
        out.append(f"Machine: {start['cpu']}, {start['cores']} cores, {start['mem_gib']} GiB; "
                   f"{start['os']}.  Date: {start['date']}.  Tree: {start['git']}.  "
                   f"Load average at start {start['loadavg'][0]:.2f}, at end "
                   f"{end.get('loadavg', [math.nan])[0]:.2f} (a shared machine: timings "
                   "are provisional).")
        out.append("")
    for it in items:
        kind = it["kind"]
        out += (table_evals if kind == "evals" else table_grid if kind == "grid"
                else table_mainjob)(it, recs, skips)
    print("\n".join(out))


if __name__ == "__main__":
    main()
