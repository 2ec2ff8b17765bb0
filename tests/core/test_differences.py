"""Finite-difference schemes: the book's numbers, each scheme's order, float64's floor."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calc_core.differences import EPS, SCHEMES, THEORY, book_steps, error_sweep, quotient
from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol

X = symbol("x")


def book_f(x):
    return 3 * x**2 - 4 * x


class TestBookTable:
    def test_steps_are_the_books_cumulative_floats(self):
        assert book_steps(0.1, 3, 10).tolist() == [0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1]

    def test_forward_quotients_print_as_in_the_book(self):
        q = quotient(book_f, 1.0, book_steps(0.1, 5, 10), "forward")
        assert [f"{v:.5f}" for v in q] == ["2.30000", "2.03000", "2.00300", "2.00030", "2.00003"]

    def test_raw_quotients_are_close_but_not_equal_to_the_decimals(self):
        q = quotient(book_f, 1.0, 0.1, "forward")
        assert math.isclose(q, 2.3, rel_tol=1e-12) and q != 2.3


class TestSchemesOnKnownDerivatives:
    @pytest.mark.parametrize("scheme", SCHEMES)
    def test_every_scheme_approximates_cos_at_one(self, scheme):
        assert abs(quotient(np.sin, 1.0, 1e-4, scheme) - math.cos(1.0)) < 1e-3

    def test_forward_and_backward_err_on_opposite_sides_for_convex_f(self):
        fwd = quotient(np.exp, 0.0, 1e-3, "forward")
        bwd = quotient(np.exp, 0.0, 1e-3, "backward")
        assert bwd < 1.0 < fwd

    def test_central_is_exact_up_to_rounding_for_a_quadratic(self):
        assert abs(quotient(book_f, 1.0, 0.1, "central") - 2.0) < 1e-13

    def test_unknown_scheme_is_refused(self):
        with pytest.raises(ValueError, match="unknown scheme"):
            quotient(np.sin, 1.0, 0.1, "magic")


# Smooth test functions: a*sin(b*x + c) + d*exp(e*x) + polynomial terms.
smooth_terms = st.tuples(
    st.floats(0.5, 2), st.floats(0.5, 2), st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1)
)


def build(terms):
    a, b, c, d, e = terms
    return a * sp.sin(b * X + c) + d * sp.exp(e * X) + X**3 / 7


def leading_coefficient(expr, scheme, x0):
    """The coefficient C of the truncation error C*h^p of each scheme."""
    k = {"forward": 2, "backward": 2, "central": 3, "complex": 3, "richardson": 5}[scheme]
    return float(sp.diff(expr, X, k).subs(X, x0))


ORDERS = {"forward": 1, "backward": 1, "central": 2, "complex": 2, "richardson": 4}
STEPS = {"forward": 1e-3, "backward": 1e-3, "central": 1e-2, "complex": 1e-2, "richardson": 1e-1}


class TestErrorOrder:
    """Halving h divides the truncation error by 2^p for a scheme of order p."""

    @pytest.mark.parametrize("scheme", SCHEMES)
    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(terms=smooth_terms, x0=st.floats(-1, 1))
    def test_observed_order_matches_theory(self, scheme, terms, x0):
        expr = build(terms)
        assume(abs(leading_coefficient(expr, scheme, x0)) > 0.05)
        f = compile_expr(expr, ("x",))
        exact = float(sp.diff(expr, X).subs(X, x0))
        h = STEPS[scheme]
        e1 = abs(quotient(f, x0, h, scheme) - exact)
        e2 = abs(quotient(f, x0, h / 2, scheme) - exact)
        assume(e2 > 1e3 * EPS)  # stay where truncation, not rounding, dominates
        observed = math.log2(e1 / e2)
        assert observed == pytest.approx(ORDERS[scheme], abs=0.35)

    def test_orders_in_the_theory_table_match(self):
        assert {s: THEORY[s].order for s in SCHEMES} == ORDERS


analytic = st.sampled_from(
    ["sin(x)", "exp(x)", "exp(sin(x))", "x^5 - 3x", "atan(x)", "cosh(x)/(2+x^2)", "log(2+x^2)"]
)


class TestComplexStep:
    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(text=analytic, x0=st.floats(-2, 2), h=st.sampled_from([1e-8, 1e-20, 1e-100]))
    def test_within_a_few_eps_for_analytic_functions(self, text, x0, h):
        expr = parse(text)
        exact = float(sp.diff(expr, X).subs(X, x0))
        q = quotient(compile_expr(expr), x0, h, "complex")
        assert abs(q - exact) <= 8 * EPS * max(1.0, abs(exact))

    def test_abs_away_from_zero_uses_the_analytic_continuation(self):
        f = compile_expr(parse("|x|^3"))
        assert quotient(f, -2.0, 1e-20, "complex") == pytest.approx(-12.0, rel=1e-15)


class TestFloatingPointFloor:
    def test_forward_quotient_collapses_to_zero_at_h_1e16(self):
        assert 1.0 + 1e-16 == 1.0
        assert quotient(book_f, 1.0, 1e-16, "forward") == 0.0

    def test_sweep_finds_each_schemes_best_step_near_theory(self):
        s = error_sweep(np.sin, 1.0, math.cos(1.0))
        for scheme in ("forward", "central"):
            ratio = s.best_h[scheme] / THEORY[scheme].best_h
            assert 1e-2 < ratio < 1e2, scheme
            assert s.best_error[scheme] < 100 * THEORY[scheme].best_error
        assert s.best_error["complex"] <= 2 * EPS
        assert s.best_error["richardson"] < s.best_error["central"] < s.best_error["forward"]

    def test_sweep_spans_1e_minus_1_to_1e_minus_16(self):
        s = error_sweep(np.sin, 1.0, math.cos(1.0))
        assert s.h[0] == pytest.approx(0.1) and s.h[-1] == pytest.approx(1e-16)

    def test_round_off_makes_the_smallest_steps_worse_than_the_best(self):
        s = error_sweep(np.sin, 1.0, math.cos(1.0))
        assert s.errors["forward"][-1] > 1e3 * s.best_error["forward"]
