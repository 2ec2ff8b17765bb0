"""Is f defined at x0, and is it real on each side of x0? Decided from the expression tree.

A value of f at x0 says little about f *near* x0: ``x^(7/4)`` is 0 at 0 but not real
for x < 0 (principal powers, as numpy and sympy take them), so at 0 it has a
one-sided derivative only. And sympy's automatic evaluation hides undefined parts:
``(1 + 1/x)^x`` at 0 becomes ``zoo^0 = 1``, ``|log(x)|`` at -2 the modulus of a
complex number. This module walks the tree instead:

* :func:`point_domain` -- f is *defined* at x0 when every sub-expression is real
  and finite there (``0^0`` and ``0^(negative)`` are undefined); it is *real on the
  left/right* when every sub-expression is real on a punctured one-sided
  neighbourhood ``(x0 - e, x0)`` / ``(x0, x0 + e)``;
* :func:`evaluate` -- the strict value at any point in multiple precision (mpmath),
  ``None`` where f is undefined, with exact zero tests (sympy) at x0 itself, so that
  ``sin(pi x)`` at 1 is 0, not 1e-51;
* :func:`side_sign` -- the sign of u on one side of x0 (``-1``, ``0`` when u
  vanishes identically there, ``+1``): from u(x0) when u(x0) != 0, else from sympy's
  one-sided limit of sign(u) within a time budget, else from u at x0 +- 10^-k in
  multiple precision (all k agreeing), else undecided.

Undecidable questions give ``None``, never a guess.

Examples
--------
>>> from calc_core.parser import parse, symbol
>>> x = symbol("x")
>>> d = point_domain(parse("x^(7/4)"), x, 0)
>>> d.defined, d.left, d.right
(True, False, True)
>>> point_domain(parse("(1 + 1/x)^x"), x, 0).defined
False
>>> d = point_domain(parse("x^x"), x, -1)
>>> d.defined, d.left, d.right
(True, False, False)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import mpmath
import sympy as sp

from calc_core.budget import within
from calc_core.sympy_limits import limit_from_above

#: Working precision (decimal digits) of the walk.
DPS = 50
#: |value| below this (and nonzero) at x0 is tested for an exact zero symbolically.
TINY_EXPONENT = -35
#: A power or exponential whose natural log exceeds this is too large to evaluate.
HUGE_LOG = 100_000
#: Trigonometric arguments beyond 10^this are not evaluated (the cost grows with it).
TRIG_ARG_LOG10 = 5_000
#: Seconds for one exact zero test and for one symbolic one-sided sign.
EXACT_BUDGET, SIGN_BUDGET = 0.2, 0.3
#: Steps 10^-k at which the numerical one-sided sign is probed.
PROBE_EXPONENTS = (12, 20, 30, 40)

_SWITCHES = (sp.sign, sp.Heaviside, sp.Piecewise, sp.DiracDelta)


class Undecided(Exception):
    """The walk cannot tell (an exact zero test ran out of time, an unknown function)."""


class TooLarge(Exception):
    """A sub-expression's size is astronomical (beyond e^+-HUGE_LOG): no value is computed."""


@dataclass(frozen=True)
class PointDomain:
    """Where f is defined and real around x0; ``None`` means undecided.

    ``defined``: every sub-expression is real and finite at x0. ``left``/``right``:
    f is real (and finite) on a punctured one-sided neighbourhood of x0. ``value``
    is f(x0) in multiple precision when defined; ``too_large`` says f(x0) is a real
    number too large to compute (``exp(exp(exp(x)))`` at 10).
    """

    defined: bool | None
    left: bool | None
    right: bool | None
    value: mpmath.mpf | None
    too_large: bool = False

    @property
    def sides(self) -> tuple[bool | None, bool | None]:
        return self.left, self.right


def mp_number(value) -> mpmath.mpf:
    """A sympy or Python number as an mpf at the current precision."""
    if isinstance(value, sp.Rational):
        return mpmath.mpf(int(value.p)) / int(value.q)
    if isinstance(value, sp.Basic):
        return mpmath.mpf(str(sp.N(value, mpmath.mp.dps + 5)))
    return mpmath.mpf(value)


def exact_number(value) -> sp.Expr:
    """A point as an exact sympy number (a float becomes the rational it prints as)."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, int):
        return sp.Integer(value)
    return sp.Rational(repr(float(value)))


class Deadline:
    """A shared time budget for the optional symbolic steps of one computation."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, cap: float) -> float:
        return max(0.0, min(cap, self.end - time.monotonic()))


class _Walk:
    """The strict value of every node at one point (None where undefined)."""

    def __init__(self, values: dict, exact: dict | None, deadline: Deadline):
        self.values, self.exact, self.deadline = values, exact, deadline
        self.cache: dict[sp.Basic, mpmath.mpf | None] = {}

    def value(self, node: sp.Basic) -> mpmath.mpf | None:
        if node not in self.cache:
            v = self._value(node)
            if v is not None:
                if not mpmath.isfinite(v):
                    v = None
                elif v != 0 and abs(v) < mpmath.mpf(10) ** TINY_EXPONENT:
                    v = self._settle_tiny(node, v)
            self.cache[node] = v
        return self.cache[node]

    def _settle_tiny(self, node: sp.Basic, v: mpmath.mpf) -> mpmath.mpf:
        """A tiny value at x0 is an exact 0 (sin(pi) = 0) or a real small number."""
        if self.exact is None:
            return v  # away from x0 nothing is exact: tiny is tiny
        zero = exact_zero(node, self.deadline, self.exact)
        if zero is None:
            raise Undecided("cannot decide whether a sub-expression vanishes at x0")
        return mpmath.mpf(0) if zero else v

    def _value(self, e: sp.Basic) -> mpmath.mpf | None:
        if e in self.values:
            return self.values[e]
        if e.is_Symbol:
            raise Undecided("unexpected symbol")
        if e.is_Rational:
            return mp_number(e)
        if e.is_Float:
            return mpmath.mpf(e._mpf_)
        if e.is_NumberSymbol:
            return mp_number(e)
        if e in (sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo):
            return None
        if e.is_Mul and sp.I in e.args:  # I*|x| (sympy's sqrt(-x^2)) is real where it is 0
            rest = self.value(e.func(*[a for a in e.args if a != sp.I]))
            return mpmath.mpf(0) if rest == 0 else None
        if e.is_Add or e.is_Mul:
            vals = [self.value(a) for a in e.args]
            if any(v is None for v in vals):
                return None
            return mpmath.fsum(vals) if e.is_Add else mpmath.fprod(vals)
        if e.is_Pow:
            return self._pow(e)
        vals = [self.value(a) for a in e.args]
        if any(v is None for v in vals):
            return None
        if isinstance(e, (sp.tan, sp.sec, sp.cot, sp.csc)):  # exactly 0 at pi/2?
            den = self.value((sp.cos if isinstance(e, (sp.tan, sp.sec)) else sp.sin)(e.args[0]))
            if den == 0:
                return None
        if isinstance(e, (sp.asin, sp.acos, sp.asec, sp.acsc)) and self._exactly_unit(
            e.args[0], vals[0]
        ):
            vals = [mpmath.sign(vals[0])]
        return _function(e, vals)

    def _exactly_unit(self, u: sp.Expr, v: mpmath.mpf) -> bool:
        """|u| is just off 1 in rounding but exactly 1 (sin(pi x/2) at 1)."""
        if abs(v) == 1 or abs(abs(v) - 1) >= mpmath.mpf(10) ** TINY_EXPONENT:
            return False
        return self.value(sp.Abs(u) - 1) == 0

    def _pow(self, e: sp.Pow) -> mpmath.mpf | None:
        b, p = self.value(e.base), self.value(e.exp)
        if b is None or p is None:
            return None
        if b == 0:
            return mpmath.mpf(0) if p > 0 else None  # 0^0 and 0^(-1) are undefined
        if b < 0:
            if e.exp.is_Integer or mpmath.isint(p):
                return mpmath.power(b, int(p)) if abs(p) < 10**6 else _huge_power(b, p)
            if abs(p - mpmath.nint(p)) < mpmath.mpf(10) ** TINY_EXPONENT:
                raise Undecided("is the exponent an integer?")
            return None  # a principal root of a negative number: not real
        log_size = p * mpmath.log(b)
        if abs(log_size) > HUGE_LOG:  # e^(+-10^5): beyond any float, not worth computing
            raise TooLarge(type(e).__name__)
        return mpmath.power(b, p)


def _huge_power(b, p):
    if abs(p * mpmath.log(abs(b))) > HUGE_LOG:
        raise TooLarge("power")
    return mpmath.power(b, p)


def tanh(v):
    """``mpmath.tanh``, saturating where it is ±1 to the working precision.

    mpmath computes tanh(2^(10^9)) through cosh and sinh of that argument (1.4 s);
    beyond ``prec`` bits, 1 - |tanh v| < 2e^(-2|v|) is below the last bit.

    >>> tanh(mpmath.mpf(2) ** 1000) == 1
    True
    """
    if abs(v) > mpmath.mp.prec:
        return mpmath.sign(v)
    return mpmath.tanh(v)


def _unit(v) -> bool:
    return -1 <= v <= 1


def _function(e: sp.Basic, vals: list) -> mpmath.mpf | None:
    """One function node applied to real arguments; None outside its real domain."""
    f, v = type(e), vals[0]
    if f in (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc):
        if v != 0 and mpmath.log10(abs(v)) > TRIG_ARG_LOG10:
            raise Undecided("trigonometric argument too large")
        if f is sp.sin:
            return mpmath.sin(v)
        if f is sp.cos:
            return mpmath.cos(v)
        den = mpmath.cos(v) if f in (sp.tan, sp.sec) else mpmath.sin(v)
        if den == 0:
            return None
        num = {sp.tan: mpmath.sin(v), sp.cot: mpmath.cos(v)}.get(f, mpmath.mpf(1))
        return num / den
    if f in (sp.exp, sp.sinh, sp.cosh):
        if abs(v) > HUGE_LOG:
            raise TooLarge(type(e).__name__)
        return {sp.exp: mpmath.exp, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh}[f](v)
    if f is sp.log:
        return mpmath.log(v) if v > 0 else None
    simple = {sp.atan: mpmath.atan, sp.tanh: tanh, sp.asinh: mpmath.asinh,
              sp.Abs: abs, sp.sign: mpmath.sign}  # fmt: skip
    if f in simple:
        return simple[f](v)
    if f in (sp.asin, sp.acos):
        if not _unit(v):
            return None
        return mpmath.asin(v) if f is sp.asin else mpmath.acos(v)
    if f in (sp.asec, sp.acsc):  # real for |v| >= 1: acos(1/v), asin(1/v)
        if abs(v) < 1:
            return None
        return mpmath.acos(1 / v) if f is sp.asec else mpmath.asin(1 / v)
    if f is sp.acot:  # sympy's branch: atan(1/v), and pi/2 at 0
        return mpmath.pi / 2 if v == 0 else mpmath.atan(1 / v)
    if f is sp.acosh:
        return mpmath.acosh(v) if v >= 1 else None
    if f is sp.atanh:
        return mpmath.atanh(v) if -1 < v < 1 else None
    if f is sp.Heaviside:
        return mpmath.mpf(1) if v > 0 else mpmath.mpf(0) if v < 0 else mpmath.mpf(1) / 2
    if f is sp.Max:
        return max(vals)
    if f is sp.Min:
        return min(vals)
    if f is sp.re:
        return v
    if f is sp.im:
        return mpmath.mpf(0)
    raise Undecided(f"no real evaluation for {f.__name__}")


def exact_zero(value: sp.Expr, deadline: Deadline | None = None, at=None) -> bool | None:
    """Is ``value`` (at the substitution ``at``) exactly 0? None when sympy cannot tell in time.

    >>> exact_zero(sp.sin(sp.pi)), exact_zero(sp.sqrt(2) - sp.Rational(141421, 100000))
    (True, False)
    """
    budget = EXACT_BUDGET if deadline is None else deadline.left(EXACT_BUDGET)

    def decide():
        v = value.xreplace(at) if at else value
        zero = v.is_zero
        if zero is None:
            approx = sp.N(v, 3 * DPS)
            if approx.is_number and abs(approx) > sp.Float(10) ** (-2 * DPS):
                return False
            zero = v.equals(0)
        return zero

    done, zero = within(decide, budget)
    return zero if done else None


def evaluate(expr: sp.Expr, x: sp.Symbol, at, exact: sp.Expr | None = None,
             deadline: Deadline | None = None) -> mpmath.mpf | None:  # fmt: skip
    """f(at) in multiple precision, or None where f (some sub-expression) is undefined.

    ``exact`` is ``at`` as an exact sympy number: values that come out tiny are then
    tested for an exact zero. Raises :class:`Undecided` or :class:`TooLarge`.

    >>> from calc_core.parser import parse, symbol
    >>> x = symbol("x")
    >>> evaluate(parse("sin(pi x)"), x, 1, sp.Integer(1)), evaluate(parse("log(x)"), x, -2)
    (mpf('0.0'), None)
    """
    with mpmath.workdps(max(DPS, mpmath.mp.dps)):
        exact_point = None if exact is None else {x: exact}
        walk = _Walk({x: mp_number(at)}, exact_point, deadline or Deadline(EXACT_BUDGET * 5))
        return walk.value(expr)


def value_at(expr: sp.Expr, point: dict, budget: float = 0.5) -> tuple[bool | None, bool]:
    """Is ``expr`` defined at ``point`` ({symbol: exact number}), and is it too large?

    Defined means every sub-expression is real and finite there, in any number of
    variables: ``x1^x2`` at (0, 0) is ``0^0``, undefined.

    >>> from calc_core.parser import parse, symbol
    >>> x1, x2 = symbol("x1"), symbol("x2")
    >>> value_at(parse("x1^x2", ("x1", "x2")), {x1: sp.Integer(0), x2: sp.Integer(0)})
    (False, False)
    """
    with mpmath.workdps(DPS):
        values = {s: mp_number(v) for s, v in point.items()}
        try:
            return _Walk(values, point, Deadline(budget)).value(expr) is not None, False
        except TooLarge:
            return True, True
        except Undecided:
            return None, False


def _continuous_at(u: sp.Expr) -> bool:
    """No switch and no acot (which jumps where its argument vanishes) in u."""
    return not u.has(*_SWITCHES, sp.acot)


def side_sign(u: sp.Expr, x: sp.Symbol, x0: sp.Expr, side: int, u0=None,
              deadline: Deadline | None = None) -> int | None:  # fmt: skip
    """The sign of the real u on the punctured side ``side`` (-1 left, +1 right) of x0.

    ``0`` means u vanishes identically there (``|x| - x`` right of 0). ``u0`` is
    u(x0) when known (mpf, or None for undefined).

    >>> from calc_core.parser import parse, symbol
    >>> x = symbol("x")
    >>> side_sign(parse("1 - x^2"), x, sp.Integer(1), +1), side_sign(parse("|x| - x"), x, 0, 1)
    (-1, 0)
    """
    deadline = deadline or Deadline(SIGN_BUDGET)
    x0 = exact_number(x0)
    if u0 is None and not u.has(x):
        u0 = evaluate(u, x, mp_number(x0), x0, deadline)
    if u0 is not None and u0 != 0 and _continuous_at(u):
        return 1 if u0 > 0 else -1
    if not u.has(x):
        return None if u0 is None else 0
    h = sp.Symbol("h", positive=True)
    shifted = u.xreplace({x: x0 + side * h})
    if shifted == 0:
        return 0
    done, lim = limit_from_above(sp.sign(shifted), h, deadline.left(SIGN_BUDGET))
    if done and lim in (-1, 0, 1):
        return int(lim)
    return _probe_sign(u, x, x0, side)


def _probe_sign(u: sp.Expr, x: sp.Symbol, x0: sp.Expr, side: int) -> int | None:
    """The sign of u at x0 + side 10^-k for every k in PROBE_EXPONENTS, if they agree."""
    signs = set()
    with mpmath.workdps(DPS + max(PROBE_EXPONENTS)):
        base = mp_number(x0)
        for k in PROBE_EXPONENTS:
            try:
                v = evaluate(u, x, base + side * mpmath.mpf(10) ** -k)
            except (Undecided, TooLarge):
                return None
            if v is None:
                return None
            signs.add(int(mpmath.sign(v)))
    return signs.pop() if len(signs) == 1 else None


# ----------------------------------------------------------------------------- realness


class _Sides:
    """Is each sub-expression real on one punctured side of x0? (memoised tree walk)"""

    def __init__(self, x, x0, side: int, at_x0: _Walk, deadline: Deadline):
        self.x, self.x0, self.side, self.at_x0, self.deadline = x, x0, side, at_x0, deadline
        self.cache: dict[sp.Basic, bool | None] = {}

    def sign(self, u: sp.Expr) -> int | None:
        try:
            u0 = self.at_x0.value(u)
        except (Undecided, TooLarge):
            u0 = None
        return side_sign(u, self.x, self.x0, self.side, u0, self.deadline)

    def real(self, node: sp.Basic) -> bool | None:
        if node not in self.cache:
            self.cache[node] = self._real(node)
        return self.cache[node]

    def _real(self, e: sp.Basic) -> bool | None:
        if not e.has(self.x):
            try:
                return self.at_x0.value(e) is not None
            except TooLarge:
                return True
            except Undecided:
                return None
        if e == self.x:
            return True
        parts = [self.real(a) for a in e.args]
        if False in parts:
            return False
        own = self._own(e)
        if own is False:
            return False
        return None if None in parts or own is None else True

    def _own(self, e: sp.Basic) -> bool | None:
        """The node's own condition on the side, its arguments being real there."""
        if e.is_Pow:
            return self._pow(e)
        f = type(e)
        if f is sp.log:
            return _is(self.sign(e.args[0]), {1})
        if f in (sp.asin, sp.acos):
            u = e.args[0]
            return _all(_is(self.sign(1 - u), {0, 1}), _is(self.sign(1 + u), {0, 1}))
        if f in (sp.asec, sp.acsc):  # |u| >= 1 on the side
            u = e.args[0]
            return _is(self.sign(u * u - 1), {0, 1})
        if f is sp.acosh:
            return _is(self.sign(e.args[0] - 1), {0, 1})
        if f is sp.atanh:
            u = e.args[0]
            return _all(_is(self.sign(1 - u), {1}), _is(self.sign(1 + u), {1}))
        if f in (sp.tan, sp.sec):
            return _is(self.sign(sp.cos(e.args[0])), {-1, 1})
        if f in (sp.cot, sp.csc):
            return _is(self.sign(sp.sin(e.args[0])), {-1, 1})
        return True

    def _pow(self, e: sp.Pow) -> bool | None:
        b, p = e.base, e.exp
        if p.is_Integer:
            return True if p >= 0 else _is(self.sign(b), {-1, 1})
        if not b.has(self.x):  # c^g(x): c > 0, or c = 0 with g > 0
            c = self.sign(b)
            if c == 0:
                return _is(self.sign(p), {1})
            return None if c is None else c > 0
        s = self.sign(b)
        if s == 0:
            return _is(self.sign(p), {1}) if p.has(self.x) else bool(p.is_positive)
        return None if s is None else s > 0


def _is(value: int | None, allowed: set[int]) -> bool | None:
    return None if value is None else value in allowed


def _all(*parts: bool | None) -> bool | None:
    if False in parts:
        return False
    return None if None in parts else True


def point_domain(expr: sp.Expr, x: sp.Symbol, x0, budget: float = 0.8) -> PointDomain:
    """Is ``expr`` defined at ``x0`` (exact sympy number), and real on each side of it?

    ``budget`` bounds the symbolic work (zero tests, one-sided signs) in seconds.
    """
    x0 = exact_number(x0)
    deadline = Deadline(budget)
    with mpmath.workdps(DPS):
        walk = _Walk({x: mp_number(x0)}, {x: x0}, deadline)
        too_large = False
        try:
            value = walk.value(expr)
            defined: bool | None = value is not None
        except TooLarge:
            value, defined, too_large = None, True, True
        except Undecided:
            value, defined = None, None
        sides = []
        for side in (-1, 1):
            try:
                sides.append(_Sides(x, x0, side, walk, deadline).real(expr))
            except (Undecided, TooLarge):
                sides.append(None)
    return PointDomain(defined, sides[0], sides[1], value, too_large)


__all__ = [
    "Deadline",
    "PointDomain",
    "TooLarge",
    "Undecided",
    "evaluate",
    "exact_number",
    "exact_zero",
    "mp_number",
    "point_domain",
    "side_sign",
    "value_at",
]
