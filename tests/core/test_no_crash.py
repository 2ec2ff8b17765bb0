"""No number a visitor types crashes a page: every page's core function, generated inputs.

Numbers and powers with random bases (tiny, huge, fractions, decimals, scientific) and
exponents go through every core function a page calls, in the function and in the
point, in worker processes as the pages call them. Each call returns a record -- whose
LaTeX, text and code the core has already printed -- or an :class:`InputError`
(``too_complex`` when it overran the time limit); a crash in the worker fails the test
with its traceback. The parser itself answers every such number within milliseconds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calc_core import (
    backprop,
    chain,
    diffsteps,
    exercises,
    gradcheck,
    gradients,
    limits,
    tangent,
)
from calc_core.errors import ERROR_CODES, InputError
from calc_core.guard import DEFAULT_TIMEOUT, WorkerPool
from calc_core.parser import parse

ROOT = Path(__file__).resolve().parents[2]
#: A call may first wait for a fresh worker's imports (after a kill, on a busy machine).
STARTUP_SLACK = 30.0


def _in(variable: str) -> Callable[[str], str]:
    return lambda f: re.sub(r"\bx\b", variable, f)


#: Every core function a page hands user input to, and its arguments built from f, a
#: point typed as text and the same point as the float a number widget gives.
CORE_CALLS: dict[str, tuple[Callable[..., object], Callable[[str, str, float], tuple]]] = {
    "limits.analyze": (limits.analyze, lambda f, p, x0: (f, x0)),
    "limits.analyze[bfloat16]": (
        limits.analyze,
        lambda f, p, x0: (f, x0, 0.1, 5, 10.0, "central", "bfloat16"),
    ),
    "limits.secant_view": (limits.secant_view, lambda f, p, x0: (f, x0, 0.1)),
    "tangent.curves": (tangent.curves, lambda f, p, x0: (f, -10.0, 10.0)),
    "tangent.tangent_at": (tangent.tangent_at, lambda f, p, x0: (f, x0, -10.0, 10.0, 0.1)),
    "gradients.dimension_of": (gradients.dimension_of, lambda f, p, x0: (_in("x1")(f),)),
    "gradients.analyze": (gradients.analyze, lambda f, p, x0: (_in("x1")(f), f"{p}, 1", 2)),
    "gradients.field_view": (gradients.field_view, lambda f, p, x0: (_in("x1")(f), f"{p}, 1", 2)),
    "gradcheck.check": (
        gradcheck.check,
        lambda f, p, x0: (_in("x1")(f), f"{p}, 1", 2, "float32", 1e-3, 1e-5, 1e-3, "x2; x1"),
    ),
    "diffsteps.steps": (diffsteps.steps, lambda f, p, x0: (f,)),
    "backprop.backprop": (backprop.backprop, lambda f, p, x0: (f, f"x={p}")),
    "chain.walkthrough": (
        chain.walkthrough,
        lambda f, p, x0: ("y", f"y = {_in('a')(f)}", f"a={p}"),
    ),
    "exercises.check_example": (exercises.check_example, lambda f, p, x0: (f, p)),
    "exercises.check_answer": (exercises.check_answer, lambda f, p, x0: ("tangent", "main", f)),
}


# -- numbers as students type them

_integers = st.one_of(st.integers(0, 20), st.integers(0, 10**12)).map(str)
_decimals = st.builds(
    lambda zeros, digits: f"0.{'0' * zeros}{digits}", st.integers(0, 30), st.integers(1, 99999)
)
_scientific = st.builds(
    lambda m, e: f"{m}e{e}", st.sampled_from(["1", "2.5", "9.99", "0.25"]), st.integers(-60, 60)
)
_fractions = st.builds(lambda p, q: f"({p}/{q})", st.integers(1, 10**6), st.integers(1, 10**6))
_bases = st.one_of(
    _integers,
    _decimals,
    _scientific,
    _fractions,
    _integers.map(lambda n: f"(-{n})"),
    st.sampled_from(["pi", "e", "sqrt(2)", "1.0001", "(1 + 1/1000)", "sqrt(-2)"]),
)
_exponents = st.one_of(
    st.integers(-(10**9), 10**9).map(lambda n: f"({n})"),
    st.integers(-400, 400).map(lambda n: f"({n})"),
    st.sampled_from(["1e40", "(-1e40)", "(1/3)", "0.5", "(-30000)", "88888888", "(2/7)"]),
    _scientific.map(lambda s: f"({s})"),
)
powers = st.builds(lambda b, e: f"{b}^{e}", _bases, _exponents)
numbers = st.one_of(powers, powers, _bases)
functions = st.builds(
    lambda form, c: form.format(c=c),
    st.sampled_from(["{c}", "x*{c}", "x + {c}", "{c} x^2 - x", "x^x + {c}", "sin({c} x)", "x^{c}"]),
    numbers,
)
points = st.one_of(numbers, st.sampled_from(["5", "0.5", "-2", "1e-3", "pi/4"]))


def _core_functions_pages_call() -> set[str]:
    """``module.function`` of every ``compute(...)`` in pages/ and lab_ui/ (read from the code)."""
    aliases = {"ex": "exercises"}
    found = set()
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("lab_ui/*.py")]:
        for module, name in re.findall(r"compute\(\s*(\w+)\.(\w+)", path.read_text()):
            found.add(f"{aliases.get(module, module)}.{name}")
    return found


def test_every_core_function_a_page_calls_is_exercised():
    called = _core_functions_pages_call() - {"matrix_rules.check_all"}  # takes a seed only
    assert called, "no compute(...) call found: the scan is broken"
    assert called <= set(CORE_CALLS)


@pytest.fixture(scope="module")
def pool():
    """Workers as the pages use them: a call that overruns the limit ends as too_complex."""
    workers = WorkerPool(size=2, timeout=DEFAULT_TIMEOUT)
    workers.warm()
    yield workers
    workers.close()


def _outcome(pool: WorkerPool, name: str, f: str, point: str, x0: float) -> str:
    """What a page would get: "ok" (a record, already printed) or an InputError's code.

    A crash inside the worker comes back as a RuntimeError with its traceback, and fails.
    """
    fn, arguments = CORE_CALLS[name]
    try:
        record = pool.run(fn, *arguments(f, point, x0))
    except InputError as err:
        assert err.code in ERROR_CODES, (name, f, point, err.code)
        return err.code
    # a record (its LaTeX and text already printed), or a plain value (dimension_of)
    assert dataclasses.is_dataclass(record) or isinstance(record, int | None), (name, record)
    return "ok"


_PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


@pytest.mark.slow
@_PROPERTY
@given(f=functions, point=points, x0=st.sampled_from([0.5, 5.0, -2.0, 1e-3]))
def test_no_page_raises_anything_but_an_input_error(pool, f, point, x0):
    for name in CORE_CALLS:
        start = time.monotonic()
        _outcome(pool, name, f, point, x0)
        assert time.monotonic() - start < DEFAULT_TIMEOUT + STARTUP_SLACK, (name, f, point, x0)


@_PROPERTY
@given(text=numbers)
def test_the_parser_answers_every_number_within_milliseconds(text):
    start = time.thread_time()
    with contextlib.suppress(InputError):
        parse(text)
    assert time.thread_time() - start < 0.05, text


@pytest.mark.parametrize("name", sorted(CORE_CALLS))
@pytest.mark.parametrize(
    ("f", "point"),
    [
        ("2^-30000", "5"),
        ("x*3^-10000", "5"),
        ("x^x", "5"),
        ("0.25^1e40", "5"),
        ("x", "(2/7)^88888888"),
    ],
)
def test_the_issue_inputs_get_a_result_or_a_message(pool, name, f, point):
    assert _outcome(pool, name, f, point, 5.0) != "too_complex", (name, f, point)
