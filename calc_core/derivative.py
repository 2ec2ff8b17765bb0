"""Does f'(x0) exist? The exact answer, or the reason there is none.

A difference quotient always prints *a* number; whether it approximates a
derivative depends on f. :func:`derivative_at` decides, symbolically where sympy
can and by one-sided limits where f has kinks, roots or other non-smooth parts:

* ``ok`` -- f'(x0) exists; its exact value and LaTeX are given;
* ``undefined`` -- f(x0) itself is undefined (``1/x`` at 0, ``log(x)`` at -1);
* ``not_differentiable`` -- both one-sided slopes exist but differ (``|x|`` at 0);
* ``vertical`` -- the slope is infinite (``x^(1/3)``, ``sqrt(x)`` at 0);
* ``one_sided`` -- f is real on one side of x0 only and has a finite slope there;
* ``isolated`` -- f is defined at x0 but real on neither side (``x^x`` at -1);
* ``discontinuous`` -- f jumps at x0 (``acot(x)`` at 0: -pi/2 on the left, pi/2 at and
  right of 0), so no slope exists there, whatever f' does on either side;
* ``too_large`` -- f(x0) or f'(x0) is a real number beyond float64 (``e^{1000x}`` at 1);
* ``unknown`` -- neither sympy nor the numerical check could settle it.

How it decides (each step bounded in time, the whole call well under a second):

1. :func:`calc_core.domain.point_domain`: is every sub-expression of f real and finite
   at x0 (``0^0``, ``(1 + 1/x)^x`` at 0 and ``|log(x)|`` at -2 are undefined), and is f
   real on each side of x0 (``x^(7/4)`` at 0 is real on the right only)?
2. For each real side, the one-sided derivative as the one-sided limit of f'
   (the mean value theorem: f is continuous there). f' is differentiated with every
   ``|u|`` read as real (``sign(u) u'``); on one side of x0 every ``sign(u)`` is a
   constant, decided symbolically, so ``|x|`` gets -1 and +1 and ``|x|^(3/2)`` gets 0
   and 0. When that form is still undefined at x0, sympy's one-sided limit of f' or
   of the difference quotient (within a budget), then multiple-precision difference
   quotients at h = 10^-10 ... 10^-40 with a convergence test.
3. The limit of f' says nothing where f itself jumps, so where the argument of a
   function with a jump (``acot``) vanishes at x0, f must also be continuous from
   each real side: sympy's one-sided limit of f, else f at x0 +- 10^-k settling on
   f(x0) (or clearly not); undecided makes the verdict ``unknown``.
4. Equal finite one-sided slopes: ``ok``; otherwise the statuses above.

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

import itertools
import math
from dataclasses import dataclass

import mpmath
import sympy as sp

from calc_core import printing
from calc_core.budget import within
from calc_core.domain import (
    DPS,
    Deadline,
    TooLarge,
    Undecided,
    evaluate,
    exact_zero,
    mp_number,
    point_domain,
    side_sign,
)
from calc_core.parser import symbol
from calc_core.sympy_limits import limit_from_above

MAX_EXACT_DIGITS = 8
MAX_LATEX = 120
#: Seconds of symbolic work (limits, exact zero tests, one-sided signs) per call.
SYMBOLIC_BUDGET = 0.8
#: Seconds for one sympy limit and for one exact value.
LIMIT_BUDGET, EXACT_BUDGET = 0.25, 0.2
#: Exact values are written out only for |value| in [10^-MAX_EXACT_LOG10, 10^MAX_EXACT_LOG10].
MAX_EXACT_LOG10 = 100
#: Steps 10^-k of the numerical one-sided quotients, and their extra working digits.
QUOTIENT_EXPONENTS = (10, 15, 20, 25, 30, 35, 40)
_SWITCHES = (sp.sign, sp.Heaviside)
#: Functions of the grammar with a jump where their argument vanishes (sympy's acot:
#: atan(1/u), which is -pi/2 just left of 0 and pi/2 at 0 and right of it).
_JUMPS = (sp.acot,)
#: Steps 10^-k at which f is compared with f(x0) when sympy's limit is undecided.
CONTINUITY_EXPONENTS = (12, 20, 30, 40)


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
    f0_exact: sp.Expr | None = None  # f(x0) and f'(x0) exactly, when known and printable
    value_exact: sp.Expr | None = None

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
    if expr.has(sp.zoo, sp.nan, sp.I) or expr.has(sp.AccumBounds) or not expr.is_number:
        return None
    return real_value(expr)


class _RealAbs(sp.Function):
    """``|u|`` for a real-valued u: its derivative is ``sign(u) u'``.

    sympy cannot tell that ``x^x - 1`` is real (for x < 0 it is not, but there f is
    undefined anyway), so it differentiates ``|u|`` by the complex formula, with
    ``re``, ``im``, ``arg`` and ``atan2``. Where f is real, ``sign(u) u'`` is exact.
    """

    def fdiff(self, argindex=1):
        return sp.sign(self.args[0])


def real_diff(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The derivative of ``expr`` in ``var``, reading every ``|u|`` as real.

    >>> print(real_diff(sp.Abs(symbol("x1") ** 2 - 1), symbol("x1")))
    2*x1*sign(x1**2 - 1)
    """
    return sp.diff(expr.replace(sp.Abs, _RealAbs), var).replace(_RealAbs, sp.Abs)


def _exact_at(expr: sp.Expr, x: sp.Symbol, X0: sp.Expr, approx) -> sp.Expr | None:
    """``expr`` at x0 exactly, when that is cheap and of a printable size (else None)."""
    if approx != 0 and abs(mpmath.log10(abs(approx))) > MAX_EXACT_LOG10:
        return None
    done, value = within(lambda: expr.xreplace({x: X0}), EXACT_BUDGET)
    if not done or not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        return None
    return value


def _latex_of(exact: sp.Expr | None, value: float) -> str:
    if exact is None:
        return f"{value:.12g}"
    try:
        return short_latex(exact, value)
    except ValueError:  # an integer too long for Python's int -> str conversion
        return f"{value:.12g}"


@dataclass(frozen=True)
class _Slope:
    """A one-sided slope: mpf (or +-inf), its exact form when known."""

    value: mpmath.mpf
    exact: sp.Expr | None = None


def _side_form(d: sp.Expr, x, X0, side: int, deadline: Deadline) -> sp.Expr | None:
    """f' on one side of x0: every sign(u)/Heaviside(u) replaced by its constant value there."""
    switches = [e for e in sp.preorder_traversal(d) if isinstance(e, _SWITCHES)]
    values = {}
    for e in switches:
        s = side_sign(e.args[0], x, X0, side, deadline=deadline)
        if s is None:
            return None
        values[e] = sp.Integer(s) if isinstance(e, sp.sign) else sp.Rational(1 + s, 2)
    return d.xreplace(values) if values else d


def _side_slope(f, d, x, X0, f0, side: int, deadline: Deadline) -> _Slope | None:
    """The one-sided derivative of f at x0 from ``side``; +-inf allowed; None if undecided."""
    h = sp.Symbol("h", positive=True)
    d_side = None if f.has(*_SWITCHES, sp.Piecewise) else _side_form(d, x, X0, side, deadline)
    if d_side is not None and not d_side.has(sp.Piecewise, sp.DiracDelta):
        v = None
        if _at_a_jump(d_side, x, X0, deadline) is False:  # acot(x)' at 0 is not f'(0+)
            try:
                v = evaluate(d_side, x, X0, X0, deadline)
            except (Undecided, TooLarge):
                v = None
        if v is not None:  # f' continuous from this side: the slope is its value
            return _Slope(v, _exact_at(d_side, x, X0, v))
        done, lim = limit_from_above(
            d_side.xreplace({x: X0 + side * h}), h, deadline.left(LIMIT_BUDGET)
        )
        found = _from_limit(lim) if done else None
        if found is not None:
            return found

    quotient = (f.xreplace({x: X0 + side * h}) - f.xreplace({x: X0})) / (side * h)
    done, lim = limit_from_above(quotient, h, deadline.left(LIMIT_BUDGET))
    found = _from_limit(lim) if done else None
    return found if found is not None else _numeric_slope(f, x, X0, f0, side)


def _from_limit(lim) -> _Slope | None:
    if lim in (sp.oo, -sp.oo):
        return _Slope(mpmath.inf if lim == sp.oo else -mpmath.inf, lim)
    value = _limit_value(lim) if isinstance(lim, sp.Basic) else None
    if value is None:
        return None
    with mpmath.workdps(DPS):
        return _Slope(mp_number(lim), lim)


def _numeric_slope(f, x, X0, f0, side: int) -> _Slope | None:
    """One-sided quotients in multiple precision at h = 10^-10 ... 10^-40, if they settle.

    Finite: the last differences shrink geometrically and the extrapolated limit moves
    the last quotient by less than 10^-12 (relative). Infinite: |q| grows geometrically
    with one sign. Anything else (slow or oscillating convergence) is undecided.
    """
    with mpmath.workdps(DPS + max(QUOTIENT_EXPONENTS)):
        base = mp_number(X0)
        q = []
        for k in QUOTIENT_EXPONENTS:
            step = side * mpmath.mpf(10) ** -k
            try:
                v = evaluate(f, x, base + step)
            except (Undecided, TooLarge):
                return None
            if v is None:
                return None
            q.append((v - f0) / step)
        diffs = [abs(b - a) for a, b in itertools.pairwise(q)]
        scale = max(1, abs(q[-1]))
        if diffs[-1] <= mpmath.mpf(10) ** -20 * scale and diffs[-1] <= diffs[-2]:
            return _Slope(+q[-1])
        ratios = [b / a for a, b in zip(diffs[-3:], diffs[-2:], strict=False) if a != 0]
        if len(ratios) == 2 and all(r < 0.9 for r in ratios):
            r = ratios[-1]
            correction = diffs[-1] * r / (1 - r)
            if correction <= mpmath.mpf(10) ** -12 * scale:
                return _Slope(+q[-1])
        growth = [abs(b) / abs(a) for a, b in zip(q[-4:], q[-3:], strict=False) if a != 0]
        same_sign = len({mpmath.sign(v) for v in q[-4:]}) == 1
        if same_sign and len(growth) == 3 and all(g > 1.5 for g in growth) and abs(q[-1]) > 1e6:
            return _Slope(mpmath.inf * mpmath.sign(q[-1]))
    return None


def _at_a_jump(f: sp.Expr, x, X0, deadline: Deadline) -> bool | None:
    """Does the argument of some jump function (``acot(u)``) vanish at x0?"""
    for node in f.atoms(*_JUMPS):
        try:
            u0 = evaluate(node.args[0], x, X0, X0, deadline)
        except (Undecided, TooLarge):
            return None
        if u0 == 0:
            return True
    return False


def _continuous_from(f, x, X0, f0, f0_exact, side: int, deadline: Deadline) -> bool | None:
    """Is f continuous at x0 from ``side``? sympy's one-sided limit, else f at x0 +- 10^-k."""
    h = sp.Symbol("h", positive=True)
    done, lim = limit_from_above(f.xreplace({x: X0 + side * h}), h, deadline.left(LIMIT_BUDGET))
    if done and isinstance(lim, sp.Basic) and lim.is_number and not lim.has(sp.AccumBounds):
        if lim.has(sp.oo, -sp.oo, sp.zoo):
            return False
        if f0_exact is not None:
            zero = exact_zero(lim - f0_exact, deadline)
            if zero is not None:
                return zero
    with mpmath.workdps(DPS + max(CONTINUITY_EXPONENTS)):
        base = mp_number(X0)
        gaps = []
        for k in CONTINUITY_EXPONENTS:
            try:
                v = evaluate(f, x, base + side * mpmath.mpf(10) ** -k)
            except (Undecided, TooLarge):
                return None
            if v is None:
                return None
            gaps.append(abs(v - f0))
        scale = max(1, abs(f0))
        if gaps[-1] <= mpmath.mpf(10) ** -15 * scale and gaps[-1] <= gaps[0]:
            return True
        if min(gaps) >= mpmath.mpf(10) ** -6 * scale and max(gaps) <= 2 * min(gaps):
            return False
    return None


def _float(v) -> float:
    if mpmath.isinf(v):
        return math.copysign(math.inf, float(mpmath.sign(v)))
    return float(v)


def derivative_at(
    f: sp.Expr, x0: float | sp.Expr, var: str = "x", budget: float = SYMBOLIC_BUDGET
) -> PointDerivative:
    """Classify and compute f'(x0) (see the module docstring for the statuses).

    ``x0`` is a float (a typed decimal, taken as the rational it reads as) or an exact
    sympy number such as ``pi/4``; ``budget`` bounds the symbolic work in seconds.
    """
    x = symbol(var)
    X0 = x0 if isinstance(x0, sp.Basic) else exact_point(x0)
    d = real_diff(f, x)
    deadline = Deadline(budget)
    dom = point_domain(f, x, X0, budget=deadline.left(budget / 2))
    base = dict(x0=float(x0), derivative_latex=printing.latex(d))
    none = dict(value=None, value_latex=None, left=None, right=None)
    if dom.too_large:
        return PointDerivative("too_large", f0=None, f0_latex=None, **none, **base)
    if not dom.defined:
        status = "unknown" if dom.defined is None else "undefined"
        return PointDerivative(status, f0=None, f0_latex=None, **none, **base)
    f0 = _float(dom.value)
    if not math.isfinite(f0):
        return PointDerivative("too_large", f0=None, f0_latex=None, **none, **base)
    f0_exact = _exact_at(f, x, X0, dom.value)
    f0_latex = _latex_of(f0_exact, f0)
    slopes = {}
    for side, real in zip((-1, 1), dom.sides, strict=True):
        slopes[side] = _side_slope(f, d, x, X0, dom.value, side, deadline) if real else None
    left, right = slopes[-1], slopes[1]
    status, value, exact = _verdict(dom.left, dom.right, left, right)
    if status != "isolated":  # a jump decides on its own, whatever the slopes said
        jump = _at_a_jump(f, x, X0, deadline)
        sides = [s for s, real in zip((-1, 1), dom.sides, strict=True) if real]
        continuous = (
            [True]
            if jump is False
            else [
                None
                if jump is None
                else _continuous_from(f, x, X0, dom.value, f0_exact, s, deadline)
                for s in sides
            ]
        )
        if False in continuous:
            status, value, exact = "discontinuous", None, None
        elif None in continuous:
            status, value, exact = "unknown", None, None
    floats = {s: None if v is None else _float(v.value) for s, v in slopes.items()}
    value_latex = None
    if status == "ok":
        value = _float(value)
        if not math.isfinite(value):
            status, value = "too_large", None
        else:
            value_latex = _latex_of(exact, value)
    return PointDerivative(
        status,
        f0=f0,
        f0_latex=f0_latex,
        value=value,
        value_latex=value_latex,
        left=floats[-1],
        right=floats[1],
        **base,
        f0_exact=f0_exact,
        value_exact=exact if status == "ok" else None,
    )


def _same(a: _Slope, b: _Slope) -> bool:
    if a.exact is not None and b.exact is not None:
        zero = exact_zero(a.exact - b.exact)
        if zero is not None:
            return zero
    with mpmath.workdps(DPS):
        return abs(a.value - b.value) <= mpmath.mpf(10) ** -30 * max(1, abs(a.value))


def _verdict(left_real, right_real, left: _Slope | None, right: _Slope | None):
    """(status, value, exact value) from the realness of each side and its slope."""
    if left_real is False and right_real is False:
        return "isolated", None, None
    if left_real is None or right_real is None:
        return "unknown", None, None
    one = left if right_real is False else right if left_real is False else None
    if one is not None or left_real is False or right_real is False:
        if one is None:
            return "unknown", None, None
        return ("vertical" if mpmath.isinf(one.value) else "one_sided"), None, None
    if left is None or right is None:
        return "unknown", None, None
    if mpmath.isinf(left.value) or mpmath.isinf(right.value):
        if left.value != right.value:
            return "not_differentiable", None, None  # a cusp or a corner, like (x^2)^(1/3)
        return "vertical", None, None
    if _same(left, right):
        return "ok", right.value, right.exact
    return "not_differentiable", None, None
