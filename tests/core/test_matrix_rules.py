"""Specification of the book's matrix rules (:mod:`calc_core.matrix_rules`).

For random shapes and seeds: sympy's entry-by-entry derivative equals the formula
exactly; the formula's numbers equal numpy's own evaluation of the rule (an
independent reference) and numpy's central differences; the numerator layout is the
transpose; the numpy code shown on the page prints True when run.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core.errors import InputError
from calc_core.matrix_rules import MAX_SIZE, RULES, SEED_LIMIT, check_all, check_rule, sizes

shapes = st.integers(1, MAX_SIZE)
seeds = st.integers(0, SEED_LIMIT - 1)


def reference(rule: str, a, x) -> np.ndarray:
    """The rule's right-hand side, computed by numpy from the drawn A and x."""
    if rule == "Ax":
        return a.T
    if rule == "xTA":
        return a
    if rule == "xTAx":
        return ((a + a.T) @ x).reshape(-1, 1)
    if rule == "norm_sq":
        return (2 * x).reshape(-1, 1)
    return 2 * x  # frobenius


class TestEveryRule:
    @settings(max_examples=25, deadline=None)
    @given(rule=st.sampled_from(RULES), m=shapes, n=shapes, seed=seeds)
    def test_symbolic_derivative_equals_the_formula_exactly(self, rule, m, n, seed):
        assert check_rule(rule, seed, m, n).symbolic_matches

    @settings(max_examples=40, deadline=None)
    @given(rule=st.sampled_from(RULES), m=shapes, n=shapes, seed=seeds)
    def test_finite_differences_agree_with_numpy_reference(self, rule, m, n, seed):
        c = check_rule(rule, seed, m, n)
        expected = reference(rule, c.a, c.x)
        assert c.numeric.shape == expected.shape == c.denominator_shape
        assert np.allclose(c.numeric, expected, atol=1e-6)
        assert c.max_error < 1e-6

    @settings(max_examples=25, deadline=None)
    @given(rule=st.sampled_from(RULES), m=shapes, n=shapes, seed=seeds)
    def test_numerator_layout_is_the_transpose(self, rule, m, n, seed):
        c = check_rule(rule, seed, m, n)
        assert c.numerator_shape == c.denominator_shape[::-1]


class TestShapes:
    def test_ax_is_n_by_m_in_the_book_and_m_by_n_as_a_jacobian(self):
        c = check_rule("Ax", seed=7, m=2, n=3)
        assert (c.denominator_shape, c.numerator_shape) == ((3, 2), (2, 3))
        assert c.formula_latex.endswith(r"\mathbf{A}^\top")
        assert c.numerator_latex.endswith(r"= \mathbf{A}")

    def test_square_rules_use_a_square_matrix(self):
        c = check_rule("xTAx", seed=3, m=2, n=4)
        assert c.a.shape == (4, 4) and c.x.shape == (4,)

    def test_frobenius_gradient_has_the_shape_of_x(self):
        c = check_rule("frobenius", seed=1, m=3, n=2)
        assert c.x.shape == c.denominator_shape == (3, 2) and c.a is None

    def test_symbolic_result_uses_symbols_of_the_drawn_size(self):
        c = check_rule("xTAx", seed=0, m=2, n=2)
        assert c.symbolic_latex == (
            r"\left[\begin{matrix}2 a_{11} x_{1} + a_{12} x_{2} + a_{21} x_{2}"
            r"\\a_{12} x_{1} + a_{21} x_{1} + 2 a_{22} x_{2}\end{matrix}\right]"
        )


class TestSeeds:
    def test_a_seed_always_draws_the_same_example(self):
        a, b = check_all(2532), check_all(2532)
        for c, d in zip(a.checks, b.checks, strict=True):
            assert np.array_equal(c.x, d.x) and c.value_latex == d.value_latex

    def test_different_seeds_draw_different_examples(self):
        drawn = {check_rule("Ax", s).value_latex for s in range(10)}
        assert len(drawn) > 5

    def test_seeds_give_sizes_2_or_3(self):
        for seed in range(50):
            for rule in RULES:
                assert set(sizes(rule, seed)) <= {2, 3}

    @pytest.mark.parametrize("seed", [-1, SEED_LIMIT])
    def test_seed_out_of_range(self, seed):
        with pytest.raises(InputError) as info:
            check_all(seed)
        assert (info.value.code, info.value.field) == ("out_of_range", "seed")

    def test_unknown_rule_is_a_programming_error(self):
        with pytest.raises(ValueError):
            check_rule("xAx", 0)


class TestCode:
    def test_every_snippet_prints_true(self):
        result = check_all(11)
        program = "\n".join(
            f"exec({c.code!r}, {{}})" for c in result.checks
        )  # each snippet in its own namespace
        done = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
        )
        assert done.stdout.split() == ["True"] * len(RULES)
        assert all(c.output == ("True",) for c in result.checks)
