"""An independent reference for derivative verdicts, and a corpus of functions x points.

:func:`reference` decides what calculus says about f at x0 without using
``calc_core.domain`` or ``calc_core.derivative``: every node of the expression tree is
evaluated with sympy's own arithmetic (exact at x0, ``Float``s of 260 digits near it),
so a complex intermediate value (``|log(x)|`` at -2), ``0^0`` or ``zoo^0`` is seen even
when the final value looks real; realness on each side is probed at x0 +- 10^-k
(k = 6 ... 45; a relative imaginary part above 10^-100 is not real); one-sided
derivatives are the one-sided difference quotients at h = 10^-10 ... 10^-200, read
as converging (a finite limit), diverging geometrically (+-inf) or neither (the case
is *inconclusive* and left out of the corpus).

:func:`corpus` builds the classes of issue 10 (one-sided powers, complex values,
0^0 and inf^0 forms, |u|^p terms, kinks, slow inputs, isolated points) plus smooth
functions at ordinary points, deterministically from a seed.

Examples
--------
>>> reference("x^(7/4)", "0").status
'one_sided'
>>> reference("abs(x)^(3/2)", "0").status, reference("abs(log(x))", "-2").status
('ok', 'undefined')
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from calc_core.parser import parse, symbol

X = symbol("x")
#: Digits of the Floats near x0, and the steps probed.
DIGITS = 260
SIDE_EXPONENTS = (6, 9, 12, 20, 30, 45)
QUOTIENT_EXPONENTS = (10, 20, 40, 60, 80, 120, 160, 200)


@dataclass(frozen=True)
class Reference:
    """What calculus says about f at x0 (``status`` as derivative_at names them)."""

    status: str  # or "inconclusive": the numbers do not settle, the case is not used
    value: float | None  # f'(x0) when ok
    left: float | None  # one-sided slopes where they exist (+-inf allowed)
    right: float | None


class _NotReal(Exception):
    pass


def _node(e: sp.Basic, at: sp.Expr, exact: bool) -> sp.Expr:
    """The value of node ``e`` with x = ``at``; raises _NotReal where it is not real/finite."""
    if e == X:
        return at
    if e == sp.I:  # a complex constant is fine as a factor (sympy's sqrt(-x^2) = I |x|)
        return e
    if not e.args or e.is_Number or e.is_NumberSymbol:
        value = e
    else:
        args = [_node(a, at, exact) for a in e.args]
        if e.is_Pow and _is_zero(args[0]) and (_is_zero(args[1]) or args[1].is_negative):
            raise _NotReal  # 0^0 and 0^(-1)
        value = e.func(*args)
        if not exact:
            value = value.evalf(DIGITS)
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise _NotReal
    approx = complex(value.evalf(DIGITS)) if exact else complex(value)
    if abs(approx.imag) > 1e-100 * abs(approx):  # relative: (-10^-60)^(17/5) is tiny, not real
        raise _NotReal
    if exact and value.is_extended_real is False:
        raise _NotReal
    return value


def _is_zero(v: sp.Expr) -> bool:
    if v.is_zero:
        return True
    if v.is_zero is False:
        return False
    return abs(complex(v.evalf(60))) < 1e-50


def _value(expr: sp.Expr, at: sp.Expr, exact: bool) -> sp.Expr | None:
    try:
        return _node(expr, at, exact)
    except (_NotReal, TypeError, ValueError, ZeroDivisionError):
        return None


def _side_real(expr: sp.Expr, x0: sp.Rational, side: int) -> bool | None:
    seen = set()
    for k in SIDE_EXPONENTS:
        at = sp.Float(x0 + side * sp.Rational(1, 10**k), DIGITS)
        seen.add(_value(expr, at, exact=False) is not None)
    return seen.pop() if len(seen) == 1 else None


def _slope(expr: sp.Expr, x0: sp.Rational, f0: sp.Expr, side: int) -> float | str | None:
    """The one-sided slope (+-inf allowed), or "inconclusive"."""
    f0 = sp.Float(f0.evalf(DIGITS), DIGITS)
    q = []
    for k in QUOTIENT_EXPONENTS:
        h = sp.Rational(side, 10**k)
        v = _value(expr, sp.Float(x0 + h, DIGITS), exact=False)
        if v is None:
            return "inconclusive"
        q.append((v - f0) / sp.Float(h, DIGITS))
    q = [float(v) if abs(v) < 1e300 else float("inf") * (1 if v > 0 else -1) for v in q]
    d = [abs(b - a) for a, b in itertools.pairwise(q)]
    scale = max(1.0, abs(q[-1]))
    if d[-1] <= 1e-9 * scale and d[-2] <= 1e-6 * scale:
        return q[-1]
    grow = [abs(b) / abs(a) if a else 0 for a, b in zip(q[-4:], q[-3:], strict=False)]
    if all(g >= 2 for g in grow) and len({v > 0 for v in q[-4:]}) == 1:
        return float("inf") if q[-1] > 0 else float("-inf")
    return "inconclusive"


def _continuous(expr: sp.Expr, x0: sp.Rational, f0: sp.Expr, side: int) -> bool | None:
    """Does f(x0 +- 10^-k) settle on f(x0) (True), stay away from it (False), or neither?"""
    f0 = sp.Float(f0.evalf(DIGITS), DIGITS)
    gaps = []
    for k in SIDE_EXPONENTS:
        v = _value(expr, sp.Float(x0 + side * sp.Rational(1, 10**k), DIGITS), exact=False)
        if v is None:
            return None
        gaps.append(abs(complex(v - f0)))
    if gaps[-1] < 1e-6 and all(b < 1e-100 or b <= a / 2 for a, b in itertools.pairwise(gaps)):
        return True  # shrinking, if only like 10^(-k/5) (x^(1/5) at 0)
    if min(gaps) > 1e-4 and max(gaps) <= 2 * min(gaps):
        return False
    return None


def reference(f_text: str, x0_text: str) -> Reference:
    """The reference verdict for f (as typed) at x0 (a decimal or fraction, as typed)."""
    expr = parse(f_text)
    x0 = sp.Rational(Fraction(x0_text).numerator, Fraction(x0_text).denominator)
    f0 = _value(expr, x0, exact=True)
    if f0 is None:
        return Reference("undefined", None, None, None)
    real = {s: _side_real(expr, x0, s) for s in (-1, 1)}
    if None in real.values():
        return Reference("inconclusive", None, None, None)
    continuous = [_continuous(expr, x0, f0, s) for s in (-1, 1) if real[s]]
    if False in continuous:  # a jump (acot(x) at 0): no slope, whatever the quotients do
        return Reference("discontinuous", None, None, None)
    if None in continuous:
        return Reference("inconclusive", None, None, None)
    slopes = {s: _slope(expr, x0, f0, s) if real[s] else None for s in (-1, 1)}
    if "inconclusive" in slopes.values():
        return Reference("inconclusive", None, None, None)
    left, right = slopes[-1], slopes[1]
    if not real[-1] and not real[1]:
        return Reference("isolated", None, None, None)
    inf = float("inf")
    if not real[-1] or not real[1]:
        one = right if real[1] else left
        status = "vertical" if abs(one) == inf else "one_sided"
        return Reference(status, None, left, right)
    if abs(left) == inf or abs(right) == inf:
        status = "vertical" if left == right else "not_differentiable"
        return Reference(status, None, left, right)
    if abs(left - right) <= 1e-7 * max(1.0, abs(left)):
        return Reference("ok", right, left, right)
    return Reference("not_differentiable", None, left, right)


# ----------------------------------------------------------------------------- the corpus


def _frac(r: random.Random, lo: float, hi: float, integer: bool = False) -> str:
    """A random non-integer fraction p/q in (lo, hi) as text."""
    while True:
        q = r.choice((2, 3, 4, 5, 7, 8, 10))
        p = r.randint(int(lo * q) + 1, int(hi * q))
        if integer or p % q:
            return f"{p}/{q}"


def corpus(seed: int = 10, scale: int = 1) -> list[tuple[str, str, str]]:
    """(class, f, x0) cases: the classes of issue 10 and smooth controls.

    ``scale`` multiplies the randomly generated classes. Points are short decimals or
    fractions, as people type them.
    """
    r = random.Random(seed)
    cases: list[tuple[str, str, str]] = []

    def add(cls: str, f: str, points) -> None:
        cases.extend((cls, f, p) for p in points)

    for _ in range(12 * scale):  # one-sided powers at the end of their domain
        e = _frac(r, 0.2, 3.9)
        a = r.choice(("0", "1", "-2", "1/2"))
        shift = "x" if a == "0" else f"(x - ({a}))"
        add("one_sided_power", f"{shift}^({e})", [a, str(Fraction(a) + Fraction(1, 2))])
        add("one_sided_power", f"(({a}) - x)^({e})", [a])
    for _ in range(6 * scale):
        e = _frac(r, 0.2, 3.9)
        c = r.choice((1, 4, 9))
        add("one_sided_power", f"({c} - x^2)^({e})", [str(int(c**0.5)), str(-int(c**0.5))])
    for f in ("x^pi", "x^e", "sin(x)^cos(x)", "x^(sqrt(2))", "(x - 1)^pi", "tan(x)^(3/2)"):
        add("one_sided_power", f, ["1" if "x - 1" in f else "0"])
    for f, pts in (("acos(x)^2", ["-1", "1"]), ("asin(x)", ["-1", "1"]),
                   ("acos(x)", ["1"]), ("sqrt(1 - x)", ["1"])):  # fmt: skip
        add("one_sided_power", f, pts)

    inner = ("log(x)", "sqrt(x)", "log(x - 1)", "sqrt(1 - x^2)", "log(sin(x))", "x^(1/3)")
    outer = ("abs({})", "abs({})^2", "exp(-abs({}))", "atan(abs({}))", "abs({}) + x")
    for _ in range(10 * scale):  # complex intermediate values outside the domain
        f = r.choice(outer).format(r.choice(inner))
        pts = [r.choice(("-2", "-1/2", "-3")), r.choice(("2", "3", "-1/10"))]
        add("complex_inside", f, pts)

    zero_powers = ("(1 + 1/x)^x", "x^x", "sin(x)^x", "0^x", "(1/x)^x", "(x^2)^x", "abs(x)^x",
                   "(2 + 1/x^2)^(x^2)", "(1 + x)^(1/x)", "tan(x)^sin(x)")  # fmt: skip
    for f in zero_powers:  # 0^0 and inf^0 at 0
        add("zero_power", f, ["0", "1/2"])

    for _ in range(14 * scale):  # |u|^p with 1 < p < 2: smooth, not a kink
        p = _frac(r, 1.15, 1.95)
        u = r.choice(("x", "x - 1", "x^2 - 1", "sin(x)", "2x + 1", "x^3"))
        zero = {"x": "0", "x - 1": "1", "x^2 - 1": "1", "sin(x)": "0", "2x + 1": "-1/2",
                "x^3": "0"}[u]  # fmt: skip
        add("abs_power", f"abs({u})^({p})", [zero])
        add("abs_power", f"abs({u})^({p}) + x", [zero])
    for _ in range(6 * scale):  # the 1-D restriction of a p-norm at a zero coordinate
        p = _frac(r, 1.15, 1.95)
        add("abs_power", f"(abs(x)^({p}) + 1)^(1/({p}))", ["0"])

    kinks = ("abs(x)", "abs(x - 1)", "abs(sin(x))", "(abs(x) + x)/2", "abs(x^2 - 1)",
             "abs(x)^3", "x abs(x)", "abs(x)^(1/2)", "(x^2)^(1/3)", "x^(1/3)", "sqrt(abs(x))",
             "abs(log(x))")  # fmt: skip
    for f in kinks:
        add("kink", f, ["0", "1", "-1"])

    for f in ("abs(x)/x", "x/abs(x)", "abs(x - 1)/(x - 1)"):  # once over 60 s
        add("slow", f, ["-2", "-1/2", "3"])
    add("slow", "acos(x)^2", ["-1", "1", "1/2"])

    for f in ("x^x", "sqrt(-x^2)", "(-1)^x", "x^(x^2)", "sqrt(-abs(x))"):
        add("isolated", f, ["-1", "0", "-3"])

    smooth = ("3x^2 - 4x", "x^3 - 1/x", "sin(x) exp(x)", "atan(x)/(1 + x^2)", "sqrt(x^2 + 1)",
              "log(1 + x^2)", "tanh(3x)", "x^x", "exp(-x^2)", "cos(x)^2", "1/(1 + x^2)",
              "x^5 - 2x^2 + x", "sin(x^2)", "log(x)^2", "x^(3/2)", "cosh(x) - sinh(x)",
              "asin(x/2)", "acos(x/3)", "sqrt(x) log(x)", "(x^2 + 1)^(1/3)")  # fmt: skip
    for f in smooth:
        pts = [str(Fraction(r.randint(1, 40), 10)), str(Fraction(r.randint(1, 19), 10))]
        add("smooth", f, pts)
    return cases


__all__ = ["Reference", "corpus", "reference"]
