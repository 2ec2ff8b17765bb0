"""derivative_at: the exact f'(x0), or the reason there is none."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core.derivative import derivative_at, exact_point
from calc_core.differences import quotient
from calc_core.numeric import compile_expr
from calc_core.parser import parse


class TestExists:
    def test_book_example_is_exactly_two(self):
        d = derivative_at(parse("3x^2 - 4x"), 1.0)
        assert (d.status, d.value, d.value_latex, d.f0) == ("ok", 2.0, "2", -1.0)

    def test_exercise_slope_at_one_is_four(self):
        assert derivative_at(parse("x^3 - 1/x"), 1.0).value_latex == "4"

    def test_exact_value_is_symbolic_when_irrational(self):
        d = derivative_at(parse("sin(x)"), 1.0)
        assert d.value_latex == r"\cos{\left(1 \right)}"
        assert d.value == pytest.approx(math.cos(1.0), rel=1e-15)

    def test_typed_decimals_are_taken_exactly(self):
        assert exact_point(0.1) == sp.Rational(1, 10)

    def test_smooth_product_with_abs_is_differentiable_at_its_kink(self):
        d = derivative_at(parse("x|x|"), 0.0)
        assert d.status == "ok" and d.value == 0.0


class TestDoesNotExist:
    def test_abs_at_zero_has_two_one_sided_slopes(self):
        d = derivative_at(parse("|x|"), 0.0)
        assert (d.status, d.left, d.right, d.value) == ("not_differentiable", -1.0, 1.0, None)

    def test_shifted_kink(self):
        assert derivative_at(parse("|x - 1|"), 1.0).status == "not_differentiable"

    @pytest.mark.parametrize("text, x0", [("1/x", 0.0), ("log(x)", 0.0), ("log(x)", -1.0),
                                          ("sqrt(x)", -4.0)])  # fmt: skip
    def test_undefined_at_the_point(self, text, x0):
        d = derivative_at(parse(text), x0)
        assert d.status == "undefined" and d.f0 is None

    @pytest.mark.parametrize("text", ["x^(1/3)", "sqrt(x)", "x^(2/3)"])
    def test_vertical_tangent_at_zero(self, text):
        d = derivative_at(parse(text), 0.0)
        assert d.status == "vertical" and d.right == math.inf

    def test_cusp_has_infinite_slopes_of_opposite_sign(self):
        d = derivative_at(parse("(x^2)^(1/3)"), 0.0)
        assert d.status == "not_differentiable" and (d.left, d.right) == (-math.inf, math.inf)


smooth = st.sampled_from(
    ["sin(x)*exp(x)", "x^4 - 2x^2 + x", "atan(x)/(1+x^2)", "sqrt(x^2+1)", "log(1+x^2)",
     "tanh(3x)", "x^x"]
)  # fmt: skip


class TestSymbolicAgreesWithNumeric:
    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(text=smooth, x0=st.floats(0.1, 2.0))
    def test_exact_derivative_matches_richardson(self, text, x0):
        expr = parse(text)
        d = derivative_at(expr, x0)
        assert d.status == "ok"
        numeric = quotient(compile_expr(expr), x0, 1e-3, "richardson")
        assert d.value == pytest.approx(float(numeric), rel=1e-8, abs=1e-8)

    def test_derivative_latex_is_sympys(self):
        expr = parse("x^x")
        assert derivative_at(expr, 1.0).derivative_latex == sp.latex(sp.diff(expr))

    def test_no_warning_for_poles(self):
        with np.errstate(all="raise"):
            derivative_at(parse("1/x"), 0.0)
