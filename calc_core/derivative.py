"""Does f'(x0) exist? The exact answer, or the reason there is none.

A difference quotient always prints *a* number; whether it approximates a
derivative depends on f. :func:`derivative_at` decides, symbolically where sympy
can and by one-sided limits where f has kinks, roots or other non-smooth parts:

* ``ok`` -- f'(x0) exists; its exact value and LaTeX are given;
* ``undefined`` -- f(x0) itself is undefined (``1/x`` at 0, ``log(x)`` at -1);
* ``not_differentiable`` -- both one-sided slopes exist but differ (``|x|`` at 0);
* ``vertical`` -- the slope is infinite (``x^(1/3)``, ``sqrt(x)`` at 0);
* ``one_sided`` -- f is defined on one side of x0 only and has a finite slope there;
* ``unknown`` -- neither sympy nor the numerical check could settle it.

Examples
--------
>>> from calc_core.parser import parse
>>> derivative_at(parse("3x^2 - 4x"), 1).value_latex
'2'
>>> derivative_at(parse("|x|"), 0).status, derivative_at(parse("|x|"), 0).left
('not_differentiable', -1.0)
>>> derivative_at(parse("1/x"), 0).status
'undefined'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.numeric import compile_expr
from calc_core.parser import symbol

_NON_SMOOTH = (sp.Abs, sp.sign, sp.Heaviside, sp.Piecewise)
MAX_EXACT_DIGITS = 8
MAX_LATEX = 120


@dataclass(frozen=True)
class PointDerivative:
    """Everything known about f and f' at one point."""

    status: str
    x0: float
    f0: float | None
    f0_latex: str | None
    value: float | None
    value_latex: str | None
    left: float | None  # one-sided slopes (+-inf allowed); None where undefined
    right: float | None
    derivative_latex: str  # f'(x) as a formula

    @property
    def exists(self) -> bool:
        return self.status == "ok"


def exact_point(x0: float) -> sp.Number:
    """The exact number a typed float stands for: 0.1 -> 1/10 (not 0.1000000000000000055...).

    Only short decimals (what people type) become rationals; a float with many digits
    stays a float, so exact arithmetic never builds thousand-digit fractions.
    """
    text = repr(float(x0))
    digits = sum(c.isdigit() for c in text.split("e")[0])
    return sp.Rational(text) if digits <= MAX_EXACT_DIGITS else sp.Float(x0, 17)


def short_latex(expr: sp.Expr, value: float) -> str:
    """LaTeX of an exact value, or its decimal when the exact form is unreadably long."""
    latex = printing.latex(expr)
    return latex if len(latex) <= MAX_LATEX else f"{value:.12g}"


def real_value(expr: sp.Expr) -> float | None:
    """``expr`` as a finite real float, or None if it is infinite, NaN or not real."""
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    try:
        value = complex(sp.N(expr, 20))
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value.real) or abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return None
    return value.real


def _limit_value(expr) -> float | None:
    if expr in (sp.oo, -sp.oo):
        return float(expr)
    if expr.has(sp.zoo, sp.nan) or isinstance(expr, sp.AccumBounds) or expr.has(sp.AccumBounds):
        return None
    return real_value(expr)


def _one_sided(f: sp.Expr, x: sp.Symbol, X0: sp.Rational, f0: sp.Expr, side: str) -> float | None:
    """The one-sided slope lim (f(x0+h) - f(x0))/h as h -> 0 from ``side``; None if undefined."""
    h = sp.Symbol("h", positive=True)
    step = h if side == "+" else -h
    q = (f.subs(x, X0 + step) - f0) / step
    try:
        lim = sp.limit(q, h, 0, "+")
        value = _limit_value(lim)
        if value is not None or lim.has(sp.zoo, sp.nan, sp.I):
            return value
    except (NotImplementedError, ValueError, TypeError, RecursionError):
        pass
    return _numeric_one_sided(f, x, float(X0), side)


def _numeric_one_sided(f, x, x0: float, side: str) -> float | None:
    """Fallback: the one-sided quotient at shrinking steps, if it settles."""
    fn = compile_expr(f, (x,))
    sign = 1.0 if side == "+" else -1.0
    hs = sign * np.array([1e-3, 1e-4, 1e-5, 1e-6])
    with np.errstate(all="ignore"):
        q = (fn(x0 + hs) - fn(np.full(4, x0))) / hs
    if not np.all(np.isfinite(q)):
        return None
    if abs(q[-1]) > 1e5 and abs(q[-1]) > 5 * abs(q[-3]):
        return math.copysign(math.inf, q[-1])
    if abs(q[-1] - q[-2]) <= 1e-3 * max(1.0, abs(q[-1])):
        return float(q[-1])
    return None


def derivative_at(f: sp.Expr, x0: float, var: str = "x") -> PointDerivative:
    """Classify and compute f'(x0) (see the module docstring for the statuses)."""
    x = symbol(var)
    X0 = exact_point(x0)
    d = sp.diff(f, x)
    d_latex = printing.latex(d)
    f0_expr = f.subs(x, X0)
    f0 = real_value(f0_expr)
    base = dict(x0=float(x0), derivative_latex=d_latex)
    if f0 is None:
        return PointDerivative(
            "undefined",
            f0=None,
            f0_latex=None,
            value=None,
            value_latex=None,
            left=None,
            right=None,
            **base,
        )
    f0_latex = short_latex(f0_expr, f0)
    d0_expr = d.subs(x, X0)
    d0 = real_value(d0_expr)
    if d0 is not None and not f.has(*_NON_SMOOTH):
        return PointDerivative(
            "ok",
            f0=f0,
            f0_latex=f0_latex,
            value=d0,
            value_latex=short_latex(d0_expr, d0),
            left=d0,
            right=d0,
            **base,
        )
    left = _one_sided(f, x, X0, f0_expr, "-")
    right = _one_sided(f, x, X0, f0_expr, "+")
    status, value, value_latex = _verdict(left, right)
    if status == "ok" and d0 is not None:
        value_latex = short_latex(d0_expr, d0)
    return PointDerivative(
        status,
        f0=f0,
        f0_latex=f0_latex,
        value=value,
        value_latex=value_latex,
        left=left,
        right=right,
        **base,
    )


def _verdict(left: float | None, right: float | None) -> tuple[str, float | None, str | None]:
    sides = [s for s in (left, right) if s is not None]
    if not sides:
        return "unknown", None, None
    if any(math.isinf(s) for s in sides):
        if len(sides) == 2 and left != right:
            return "not_differentiable", None, None  # a cusp or a jump, like (x^2)^(1/3)
        return "vertical", None, None
    if len(sides) == 1:
        return "one_sided", None, None
    if math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12):
        value = float(right)
        return "ok", value, printing.latex(sp.nsimplify(value, rational=False))
    return "not_differentiable", None, None
