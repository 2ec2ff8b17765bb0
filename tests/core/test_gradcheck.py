"""Specification of the gradient check (calc_core.gradcheck), as torch.autograd.gradcheck decides.

References: numpy's ``isclose`` (the same rule as ``torch.allclose``, which gradcheck
uses: |a − b| ≤ atol + rtol·|b|, b the numerical value), a re-implementation of
gradcheck's central differences written here in numpy's own float32 arithmetic, and
sympy for the true partials. PyTorch itself, when installed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calc_core import gradcheck
from calc_core.errors import InputError

EXERCISE = "3x1^2 + 5e^{x2}"  # the Chinese edition's exercise; gradient (6 x1, 5 e^x2)


def coordinate(low: float, high: float):
    """A coordinate as a learner types it (the point's grammar refuses 1e-294)."""
    return st.floats(low, high).map(lambda v: round(v, 6))


class TestTheRule:
    @given(
        analytic=st.floats(-1e6, 1e6),
        numeric=st.floats(-1e6, 1e6),
        atol=st.floats(0, 1),
        rtol=st.floats(0, 1),
    )
    def test_each_component_is_decided_as_allclose_decides(self, analytic, numeric, atol, rtol):
        got = gradcheck.verdicts(np.array([analytic]), np.array([numeric]), atol, rtol)
        assert bool(got[0]) == bool(np.isclose(analytic, numeric, rtol=rtol, atol=atol))

    def test_a_non_finite_value_is_undecided_not_failed(self):
        got = gradcheck.verdicts(np.array([np.nan, 1.0]), np.array([1.0, np.inf]), 1e-5, 1e-3)
        assert np.isnan(got).all()

    def test_the_defaults_are_gradchecks(self):
        # torch.autograd.gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, ...)
        assert (gradcheck.EPS, gradcheck.ATOL, gradcheck.RTOL) == (1e-6, 1e-5, 1e-3)


class TestNumericalSide:
    def test_float32_central_differences_are_gradchecks_float32_arithmetic(self):
        r = gradcheck.check(EXERCISE, "1, 0", 2, "float32", 1e-6)
        f32 = np.float32

        def f(x1, x2):
            return f32(f32(3) * f32(x1 * x1)) + f32(f32(5) * np.exp(x2))

        x, h = [f32(1), f32(0)], f32(1e-6)
        for i, component in enumerate(r.components):
            plus, minus = list(x), list(x)
            plus[i], minus[i] = f32(x[i] + h), f32(x[i] - h)
            reference = f32(f32(f(*plus) - f(*minus)) / f32(2 * h))
            assert component.numeric == float(reference)

    @settings(max_examples=40, deadline=None)
    @given(x1=coordinate(-2, 2), x2=coordinate(-2, 2))
    def test_the_true_value_is_sympys_partial(self, x1, x2):
        r = gradcheck.check(EXERCISE, f"{x1!r}, {x2!r}", 2)
        assert r.components[0].exact == pytest.approx(6 * x1, rel=1e-15, abs=1e-300)
        assert r.components[1].exact == pytest.approx(5 * math.exp(x2), rel=1e-15)


class TestPrecision:
    """The issue's lesson: gradcheck's float64 defaults fail a correct float32 gradient."""

    def test_a_correct_gradient_passes_in_float64_at_the_defaults(self):
        assert gradcheck.check(EXERCISE, "1, 0", 2).passed is True

    def test_the_same_gradient_fails_in_float32_at_the_defaults(self):
        r = gradcheck.check(EXERCISE, "1, 0", 2, "float32")
        assert r.passed is False and r.default_passed is False
        assert all(c.analytic == c.exact for c in r.components)  # the gradient is right

    def test_and_passes_in_float32_with_the_suggested_step(self):
        r = gradcheck.check(EXERCISE, "1, 0", 2, "float32")
        assert r.suggested_h == pytest.approx(2.0 ** (-23 / 3))
        assert gradcheck.check(EXERCISE, "1, 0", 2, "float32", r.suggested_h).passed is True
        assert min(r.passing_h) <= r.suggested_h <= max(r.passing_h)

    def test_the_passing_steps_are_the_grid_steps_that_pass(self):
        r = gradcheck.check("sin(x1)*x2", "0.5, 2", 2, "float32")
        for h in gradcheck.GRID:
            passed = gradcheck.check("sin(x1)*x2", "0.5, 2", 2, "float32", h).passed
            assert (h in r.passing_h) == passed

    @pytest.mark.parametrize("name", ["float16", "bfloat16"])
    def test_no_step_passes_at_these_tolerances_in_half_precision(self, name):
        r = gradcheck.check(EXERCISE, "1, 0", 2, name)
        assert r.passing_h == () and r.passed is False


class TestWrongGradient:
    @settings(max_examples=40, deadline=None)
    @given(
        a=coordinate(0.5, 3),
        x1=coordinate(-2, 2),
        x2=coordinate(-1, 1),
        which=st.integers(0, 1),
        slip=coordinate(0.02, 2) | coordinate(-2, -0.02),
    )
    def test_one_wrong_component_is_caught_and_only_it(self, a, x1, x2, which, slip):
        f = f"{a!r}*x1^2*x2 + exp(x2)"
        exact = [f"2*{a!r}*x1*x2", f"{a!r}*x1^2 + exp(x2)"]
        claim = list(exact)
        claim[which] = f"({exact[which]}) + {slip!r}"  # off by more than atol + rtol·|g|?
        r = gradcheck.check(f, f"{x1!r}, {x2!r}", 2, claim="; ".join(claim))
        tolerance = gradcheck.ATOL + gradcheck.RTOL * abs(r.components[which].exact)
        assume(abs(abs(slip) - tolerance) > 1e-6)  # not on the border, where h's error decides
        caught = abs(slip) > tolerance
        assert r.components[which].passed is (not caught)
        assert r.components[1 - which].passed is True
        assert [c.edited for c in r.components] == [k == which for k in range(2)]

    def test_an_empty_component_keeps_the_exact_one(self):
        r = gradcheck.check(EXERCISE, "1, 0", 2, claim="; 4*exp(x2)")
        assert [c.edited for c in r.components] == [False, True]
        assert [c.passed for c in r.components] == [True, False]

    def test_the_exact_text_reads_back_as_a_passing_claim(self):
        r = gradcheck.check("x1*sin(x2) + norm(x)", "1, 2", 2)
        again = gradcheck.check("x1*sin(x2) + norm(x)", "1, 2", 2, claim="; ".join(r.exact_text))
        assert again.passed is True and not any(c.edited for c in again.components)


class TestBadInput:
    @pytest.mark.parametrize("h", [0.0, -1e-6, 2.0, float("nan")])
    def test_a_step_outside_its_range_is_refused(self, h):
        with pytest.raises(InputError) as caught:
            gradcheck.check(EXERCISE, "1, 0", 2, h=h)
        assert caught.value.field == "h"

    def test_a_gradient_with_the_wrong_number_of_components_is_refused(self):
        with pytest.raises(InputError) as caught:
            gradcheck.check(EXERCISE, "1, 0", 2, claim="6*x1")
        assert (caught.value.code, caught.value.field) == ("wrong_gradient_size", "grad")

    def test_a_malformed_component_is_located_in_the_gradient(self):
        with pytest.raises(InputError) as caught:
            gradcheck.check(EXERCISE, "1, 0", 2, claim="6*x1; 5*exp(")
        assert caught.value.field == "grad"

    def test_an_unknown_format_is_refused(self):
        with pytest.raises(InputError) as caught:
            gradcheck.check(EXERCISE, "1, 0", 2, "float8")
        assert caught.value.field == "dtype"


class TestTorchWitness:
    """The real torch.autograd.gradcheck agrees (skipped where PyTorch is not installed)."""

    @pytest.mark.parametrize(
        ("dtype", "h", "claim"),
        [
            ("float64", 1e-6, ""),
            ("float32", 1e-6, ""),
            ("float32", 5e-3, ""),
            ("float64", 1e-6, "6*x1; exp(x2)"),
        ],
    )
    def test_torch_decides_as_we_do(self, dtype, h, claim):
        pytest.importorskip("torch")
        ours = gradcheck.check(EXERCISE, "1, 0", 2, dtype, h, claim=claim).passed
        assert gradcheck.torch_gradcheck(EXERCISE, "1, 0", 2, dtype, h, claim=claim) is ours

    def test_without_torch_there_is_no_verdict(self):
        from calc_core.backprop import torch_available

        if torch_available():
            pytest.skip("PyTorch is installed here")
        assert gradcheck.torch_gradcheck(EXERCISE, "1, 0", 2) is None
