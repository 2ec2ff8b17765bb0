"""Specification of the limits page's book cell in float32, float16 and bfloat16.

The cell is numpy code: x, each h, f and every operation in the chosen format (numpy's
own float32/float16 arithmetic, ml_dtypes' bfloat16). It must print exactly the page's
quotients, computed by the page's own evaluator (calc_core.numeric, node by node), for
any formula, scheme and point, and never leave the format on the way (numpy takes a bare
Python float next to a bfloat16 as float32). Where f has no such code the cell is the
float64 one and prints float64's numbers, never the page's under another format's name.
"""

from __future__ import annotations

import contextlib
import io

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as hs

from calc_core import limits
from calc_core.guard import run_limited
from calc_core.narrow_code import narrow_source
from calc_core.numeric import compile_expr
from calc_core.parser import parse

NARROW = ("float32", "float16", "bfloat16")
NUMPY = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}

LEAVES = hs.sampled_from(["x", "2", "0.1", "1/3", "pi", "e", "1000", "2.5x"])
UNARY = hs.sampled_from(
    ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "atan", "asinh", "sec", "cot",
     "acot", "asec", "cosh", "acos", "atanh"]
)  # fmt: skip
FORMULAS = hs.recursive(
    LEAVES,
    lambda inner: hs.one_of(
        hs.tuples(UNARY, inner).map(lambda p: f"{p[0]}({p[1]})"),
        hs.tuples(inner, hs.sampled_from(["+", "-", "*", "/", "^"]), inner).map(
            lambda p: f"({p[0]}){p[1]}({p[2]})"
        ),
    ),
    max_leaves=6,
)


def run_cell(code: str) -> tuple[tuple[str, ...], dict]:
    """What the cell prints, and its names (our generated code, not a visitor's text)."""
    names: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out), np.errstate(all="ignore"):
        exec(code, names)
    return tuple(out.getvalue().splitlines()), names


class TestTheCellPrintsThePagesQuotients:
    @settings(
        max_examples=400,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        f=FORMULAS,
        dtype=hs.sampled_from(NARROW),
        scheme=hs.sampled_from(limits.SCHEMES),
        x0=hs.sampled_from([0.5, 1.0, 1.3, -0.7, 2.0, 10.0]),
    )
    def test_in_any_format_the_cell_prints_exactly_the_pages_numbers(self, f, dtype, scheme, x0):
        try:  # as the page runs it: in a guard worker, refused past its time limit
            r = run_limited(limits.analyze, f, x0, 0.1, 5, 10.0, scheme, dtype, timeout=3.0)
        except limits.InputError:
            event("refused")
            return  # refused with a message; no cell
        event("narrow cell" if r.book_dtype == dtype else "float64 cell")
        if r.book_dtype != dtype:  # no narrow code: the float64 cell with float64's lines
            f64 = limits.analyze(f, x0, 0.1, 5, 10.0, scheme, "float64")
            assert (r.book_code, r.book_output) == (f64.book_code, f64.book_output)
            return
        printed, names = run_cell(r.book_code)
        assert printed == r.book_output
        kind, lim = NUMPY[dtype], names["numerical_lim"]
        with np.errstate(all="ignore"):
            got = [float(lim(names["f"], names["x"], kind(row.h))[0]) for row in r.rows]
            leaves = names["f"](np.array([x0], kind)).dtype  # f stays in the format
        assert np.array_equal(got, [row.quotient for row in r.rows], equal_nan=True)
        assert leaves == np.dtype(kind)

    @pytest.mark.parametrize("dtype", NARROW)
    def test_the_books_example_collapses_as_the_page_shows(self, dtype):
        r = limits.analyze("3x^2 - 4x", 1.0, 0.1, 5, 10.0, "forward", dtype)
        assert r.book_dtype == dtype and f"dtype = {'' if dtype == 'bfloat16' else 'np.'}" in (
            r.book_code
        )
        assert run_cell(r.book_code)[0] == r.book_output

    def test_float32_arithmetic_by_hand_gives_the_cells_first_line(self):
        r = limits.analyze("3x^2 - 4x", 1.0, 0.1, 1, 10.0, "forward", "float32")
        x, h = np.float32(1.0), np.float32(0.1)
        xh = np.float32(x + h)
        f = [np.float32(np.float32(-4) * v + np.float32(3) * np.float32(v * v)) for v in (xh, x)]
        by_hand = np.float32(np.float32(f[0] - f[1]) / h)
        assert r.rows[0].quotient == float(by_hand)
        assert run_cell(r.book_code)[0] == (f"h=0.10000, numerical limit={float(by_hand):.5f}",)


class TestWhereThereIsNoSuchCode:
    def test_the_complex_step_on_abs_falls_back_to_float64_and_prints_float64s_numbers(self):
        r = limits.analyze("x^2 + 3x", 0.5, scheme="complex", dtype="float32")
        assert r.book_dtype == "float32"
        r = limits.analyze("sin(abs(x - 1))", 0.5, scheme="complex", dtype="float32")
        assert r.book_dtype == "float64" and "dtype" not in r.book_code
        f64 = limits.analyze("sin(abs(x - 1))", 0.5, scheme="complex", dtype="float64")
        assert r.book_output == f64.book_output

    def test_a_complex_constant_has_no_narrow_code(self):
        assert narrow_source(parse("x + (-1)^(1/2)", ("x",)), "float32") is None


class TestPowersStayInTheFormat:
    @pytest.mark.parametrize("dtype", NARROW)
    @pytest.mark.parametrize("text", ["x^1.5", "x^x", "2^x", "x^(1/3)"])
    def test_a_power_is_the_formats_own_power(self, dtype, text):
        kind = NUMPY[dtype]
        xs = np.array([0.3, 1.7, 2.9], kind)
        f = compile_expr(parse(text, ("x",)), ("x",), np.dtype(kind))
        body = narrow_source(parse(text, ("x",)), dtype)
        with np.errstate(all="ignore"):
            direct = eval(f"lambda x: {body}", {"np": np, "dtype": kind})(xs)  # our code
        assert direct.dtype == np.dtype(kind)
        assert np.array_equal(f(xs), direct)
