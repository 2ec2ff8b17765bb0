"""Specification of the tree-walking evaluator (:func:`calc_core.numeric.compile_expr`).

pytest turns every RuntimeWarning into an error (see pyproject.toml), so each test
here also proves that evaluating outside the domain is silent.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol

x = symbol("x")


def f(text: str, variables=("x",)):
    return compile_expr(parse(text, variables), variables)


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


class TestShapes:
    def test_constant_broadcasts_to_the_input_shape(self):
        out = f("7")(np.zeros(3))
        assert out.shape == (3,)
        assert out.tolist() == [7.0, 7.0, 7.0]

    def test_constant_broadcasts_to_two_dimensions(self):
        assert f("pi")(np.zeros((2, 3))).shape == (2, 3)

    def test_result_is_a_fresh_writable_array(self):
        out = f("7")(np.zeros(3))
        out[0] = 1.0  # a broadcast view would refuse this
        assert out.tolist() == [1.0, 7.0, 7.0]

    def test_scalar_input_gives_a_zero_dimensional_array(self):
        out = f("x^2")(3.0)
        assert out.shape == ()
        assert float(out) == 9.0

    def test_real_input_gives_float(self):
        assert f("3x^2 - 4x")(np.array([0.0, 1.0, 2.0])).dtype == np.float64

    def test_integer_input_is_evaluated_in_floating_point(self):
        assert f("x/2")(np.array([1, 2])).tolist() == [0.5, 1.0]
        assert f("x^63")(np.array([2, 3])) == pytest.approx([2.0**63, 3.0**63], rel=1e-15)
        assert f("x^2")(2**40).item() == 2.0**80


class TestDomain:
    @pytest.mark.parametrize(
        ("text", "outside", "inside"),
        [
            ("sqrt(x)", -1.0, 4.0),
            ("log(x)", -1.0, 4.0),
            ("ln(x)", -2.0, 4.0),
            ("x^(1/3)", -8.0, 8.0),
            ("x^(3/2)", -1.0, 4.0),
            ("asin(x)", 2.0, 0.5),
            ("acos(x)", -1.5, -0.5),
            ("log(x, 2)", -4.0, 4.0),
        ],
    )
    def test_nan_outside_the_real_domain(self, text, outside, inside):
        out = f(text)(np.array([outside, inside]))
        assert np.isnan(out[0])
        assert np.isfinite(out[1])

    @pytest.mark.parametrize("text", ["sqrt(-1)", "log(-1)", "(-8)^(1/3)", "x + sqrt(-4)"])
    def test_non_real_constant_is_nan(self, text):
        assert np.isnan(f(text)(np.array([1.0, 2.0]))).all()

    def test_cube_root_is_the_real_root_where_it_exists(self):
        assert f("x^(1/3)")(np.array([8.0, 27.0])) == pytest.approx([2.0, 3.0])

    def test_pole_gives_infinity(self):
        assert np.isinf(f("1/x")(np.array([0.0]))).all()
        assert f("log(x)")(np.array([0.0]))[0] == -np.inf

    def test_overflow_gives_infinity(self):
        assert f("exp(x)")(np.array([1000.0]))[0] == np.inf

    @pytest.mark.parametrize("value", [sp.zoo, sp.nan, sp.zoo * x])
    def test_undefined_sympy_values_are_nan(self, value):
        assert np.isnan(compile_expr(value, ("x",))(np.array([1.0, 2.0]))).all()

    def test_sympy_infinity_is_infinity(self):
        assert compile_expr(-sp.oo, ("x",))(np.zeros(2)).tolist() == [-np.inf, -np.inf]


def _cbrt_real_only(v):
    return np.where(v >= 0, np.cbrt(v), np.nan)


REFERENCES = [
    ("3x^2 - 4x", lambda v: 3 * v**2 - 4 * v),
    ("sin(x)cos(x)", lambda v: np.sin(v) * np.cos(v)),
    ("tan(x)", np.tan),
    ("exp(-x^2/2)", lambda v: np.exp(-(v**2) / 2)),
    ("e^x - 1", np.expm1),
    ("log(|x| + 1)", lambda v: np.log1p(np.abs(v))),
    ("log(x, 2)", np.log2),
    ("ln(x)", np.log),
    ("sqrt(x^2 + 1)", lambda v: np.hypot(v, 1.0)),
    ("sqrt(x)", np.sqrt),
    ("x^(1/3)", _cbrt_real_only),
    ("|x - 1|", lambda v: np.abs(v - 1)),
    ("2^x", np.exp2),
    ("x^-2", lambda v: 1 / v**2),
    ("atan(x)/(1 + x^2)", lambda v: np.arctan(v) / (1 + v**2)),
    ("asin(x/30) + acos(x/30)", lambda v: np.arcsin(v / 30) + np.arccos(v / 30)),
    ("sinh(x) + cosh(x)", lambda v: np.sinh(v) + np.cosh(v)),
    ("tanh(x)", np.tanh),
    ("pi x + e", lambda v: np.pi * v + np.e),
    ("0.1x^3 - 1e-2", lambda v: 0.1 * v**3 - 0.01),
]


class TestAgreesWithNumpy:
    @pytest.mark.parametrize(("text", "reference"), REFERENCES, ids=[r[0] for r in REFERENCES])
    @settings(max_examples=40, derandomize=True, deadline=None)
    @given(
        points=st.lists(
            st.floats(-30, 30, allow_nan=False, allow_infinity=False), min_size=1, max_size=8
        )
    )
    def test_matches_reference(self, text, reference, points):
        v = np.array(points)
        got = f(text)(v)
        with np.errstate(all="ignore"):
            want = reference(v)
        assert got.shape == v.shape
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True), (got, want)


H = 1e-20  # the complex step: no subtraction, so no cancellation however small h is


def complex_step(text: str, at: np.ndarray) -> np.ndarray:
    return np.imag(f(text)(at + 1j * H)) / H


POINTS = np.array([-2.5, -0.3, 0.7, 1.9])


class TestComplexStep:
    def test_complex_input_gives_complex_output(self):
        assert np.iscomplexobj(f("x^2")(np.array([1 + 1j])))

    @pytest.mark.parametrize(
        ("text", "derivative"),
        [
            ("sin(x)", np.cos),
            ("exp(x)", np.exp),
            ("3x^2 - 4x", lambda v: 6 * v - 4),
            ("x^5 - 2x^3 + x", lambda v: 5 * v**4 - 6 * v**2 + 1),
            ("|x|", np.sign),
            ("|x^3 - x|", lambda v: np.sign(v**3 - v) * (3 * v**2 - 1)),
            ("tanh(x)", lambda v: 1 / np.cosh(v) ** 2),
        ],
    )
    def test_imaginary_part_over_h_is_the_derivative(self, text, derivative):
        assert complex_step(text, POINTS) == pytest.approx(derivative(POINTS), rel=1e-13)

    def test_abs_is_continued_analytically_off_the_axis(self):
        z = np.array([-2.0 + 0.5j, 3.0 - 0.25j])
        assert f("|x|")(z).tolist() == [2.0 - 0.5j, 3.0 - 0.25j]


class TestBigIntegersAndVariables:
    def test_integers_beyond_64_bits(self):
        out = f("2^70*x")(np.array([1.0, 2.0]))
        assert out.tolist() == [2.0**70, 2.0**71]

    def test_big_integer_constant(self):
        assert f("3^40 + x")(np.zeros(1))[0] == float(3**40)

    def test_huge_integer_exponent_from_sympy(self):
        # the parser refuses x^(2^70); an expression built elsewhere still evaluates
        g = compile_expr(x ** (2**70), ("x",))
        assert g(np.array([1.0, 0.5])).tolist() == [1.0, 0.0]

    def test_several_variables_broadcast(self):
        g = f("x1^2 + 5exp(x2)", ("x1", "x2"))
        out = g(np.array([[1.0], [2.0], [3.0]]), np.array([[0.0, 1.0]]))
        assert out.shape == (3, 2)
        assert out[2, 1] == pytest.approx(9 + 5 * np.e)

    def test_variables_may_be_symbols(self):
        g = compile_expr(parse("x*y", ("x", "y")), (symbol("x"), symbol("y")))
        assert g(np.array([2.0]), np.array([3.0])).tolist() == [6.0]

    def test_variable_order_is_the_given_order(self):
        g = f("x1 - x2", ("x1", "x2"))
        assert g(np.array([5.0]), np.array([1.0])).tolist() == [4.0]

    def test_unlisted_symbol_is_refused(self):
        with pytest.raises(ValueError, match="unexpected symbols"):
            compile_expr(parse("x*y", ("x", "y")), ("x",))

    def test_derivative_of_abs_evaluates(self):
        g = compile_expr(sp.diff(parse("|x|"), x), ("x",))
        assert g(np.array([-2.0, 3.0])).tolist() == [-1.0, 1.0]
