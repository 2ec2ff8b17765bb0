"""Specification of reverse-mode automatic differentiation (``calc_core.backprop``).

The graph's structure, the forward values against an independent evaluation of
every node's sub-expression, the backward pass by hand on small graphs, and the
property the issue names: at random points the backward pass gives the symbolic
gradient (computed here with sympy, independently of the module) and agrees with
central differences.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calc_core import backprop as bp
from calc_core.errors import InputError
from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol


def by_text(result: bp.BackpropResult) -> dict[str, bp.Node]:
    return {n.expr_text: n for n in result.nodes}


class TestTheGraph:
    def test_inputs_come_first_in_the_order_at_declares_them(self):
        r = bp.backprop("x*y + sin(x)", "y=2, x=1")
        assert [(n.name, n.op) for n in r.nodes[:2]] == [("y", "input"), ("x", "input")]

    def test_nodes_are_in_topological_order(self):
        r = bp.backprop("exp(x*y) / (1 + x^2) + log(y)", "x=0.5, y=2")
        for node in r.nodes:
            assert all(arg < node.id for arg in node.args)
        assert r.output == len(r.nodes) - 1

    def test_a_shared_sub_expression_is_one_node_with_two_uses(self):
        r = bp.backprop("x*y + sin(x*y)", "x=1, y=2")
        shared = by_text(r)["x*y"]
        assert sum(shared.id in n.args for n in r.nodes) == 2
        assert [n.label for n in r.nodes] == ["x", "y", "×", "sin", "+"]

    def test_constants_are_folded_into_their_operations(self):
        r = bp.backprop("3x^2 + 1", "x=2")
        assert [n.label for n in r.nodes] == ["x", "^2", "× 3", "+ 1"]
        assert all(n.op != "const" for n in r.nodes)

    def test_a_power_with_a_varying_exponent_has_two_arguments(self):
        r = bp.backprop("x^y", "x=2, y=3")
        assert r.nodes[-1].op == "pow" and r.nodes[-1].args == (0, 1)

    def test_f_that_is_one_of_several_inputs_is_that_inputs_node(self):
        r = bp.backprop("x", "x=1, y=2, z=3")
        assert r.output == 0 and r.gradient == (1.0, 0.0, 0.0) and r.agree

    def test_a_constant_function_is_a_single_constant_node(self):
        r = bp.backprop("3", "x=1")
        assert [n.op for n in r.nodes] == ["input", "const"] and r.gradient == (0.0,)


class TestForwardPass:
    @pytest.mark.parametrize(
        "text", ["x*y + sin(x*y)", "exp(-x^2) / (1 + y^2)", "x^y + 2^x", "atan(x/y) - |x - y|"]
    )
    def test_each_node_holds_its_sub_expression_evaluated_independently(self, text):
        r = bp.backprop(text, "x=0.7, y=1.3")
        for node in r.nodes:
            expected = compile_expr(parse(node.expr_text, ("x", "y")), ("x", "y"))(0.7, 1.3)
            assert node.value == pytest.approx(float(expected), rel=1e-12)

    def test_a_value_outside_the_domain_is_flagged(self):
        r = bp.backprop("log(x - 2) + x", "x=1")
        assert [r.nodes[k].label for k in r.undefined] == ["log", "+"]

    def test_an_imaginary_constant_makes_its_nodes_undefined_not_an_error(self):
        r = bp.backprop("sqrt(cos(2)) / atan(x)", "x=0.7")  # cos(2) < 0
        assert r.undefined and r.nodes[r.output].label == "× sqrt(cos(2))"


class TestBackwardPass:
    def test_the_output_adjoint_is_one(self):
        r = bp.backprop("sin(x) y", "x=1, y=2")
        assert r.nodes[r.output].adjoint == 1.0

    def test_by_hand_on_a_product(self):
        # f = x*y: the product node sends y back to x and x back to y
        r = bp.backprop("x*y", "x=3, y=5")
        flows = {(e.source, e.target): (e.local, e.contribution) for e in r.edges}
        assert flows == {(0, 2): (5.0, 5.0), (1, 2): (3.0, 3.0)}
        assert r.gradient == (5.0, 3.0)

    def test_a_node_used_twice_sums_its_contributions(self):
        # f = xy + sin(xy): the shared node gets 1 + cos(xy) -- the chain rule's sum
        r = bp.backprop("x*y + sin(x*y)", "x=1, y=2")
        shared = by_text(r)["x*y"]
        incoming = [e.contribution for e in r.edges if e.source == shared.id]
        assert len(incoming) == 2 and shared.adjoint == pytest.approx(1 + math.cos(2))

    def test_each_contribution_is_the_targets_adjoint_times_the_local_derivative(self):
        r = bp.backprop("exp(x*y) / (1 + x^2)", "x=0.3, y=-1")
        for e in r.edges:
            assert e.contribution == pytest.approx(r.nodes[e.target].adjoint * e.local)

    def test_every_adjoint_is_the_sum_of_what_flows_into_it(self):
        r = bp.backprop("x^x + sin(x) cos(y) + x/y", "x=1.5, y=0.5")
        for node in r.nodes[:-1]:
            flows = sum(e.contribution for e in r.edges if e.source == node.id)
            assert node.adjoint == pytest.approx(flows)

    def test_the_exercise_composite_gives_the_chain_rule_numbers(self):
        r = bp.backprop("a*b*(a + b) + sin(b^2)", "a=0.5, b=1.5")
        assert r.gradient[0] == pytest.approx(15 / 4)
        assert r.gradient[1] == pytest.approx(7 / 4 + 3 * math.cos(9 / 4))
        assert r.agree

    def test_local_derivative_formulas_name_the_nodes(self):
        r = bp.backprop("sin(x*y)", "x=1, y=2")
        formulas = {(e.source, e.target): e.local_latex for e in r.edges}
        assert formulas == {(2, 3): r"\cos v_{2}", (0, 2): "y", (1, 2): "x"}

    def test_the_record_crosses_a_process_boundary(self):
        r = bp.backprop("x^x", "x=2")
        assert pickle.loads(pickle.dumps(r)) == r


class TestBadInput:
    @pytest.mark.parametrize(
        ("f", "at", "code", "field"),
        [
            ("x + z", "x=1", "undeclared_variable", "f"),
            ("x", "", "no_inputs", "at"),
            ("__import__('os')", "x=1", "unexpected_char", "f"),
            ("x", "x=1; x=2", "duplicate_name", "at"),
            ("x", "x=1/0", "undefined_constant", "at"),
            ("x", "sin=1", "reserved_name", "at"),
        ],
    )
    def test_errors_name_their_field(self, f, at, code, field):
        with pytest.raises(InputError) as info:
            bp.backprop(f, at)
        assert (info.value.code, info.value.field) == (code, field)


class TestTorchWitness:
    def test_without_torch_there_is_no_witness(self, monkeypatch):
        monkeypatch.setattr(bp, "find_spec", lambda name: None)
        assert not bp.torch_available()
        assert bp.torch_gradient("x*y", "x=1, y=2") is None

    def test_torch_autograd_agrees_where_torch_is_installed(self):
        pytest.importorskip("torch")
        r = bp.backprop("x*y + sin(x*y) + x^y", "x=1.2, y=0.7")
        assert bp.torch_gradient("x*y + sin(x*y) + x^y", "x=1.2, y=0.7") == pytest.approx(
            r.gradient, rel=1e-12
        )


# ----------------------------------------------------------------------------- property


def round_6(v: float) -> float:
    return round(v, 6)


TEMPLATES = [
    "x*y",
    "sin(x) + cos(y)",
    "exp(x - y)",
    "x^2 y^3",
    "log(1 + x^2 + y^2)",
    "atan(x y)",
    "sqrt(1 + x^2)",
    "tanh(x + 2y)",
    "x/(1 + y^2)",
    "(x^2 + 1)^y",
]


class TestAgainstTheSymbolicGradient:
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        parts=st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=3),
        ops=st.lists(st.sampled_from(["+", "*", "-", "/"]), min_size=2, max_size=2),
        wrap=st.sampled_from(["{}", "sin({})", "exp({}/10)", "({})^2", "log(2 + ({})^2)"]),
        x=st.floats(-2, 2, allow_nan=False),
        y=st.floats(-2, 2, allow_nan=False),
    )
    def test_the_backward_pass_gives_the_symbolic_gradient(self, parts, ops, wrap, x, y):
        body = f"({parts[0]})"
        for op, part in zip(ops, parts[1:], strict=False):
            body += f" {op} ({part})"
        text = wrap.format(body)
        xs, ys = round(x, 4), round(y, 4)
        r = bp.backprop(text, f"x={xs!r}, y={ys!r}")
        expr = parse(text, ("x", "y"))
        syms = (symbol("x"), symbol("y"))
        for k, s in enumerate(syms):
            exact = float(compile_expr(sp.diff(expr, s), syms)(xs, ys))
            assume(math.isfinite(exact) and abs(exact) < 1e8)
            assert r.gradient[k] == pytest.approx(exact, rel=1e-9, abs=1e-9)

    @settings(max_examples=40, deadline=None)
    @given(x=st.floats(0.2, 2.5).map(round_6), y=st.floats(-2, 2).map(round_6))
    def test_the_backward_pass_agrees_with_central_differences(self, x, y):
        text = "x^y + sin(x y) / (1 + x^2) + exp(-y^2) log(x)"
        r = bp.backprop(text, f"x={x!r}, y={y!r}")
        f = compile_expr(parse(text, ("x", "y")), ("x", "y"))
        h = 1e-6
        dx = (f(x + h, y) - f(x - h, y)) / (2 * h)
        dy = (f(x, y + h) - f(x, y - h)) / (2 * h)
        assert np.allclose(r.gradient, [float(dx), float(dy)], rtol=1e-6, atol=1e-7)
