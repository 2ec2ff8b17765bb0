"""sympy's limit failing is "undecided", never a crash and never a different verdict.

Found by a random search on the limits page: ``(x - x)^sin(x)`` at 1 made sympy's
Gruntz algorithm raise ``NotImplementedError: Result depends on the sign of
sign(zoo)``, which reached the visitor as an internal error.
"""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calc_core import limits
from calc_core.derivative import derivative_at
from calc_core.parser import parse
from calc_core.sympy_limits import UNDECIDED, limit_from_above

FUNCTIONS = [
    "|x|",
    "x^(1/3)",
    "sqrt(x)",
    "x*sin(1/x)",
    "exp(-1/x^2)",
    "|x|^(3/2)",
    "log(x)",
    "x^2*|x|/x",
    "(x - x)^sin(x)",
    "atan(1/x)",
    "sqrt(1 - cos(x))",
    "x^x",
    "1/x",
]
POINTS = [0, 1, -1, sp.pi / 2]


class TestSympysFailuresAreUndecided:
    @pytest.mark.parametrize("x0", [1.0, 0.5, 0.0, -2.0])
    def test_the_search_found_input_no_longer_crashes_the_limits_page(self, x0):
        limits.analyze("(x - x)^sin(x)", x0)

    def test_its_quotients_limit_is_undecided(self):
        h = sp.Symbol("h", positive=True)
        assert limit_from_above(sp.Integer(0) ** sp.sin(1 + h) / h, h, 5.0) == (False, None)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        text=st.sampled_from(FUNCTIONS),
        x0=st.sampled_from(POINTS),
        error=st.sampled_from(UNDECIDED),
    )
    def test_a_failing_limit_never_changes_a_verdict(self, monkeypatch, text, x0, error):
        f = parse(text)
        honest = derivative_at(f, x0)

        def failing(*args, **kwargs):
            raise error("sympy could not decide")

        with monkeypatch.context() as m:
            m.setattr(sp, "limit", failing)
            blind = derivative_at(f, x0)
        if blind.status != "unknown":  # sympy was its only way to decide
            assert (blind.status, blind.value) == (honest.status, honest.value)
