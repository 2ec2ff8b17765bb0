"""calc_core.sampling: curves for plotting that break at poles and never spike or warn.

Singular points are checked against sympy's own ``singularities`` (an independent
symbolic reference) and against where the functions are known to blow up; the
samples are checked for what a chart would show: no inf, no vertical segment across
the view, the pole itself NaN, the curve running off the view on both sides of a
pole, and a y-range that follows the curve rather than the 1e16 next to a pole.
Every test runs with RuntimeWarning turned into an error (pyproject does it for the
whole suite; ``no_warnings`` makes it explicit here).
"""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.calculus.singularities import singularities

from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol
from calc_core.sampling import MAX_POINTS, label, sample, special_points

X = symbol("x")

#: The issue's trouble makers: (f, xmin, xmax, poles inside, labels of the poles)
TROUBLE = [
    ("log(x)", -1.0, 3.0, [0.0], ["0"]),
    ("sqrt(x)", -1.0, 4.0, [], []),
    ("tan(x)", -5.0, 5.0, [-3 * math.pi / 2, -math.pi / 2, math.pi / 2, 3 * math.pi / 2],
     ["-3π/2", "-π/2", "π/2", "3π/2"]),
    ("x^3 - 1/x", 0.0, 3.0, [0.0], ["0"]),
    ("1/(x^2 - 1)", -3.0, 3.0, [-1.0, 1.0], ["-1", "1"]),
    ("1/x", -3.0, 3.0, [0.0], ["0"]),
]  # fmt: skip
IDS = [case[0] for case in TROUBLE]


@contextmanager
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def sampled(text: str, lo: float, hi: float, **kw):
    with no_warnings():
        return sample(parse(text), lo, hi, **kw)


def spikes(s) -> int:
    """Segments joining a point above the view to one below it (a drawn vertical spike)."""
    y, (lo, hi) = s.y, s.y_range
    ok = np.isfinite(y[:-1]) & np.isfinite(y[1:])
    up_down = (y[:-1] > hi) & (y[1:] < lo)
    down_up = (y[:-1] < lo) & (y[1:] > hi)
    return int(np.sum(ok & (up_down | down_up)))


class TestSymbolicSingularities:
    @pytest.mark.parametrize(("text", "lo", "hi", "poles", "labels"), TROUBLE, ids=IDS)
    def test_poles_are_found_and_named(self, text, lo, hi, poles, labels):
        s = sampled(text, lo, hi)
        found = [p for p in s.singular if p.kind == "pole"]
        assert np.allclose([p.x for p in found], poles, atol=1e-12)
        assert [p.label for p in found] == labels
        assert all(p.symbolic for p in found)

    @pytest.mark.parametrize(
        ("text", "lo", "hi"),
        [("1/x", -3, 3), ("tan(x)", -5, 5), ("x^3 - 1/x", -3, 3), ("1/(x^2 - 1)", -3, 3),
         ("1/(exp(x) - 2)", -3, 3), ("1/sin(x)", -7, 7)],
    )  # fmt: skip
    def test_agree_with_sympys_singularities(self, text, lo, hi):
        expr = parse(text)
        reference = singularities(expr, X, sp.Interval(lo, hi))
        expected = sorted(float(v) for v in reference)
        poles = [p.x for p in sampled(text, lo, hi).singular if p.kind == "pole"]
        assert np.allclose(poles, expected, atol=1e-12)

    def test_log_has_its_pole_at_the_edge_of_its_domain(self):
        s = sampled("log(x)", -1, 3)
        assert [(p.kind, p.label) for p in s.singular] == [("pole", "0")]
        (gap,) = s.gaps
        assert gap[0] == -1.0 and abs(gap[1]) < 1e-9

    def test_exact_values_are_kept(self):
        candidates, complete, crowded = special_points(parse("tan(x)"), 0.0, 4.0)
        assert [c.exact for c in candidates] == [sp.pi / 2]
        assert complete and not crowded

    def test_too_many_to_list_is_reported_not_attempted(self):
        candidates, complete, crowded = special_points(parse("tan(1000x)"), -1000, 1000)
        assert candidates == [] and not complete and crowded

    def test_powers_are_reduced_to_their_base_not_expanded(self):
        # ((x+1)^200)^200 is (x+1)^40000: same zeros as x + 1, found without expanding
        candidates, complete, _ = special_points(parse("1/((x+1)^200)^200"), -3, 3)
        assert [c.exact for c in candidates] == [-1] and complete

    def test_polynomials_beyond_the_degree_bound_are_left_to_jump_detection(self):
        candidates, complete, _ = special_points(parse("1/(x^30 + x - 1)"), -3, 3)
        assert candidates == [] and not complete
        s = sampled("1/(x^30 + x - 1)", -3, 3)
        assert len([p for p in s.singular if p.kind == "pole"]) == 2 and spikes(s) == 0


class TestMasking:
    @pytest.mark.parametrize(("text", "lo", "hi", "poles", "labels"), TROUBLE, ids=IDS)
    def test_no_inf_and_no_spike(self, text, lo, hi, poles, labels):
        s = sampled(text, lo, hi)
        assert not np.isinf(s.y).any()
        assert spikes(s) == 0

    @pytest.mark.parametrize(("text", "lo", "hi", "poles", "labels"), TROUBLE, ids=IDS)
    def test_the_line_breaks_exactly_at_each_pole(self, text, lo, hi, poles, labels):
        s = sampled(text, lo, hi)
        for pole in poles:
            k = int(np.argmin(np.abs(s.x - pole)))
            assert s.x[k] == pytest.approx(pole, abs=1e-12)
            assert np.isnan(s.y[k])

    @pytest.mark.parametrize(
        ("text", "pole"), [("tan(x)", math.pi / 2), ("1/x", 0.0), ("1/(x^2 - 1)", 1.0)]
    )
    def test_the_curve_runs_off_the_view_on_both_sides_of_a_pole(self, text, pole):
        s = sampled(text, -3, 3)
        lo, hi = s.y_range
        k = int(np.argmin(np.abs(s.x - pole)))
        left, right = s.y[k - 1], s.y[k + 1]
        assert not (lo <= left <= hi) and not (lo <= right <= hi)

    @pytest.mark.parametrize(("text", "lo", "hi", "poles", "labels"), TROUBLE, ids=IDS)
    def test_values_are_the_functions_own(self, text, lo, hi, poles, labels):
        s = sampled(text, lo, hi)
        fn = compile_expr(parse(text))
        ok = np.isfinite(s.y)
        assert np.array_equal(s.y[ok], fn(s.x[ok]))

    def test_sampling_the_books_exercise_warns_nothing(self):
        # the book's np.arange(0, 3, 0.1) divides by zero at x = 0; the sampler must not
        with no_warnings():
            s = sample(parse("x^3 - 1/x"), 0.0, 3.0)
        assert np.isnan(s.y[0]) and np.isfinite(s.y[1:]).all()


class TestDensity:
    @pytest.mark.parametrize(("text", "lo", "hi", "poles", "labels"), TROUBLE, ids=IDS)
    def test_a_few_hundred_points_at_most_2000(self, text, lo, hi, poles, labels):
        n = len(sampled(text, lo, hi).x)
        assert 300 <= n <= MAX_POINTS + 10

    def test_denser_near_a_pole_than_the_uniform_grid(self):
        s = sampled("1/x", -3, 3)
        near = np.sum(np.abs(s.x) < 0.03)
        assert near > 5 * 0.06 / (6 / 400)  # five times the uniform density

    def test_a_wild_function_stays_within_budget_without_spikes(self):
        s = sampled("tan(1000x)", -1000, 1000)
        assert len(s.x) <= MAX_POINTS + 200  # forced breaks may add a few
        assert s.crowded and spikes(s) == 0 and not np.isinf(s.y).any()

    def test_refines_where_the_curve_bends(self):
        s = sampled("sin(20x)", 0, 10)
        assert len(s.x) > 401  # the uniform grid misses the peaks by more than a pixel


class TestNumericalDetection:
    def test_a_pole_sympy_cannot_solve_for_is_found_by_jumps(self):
        s = sampled("1/(sin(x) + x^3)", -3, 3)
        assert [(p.kind, p.label, p.symbolic) for p in s.singular] == [("pole", "0", False)]
        assert spikes(s) == 0

    def test_a_finite_jump_breaks_the_line(self):
        s = sampled("|x|/x", -2, 2)
        assert [(p.kind, p.defined) for p in s.singular] == [("jump", False)]
        assert spikes(s) == 0
        k = int(np.argmin(np.abs(s.x)))
        assert np.isnan(s.y[k])

    def test_steep_but_continuous_is_not_broken(self):
        s = sampled("atan(1000x)", -1, 1)
        assert s.singular == () and not np.isnan(s.y).any()

    def test_a_removable_hole_has_its_limit(self):
        (hole,) = sampled("sin(x)/x", -10, 10).singular
        assert hole.kind == "hole" and hole.limit == pytest.approx(1.0)

    def test_an_oscillating_undefined_point(self):
        (point,) = sampled("sin(1/x)", -1, 1).singular
        assert (point.kind, point.label) == ("point", "0")

    def test_overflow_is_not_called_undefined(self):
        s = sampled("exp(1/x)", -2, 2)
        assert [(p.kind, p.label) for p in s.singular] == [("pole", "0")]
        assert s.gaps == ()


class TestGapsAndEdges:
    def test_sqrt_reaches_its_domain_edge(self):
        s = sampled("sqrt(x)", -1, 4)
        (gap,) = s.gaps
        assert gap[0] == -1.0 and abs(gap[1]) < 1e-9
        assert s.x[np.isfinite(s.y)][0] == pytest.approx(0.0, abs=1e-12)

    def test_two_gaps_of_a_half_circle(self):
        s = sampled("sqrt(1 - x^2)", -2, 2)
        assert np.allclose(s.gaps, [(-2, -1), (1, 2)], atol=1e-9)

    def test_principal_cube_root_is_undefined_left_of_zero(self):
        s = sampled("x^(1/3)", -1, 1)
        assert np.isnan(s.y[s.x < 0]).all() and np.isfinite(s.y[s.x >= 0]).all()


class TestYRange:
    @pytest.mark.parametrize(("text", "lo", "hi", "poles", "labels"), TROUBLE, ids=IDS)
    def test_the_range_is_the_curves_not_the_poles(self, text, lo, hi, poles, labels):
        bottom, top = sampled(text, lo, hi).y_range
        assert 0 < top - bottom < 60

    def test_a_tame_curve_is_shown_whole(self):
        bottom, top = sampled("3x^2 - 4x", 0, 3).y_range
        assert bottom < -4 / 3 and top > 15

    def test_the_focus_point_is_inside(self):
        bottom, top = sampled("1/x", -3, 3, focus=0.02).y_range
        assert bottom <= 50 <= top

    def test_a_constant_gets_a_visible_range(self):
        bottom, top = sampled("7", 0, 1).y_range
        assert bottom < 7 < top


class TestProperties:
    @settings(max_examples=25, deadline=None)
    @given(
        a=st.integers(-20, 20).map(lambda k: k / 8),
        b=st.integers(-20, 20).map(lambda k: k / 8),
    )
    def test_poles_of_rational_functions(self, a, b):
        text = f"1/((x - ({a}))(x - ({b})))"
        s = sampled(text, -3, 3)
        poles = [p.x for p in s.singular if p.kind == "pole"]
        assert np.allclose(poles, sorted({a, b}), atol=1e-12)
        assert spikes(s) == 0 and not np.isinf(s.y).any()

    @settings(max_examples=25, deadline=None)
    @given(k=st.integers(1, 6), lo=st.integers(-8, 0), width=st.integers(1, 12))
    def test_tangent_poles_are_exact_multiples(self, k, lo, width):
        hi = lo + width
        s = sampled(f"tan({k}x)", lo, hi)
        expected = [
            (math.pi / 2 + n * math.pi) / k
            for n in range(-100, 100)
            if lo <= (math.pi / 2 + n * math.pi) / k <= hi
        ]
        assert np.allclose([p.x for p in s.singular], expected, atol=1e-12)
        assert spikes(s) == 0


class TestLabels:
    @pytest.mark.parametrize(
        ("value", "exact", "text"),
        [
            (0.0, sp.Integer(0), "0"),
            (-0.5, sp.Rational(-1, 2), "-1/2"),
            (math.pi / 2, sp.pi / 2, "π/2"),
            (-3 * math.pi / 2, -3 * sp.pi / 2, "-3π/2"),
            (math.pi, sp.pi, "π"),
            (math.sqrt(2), sp.sqrt(2), "√2"),
            (math.log(2), sp.log(2), "log(2)"),
            (1.2146, None, "1.2146"),
            (3e-18, None, "0"),
        ],
    )
    def test_readable(self, value, exact, text):
        assert label(value, exact) == text
