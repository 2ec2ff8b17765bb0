"""Specification of norms in the grammar: ``parse(text, variables, vectors=...)``.

``norm(x)``, ``norm(x, 1)``, ``norm(x, inf)`` and ``norm(x, p)`` expand over the
coordinates of a declared vector; without ``vectors`` the grammar is unchanged. The
vector's name and ``inf`` are refused everywhere else, with their own messages.
"""

from __future__ import annotations

import pytest
import sympy as sp

from calc_core.errors import ERROR_CODES, InputError
from calc_core.norms import classify, norm_case, norm_expr
from calc_core.parser import MAX_NORM_ORDER, parse, symbol

X = ("x1", "x2", "x3")
VECTORS = {"x": X}
x1, x2, x3 = (symbol(v) for v in X)


def vparse(text: str) -> sp.Expr:
    return parse(text, X, vectors=VECTORS)


def refusal(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        vparse(text)
    return info.value


class TestExpansion:
    def test_euclidean_norm_is_the_default(self):
        assert vparse("norm(x)") == sp.sqrt(x1**2 + x2**2 + x3**2)
        assert vparse("norm(x, 2)") == vparse("norm(x)")

    def test_l1_norm(self):
        assert vparse("norm(x, 1)") == sp.Abs(x1) + sp.Abs(x2) + sp.Abs(x3)

    def test_max_norm(self):
        assert vparse("norm(x, inf)") == sp.Max(sp.Abs(x1), sp.Abs(x2), sp.Abs(x3))

    @pytest.mark.parametrize("order", ["3/2", "1.5", "(1 + 2)/2"])
    def test_rational_orders_in_any_spelling(self, order):
        p = sp.Rational(3, 2)
        expected = (sp.Abs(x1) ** p + sp.Abs(x2) ** p + sp.Abs(x3) ** p) ** (1 / p)
        assert vparse(f"norm(x, {order})") == expected

    def test_squared_norm_is_the_sum_of_squares(self):
        assert vparse("norm(x)^2") == x1**2 + x2**2 + x3**2

    def test_norms_combine_with_the_rest_of_the_grammar(self):
        assert vparse("2 norm(x, 1) - x1") == 2 * (sp.Abs(x1) + sp.Abs(x2) + sp.Abs(x3)) - x1

    def test_full_width_brackets_from_an_ime(self):
        assert vparse("norm（x，1）") == vparse("norm(x, 1)")

    def test_one_dimension_every_norm_is_abs(self):
        for order in ("1", "2", "3", "inf"):
            assert parse(f"norm(x, {order})", ("x1",), vectors={"x": ("x1",)}) == sp.Abs(x1)


class TestBackwardCompatibility:
    def test_without_vectors_norm_is_an_unknown_function(self):
        with pytest.raises(InputError) as info:
            parse("norm(x)", ("x",))
        assert info.value.code == "unknown_function"

    def test_without_vectors_inf_is_an_unknown_name(self):
        with pytest.raises(InputError) as info:
            parse("inf", ("x",))
        assert info.value.code in ("unknown_name", "unknown_name_plain")

    def test_plain_expressions_parse_as_before(self):
        assert vparse("3x1^2 + 5e^{x2}") == parse("3x1^2 + 5e^{x2}", X)


class TestRefusals:
    def test_the_vector_alone_names_its_coordinates(self):
        err = refusal("x + 1")
        assert (err.code, err.column, err.params) == (
            "vector_not_scalar",
            0,
            {"name": "x", "coordinates": "x1, x2, x3"},
        )

    @pytest.mark.parametrize("text", ["norm(2x)", "norm(x1)", "norm()", "norm(y)", "norm(x + x)"])
    def test_norm_takes_the_vector_itself(self, text):
        err = refusal(text)
        assert err.code == "norm_needs_vector" and err.column == 5
        assert err.params == {"vectors": "x"}

    @pytest.mark.parametrize(
        "order", ["0.5", "0", "-1", "pi", "x1", "sqrt(2)", str(MAX_NORM_ORDER + 1), "1/1000"]
    )
    def test_orders_must_be_rational_between_1_and_the_bound(self, order):
        err = refusal(f"norm(x, {order})")
        assert (err.code, err.column) == ("norm_order", 8)
        assert err.params == {"limit": MAX_NORM_ORDER}

    @pytest.mark.parametrize(("text", "column"), [("inf", 0), ("2 inf", 2), ("norm(x, inf+1)", 8)])
    def test_inf_only_as_the_order(self, text, column):
        err = refusal(text)
        assert (err.code, err.column) == ("inf_only_in_norm", column)

    def test_unclosed_norm(self):
        assert refusal("norm(x").code == "unclosed_paren"
        assert refusal("norm(x, 1").code == "unclosed_paren"

    def test_norm_needs_brackets(self):
        assert refusal("norm x").code == "function_needs_parens"

    def test_too_many_arguments(self):
        assert refusal("norm(x, 1, 2)").code == "unexpected_token"

    def test_every_new_code_is_registered(self):
        for code in ("vector_not_scalar", "norm_needs_vector", "norm_order", "inf_only_in_norm"):
            assert code in ERROR_CODES


class TestClassify:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("norm(x)", "l2"),
            ("norm(x, 1)", "l1"),
            ("norm(x, inf)", "linf"),
            ("norm(x, 3)", "lp"),
            ("norm(x)^2", "l2_squared"),
            ("x1^2 + x2^2 + x3^2", "l2_squared"),
        ],
    )
    def test_each_norm_is_recognised(self, text, kind):
        assert classify(vparse(text), [x1, x2, x3])[0] == kind

    @pytest.mark.parametrize("text", ["2 norm(x)", "norm(x) + 1", "x1 + x2", "norm(x)^3"])
    def test_other_functions_are_not_norms(self, text):
        assert classify(vparse(text), [x1, x2, x3]) is None

    def test_norm_expr_round_trip_for_many_orders(self):
        for p in (sp.Rational(5, 4), 3, 7, sp.Rational(7, 2)):
            assert classify(norm_expr([x1, x2], p), [x1, x2]) == ("lp", p)

    def test_norm_case_away_from_kinks(self):
        case = norm_case(vparse("norm(x, 1)"), [x1, x2, x3], [1, -2, 3])
        assert case.differentiable and case.subdifferential_latex is None
