"""Specification of the multivariate chain-rule walkthrough (``calc_core.chain``).

The book's exercise first (abstract, then a concrete instance computed by hand),
then layered compositions, every kind of bad input with its column, and a
hypothesis property: for random smooth compositions the chain rule's sum equals
the derivative of the substituted composite, computed independently here.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calc_core.chain import MAX_INTERMEDIATES, MAX_PATHS, abstract, walkthrough
from calc_core.errors import InputError
from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol

EXAMPLE = ("x*y + sin(z)", "x=a+b; y=a*b; z=b^2", "a=0.5, b=1.5")


class TestAbstractExercise:
    def test_nothing_typed_gives_the_abstract_form(self):
        r = walkthrough("", "", "a=0.5, b=1.5")
        assert r.abstract and r.inputs == ("a", "b") and r.intermediates == ("x", "y", "z")

    def test_the_graph_joins_each_input_to_each_intermediate_and_each_to_u(self):
        edges = {(e.source, e.target) for e in abstract().edges}
        assert edges == {(a, v) for a in "ab" for v in "xyz"} | {(v, "u") for v in "xyz"}

    @pytest.mark.parametrize("wrt", ["a", "b"])
    def test_the_formula_has_one_term_per_intermediate(self, wrt):
        w = abstract().walkthrough(wrt)
        expected = " + ".join(
            rf"\frac{{\partial u}}{{\partial {v}}} \frac{{\partial {v}}}{{\partial {wrt}}}"
            for v in "xyz"
        )
        assert w.formula_latex == rf"\frac{{\partial u}}{{\partial {wrt}}} = {expected}"

    def test_the_abstract_form_has_no_numbers(self):
        w = abstract().walkthrough("a")
        assert w.value is None and all(t.value is None for t in w.terms)


class TestConcreteExercise:
    """u = xy + sin z, x = a + b, y = ab, z = b^2 at (a, b) = (1/2, 3/2).

    By hand: u(a, b) = ab(a + b) + sin(b^2), so du/da = b(2a + b) = 15/4 and
    du/db = a(a + 2b) + 2b cos(b^2) = 7/4 + 3 cos(9/4).
    """

    def setup_method(self):
        self.r = walkthrough(*EXAMPLE)

    def test_inputs_come_from_at_and_intermediates_in_dependency_order(self):
        assert self.r.inputs == ("a", "b") and self.r.intermediates == ("x", "y", "z")
        assert not self.r.abstract and self.r.unused == ()

    def test_every_local_partial_sits_on_its_edge_with_its_value(self):
        edges = {(e.source, e.target): (e.partial_text, e.value) for e in self.r.edges}
        assert edges[("a", "y")] == ("b", 1.5)
        assert edges[("b", "z")] == ("2*b", 3.0)
        assert edges[("y", "u")] == ("x", 2.0)
        assert edges[("z", "u")][0] == "cos(z)"
        assert math.isclose(edges[("z", "u")][1], math.cos(2.25))
        assert ("a", "z") not in edges  # z = b^2 does not depend on a

    def test_du_da_has_the_two_terms_through_x_and_y_and_their_values(self):
        w = self.r.walkthrough("a")
        assert [t.path for t in w.terms] == [("a", "x", "u"), ("a", "y", "u")]
        assert [t.value for t in w.terms] == [0.75, 3.0]  # y * 1 and x * b

    def test_the_term_through_z_is_named_as_zero_for_a(self):
        assert [name for name, _ in self.r.walkthrough("a").zero_terms] == ["z"]
        assert self.r.walkthrough("b").zero_terms == ()

    def test_du_da_is_the_hand_computed_number(self):
        w = self.r.walkthrough("a")
        assert w.value == pytest.approx(15 / 4, rel=1e-14)
        assert w.direct_value == pytest.approx(15 / 4, rel=1e-14)
        assert w.exact_latex == r"\frac{15}{4}"

    def test_du_db_is_the_hand_computed_number(self):
        w = self.r.walkthrough("b")
        assert w.value == pytest.approx(7 / 4 + 3 * math.cos(9 / 4), rel=1e-13)
        assert len(w.terms) == 3

    def test_the_sum_is_proved_equal_to_the_direct_derivative(self):
        for w in self.r.walkthroughs:
            assert w.check == "symbolic"

    def test_a_central_difference_of_the_composite_agrees(self):
        for w in self.r.walkthroughs:
            assert w.difference_value == pytest.approx(w.value, rel=1e-8)

    def test_the_simplified_sum_is_the_factored_form(self):
        assert self.r.walkthrough("a").simplified_latex == r"b \left(2 a + b\right)"

    def test_the_composite_is_handed_on_as_parseable_text(self):
        text = self.r.composite_text
        assert parse(text, ("a", "b")) == parse("a*b*(a+b) + sin(b^2)", ("a", "b"))

    def test_values_of_every_variable_at_the_point(self):
        values = dict(self.r.values)
        assert values == {
            "a": 0.5,
            "b": 1.5,
            "x": 2.0,
            "y": 0.75,
            "z": 2.25,
            "u": pytest.approx(1.5 + math.sin(2.25)),
        }

    def test_the_record_crosses_a_process_boundary(self):
        assert pickle.loads(pickle.dumps(self.r)) == self.r

    def test_an_unknown_wrt_falls_back_to_the_first_input(self):
        assert self.r.walkthrough("q").wrt == "a"


class TestGeneralCompositions:
    def test_intermediates_may_use_each_other_and_each_path_is_a_term(self):
        r = walkthrough("z", "x = a^2; y = a + x; z = x*y", "a=2")
        paths = {t.path for t in r.walkthrough("a").terms}
        assert paths == {("a", "x", "z", "u"), ("a", "x", "y", "z", "u"), ("a", "y", "z", "u")}
        # z = a^2 (a + a^2) = a^3 + a^4, so dz/da = 3a^2 + 4a^3 = 44 at a = 2
        assert r.walkthrough("a").value == pytest.approx(44.0)
        assert r.intermediates.index("x") < r.intermediates.index("y")

    def test_u_may_use_an_input_directly_and_that_partial_is_marked(self):
        r = walkthrough("x*a", "x = a^2", "a=3")
        w = r.walkthrough("a")
        assert w.value == pytest.approx(27.0)  # d(a^3)/da
        direct = next(t for t in w.terms if t.path == ("a", "u"))
        assert direct.symbol_latex.startswith(r"\left(\frac{\partial u}{\partial a}\right)_{x}")

    def test_no_intermediates_is_plain_partial_differentiation(self):
        r = walkthrough("a^2 b", "", "a=1, b=2")
        assert [w.value for w in r.walkthroughs] == [4.0, 1.0]

    def test_u_independent_of_an_input_has_no_terms_and_derivative_zero(self):
        w = walkthrough("x", "x = a", "a=1, b=2").walkthrough("b")
        assert w.terms == () and w.value == 0.0

    def test_an_unused_intermediate_is_reported(self):
        assert walkthrough("x", "x = a; y = a", "a=1").unused == ("y",)

    def test_values_may_be_constant_expressions(self):
        r = walkthrough("sin(x)", "x = 2a", "a = pi/4")
        assert r.walkthrough("a").value == pytest.approx(2 * math.cos(math.pi / 2), abs=1e-15)

    def test_a_point_outside_the_domain_is_reported_not_raised(self):
        r = walkthrough("log(x)", "x = a - 1", "a = 0.5")
        assert "u" in r.undefined and r.walkthrough("a").direct_value == pytest.approx(-2.0)

    def test_full_width_separators_from_a_chinese_keyboard(self):
        r = walkthrough("x＊y", "x＝a＋b；y＝a", "a＝1，b＝2")
        assert r.walkthrough("a").value == pytest.approx(4.0)  # d(a^2 + ab)/da = 2a + b

    def test_huge_powers_give_a_number_but_no_exact_value(self):
        w = walkthrough("x3", "x1 = a^200; x2 = x1^200; x3 = x2^200", "a=1").walkthrough("a")
        assert w.value == pytest.approx(200.0**3) and w.exact_latex is None

    def test_no_exact_value_where_the_point_makes_a_huge_power(self):
        # 4^(1/a) at a = 10^-9 is 4^1000000000 exactly: never computed
        w = walkthrough("4^(1/a) + x", "x = a", "a=1e-9").walkthrough("a")
        assert w.exact_latex is None and w.direct_value is None

    def test_formulas_too_big_to_print_are_left_out_but_computed(self):
        inner = "; ".join(
            f"x{k} = a" + "".join(f" * sin(x{j})" for j in range(1, k)) for k in range(1, 7)
        )
        w = walkthrough("x6", inner, "a=1").walkthrough("a")
        assert w.sum_latex is None and w.direct_latex is None
        assert w.check in ("symbolic", "numeric")
        assert w.value == pytest.approx(w.difference_value, rel=1e-7)

    def test_many_intermediates_within_the_bound(self):
        inner = "; ".join(f"x{k} = a*{k}" for k in range(1, MAX_INTERMEDIATES + 1))
        u = " + ".join(f"x{k}" for k in range(1, MAX_INTERMEDIATES + 1))
        w = walkthrough(u, inner, "a=1").walkthrough("a")
        assert len(w.terms) == MAX_INTERMEDIATES and w.value == pytest.approx(55.0)


def error_of(u: str, inner: str, at: str) -> InputError:
    with pytest.raises(InputError) as info:
        walkthrough(u, inner, at)
    return info.value


class TestBadInput:
    def test_a_two_step_cycle_is_named_with_its_column(self):
        err = error_of("x*y", "x = y; y = x", "a=1")
        assert (err.code, err.field, err.column) == ("definition_cycle", "inner", 0)
        assert err.params["cycle"] == "x → y → x"

    def test_a_self_reference_is_a_cycle(self):
        err = error_of("x", "x = x + a", "a=1")
        assert err.code == "definition_cycle" and err.params["cycle"] == "x → x"

    def test_a_longer_cycle_points_at_its_first_definition(self):
        inner = "w = a; x = z; y = x; z = y"
        err = error_of("x", inner, "a=1")
        assert err.code == "definition_cycle" and err.column == inner.index("x =")

    def test_an_undeclared_variable_in_u_has_its_column(self):
        err = error_of("x + q", "x = a", "a=1")
        assert (err.code, err.field, err.column) == ("undeclared_variable", "u", 4)
        assert err.params == {"name": "q", "allowed": "x, a"}

    def test_an_undeclared_variable_in_a_definition_has_its_column_in_the_whole_text(self):
        inner = "x = a + b; y = a * q"
        err = error_of("x*y", inner, "a=1, b=2")
        assert (err.code, err.field, err.column) == (
            "undeclared_variable",
            "inner",
            inner.index("q"),
        )

    @pytest.mark.parametrize(
        ("inner", "at", "field", "column"),
        [("x = a; x = b", "a=1, b=2", "inner", 7), ("x = a", "a=1, a=2", "at", 5)],
    )
    def test_a_name_declared_twice(self, inner, at, field, column):
        err = error_of("x", inner, at)
        assert (err.code, err.field, err.column, err.params["name"]) == (
            "duplicate_name",
            field,
            column,
            inner[column] if field == "inner" else at[column],
        )

    def test_an_input_defined_again_as_an_intermediate(self):
        err = error_of("a", "a = 2", "a=1")
        assert (err.code, err.field, err.column) == ("duplicate_name", "inner", 0)

    @pytest.mark.parametrize("name", ["sin", "pi", "e", "u"])
    def test_reserved_names(self, name):
        err = error_of("x", f"{name} = a", "a=1")
        assert err.code == "reserved_name" and err.params["name"] == name

    @pytest.mark.parametrize(
        ("inner", "code", "column"),
        [
            ("x a + b", "definition_syntax", 0),
            ("x = a; 1x = a", "definition_name", 7),
            ("x_1 = a", "definition_name", 0),
            ("= a", "definition_name", 0),
            ("x = a; y =", "definition_empty", 9),
            ("x = a; y = a +", "unexpected_end", 14),
            ("x = a == b", "comparison_not_allowed", 6),
        ],
    )
    def test_malformed_definitions(self, inner, code, column):
        err = error_of("x", inner, "a=1, b=2")
        assert (err.code, err.field, err.column) == (code, "inner", column)

    @pytest.mark.parametrize(
        ("text", "field"),
        [
            ("__import__('os').system('ls')", "u"),
            ("x.__class__.__mro__", "u"),
            ("x = a; import os", "inner"),
            ("x = eval('1')", "inner"),
            ('x = a; y = "a"', "inner"),
            ("a=1; b=exec", "at"),
            ("a=9^9^9", "at"),
        ],
    )
    def test_hostile_text_is_refused_with_an_input_error(self, text, field):
        u, inner, at = "x", "x = a", "a=1"
        u, inner, at = {"u": (text, inner, at), "inner": (u, text, at), "at": (u, inner, text)}[
            field
        ]
        err = error_of(u, inner, at)
        assert err.field == field and err.code in {
            "unexpected_char",
            "undeclared_variable",
            "definition_syntax",
            "unknown_name",
            "unknown_name_plain",
            "unknown_function",
            "constant_too_large",
            "variable_not_allowed",
        }

    def test_too_many_definitions(self):
        inner = "; ".join(f"x{k} = a" for k in range(MAX_INTERMEDIATES + 1))
        assert error_of("x0", inner, "a=1").code == "too_many_definitions"

    def test_too_long_definitions(self):
        assert error_of("x", "x = a + " + "a + " * 200 + "a", "a=1").code == "too_long"

    def test_too_many_paths_in_a_dense_layered_graph(self):
        # x_k uses a and every earlier x_j: 2^(k-1) paths from a to x_k, 128 to x8 (> 32)
        inner = "; ".join(
            f"x{k} = a" + "".join(f" + x{j}" for j in range(1, k)) for k in range(1, 9)
        )
        err = error_of("x8", inner, "a=1")
        assert err.code == "too_many_paths" and err.params["limit"] == MAX_PATHS

    def test_just_within_the_path_bound(self):
        inner = "; ".join(
            f"x{k} = a" + "".join(f" + x{j}" for j in range(1, k)) for k in range(1, 7)
        )
        w = walkthrough("x6", inner, "a=1").walkthrough("a")
        assert len(w.terms) == MAX_PATHS == 32 and w.value == pytest.approx(32.0)

    def test_no_inputs_declared(self):
        err = error_of("x", "x = 2", "")
        assert (err.code, err.field) == ("no_inputs", "at")

    def test_u_missing_while_definitions_are_given(self):
        err = error_of("", "x = a", "a=1")
        assert (err.code, err.field) == ("empty", "u")

    @pytest.mark.parametrize("at", ["a=log(-1)", "a=1/0", "a=x"])
    def test_a_point_value_that_is_not_a_real_number(self, at):
        err = error_of("x", "x = a", at)
        assert err.field == "at" and err.code in {
            "not_finite",
            "undefined_constant",
            "variable_not_allowed",
            "undeclared_variable",
        }


# ----------------------------------------------------------------------------- property

SMOOTH_INNER = ["a + b", "a*b", "b^2", "sin(a)", "exp(b/2)", "a - 2b", "cos(a*b)", "atan(a + b)"]
SMOOTH_OUTER = ["x*y", "x + z", "sin(x) y", "exp(y/3) z", "x^2 - z", "x y z", "cos(z) + x", "y^3"]


class TestRandomSmoothCompositions:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        x=st.sampled_from(SMOOTH_INNER),
        y=st.sampled_from(SMOOTH_INNER),
        z=st.sampled_from(SMOOTH_INNER),
        outer=st.lists(st.sampled_from(SMOOTH_OUTER), min_size=1, max_size=3),
        a=st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3)),
        b=st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3)),
    )
    def test_the_sum_over_paths_equals_differentiating_the_composite(self, x, y, z, outer, a, b):
        u = " + ".join(f"({o})" for o in outer)
        inner = f"x = {x}; y = {y}; z = {z}"
        r = walkthrough(u, inner, f"a={a!r}, b={b!r}")
        # the composite, built independently here by substitution
        ab = ("a", "b")
        subs = {symbol(n): parse(text, ab) for n, text in (("x", x), ("y", y), ("z", z))}
        composite = parse(u, ("x", "y", "z")).xreplace(subs)
        for w in r.walkthroughs:
            assert w.check in ("symbolic", "numeric")
            expected = sp.diff(composite, symbol(w.wrt))
            value = float(compile_expr(expected, ab)(np.array(a), np.array(b)))
            assert w.value == pytest.approx(value, rel=1e-9, abs=1e-12)
            assert sum(t.value for t in w.terms) == pytest.approx(value, rel=1e-9, abs=1e-12)
