"""``python -m bench.checker [--wrong N] [--right N] [--seed S] [--json PATH]``: how far the
exercise checker can be trusted.

Generates ``N`` wrong answers (:func:`bench.checker_corpus.wrong_answer`: terms that
vanish on part of the domain, holes, periodic inverses, plain slips; each one proved
wrong at a witness point by ``evalf`` at 50 digits before it counts) and ``N`` right
answers (the references rewritten and printed in many notations), spread evenly over
every formula part of every exercise, and runs :func:`calc_core.answers.check` on each.

Prints the **false-accept rate** (wrong answers judged ``right`` or ``unsimplified``;
target 0) and the **right-acceptance rate** (right answers judged ``right`` or
``unsimplified``; target >= 98%), the verdicts by family, and the time per check
(median and maximum, wall and CPU, with the load average: on a shared machine the
wall time stretches; every check must finish well inside the worker's 3 s).
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict

from bench.checker_corpus import as_typed, is_wrong_at, parts, right_answer, wrong_answer
from calc_core.answers import check
from calc_core.errors import InputError

ACCEPT = ("right", "unsimplified")


def _run(text, spec):
    start, cpu = time.perf_counter(), time.process_time()
    try:
        status = check(text, spec).status
    except InputError as err:
        status = f"refused:{err.code}"
    _CPU.append(time.process_time() - cpu)
    return status, time.perf_counter() - start


_CPU: list[float] = []


def measure(n_wrong: int, n_right: int, seed: int) -> dict:
    rng = random.Random(seed)
    every = parts()
    wrong: dict[str, Counter] = defaultdict(Counter)
    false_accepts: list[tuple[str, str, str]] = []
    times: list[float] = []
    slowest: list[tuple[float, str, str]] = []
    skipped = 0
    for i in range(n_wrong):
        part = every[i % len(every)]
        gen = wrong_answer(part, rng)
        try:
            got = as_typed(gen.text, part)
        except InputError:
            skipped += 1  # too long for the grammar: not a well-formed answer
            continue
        if len(got) != len(part.want) or not is_wrong_at(
            part, got[gen.component], gen.component, gen.witness, rng
        ):
            skipped += 1
            continue
        status, seconds = _run(gen.text, part.spec)
        times.append(seconds)
        slowest.append((seconds, part.name, gen.text))
        wrong[gen.family][status] += 1
        if status in ACCEPT:
            false_accepts.append((part.name, gen.family, gen.text))
    right: Counter = Counter()
    refused: list[tuple[str, str, str]] = []
    for i in range(n_right):
        part = every[i % len(every)]
        text = right_answer(part, rng)
        status, seconds = _run(text, part.spec)
        times.append(seconds)
        slowest.append((seconds, part.name, text))
        right[status] += 1
        if status not in ACCEPT:
            refused.append((part.name, status, text))
    n_w = sum(sum(c.values()) for c in wrong.values())
    n_r = sum(right.values())
    fa = len(false_accepts)
    acc = sum(right[s] for s in ACCEPT)
    return {
        "seed": seed,
        "wrong": n_w,
        "wrong_skipped": skipped,
        "false_accepts": fa,
        "false_accept_rate": fa / n_w if n_w else 0.0,
        "right": n_r,
        "right_accepted": acc,
        "right_acceptance_rate": acc / n_r if n_r else 0.0,
        "wrong_by_family": {k: dict(v) for k, v in sorted(wrong.items())},
        "right_verdicts": dict(right),
        "false_accept_examples": false_accepts[:20],
        "right_refused_examples": refused[:20],
        "seconds_median": statistics.median(times) if times else 0.0,
        "seconds_max": max(times, default=0.0),
        "cpu_seconds_median": statistics.median(_CPU) if _CPU else 0.0,
        "cpu_seconds_max": max(_CPU, default=0.0),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "slowest": sorted(slowest, reverse=True)[:5],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wrong", type=int, default=1000, help="wrong answers to generate")
    ap.add_argument("--right", type=int, default=500, help="right answers to generate")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--json", help="write the raw figures here")
    args = ap.parse_args(argv)
    r = measure(args.wrong, args.right, args.seed)
    print(
        f"false accepts: {r['false_accepts']} of {r['wrong']} wrong answers "
        f"({100 * r['false_accept_rate']:.2f}%; {r['wrong_skipped']} generated answers "
        f"skipped as unreadable or not provably wrong)"
    )
    print(
        f"right answers accepted: {r['right_accepted']} of {r['right']} "
        f"({100 * r['right_acceptance_rate']:.1f}%)"
    )
    print(
        f"time per check: median {r['seconds_median']:.3f} s, max {r['seconds_max']:.2f} s "
        f"(CPU: median {r['cpu_seconds_median']:.3f} s, max {r['cpu_seconds_max']:.2f} s; "
        f"load average {r['load_average']})"
    )
    print("wrong answers by family (verdict: count):")
    for family, verdicts in r["wrong_by_family"].items():
        print(f"  {family:18s} {verdicts}")
    print(f"right answers' verdicts: {r['right_verdicts']}")
    for name, family, text in r["false_accept_examples"]:
        print(f"  FALSE ACCEPT {name} [{family}]: {text}")
    for name, status, text in r["right_refused_examples"]:
        print(f"  not accepted {name} [{status}]: {text}")
    for seconds, name, text in r["slowest"]:
        print(f"  slowest: {seconds:.2f} s {name}: {text}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(r, fh, indent=1, default=str, ensure_ascii=False)
    return 1 if r["false_accepts"] else 0


if __name__ == "__main__":
    sys.exit(main())
