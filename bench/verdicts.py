"""``python -m bench.verdicts [--core DIR] [--scale N]``: how often derivative_at is right.

Builds the corpus of :mod:`bench.verdict_reference` (functions x points in the classes
of issue 10, plus smooth controls), decides each case with the independent reference,
and runs ``calc_core.derivative.derivative_at`` on it in a child process with the
worker's 3 s limit (a case that overruns is killed and counted as a timeout). A case
is right when the status matches the reference and, where the reference has finite
slopes, the slopes match it (relative 1e-7, absolute 1e-8). ``unknown`` is counted
apart from wrong: no verdict is better than a false one.

``--core DIR`` measures the ``calc_core`` of another checkout (for example the tree
before a change) against the same corpus and reference.
"""

from __future__ import annotations

import argparse
import json
import math
import selectors
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.verdict_reference import corpus, reference

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 3.0
CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from calc_core.derivative import derivative_at
from calc_core.parser import parse
from fractions import Fraction
for line in sys.stdin:
    f, x0 = json.loads(line)
    started = time.perf_counter()
    try:
        d = derivative_at(parse(f), float(Fraction(x0)))
        out = [d.status, d.value, d.left, d.right]
    except Exception as err:  # a crash is a wrong answer, reported with its type
        out = ["error:" + type(err).__name__, None, None, None]
    out.append(time.perf_counter() - started)
    print(json.dumps(out), flush=True)
"""


class Child:
    """A process computing derivative_at case by case; killed when one overruns."""

    def __init__(self, core: Path):
        self.core = core
        self.proc = None

    def ask(self, f: str, x0: str) -> list:
        if self.proc is None:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(self.core)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=self.core,
            )
            self.ask("x", "1")  # imports and first-call costs are not the case's
        self.proc.stdin.write(json.dumps([f, x0]) + "\n")
        self.proc.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=LIMIT):
            self.close()
            return ["timeout", None, None, None, LIMIT]
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-7 * max(1.0, abs(b)) + 1e-8


def judge(got: list, ref) -> str:
    """``right``, ``unknown``, ``timeout`` or ``wrong``."""
    status, value, left, right = got[:4]
    if status == "timeout":
        return "timeout"
    if status != ref.status:
        return "unknown" if status == "unknown" else "wrong"
    if status == "ok":
        return "right" if _close(value, ref.value) else "wrong"
    for mine, theirs in ((left, ref.left), (right, ref.right)):
        if theirs is not None and not math.isinf(theirs) and not _close(mine, theirs):
            return "wrong"
    return "right"


def measure(core: Path, scale: int, seed: int, verbose: bool) -> dict:
    cases = corpus(seed, scale)
    refs = [reference(f, x0) for _, f, x0 in cases]
    usable = [(c, r) for c, r in zip(cases, refs, strict=True) if r.status != "inconclusive"]
    child = Child(core)
    by_class: dict[str, Counter] = {}
    times, wrong = [], []
    try:
        for (cls, f, x0), ref in usable:
            got = child.ask(f, x0)
            verdict = judge(got, ref)
            by_class.setdefault(cls, Counter())[verdict] += 1
            times.append(got[4])
            if verdict != "right":
                wrong.append((cls, f, x0, got[0], ref.status, verdict))
    finally:
        child.close()
    total = Counter()
    for c in by_class.values():
        total.update(c)
    if verbose:
        for w in wrong:
            cls, f, x0, got, want, verdict = w
            print(f"  {cls:16s} {f:34s} x0={x0:5s} got {got:18s} want {want:18s} ({verdict})")
    return {
        "core": str(core),
        "cases": len(usable),
        "functions": len({f for (_, f, _), _ in usable}),
        "inconclusive": len(cases) - len(usable),
        "by_class": {k: dict(v) for k, v in sorted(by_class.items())},
        "total": dict(total),
        "median_s": statistics.median(times),
        "max_s": max(times),
        "over_1_5_s": sum(t > 1.5 for t in times),
    }


def report(r: dict) -> None:
    t = r["total"]
    print(f"calc_core from {r['core']}: {r['cases']} cases, {r['functions']} functions")
    for cls, c in r["by_class"].items():
        n = sum(c.values())
        print(f"  {cls:16s} {c.get('right', 0):4d}/{n:<4d} right", end="")
        print(f"  (unknown {c.get('unknown', 0)}, wrong {c.get('wrong', 0)},", end="")
        print(f" timeout {c.get('timeout', 0)})")
    print(
        f"  TOTAL            {t.get('right', 0)}/{r['cases']} right, {t.get('unknown', 0)} unknown,"
        f" {t.get('wrong', 0)} wrong, {t.get('timeout', 0)} over {LIMIT:g} s;"
        f" time per call median {r['median_s'] * 1000:.0f} ms, max {r['max_s']:.2f} s,"
        f" {r['over_1_5_s']} over 1.5 s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", type=Path, action="append", help="checkout(s) to measure")
    parser.add_argument("--scale", type=int, default=4, help="corpus size (x ~60 functions)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--verbose", action="store_true", help="list every case not right")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    cores = [c.resolve() for c in args.core or [ROOT]]
    results = [measure(c, args.scale, args.seed, args.verbose) for c in cores]
    for r in results:
        report(r)
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(r["total"].get("wrong", 0) == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
