"""Where to test a learner's formula against the right one, and their values there.

Agreement in a small box proves nothing: ``|x - a| - (a - x)`` agrees with ``2(x - a)``
for every x above a, ``acos(cos(x))`` with x on [0, pi], ``sin(10 pi x)`` with 0 at
every one-decimal point. So the points here cover the reference's whole natural
domain -- magnitudes from 1e-3 to 1e3, both signs, integers, short decimals and
irrationals -- plus the *special points* of both formulas: the zeros of every
denominator and of the arguments of ``|.|``, ``sqrt``, ``log``, ``asin``/``acos``,
with points just beside them and the integers around them (:func:`points`). A term
that vanishes on one side of x = a is seen on the other side of a, wherever a is.

Values come from mpmath at :data:`DIGITS` significant digits, in the *real* domain:
a formula is undefined at a point when any part of it is (a division by zero, the
log or the square root of a negative number, ``acos(2)``), as a learner reads it
(:func:`value`). A difference between two formulas counts only when it survives
evaluation at twice the precision (:func:`compare`), so cancellation cannot fake one.

Examples
--------
>>> from calc_core.parser import parse, symbol
>>> x = symbol("x")
>>> pts = points([x], [parse("1/(x - 50)")], {}, seed="doc")
>>> any(p[x] == 50 for p in pts), any(49 < p[x] < 50 for p in pts)
(True, True)
>>> value(parse("sqrt(x)"), {x: sp.Integer(-4)}) is None
True
>>> compare(parse("(x+1)^2"), parse("x^2 + 2x + 1"), {x: sp.sqrt(2) * 1000})[0]
'agree'
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

import mpmath
import sympy as sp

from calc_core.budget import within
from calc_core.domain import HUGE_LOG, TRIG_ARG_LOG10, tanh

#: Significant digits of a first evaluation; a difference is confirmed at twice this.
DIGITS = 40
#: sympy's own evaluation, for a node mpmath is not given, gets this long per point
FALLBACK_SECONDS = 0.2
#: Random points on the domain (special points and their neighbours come on top).
RANDOM_POINTS = 48
#: At most this many special points (zeros of arguments) per formula pair.
MAX_SPECIAL = 24
#: Largest degree of a polynomial whose real zeros are located.
MAX_DEGREE = 12

_IRRATIONAL = (sp.sqrt(2), sp.sqrt(3), sp.pi / 3, sp.E / 2, sp.sqrt(5) / 2)
_NICE = tuple(sp.Rational(n, 10) for n in (3, 5, 7, 12, 15, 25)) + tuple(
    sp.Integer(n) for n in (2, 3, 5, 7)
)


class _Undefined(Exception):
    """The formula has no real value at the point."""


class TooLarge(Exception):
    """A sub-expression is astronomically large (beyond e^+-HUGE_LOG) at the point.

    Such a point decides nothing (no learner compares numbers that size) and computing
    it is unbounded work: ``1.57^(e^8800)`` asks mpmath for an integer power with an
    exponent of 3800 digits.
    """


# ----------------------------------------------------------------------------- values


def _real(v):
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            raise _Undefined
        v = v.real
    if not mpmath.isfinite(v):
        raise _Undefined
    return v


def _check_size(b, e) -> None:
    """Raise TooLarge before mpmath computes ``b^e`` when ``|e * log|b||`` is astronomical."""
    if b == 0 or e == 0:
        return
    with mpmath.workdps(15):
        if abs(e * mpmath.log(abs(b))) > HUGE_LOG:
            raise TooLarge("power")


def _pow(b, e, exp_expr: sp.Expr):
    _check_size(b, e)
    if exp_expr.is_Integer:
        if b == 0 and exp_expr < 0:
            raise _Undefined
        return b ** int(exp_expr)
    if b > 0:
        return mpmath.power(b, e)
    if b == 0:
        if e > 0:
            return mpmath.mpf(0)
        raise _Undefined
    if mpmath.isint(e):  # (-2)^x at an integer x is real
        return b ** int(e)
    raise _Undefined  # a root of a negative number: not real (sympy's principal branch)


def _log(u):
    if u <= 0:
        raise _Undefined
    return mpmath.log(u)


def _unit(fn):
    def f(u):
        if not -1 <= u <= 1:
            raise _Undefined
        return fn(u)

    return f


def _bounded(fn, *, limit_log10: int):
    """``fn`` refusing an argument beyond ``10^limit_log10``: its reduction (mod pi, or
    mod log 2 for exp) would need that many digits. ``exp(-10^9)`` is still computed."""

    def f(u):
        if u != 0 and mpmath.log10(abs(u)) > limit_log10:
            raise TooLarge(fn.__name__)
        return fn(u)

    return f


def _tan(u):
    c = mpmath.cos(u)
    if c == 0:
        raise _Undefined
    return mpmath.sin(u) / c


def _reciprocal(fn):
    """1/fn(u), undefined where fn(u) = 0 (sec, csc, cot)."""

    def f(u):
        d = fn(u)
        if d == 0:
            raise _Undefined
        return 1 / d

    return f


def _outside_unit(fn):
    """fn(1/u) for |u| >= 1 (asec, acsc), else undefined."""

    def f(u):
        if not abs(u) >= 1:
            raise _Undefined
        return fn(1 / u)

    return f


def _acot(u):
    return mpmath.pi / 2 if u == 0 else mpmath.atan(1 / u)  # sympy's branch


def _domain(fn, ok):
    def f(u):
        if not ok(u):
            raise _Undefined
        return fn(u)

    return f


_FUNCS: dict[type, Callable] = {
    sp.exp: _bounded(mpmath.exp, limit_log10=TRIG_ARG_LOG10),
    sp.log: _log,
    sp.sin: _bounded(mpmath.sin, limit_log10=TRIG_ARG_LOG10),
    sp.cos: _bounded(mpmath.cos, limit_log10=TRIG_ARG_LOG10),
    sp.tan: _bounded(_tan, limit_log10=TRIG_ARG_LOG10),
    sp.asin: _unit(mpmath.asin),
    sp.acos: _unit(mpmath.acos),
    sp.atan: mpmath.atan,
    sp.sinh: _bounded(mpmath.sinh, limit_log10=TRIG_ARG_LOG10),
    sp.cosh: _bounded(mpmath.cosh, limit_log10=TRIG_ARG_LOG10),
    sp.tanh: tanh,
    sp.sec: _bounded(_reciprocal(mpmath.cos), limit_log10=TRIG_ARG_LOG10),
    sp.csc: _bounded(_reciprocal(mpmath.sin), limit_log10=TRIG_ARG_LOG10),
    sp.cot: _bounded(_reciprocal(_tan), limit_log10=TRIG_ARG_LOG10),
    sp.asec: _outside_unit(mpmath.acos),
    sp.acsc: _outside_unit(mpmath.asin),
    sp.acot: _acot,
    sp.asinh: mpmath.asinh,
    sp.acosh: _domain(mpmath.acosh, lambda u: u >= 1),
    sp.atanh: _domain(mpmath.atanh, lambda u: -1 < u < 1),
    sp.Abs: abs,
    sp.sign: mpmath.sign,
    # sympy writes |a^b| as |a|^re(b); in the real domain re is the identity, im is 0
    sp.re: lambda u: u,
    sp.im: lambda u: mpmath.mpf(0),
}


def _compile(expr: sp.Expr) -> Callable[[Mapping], object]:
    """A closure computing ``expr`` with mpmath at the current precision (raises _Undefined)."""
    if expr.is_Symbol or isinstance(expr, sp.Dummy):
        return lambda env: env[expr]
    if expr.is_Integer:
        n = int(expr)
        return lambda env: mpmath.mpf(n)
    if expr.is_Rational:
        p, q = int(expr.p), int(expr.q)
        return lambda env: mpmath.mpf(p) / q
    if expr.is_Float:
        return lambda env: mpmath.mpf(expr._mpf_)
    if expr is sp.pi:
        return lambda env: +mpmath.pi
    if expr is sp.E:
        return lambda env: +mpmath.e
    if expr is sp.I:  # log of a negative constant: the value is complex, _real says so
        return lambda env: mpmath.mpc(0, 1)
    if expr.is_Add or expr.is_Mul:
        parts = [_compile(a) for a in expr.args]
        if expr.is_Add:
            return lambda env: _real(mpmath.fsum(p(env) for p in parts))
        return lambda env: _real(mpmath.fprod(p(env) for p in parts))
    if expr.is_Pow:
        base, exp_expr = expr.args
        if exp_expr.is_number:  # an unevaluated tree's 2*10^0 is the integer 2
            exp_expr = exp_expr.doit()
        b, e = _compile(base), _compile(exp_expr)
        return lambda env: _real(_pow(b(env), e(env), exp_expr))
    if isinstance(expr, (sp.Max, sp.Min)):
        parts = [_compile(a) for a in expr.args]
        pick = max if isinstance(expr, sp.Max) else min
        return lambda env: pick(p(env) for p in parts)
    fn = _FUNCS.get(type(expr))
    if fn is not None and len(expr.args) == 1:
        inner = _compile(expr.args[0])
        return lambda env: _real(fn(inner(env)))
    raise NotImplementedError(type(expr).__name__)


_CACHE: dict[sp.Expr, Callable | None] = {}
#: expressions whose sympy evaluation overran FALLBACK_SECONDS once
_OVERRAN: set[sp.Expr] = set()


def _compiled(expr: sp.Expr) -> Callable | None:
    if expr not in _CACHE:
        if len(_CACHE) > 512:
            _CACHE.clear()
        try:
            _CACHE[expr] = _compile(expr)
        except NotImplementedError:
            _CACHE[expr] = None
    return _CACHE[expr]


def _mp(v: sp.Expr):
    """An exact sympy number as an mpf at the current precision."""
    if v.is_Integer:
        return mpmath.mpf(int(v))
    if v.is_Rational:
        return mpmath.mpf(int(v.p)) / int(v.q)
    return _irrational(v, mpmath.mp.dps)


@lru_cache(maxsize=4096)
def _irrational(v: sp.Expr, digits: int):
    with mpmath.workdps(digits):
        return _real(mpmath.mpmathify(sp.N(v, digits + 5)))


def value(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr], digits: int = DIGITS):
    """``expr`` at ``point`` (exact sympy numbers) as an mpmath real, or None if undefined.

    Raises
    ------
    TooLarge
        When a sub-expression is astronomically large there, or sympy's evaluation of a
        form mpmath is not given (rare) overruns ``FALLBACK_SECONDS``: the point decides
        nothing.
    """
    with mpmath.workdps(digits):
        try:
            env = {s: _mp(v) for s, v in point.items()}
            fn = _compiled(expr)
            if fn is not None:
                return +fn(env)
            if expr in _OVERRAN:
                raise TooLarge("sympy's evaluation")
            done, v = within(lambda: sp.N(expr.xreplace(point), digits), FALLBACK_SECONDS)
            if not done:
                if len(_OVERRAN) > 512:
                    _OVERRAN.clear()
                _OVERRAN.add(expr)  # one overrun is enough: its other points are skipped at once
                raise TooLarge("sympy's evaluation")
            return _real(mpmath.mpmathify(v))
        except (_Undefined, ZeroDivisionError, OverflowError, ValueError, TypeError):
            return None


def _differ(a, b, digits: int) -> bool:
    scale = max(abs(a), abs(b))
    return abs(a - b) > scale * mpmath.mpf(10) ** (10 - digits) if scale else False


def compare(got: sp.Expr, want: sp.Expr, point: Mapping) -> tuple[str, object, object]:
    """``("agree" | "differ" | "undefined" | "skip", got, want)`` at ``point``.

    ``undefined``: the reference is defined there and ``got`` is not; ``skip``: the
    reference is undefined there, or the two disagree at one precision only. The
    values are mpmath reals (``exp(1000)`` overflows a float).
    """
    try:
        b = value(want, point)
        if b is None:
            return "skip", None, None
        a = value(got, point)
        if a is None:
            return "undefined", None, b
        if not _differ(a, b, DIGITS):
            return "agree", a, b
        a2, b2 = value(got, point, 2 * DIGITS), value(want, point, 2 * DIGITS)
    except TooLarge:
        return "skip", None, None
    if a2 is None or b2 is None:
        return "skip", None, None
    with mpmath.workdps(2 * DIGITS):
        d, d2 = a - b, a2 - b2
        if not _differ(a2, b2, 2 * DIGITS):
            return "agree", a2, b2
        if abs(d2 - d) <= abs(d2) * mpmath.mpf("1e-6"):
            return "differ", a2, b2
    return "skip", None, None


# ----------------------------------------------------------------------------- points


@lru_cache(maxsize=64)
def _pool(low: float, high: float) -> tuple[sp.Expr, ...]:
    """Values a variable takes: 1e-3 .. 1e3 in magnitude, both signs, nice and irrational."""
    out: list[sp.Expr] = list(_NICE)
    for k in range(-3, 4):
        scale = sp.Integer(10) ** k
        out += [scale, 3 * scale] + [r * scale for r in _IRRATIONAL]
    out += [sp.Integer(n) for n in (11, 17, 100, 250, 1000)]
    values = out + [-v for v in out]
    return tuple(v for v in values if low < float(v) < high)


def _zero_args(expr: sp.Expr) -> list[sp.Expr]:
    """Expressions whose zeros are special points: denominators, arguments of |.|, log, ..."""
    out = []
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Expr) or node.is_number:
            continue
        exp = node.exp.doit() if node.is_Pow and node.exp.is_number else None
        if node.is_Pow and not (exp is not None and exp.is_Integer and exp.is_nonnegative):
            out.append(node.base)
        elif isinstance(node, (sp.Abs, sp.sign, sp.log, sp.acot)):
            out.append(node.args[0])
        elif isinstance(node, (sp.asin, sp.acos, sp.atanh)):
            out += [node.args[0] - 1, node.args[0] + 1]
        elif isinstance(node, (sp.asec, sp.acsc)):
            out += [node.args[0] - 1, node.args[0] + 1, node.args[0]]
        elif isinstance(node, sp.acosh):
            out.append(node.args[0] - 1)
    return out


def _real_zeros(u: sp.Expr, s: sp.Symbol) -> list[sp.Expr]:
    """Real zeros in ``s`` of a univariate rational function ``u`` (exact when possible)."""
    num = sp.fraction(sp.together(u))[0]
    if not num.has(s) or num.free_symbols - {s}:
        return []
    try:
        poly = sp.Poly(num, s)
    except sp.PolynomialError:
        return []
    if not 1 <= poly.degree() <= MAX_DEGREE:
        return []
    if poly.domain.is_ZZ or poly.domain.is_QQ:
        return list(dict.fromkeys(poly.real_roots()))
    roots = [complex(r) for r in poly.nroots(n=30, maxsteps=100)]
    return [sp.Float(r.real, 30) for r in roots if abs(r.imag) <= 1e-20 * max(1, abs(r))]


def _neighbours(r: sp.Expr) -> list[sp.Expr]:
    """A zero, points just beside it on both sides, and the integers around it."""
    size = max(1.0, abs(float(r)))
    out = [r]
    for k in (1, 3, 7):
        step = sp.Rational(1, 10**k) * (sp.Integer(math.ceil(size)) if size > 1 else 1)
        out += [r - step, r + step]
    f = math.floor(float(r))
    out += [sp.Integer(f), sp.Integer(f + 1), sp.Integer(f - 1), sp.Integer(f + 2)]
    return out


def points(
    symbols: Sequence[sp.Symbol],
    exprs: Iterable[sp.Expr],
    bounds: Mapping[sp.Symbol, tuple[float, float]],
    seed: str,
    count: int = RANDOM_POINTS,
) -> list[dict[sp.Symbol, sp.Expr]]:
    """Deterministic test points: nice ones first, then random and special ones.

    ``bounds`` gives a variable's open interval (default the real line).
    """
    rng = random.Random(seed)
    box = {s: bounds.get(s, (-math.inf, math.inf)) for s in symbols}
    pools = {s: _pool(*box[s]) for s in symbols}
    nice = {s: [v for v in pools[s] if v.is_Rational and v.q <= 10 and abs(v) < 10] for s in pools}
    out: list[dict] = []
    for k in range(count):
        source = nice if k < 8 else pools
        out.append({s: rng.choice(source[s] or pools[s] or [sp.Integer(1)]) for s in symbols})
    specials = 0
    for u in dict.fromkeys(a for e in exprs for a in _zero_args(e)):
        for s in sorted(u.free_symbols & set(symbols), key=str):
            base = {t: rng.choice(nice[t] or pools[t] or [sp.Integer(1)]) for t in symbols}
            others = {t: v for t, v in base.items() if t != s}
            try:
                zeros = _real_zeros(u.xreplace(others), s)
            except (ValueError, TypeError, NotImplementedError, sp.PolynomialError):
                continue
            for r in zeros[:4]:
                if specials >= MAX_SPECIAL:
                    return out
                specials += 1
                low, high = box[s]
                for v in _neighbours(r):
                    if low < float(v) < high:
                        out.append({**base, s: v})
    return out


__all__ = ["DIGITS", "RANDOM_POINTS", "compare", "points", "value"]
