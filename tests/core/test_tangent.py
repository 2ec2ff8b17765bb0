"""calc_core.tangent: the book's tangents exactly, the reasons there is none, the book's code.

Slopes are checked symbolically (exact coefficients) and against an independent
numerical reference (a central difference computed here); the no-tangent cases
against what calculus says about each function at the point.
"""

from __future__ import annotations

import math
import pickle
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core.errors import ERROR_CODES, InputError
from calc_core.numeric import compile_expr
from calc_core.parser import parse
from calc_core.tangent import (
    book_code,
    book_step,
    check_window,
    curves,
    decimal_latex,
    exact_latex,
    line_python,
    line_samples,
    tangent_at,
    tangent_line,
)


def central(f, x0: float, h: float = 1e-5) -> float:
    return (f(x0 + h) - f(x0 - h)) / (2 * h)


class TestTheBooksTangents:
    def test_chapter_plot_3x2_minus_4x_at_1(self):
        line = tangent_line(parse("3x^2 - 4x"), 1.0)
        assert line.exists and line.exact
        assert (line.slope, line.intercept, line.f0) == (2.0, -3.0, -1.0)
        assert line.equation_latex == "y = 2x - 3"
        assert line.python == "2 * x - 3"

    def test_exercise_x3_minus_1_over_x_at_1(self):
        line = tangent_line(parse("x^3 - 1/x"), 1.0)
        assert line.exact and line.equation_latex == "y = 4x - 4"
        assert (line.slope, line.intercept, line.f0) == (4.0, -4.0, 0.0)

    @pytest.mark.parametrize(
        ("text", "x0", "f"),
        [
            ("sin(x)", 1.0, math.sin),
            ("exp(x) / x", 2.0, lambda x: math.exp(x) / x),
            ("x^x", 1.5, lambda x: x**x),
            ("log(x) + sqrt(x)", 3.0, lambda x: math.log(x) + math.sqrt(x)),
        ],
    )
    def test_slope_matches_a_central_difference(self, text, x0, f):
        line = tangent_line(parse(text), x0)
        assert line.slope == pytest.approx(central(f, x0), rel=1e-8)
        assert line.intercept == pytest.approx(f(x0) - line.slope * x0, rel=1e-12, abs=1e-12)

    def test_the_line_touches_the_curve(self):
        line = tangent_line(parse("x^3 - 1/x"), 1.0)
        x, y = line_samples(line.slope, line.intercept, 0.0, 3.0, n=301)
        k = int(np.argmin(np.abs(x - 1.0)))
        assert y[k] == pytest.approx(1.0**3 - 1 / 1.0)

    @settings(max_examples=40, deadline=None)
    @given(
        a=st.integers(-9, 9),
        b=st.integers(-9, 9),
        c=st.integers(-9, 9),
        x0=st.integers(-40, 40).map(lambda k: k / 4),
    )
    def test_quadratics_exactly(self, a, b, c, x0):
        line = tangent_line(parse(f"({a})x^2 + ({b})x + ({c})"), x0)
        X0 = Fraction(x0)
        slope = 2 * a * X0 + b
        intercept = a * X0**2 + b * X0 + c - slope * X0
        assert line.exact
        assert (Fraction(line.slope), Fraction(line.intercept)) == (slope, intercept)


class TestNoTangent:
    def test_undefined_at_the_point(self):
        line = tangent_line(parse("1/x"), 0.0)
        assert line.status == "undefined" and line.equation_latex is None

    def test_a_kink_has_two_one_sided_slopes(self):
        line = tangent_line(parse("|x|"), 0.0)
        assert line.status == "not_differentiable"
        assert (line.left, line.right) == (-1.0, 1.0)
        assert line.slope is None and line.python is None

    @pytest.mark.parametrize("text", ["x^(1/3)", "sqrt(x)"])
    def test_vertical_tangents(self, text):
        line = tangent_line(parse(text), 0.0)
        assert line.status == "vertical" and line.right == math.inf

    @pytest.mark.parametrize(("text", "x0"), [("log(x)", -1.0), ("sqrt(x)", -2.0)])
    def test_outside_the_domain(self, text, x0):
        assert tangent_line(parse(text), x0).status == "outside"

    def test_principal_cube_root_is_undefined_for_negative_x(self):
        # the page's documented choice: x^(1/3) as sympy and numpy define it
        assert tangent_line(parse("x^(1/3)"), -1.0).status == "outside"
        assert curves("x^(1/3)", -1, 1).principal_root
        assert not curves("sqrt(x)", -1, 1).principal_root

    def test_overflow_is_too_large_not_undefined(self):
        assert tangent_line(parse("exp(1000x)"), 1.0).status == "too_large"
        assert tangent_line(parse("1/((x - 1)(x - 2))"), 1.0).status == "undefined"

    def test_a_hole_is_undefined_not_outside(self):
        assert tangent_line(parse("sin(x)/x"), 0.0).status == "undefined"


class TestEquations:
    @pytest.mark.parametrize(
        ("text", "x0", "equation"),
        [
            ("x^2", 0.5, "y = x - 0.25"),
            ("x^2", 0.0, "y = 0"),
            ("-x", 1.0, "y = -x"),
            ("x^2/3", 1.0, r"y = \frac{2}{3}x - \frac{1}{3}"),
            ("3x^2 - 4x", 1.23, "y = 3.38x - 4.5387"),
            ("exp(x)", 1.0, r"y = e\,x"),
            ("exp(x)", 0.0, "y = x + 1"),
            ("(1 + sqrt(2))x", 0.0, r"y = \left(1 + \sqrt{2}\right)x"),
            ("5", 2.0, "y = 5"),
        ],
    )
    def test_exact_coefficients(self, text, x0, equation):
        line = tangent_line(parse(text), x0)
        assert line.exact and line.equation_latex == equation

    def test_decimals_otherwise(self):
        line = tangent_line(parse("sin(x)"), 1.0)
        assert not line.exact
        assert line.equation_latex == r"y \approx 0.540302x + 0.301169"

    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (sp.Integer(-3), "-3"),
            (sp.Rational(169, 50), "3.38"),
            (sp.Rational(1, 3), r"\frac{1}{3}"),
            (sp.Rational(1, 500000000), r"2 \times 10^{-9}"),
            (sp.Rational(10**30 + 1, 7), None),
            (sp.sqrt(2) / 2, r"\frac{\sqrt{2}}{2}"),
        ],
    )
    def test_exact_latex(self, value, text):
        assert exact_latex(value) == text

    def test_decimal_latex(self):
        assert decimal_latex(0.5403023) == "0.540302"
        assert decimal_latex(2.7038e33) == r"2.7038 \times 10^{33}"

    def test_python_of_a_line(self):
        assert line_python(2.0, -3.0, sp.Integer(2), sp.Integer(-3)) == "2 * x - 3"
        assert line_python(1.0, 0.0, sp.Integer(1), sp.Integer(0)) == "x"
        assert line_python(0.0, 5.0) == "5 + 0 * x"


class TestInputs:
    def test_reversed_interval(self):
        with pytest.raises(InputError) as err:
            check_window(3, 0)
        assert err.value.code == "domain_reversed" and err.value.field == "xmax"
        assert err.value.params == {"xmin": "3", "xmax": "0"}

    def test_too_narrow_interval(self):
        with pytest.raises(InputError) as err:
            check_window(1, 1 + 1e-9)
        assert err.value.code == "domain_too_small"

    @pytest.mark.parametrize("bad", [math.nan, math.inf, 2e6])
    def test_out_of_range_interval(self, bad):
        with pytest.raises(InputError) as err:
            check_window(0, bad)
        assert err.value.code == "out_of_range" and err.value.field == "xmax"

    def test_x0_outside_the_interval(self):
        with pytest.raises(InputError) as err:
            tangent_at("x^2", 5.0, 0.0, 3.0)
        assert err.value.code == "x0_outside" and err.value.field == "x0"
        assert err.value.params == {"x0": "5", "xmin": "0", "xmax": "3"}

    @pytest.mark.parametrize(
        ("text", "code"),
        [("9^9^9", "constant_too_large"), ("__import__('os')", "unexpected_char"), ("", "empty"),
         ("sin x", "function_needs_parens"), ("x +", "unexpected_end")],
    )  # fmt: skip
    def test_hostile_or_malformed_f_gives_the_usual_typed_errors(self, text, code):
        for call in (lambda: curves(text, 0, 3), lambda: tangent_at(text, 1.0, 0, 3)):
            with pytest.raises(InputError) as err:
                call()
            assert err.value.code == code and err.value.field == "f"

    def test_new_error_codes_are_registered(self):
        assert ERROR_CODES["domain_reversed"] == ("xmin", "xmax")
        assert ERROR_CODES["domain_too_small"] == ("width",)
        assert ERROR_CODES["x0_outside"] == ("x0", "xmin", "xmax")


class TestPageRecords:
    def test_records_cross_a_process_boundary(self):
        for record in (curves("x^3 - 1/x", 0, 3), tangent_at("x^3 - 1/x", 1.0, 0, 3, 0.5)):
            assert pickle.loads(pickle.dumps(record)) is not None

    def test_curves_hold_f_and_its_derivatives(self):
        c = curves("3x^2 - 4x", 0, 3)
        assert c.d1_latex == "6 x - 4" and c.d2_latex == "6"
        ok = np.isfinite(c.d1.y)
        assert np.allclose(c.d1.y[ok], 6 * c.d1.x[ok] - 4)
        assert np.allclose(c.d2.y, 6)

    def test_derivatives_too_long_to_use_are_left_out(self):
        product = "".join(f"(x-{k}/7)" for k in range(1, 20))
        c = curves(f"1/({product})", -3, 3)
        assert c.d1 is None and c.d1_latex == "" and c.d2 is None
        assert len([p for p in c.f.singular if p.kind == "pole"]) == 19

    def test_derivative_of_a_kink_has_no_distribution(self):
        c = curves("|x|", -1, 1)
        assert c.d1.singular[0].kind == "jump"  # sign(x)
        assert np.isnan(c.d2.y[np.argmin(np.abs(c.d2.x))])  # 2 DiracDelta(x): undefined at 0
        assert np.allclose(c.d2.y[np.abs(c.d2.x) > 1e-9], 0)

    def test_secant(self):
        r = tangent_at("3x^2 - 4x", 1.0, 0.0, 3.0, 0.5)
        assert r.secant.slope == pytest.approx(3.5)  # (f(1.5) - f(1)) / 0.5
        assert r.secant.intercept == pytest.approx(-1 - 3.5)
        assert tangent_at("1/x", 0.0, -1.0, 1.0, 0.5).secant.slope is None

    def test_legend_label_of_the_point(self):
        assert tangent_at("x^2", 1.0, 0, 3).x0_label == "1"
        assert tangent_at("x^2", 0.25, 0, 3).x0_label == "0.25"


class TestTheBooksCode:
    BOOK_CALL = "d2l.plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])"

    def test_the_chapters_cell(self):
        code = book_code(
            curves("3x^2 - 4x", 0, 3),
            [("f(x)", "f(x)", "-"), ("2 * x - 3", "Tangent line (x=1)", "m--")],
        )
        assert "x = np.arange(0, 3, 0.1)" in code
        assert code.splitlines()[-1] == self.BOOK_CALL
        assert "    return 3*x**2 - 4*x" in code

    def test_the_exercise_hits_the_pole_on_the_books_grid(self):
        c = curves("x^3 - 1/x", 0, 3)
        assert c.book_hits == (0.0,) and c.book_step == 0.1

    def test_options_that_differ_from_the_books_defaults_are_written(self):
        code = book_code(
            curves("x^2", 0, 3),
            [("f(x)", "f(x)", "--")],
            xlabel="t",
            legend=False,
            ylim=(-1.0, 4.0),
            yscale="log",
            grid=False,
        )
        call = code.splitlines()[-2]
        assert call == (
            "d2l.plot(x, [f(x)], 't', 'f(x)', ylim=[-1, 4], yscale='log', fmts=('--',))"
        )
        assert code.splitlines()[-1] == "d2l.plt.grid(False)"

    def test_the_code_runs_and_draws_the_same_numbers(self):
        c = curves("x^3 - 1/x", 0, 3)
        body = c.f_python
        namespace = {"np": np}
        exec(f"def f(x):\n    return {body}", namespace)  # our own generated code, not user text
        x = np.arange(0.1, 3, 0.1)
        assert np.allclose(namespace["f"](x), x**3 - 1 / x)

    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(
        c=st.sampled_from(["log(cos(2))", "sqrt(-2)", "log(-3)", "(-8)^(1/3)", "sqrt(cos(2))"]),
        u=st.sampled_from(["x", "x^(1/3)", "x^x", "(-2)^x", "sqrt(x)", "log(x)", "1/x", "sin(x)"]),
        shape=st.sampled_from(["{c}*{u}", "{u} + {c}", "{u}*{u} - {c}", "{u}"]),
    )
    def test_the_cells_f_is_the_pages_f_where_python_would_make_it_complex(self, c, u, shape):
        """nan where the page draws nothing (a complex constant, a power of a negative
        number), never a complex number matplotlib would draw as its real part."""
        cur = curves(shape.format(c=c, u=u), -2, 2)
        namespace = {"np": np}
        exec(cur.f_def, namespace)  # our own generated code, not user text
        x = np.arange(-2, 2, cur.book_step)
        with np.errstate(all="ignore"):
            got = np.asarray(namespace["f"](x) + 0 * x)
            page = compile_expr(parse(cur.f_text, ("x",)), ("x",))(x)
        assert not np.iscomplexobj(got)
        np.testing.assert_allclose(got, page, rtol=1e-12, equal_nan=True)

    @pytest.mark.parametrize(("lo", "hi", "step"), [(0, 3, 0.1), (-10, 10, 1.0), (0, 1, 0.05)])
    def test_grid_step(self, lo, hi, step):
        assert book_step(lo, hi) == step
