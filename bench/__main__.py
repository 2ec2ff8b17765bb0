"""``python -m bench [--quick] [--json PATH]``: print Calculus Lab's speed and accuracy figures.

Exits 1 when something is *wrong* (a corpus input refused, a hostile input crashing
a worker, a page raising or showing an error); a missed speed target is printed
as MISSED but is not a failure, since shared machines are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

from bench import SECTIONS, first_paint, measure

PARSE_TARGET_MS = 1.0
RATIO_TARGET = 1.5


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in ("streamlit", "sympy", "numpy", "altair", "pandas"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "versions": versions,
        # other people's work on a shared machine: the figures below are relative to this
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def header(index: int) -> None:
    print(f"\n== {SECTIONS[index]} ==", flush=True)


def report_latency(r: dict) -> list[str]:
    header(0)
    print(
        f"{r['inputs']} inputs, median of {r['reps']} calls each after one warm-up pass; "
        "figures across the corpus, ms"
    )
    print("  sympy cache cleared before each call (every expression new, as for a new input):")
    for key, label in (("parse", "parse"), ("parse_diff_latex", "parse + diff + latex")):
        s = r[key]
        print(
            f"    {label:22s} median {s['median_ms']:7.3f}  p95 {s['p95_ms']:7.3f}  "
            f"max {s['max_ms']:7.3f}  (slowest: {s['worst']['input']})"
        )
    print("  the same expression again (sympy cache hot):")
    for key, label in (("parse_hot", "parse"), ("parse_diff_latex_hot", "parse + diff + latex")):
        s = r[key]
        print(f"    {label:22s} median {s['median_ms']:7.3f}  p95 {s['p95_ms']:7.3f}")
    over = [row["input"] for row in r["rows"] if 1e3 * row["parse"] >= PARSE_TARGET_MS]
    met = r["parse"]["median_ms"] < PARSE_TARGET_MS
    print(
        f"  target parse < {PARSE_TARGET_MS:g} ms for ordinary input (the median): {verdict(met)}; "
        f"{len(over)} of {len(r['rows'])} inputs at or over it"
        + (f" ({', '.join(over[:5])}{', ...' if len(over) > 5 else ''})" if over else "")
    )
    return [f"corpus input refused: {x['input']!r} ({x['code']})" for x in r["refused"]]


def report_hostile(r: dict) -> list[str]:
    header(1)
    limit = r["limit_s"]
    print(
        f"{len(r['rows'])} inputs through WorkerPool.run(limits.analyze, text, 1.0), "
        f"limit {limit:g} s, warm pool of 2; worst of {r['reps']} run(s) each"
    )
    for row in r["rows"]:
        print(f"    {1e3 * row['max_s']:8.1f} ms  {row['label']:24s} {row['outcome']}")
    met = r["max_s"] <= limit
    print(
        f"  max {1e3 * r['max_s']:.1f} ms ({r['slowest']}); "
        f"target every input answered within {limit:g} s: {verdict(met and r['all_answered'])}"
    )
    print(f"  passes the parser, slow in sympy: {r['slow_input']}")
    if r["slow_unbounded_s"] is not None:
        print(
            f"    unbounded (120 s limit): {r['slow_unbounded_s']:.2f} s, "
            f"{r['slow_unbounded_outcome']}"
        )
    print(
        f"    through the pool: {r['slow_s']:.2f} s, {r['slow_outcome']} "
        f"(workers killed: {r['slow_killed']})"
    )
    print(
        f"    next input right after the kill: {1e3 * r['after_kill_s']:.1f} ms, "
        f"{r['after_kill_outcome']}"
    )
    failures = [f"hostile input {x['label']!r}: {x['outcome']}" for x in r["rows"] if not x["ok"]]
    if not r["all_answered"] and not failures:
        failures.append("the slow input or the input after the kill was not answered")
    return failures


def report_pages(r: dict) -> list[str]:
    header(2)
    print(
        f"AppTest, {r['reruns_per_app']} warm reruns per app, interleaved with the reference "
        f"(one text_input, sympy diff, st.latex, 400-point Altair chart); cold = first run in a "
        f"fresh process, median of {r['cold_reps']}"
    )
    print(
        f"    {'app':12s} {'warm median':>12s} {'warm p95':>10s} {'ratio':>7s} "
        f"{'cold first run':>15s}"
    )
    failures = []
    for p in r["pages"]:
        print(
            f"    {p['name']:12s} {p['warm_median_ms']:9.1f} ms {p['warm_p95_ms']:7.1f} ms "
            f"{p['ratio']:6.2f}x {p['cold_first_run_s']:13.2f} s"
        )
        failures += [f"page {p['name']}: {m}" for m in p["problems"]]
    for p in r["pages"][1:]:
        print(
            f"  target {p['name']} / reference <= {RATIO_TARGET:g}x: "
            f"{verdict(p['ratio'] <= RATIO_TARGET)}"
        )
    return failures


def report_accuracy(r: dict) -> list[str]:
    header(3)
    print("best h and best |error| from limits.analyze(...).sweep (h = 1e-1 ... 1e-16) vs THEORY")
    for case in r["cases"]:
        print(f"  f = {case['f']} at x = {case['x0']:g} (f' = {case['exact']:.17g})")
        print(
            f"    {'scheme':11s} {'best h':>9s} {'theory h':>9s} {'best error':>11s} {'theory':>9s}"
        )
        for s in case["schemes"]:
            h = "n/a" if s["best_h"] is None else f"{s['best_h']:.1e}"
            e = "n/a" if s["best_error"] is None else f"{s['best_error']:.1e}"
            print(
                f"    {s['scheme']:11s} {h:>9s} {s['theory_h']:9.1e} {e:>11s} "
                f"{s['theory_error']:9.1e}"
            )
    return []


def report_first_paint(r: dict) -> list[str]:
    header(4)
    if "unavailable" in r:
        print(f"  not measured: {r['unavailable']}")
        in_ci = os.environ.get("CI", "").strip().lower() == "true"
        return [f"first paint not measured: {r['unavailable']}"] if in_ci else []
    first_paint.report(r)
    return []


def _first_paint(rounds: int, visit_rounds: int, pages: list[str] | None) -> dict:
    try:
        return first_paint.measure(rounds, visit_rounds, pages)
    except first_paint.Unavailable as err:
        return {"unavailable": str(err)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI smoke run)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the raw figures here")
    args = parser.parse_args(argv)
    reps = (
        dict(latency=3, hostile=1, unbounded=False, rounds=2, cold=1, loads=1, visits=1)
        if args.quick
        else dict(latency=15, hostile=3, unbounded=True, rounds=15, cold=3, loads=7, visits=3)
    )
    started = time.perf_counter()
    info = machine()
    print(f"Calculus Lab bench{' (--quick)' if args.quick else ''} — {info['date']}")
    load = info["load_average_1min"]
    print(
        f"{info['cpu']}, {info['cores']} cores, {info['platform']}, Python {info['python']}"
        + ("" if load is None else f", load average {load:.1f} at start")
    )
    print(", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    results = {"machine": info, "quick": args.quick}
    failures: list[str] = []

    sections = [
        ("latency", lambda: measure.latency(reps["latency"]), report_latency),
        ("hostile", lambda: measure.hostile(reps["hostile"], reps["unbounded"]), report_hostile),
        ("pages", lambda: measure.page_reruns(reps["rounds"], reps["cold"]), report_pages),
        ("accuracy", measure.accuracy, report_accuracy),
        (
            "first_paint",
            # --quick: the first visit after a start of one page only (each is a server start)
            lambda: _first_paint(reps["loads"], reps["visits"], ["limits"] if args.quick else None),
            report_first_paint,
        ),
    ]
    results["section_seconds"] = {}
    for name, run, report in sections:
        t0 = time.perf_counter()
        results[name] = run()
        failures += report(results[name])
        results["section_seconds"][name] = seconds = time.perf_counter() - t0
        print(f"  (section took {seconds:.0f} s)")

    results["seconds"] = time.perf_counter() - started
    results["failures"] = failures
    print(f"\n{len(failures)} failure(s); bench took {results['seconds']:.0f} s")
    for failure in failures:
        print(f"  FAILURE: {failure}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"raw figures written to {args.json}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
