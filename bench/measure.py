"""The four measurements behind ``python -m bench``; each returns plain data (JSON-ready).

Timings use ``time.perf_counter`` and are summarised by medians and the 95th
percentile: single runs on a shared two-core machine are too noisy to quote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache

from bench.corpus import AFTER_KILL, CORPUS, HOSTILE, SLOW_IN_SYMPY
from bench.pages import PAGES
from calc_core import limits
from calc_core.differences import SCHEMES, THEORY
from calc_core.errors import InputError
from calc_core.guard import DEFAULT_TIMEOUT, WorkerPool
from calc_core.parser import parse, symbol

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ("reference", "bench/reference_app.py", "f", list(PAGES[0][3]))


def median(values) -> float:
    return float(np.median(values))


def p95(values) -> float:
    return float(np.percentile(values, 95))


# ----------------------------------------------------------------------------- 1. latency


def _time_input(text: str, reps: int) -> tuple[float, float, float, float]:
    """Median seconds of parse and of parse + diff + latex: fresh (cache cleared) and hot."""
    x = symbol("x")
    fresh_parse, fresh_all, hot_parse, hot_all = [], [], [], []
    for _ in range(reps):
        # sympy caches constructors and diff(): clearing it makes each call see a new
        # expression, as a worker does for a new input (the conservative figure)
        clear_cache()
        t0 = time.perf_counter()
        expr = parse(text)
        t1 = time.perf_counter()
        sp.latex(sp.diff(expr, x))
        t2 = time.perf_counter()
        fresh_parse.append(t1 - t0)
        fresh_all.append(t2 - t0)
    for _ in range(reps):  # the same input again: what an already-seen expression costs
        t0 = time.perf_counter()
        expr = parse(text)
        t1 = time.perf_counter()
        sp.latex(sp.diff(expr, x))
        t2 = time.perf_counter()
        hot_parse.append(t1 - t0)
        hot_all.append(t2 - t0)
    return median(fresh_parse), median(fresh_all), median(hot_parse), median(hot_all)


def latency(reps: int) -> dict:
    """Section 1: per-input medians over ``CORPUS``, summarised across the corpus (ms)."""
    refused = []
    for text in CORPUS:  # the warm-up pass: first-call costs of sympy and the parser
        try:
            sp.latex(sp.diff(parse(text), symbol("x")))
        except InputError as err:
            refused.append({"input": text, "code": err.code})
    good = [t for t in CORPUS if t not in {r["input"] for r in refused}]
    rows = []
    for text in good:
        fp, fa, hp, ha = _time_input(text, reps)
        rows.append({"input": text, "parse": fp, "all": fa, "parse_hot": hp, "all_hot": ha})

    def summary(key: str) -> dict:
        ms = [1e3 * r[key] for r in rows]
        worst = max(rows, key=lambda r: r[key])
        return {"median_ms": median(ms), "p95_ms": p95(ms), "max_ms": max(ms), "worst": worst}

    return {
        "inputs": len(CORPUS),
        "reps": reps,
        "refused": refused,
        "parse": summary("parse"),
        "parse_diff_latex": summary("all"),
        "parse_hot": summary("parse_hot"),
        "parse_diff_latex_hot": summary("all_hot"),
        "rows": rows,
    }


# ----------------------------------------------------------------------------- 2. hostile


def _answer(pool: WorkerPool, text: str) -> tuple[float, str, bool]:
    """Time one input end to end through the pool: (seconds, outcome, ok)."""
    t0 = time.perf_counter()
    try:
        result = pool.run(limits.analyze, text, 1.0)
        outcome, ok = f"result ({result.derivative.status})", True
    except InputError as err:
        outcome, ok = f"error {err.code}", True
    except Exception as exc:  # a crash is a bug: reported, and the bench fails
        outcome, ok = f"CRASH {type(exc).__name__}", False
    return time.perf_counter() - t0, outcome, ok


def hostile(reps: int, unbounded: bool) -> dict:
    """Section 2: every hostile input through ``WorkerPool.run(limits.analyze, ...)``."""
    pool = WorkerPool(size=2, max_workers=2, timeout=DEFAULT_TIMEOUT)
    pool.warm()  # as a server that has been up a while: the figure is the answer, not imports
    rows = []
    try:
        for label, text in HOSTILE:
            times, outcome, ok = [], "", True
            for _ in range(reps):
                seconds, outcome, this_ok = _answer(pool, text)
                times.append(seconds)
                ok = ok and this_ok
            rows.append({"label": label, "max_s": max(times), "outcome": outcome, "ok": ok})
        kills_before = pool.kills
        slow_s, slow_outcome, slow_ok = _answer(pool, SLOW_IN_SYMPY)
        after_s, after_outcome, after_ok = _answer(pool, AFTER_KILL)
        killed = pool.kills - kills_before
    finally:
        pool.close()
    unbounded_s = unbounded_outcome = None
    if unbounded:  # how long sympy really needs for it, with a generous limit
        patient = WorkerPool(size=1, max_workers=1, timeout=120.0)
        patient.warm()
        try:
            unbounded_s, unbounded_outcome, _ = _answer(patient, SLOW_IN_SYMPY)
        finally:
            patient.close()
    return {
        "limit_s": DEFAULT_TIMEOUT,
        "reps": reps,
        "rows": rows,
        "max_s": max(r["max_s"] for r in rows),
        "slowest": max(rows, key=lambda r: r["max_s"])["label"],
        "all_answered": all(r["ok"] for r in rows) and slow_ok and after_ok,
        "slow_input": SLOW_IN_SYMPY,
        "slow_s": slow_s,
        "slow_outcome": slow_outcome,
        "slow_killed": killed,
        "slow_unbounded_s": unbounded_s,
        "slow_unbounded_outcome": unbounded_outcome,
        "after_kill_s": after_s,
        "after_kill_outcome": after_outcome,
    }


# ----------------------------------------------------------------------------- 3. pages

_COLD = """
import json, sys, time
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60)
t0 = time.perf_counter()
at.run()
seconds = time.perf_counter() - t0
problems = [e.message for e in at.exception] + [e.value for e in at.error]
print(json.dumps({"seconds": seconds, "problems": problems}))
"""


def _cold_first_run(page: str) -> float:
    """First run of ``page`` in a fresh process (streamlit imported; the page's own
    imports, the first worker's start-up and the first computation all counted)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # stderr goes to a file, not a pipe: worker processes the page starts inherit it, and a
    # pipe would keep us waiting until the last of them exits
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
        done = subprocess.run(
            [sys.executable, "-c", _COLD, str(ROOT / page)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            timeout=240,
            check=False,
        )
        if done.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"cold run of {page} failed:\n{err.read()[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["problems"]:
        raise RuntimeError(f"{page} failed on its first run: {report['problems']}")
    return report["seconds"]


_WIDGET_KINDS = ("text_input", "text_area", "selectbox", "radio", "select_slider", "number_input")


def _widget(at, key: str):
    """The widget with this key, whatever its kind (pages may register any input)."""
    for kind in _WIDGET_KINDS:
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(f"no widget with key {key!r} (looked for {', '.join(_WIDGET_KINDS)})")


def _problems(at) -> list[str]:
    return [e.message for e in at.exception] + [e.value for e in at.error]


def page_reruns(rounds: int, cold_reps: int) -> dict:
    """Section 3: warm reruns of every registered page, interleaved with the reference app.

    Each app first sees each of its values once (so its compute caches hold them),
    then the apps take turns: one rerun each per step, the value changing every
    time. Interleaving exposes the page and the reference to the same noise.
    """
    from streamlit.testing.v1 import AppTest

    apps = [REFERENCE, *PAGES]
    tests, times, problems = {}, {}, {}
    for name, page, key, values in apps:
        at = AppTest.from_file(str(ROOT / page), default_timeout=60)
        at.run()
        for value in values:
            _widget(at, key).set_value(value).run()
            if _problems(at):
                problems[name] = [f"{value!r}: {p}" for p in _problems(at)]
        tests[name], times[name] = at, []
    steps = rounds * max(len(values) for *_, values in apps)
    for k in range(steps):
        for name, _page, key, values in apps:
            at = tests[name]
            widget = _widget(at, key).set_value(values[k % len(values)])
            t0 = time.perf_counter()
            widget.run()
            times[name].append(time.perf_counter() - t0)
            if _problems(at):
                problems.setdefault(name, []).extend(_problems(at))
    cold = {name: [_cold_first_run(page) for _ in range(cold_reps)] for name, page, *_ in apps}
    ref = median(times["reference"])
    pages = []
    for name, page, _key, values in apps:
        warm = median(times[name])
        pages.append(
            {
                "name": name,
                "page": page,
                "values": values,
                "warm_median_ms": 1e3 * warm,
                "warm_p95_ms": 1e3 * p95(times[name]),
                "ratio": warm / ref,
                "cold_first_run_s": median(cold[name]),
                "cold_runs_s": cold[name],
                "warm_runs_ms": [1e3 * t for t in times[name]],
                "problems": problems.get(name, []),
            }
        )
    return {"rounds": rounds, "reruns_per_app": steps, "cold_reps": cold_reps, "pages": pages}


# ----------------------------------------------------------------------------- 4. accuracy


def accuracy() -> dict:
    """Section 4: each scheme's measured best h and best error next to float64 theory."""
    cases = []
    for text in ("sin(x)", "3x^2 - 4x"):
        sweep = limits.analyze(text, 1.0).sweep
        cases.append(
            {
                "f": text,
                "x0": 1.0,
                "exact": sweep.exact,
                "schemes": [
                    {
                        "scheme": s,
                        "best_h": sweep.best_h.get(s),
                        "best_error": sweep.best_error.get(s),
                        "theory_h": THEORY[s].best_h,
                        "theory_error": THEORY[s].best_error,
                    }
                    for s in SCHEMES
                ],
            }
        )
    return {"cases": cases}
