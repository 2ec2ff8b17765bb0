"""Specification of the working formats (calc_core.precision) and of evaluation in them.

References are independent of the code under test: IEEE 754's constants, exact rational
arithmetic (``fractions``) rounded once by numpy's conversion, numpy's own float32 and
float16 arithmetic, ml_dtypes' bfloat16 operations, and mpmath for the true derivative.
"""

from __future__ import annotations

import math
from fractions import Fraction

import ml_dtypes
import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core import limits, precision
from calc_core.differences import error_sweep, quotient
from calc_core.errors import InputError
from calc_core.numeric import compile_expr
from calc_core.parser import parse

NUMPY = {
    "float64": np.float64,
    "float32": np.float32,
    "float16": np.float16,
    "bfloat16": ml_dtypes.bfloat16,
}
#: IEEE 754 (and Google's bfloat16): significand bits, the implicit one included.
BITS = {"float64": 53, "float32": 24, "float16": 11, "bfloat16": 8}
LOWER = ("float32", "float16", "bfloat16")


def rounds_back(x0: float, h: float, name: str) -> bool:
    """fl(fl(x0) + fl(h)) == fl(x0), the sum taken exactly and rounded once."""
    x = np.asarray(x0).astype(NUMPY[name])
    step = np.asarray(h).astype(NUMPY[name])
    exact = Fraction(float(x)) + Fraction(float(step))
    if name == "float64":
        return float(exact) == float(x)  # int / int true division: correctly rounded
    wide = float(exact)
    assert Fraction(wide) == exact  # a few dozen bits: exact in float64, one rounding below
    with np.errstate(over="ignore"):  # past the format's largest number: inf, not x
        return np.asarray(wide).astype(NUMPY[name]) == x


def finite_in(name: str):
    top = min(1e6, float(np.finfo(np.float16).max)) if name == "float16" else 1e6
    return st.floats(-top, top, allow_nan=False).filter(
        lambda v: np.asarray(v).astype(NUMPY[name]) != 0
    )


class TestFormats:
    @pytest.mark.parametrize("name", precision.DTYPES)
    def test_epsilon_is_two_to_the_minus_significand_bits(self, name):
        fmt = precision.format_of(name)
        assert fmt.eps == 2.0 ** -(BITS[name] - 1) and fmt.bits == BITS[name]

    def test_only_float32_and_float64_have_a_complex_type(self):
        assert [n for n in precision.DTYPES if precision.format_of(n).has_complex] == [
            "float64",
            "float32",
        ]

    def test_an_unknown_format_is_refused_by_name(self):
        with pytest.raises(InputError) as caught:
            precision.format_of("float8")
        assert caught.value.field == "dtype"

    @given(name=st.sampled_from(precision.DTYPES), value=st.floats(-1e4, 1e4))
    def test_shortest_text_reads_back_and_no_shorter_one_does(self, name, value):
        stored = float(np.asarray(value).astype(NUMPY[name]))
        text = precision.shortest(stored, name)
        assert np.asarray(float(text)).astype(NUMPY[name]) == np.asarray(stored).astype(NUMPY[name])
        digits = len(text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")) or 1
        if digits > 1 and name != "float64":
            shorter = f"{stored:.{digits - 1}g}"
            assert np.asarray(float(shorter)).astype(NUMPY[name]) != np.asarray(stored).astype(
                NUMPY[name]
            )


class TestCollapseStep:
    """The reported h is the largest power of two with fl(x0 + h) == fl(x0)."""

    @settings(max_examples=300, deadline=None)
    @given(data=st.data(), name=st.sampled_from(precision.DTYPES))
    def test_h_is_absorbed_and_twice_h_is_not(self, data, name):
        x0 = data.draw(finite_in(name))
        h = precision.collapse_step(x0, name)
        if h is None:  # only where even the format's smallest step moves x0
            tiny = float(ml_dtypes.finfo(NUMPY[name]).smallest_subnormal)
            assert not rounds_back(x0, tiny, name)
            return
        assert math.frexp(h)[0] == 0.5  # a power of two
        assert rounds_back(x0, h, name)
        assert not rounds_back(x0, 2 * h, name)

    @pytest.mark.parametrize("name", precision.DTYPES)
    def test_at_one_it_is_half_of_epsilon(self, name):
        # 1 + eps/2 lies halfway between 1 and 1 + eps and rounds to even: to 1
        assert precision.collapse_step(1.0, name) == precision.format_of(name).eps / 2

    def test_float32_collapses_near_six_times_ten_to_the_minus_eight(self):
        h = precision.collapse_step(1.0, "float32")
        assert f"{h:.0e}" == "6e-08" and np.float32(1) + np.float32(h) == np.float32(1)

    @pytest.mark.parametrize("name", precision.DTYPES)
    def test_zero_absorbs_no_step(self, name):
        assert precision.collapse_step(0.0, name) is None


class TestEvaluationInAFormat:
    """f evaluated in a format is what numpy's (or ml_dtypes') own arithmetic gives."""

    @settings(max_examples=100, deadline=None)
    @given(x=st.floats(-3, 3), name=st.sampled_from(LOWER))
    def test_each_operation_rounds_like_the_formats_own_arithmetic(self, x, name):
        kind = NUMPY[name]
        # one addition (commutative, so the tree's order of terms cannot matter)
        f = compile_expr(parse("x*sin(x) - 2*cos(x)^3"), ("x",), np.dtype(kind))
        v = np.asarray([x]).astype(kind)
        two = np.asarray(-2).astype(kind)
        with np.errstate(all="ignore"):
            left = (v * np.sin(v)).astype(kind)
            right = (two * np.power(np.cos(v), 3).astype(kind)).astype(kind)
            reference = (left + right).astype(kind)
        got = f(np.array([x]))
        assert got.dtype == np.dtype(kind)
        np.testing.assert_array_equal(got.astype(float), reference.astype(float))

    def test_constants_are_rounded_to_the_format(self):
        f = compile_expr(parse("x + 1/10"), ("x",), np.dtype(ml_dtypes.bfloat16))
        assert float(f(np.array([0.0]))[0]) == float(ml_dtypes.bfloat16(0.1))

    def test_float64_evaluation_is_unchanged_by_the_new_parameter(self):
        expr = parse("sin(x)/x + x^(1/3)")
        x = np.linspace(-2, 2, 41)
        plain = compile_expr(expr, ("x",))(x)
        explicit = compile_expr(expr, ("x",), np.dtype(np.float64))(x)
        np.testing.assert_array_equal(plain, explicit)


class TestQuotientsInAFormat:
    @settings(max_examples=60, deadline=None)
    @given(x0=st.floats(0.1, 3), k=st.integers(1, 7))
    def test_float32_forward_quotient_is_numpys_float32_arithmetic(self, x0, k):
        h = 10.0**-k
        fn = compile_expr(parse("sin(x)"), ("x",), np.dtype(np.float32))
        got = quotient(fn, x0, h, "forward", np.float32)
        x, step = np.float32(x0), np.float32(h)
        reference = (np.sin(np.float32(x + step)) - np.sin(x)) / step
        assert got.dtype == np.float32 and float(got) == float(reference)

    def test_float16_central_quotient_is_numpys_float16_arithmetic(self):
        fn = compile_expr(parse("exp(x)"), ("x",), np.dtype(np.float16))
        x, h = np.float16(0.5), np.float16(0.01)
        reference = (np.exp(np.float16(x + h)) - np.exp(np.float16(x - h))) / np.float16(2 * h)
        assert float(quotient(fn, 0.5, 0.01, "central", np.float16)) == float(reference)

    def test_below_the_collapse_step_the_forward_quotient_is_exactly_zero(self):
        for name in precision.DTYPES:
            h = precision.collapse_step(1.0, name)
            fn = compile_expr(parse("x^2"), ("x",), precision.numpy_dtype(name))
            q = quotient(fn, 1.0, [h, h / 2], "forward", precision.numpy_dtype(name))
            assert q.tolist() == [0.0, 0.0], name

    @pytest.mark.parametrize("name", LOWER)
    def test_best_central_step_is_near_the_cube_root_of_epsilon(self, name):
        dtype = precision.numpy_dtype(name)
        fn = compile_expr(parse("sin(x)"), ("x",), dtype)
        eps = precision.format_of(name).eps
        sweep = error_sweep(
            fn, 1.0, float(mpmath.cos(1)), h_min=precision.sweep_floor(name), dtype=dtype, eps=eps
        )
        assert eps ** (1 / 3) / 10 <= sweep.best_h["central"] <= eps ** (1 / 3) * 10
        assert sweep.best_error["central"] > 1e4 * 2.2e-16 ** (2 / 3)  # far above float64's


class TestLimitsInAFormat:
    def test_table_digits_are_the_formats_shortest_text(self):
        r = limits.analyze("3x^2 - 4x", 1.0, dtype="float32")
        for row in r.rows:
            q = np.float32(row.quotient)
            assert row.quotient_text == precision.shortest(float(q), "float32")
            assert float(np.float32(row.quotient_text)) == float(q)

    def test_errors_are_measured_against_mpmath(self):
        r = limits.analyze("sin(x)", 1.0, dtype="bfloat16", scheme="central")
        truth = float(mpmath.cos(1))
        for row in r.rows:
            assert row.error == pytest.approx(abs(row.quotient - truth), rel=1e-12)

    def test_facts_are_the_formats_own_numbers(self):
        facts = limits.analyze("sin(x)", 1.0, dtype="float16").precision
        assert facts.eps == 2.0**-10 and facts.collapse_h == 2.0**-11
        assert facts.forward_h == pytest.approx(2.0**-5) and facts.central_h == pytest.approx(
            2.0 ** (-10 / 3)
        )

    def test_x0_is_reported_as_the_format_stores_it(self):
        facts = limits.analyze("x", 0.1, dtype="bfloat16").precision
        assert facts.x0_stored == float(ml_dtypes.bfloat16(0.1)) != 0.1

    def test_advice_compares_float64_with_float32_when_the_page_is_in_float64(self):
        advice = limits.analyze("sin(x)", 1.0).precision.advice
        assert advice.dtype == "float32" and advice.formats_differ
        x, h = np.float32(1), np.float32(1e-6)
        central32 = (np.sin(x + h) - np.sin(x - h)) / (np.float32(2) * h)
        central64 = (math.sin(1 + 1e-6) - math.sin(1 - 1e-6)) / 2e-6
        assert advice.error_at_default == pytest.approx(abs(float(central32) - math.cos(1)))
        assert advice.error_64_at_default == pytest.approx(abs(central64 - math.cos(1)))

    def test_the_suggested_step_does_far_better_in_float32(self):
        advice = limits.analyze("sin(x)", 1.0, dtype="float32").precision.advice
        assert advice.suggested_h == pytest.approx(2.0 ** (-23 / 3))
        assert advice.error_at_suggested < advice.error_at_default / 100

    def test_where_the_formats_agree_the_advice_says_so(self):
        # central differences of a quadratic at 0: f(±h) = 3h² ∓ 4h, no error to show
        advice = limits.analyze("3x^2 - 4x", 0.0).precision.advice
        assert not advice.formats_differ

    def test_x0_beyond_float16s_largest_number_is_refused(self):
        with pytest.raises(InputError) as caught:
            limits.analyze("x", 1e5, dtype="float16")
        assert caught.value.code == "dtype_overflow" and caught.value.field == "x0"

    @pytest.mark.parametrize("name", ["float16", "bfloat16"])
    def test_complex_step_without_a_complex_type_is_refused(self, name):
        with pytest.raises(InputError) as caught:
            limits.analyze("sin(x)", 1.0, scheme="complex", dtype=name)
        assert caught.value.code == "no_complex_dtype"

    def test_complex_step_runs_in_complex64_for_float32(self):
        r = limits.analyze("sin(x)", 1.0, 1e-4, 3, 10.0, "complex", "float32")
        assert max(row.error for row in r.rows) < 1e-6  # no cancellation, even in float32

    def test_no_advice_where_the_format_overflows(self):
        r = limits.analyze("exp(x)", 100.0, dtype="float32")  # e^100 > float32's 3.4e38
        assert r.precision.advice is None and r.derivative.exists
