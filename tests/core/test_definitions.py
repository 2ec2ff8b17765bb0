"""Specification of named definitions and points (``calc_core.definitions``) and of the
equality ladder the chain-rule pages rely on (``calc_core.checks``)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core.checks import evaluator, same_function, symbolic_zero
from calc_core.definitions import parse_definitions, parse_point, split_pieces, to_text
from calc_core.errors import InputError
from calc_core.parser import parse

AB = ("a", "b", "x", "y")


class TestSplitting:
    @pytest.mark.parametrize(
        "text",
        [
            "x=a+b; y=a*b",
            "x=a+b\ny=a*b",
            "x=a+b, y=a*b",
            " x = a+b ;; y = a*b ; ",
            "x＝a+b；y＝a*b",
        ],
    )
    def test_separators_semicolons_new_lines_commas_and_full_width(self, text):
        assert [(d.name, str(d.expr)) for d in parse_definitions(text, AB)] == [
            ("x", "a + b"),
            ("y", "a*b"),
        ]

    def test_a_comma_inside_brackets_belongs_to_the_expression(self):
        (d,) = parse_definitions("x = log(a, 2)", AB)
        assert d.expr == parse("log(a, 2)", AB)

    def test_columns_of_names_and_right_hand_sides_are_in_the_whole_text(self):
        text = "x = a;  yy2 = b + 1"
        pieces = split_pieces(text, "inner")
        assert [(p.name, p.name_col, text[p.rhs_col :]) for p in pieces] == [
            ("x", 0, " a;  yy2 = b + 1"),
            ("yy2", 8, " b + 1"),
        ]

    def test_a_parse_error_points_into_the_whole_text(self):
        text = "x = a; y = a + (b"
        with pytest.raises(InputError) as info:
            parse_definitions(text, AB)
        assert info.value.code == "unclosed_paren" and info.value.column == text.index("(")

    def test_full_width_letters_in_a_name_fold_to_ascii(self):
        assert [d.name for d in parse_definitions("ｘ = a", AB)] == ["x"]

    @pytest.mark.parametrize("name", ["α", "x_1", "x.y", "1x", "x y"])
    def test_names_that_are_not_identifiers_of_the_grammar(self, name):
        with pytest.raises(InputError) as info:
            parse_definitions(f"{name} = a", AB)
        assert info.value.code == "definition_name" and info.value.column == 0


class TestPoints:
    def test_values_are_exact_where_typed_exactly(self):
        p = parse_point("a=0.5, b=pi/4")
        assert p.names == ("a", "b") and p.exprs == (sp.Rational(1, 2), sp.pi / 4)
        assert p.values == (0.5, math.pi / 4)

    def test_an_empty_point_declares_nothing(self):
        assert parse_point("  ").names == ()

    @pytest.mark.parametrize(
        ("text", "code"), [("a=sqrt(-1)", "not_finite"), ("a=", "definition_empty")]
    )
    def test_values_must_be_finite_real_numbers(self, text, code):
        with pytest.raises(InputError) as info:
            parse_point(text)
        assert info.value.code == code and info.value.field == "at"


EXPRESSIONS = st.sampled_from(
    [
        "a^2 + b",
        "|a| e^b",
        "sqrt(a + b)/(a - b)",
        "sin(a)^cos(b)",
        "2^(a b) - pi",
        "asin(a/3) + tanh(b)",
        "log(a, 2)",
        "-a^-2",
        "(a + 1)^(1/3)",
        "exp(-a^2) sinh(b)",
    ]
)


class TestToText:
    @settings(max_examples=40, deadline=None)
    @given(st.lists(EXPRESSIONS, min_size=1, max_size=3), st.sampled_from(["+", "*", "/", "-"]))
    def test_printed_text_parses_back_to_the_same_function(self, parts, op):
        expr = parse(f" {op} ".join(f"({p})" for p in parts), AB)
        assert sp.expand(parse(to_text(expr), AB) - expr) == 0

    def test_it_uses_the_grammars_spelling(self):
        text = to_text(parse("|a| + e^b + e", AB))
        assert "abs(a)" in text and "exp(b)" in text and "E" not in text


class TestEqualityLadder:
    def test_an_identity_sympy_proves_cheaply(self):
        assert same_function(parse("sin(x)^2 + cos(x)^2", AB), sp.Integer(1), ("x",)) == "symbolic"

    def test_a_big_power_of_a_sum_is_never_expanded(self):
        a, b = sp.symbols("a b", real=True)
        p = (a + b) ** 150
        diff = p * (a - b) - (a * p - b * p)  # zero, but only after expanding (a + b)^150
        start = time.perf_counter()
        assert not symbolic_zero(diff)
        assert time.perf_counter() - start < 1.0

    def test_equal_functions_too_long_to_simplify_are_checked_numerically(self):
        tail = "exp(a b) (1 + a^2 + b^4 + log(1 + a^2 + b^2) + atan(a b) + tanh(a - b))"
        left = parse(f"sin(a + b) {tail}", AB)
        right = parse(f"(sin(a) cos(b) + cos(a) sin(b)) {tail}", AB)
        assert same_function(left, right, ("a", "b")) == "numeric"

    @pytest.mark.parametrize(
        ("text", "points"),
        [
            ("|asin(x)|", [0.1, 0.3, -0.6]),
            ("|acos(log(cos(2 + x)))|", [4.0, 4.3, 4.6]),  # inside the real domain
            ("|log(x)|", [0.5, 2.0, 3.0]),
        ],
    )
    def test_sympys_complex_aware_derivatives_are_evaluated(self, text, points):
        x = parse("x", AB)
        derivative = sp.diff(parse(text, AB), x)  # holds re, im, arg or atan2
        values = evaluator(derivative, ("x",))(np.array(points))
        expected = [complex(derivative.evalf(30, subs={x: p})).real for p in points]
        assert values == pytest.approx(expected, rel=1e-9)

    def test_different_functions_are_found_different(self):
        assert same_function(parse("x^2", AB), parse("x^2 + 1e-6", AB), ("x",)) == "different"

    def test_functions_defined_nowhere_on_the_samples_are_unknown(self):
        nowhere = parse("log(-1 - x^2)", AB)
        assert same_function(nowhere, nowhere + parse("x", AB) - parse("x", AB) + 0, ("x",)) in (
            "symbolic",
            "unknown",
        )
        assert same_function(nowhere, 2 * nowhere, ("x",)) == "unknown"
