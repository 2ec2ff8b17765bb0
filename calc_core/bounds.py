"""The parser's bounds, and how the size of a constant is estimated and refused.

Every constant sub-expression the parser builds carries a float estimate beside its
exact sympy value (a :class:`Node`); an estimate outside ``10^-50 .. 10^50`` in size
is refused at once, so that ``9^9^9`` or ``0.25^1e40`` never reach sympy. Powers are
compared in log space (:func:`log10_size`), and rational powers by the number of
digits sympy would write (:func:`exact_digits`).

Examples
--------
>>> approx_or_refuse(2.5e10, col=0)
25000000000.0
>>> approx_or_refuse(1e60, col=3)
Traceback (most recent call last):
...
calc_core.errors.InputError: The constant starting at column 4 is larger than 10^50; ...
>>> import sympy as sp
>>> log10_size(Node(sp.Integer(1000), 1000.0))
3.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp

from calc_core.errors import InputError

MAX_LENGTH = 200
MAX_DEPTH = 40
MAX_LITERAL_DIGITS = 20
#: log10 of the largest magnitude a constant sub-expression may reach; a non-zero
#: constant may not be smaller than 10^-MAX_CONSTANT_LOG10 either.
MAX_CONSTANT_LOG10 = 50.0
#: Most digits the exact value of a constant power may have: sympy computes rational
#: powers exactly, and (1.0001)^100000 is a 400,000-digit fraction of size about 22000.
MAX_EXACT_DIGITS = 5000
#: Largest denominator of a rational exponent: sympy's polynomial algebra (factor, as the
#: steps page uses it) writes x^(p/q) as a power of x^(1/q) in a dense list of length p:
#: x^(1001/1000) + x took 0.6 s to factor, q = 2000 9 s, and 1e-18^(1e-18) x^2 for ever.
MAX_EXPONENT_DENOMINATOR = 1000
#: Largest |exponent| of a power whose base is not a number.
MAX_SYMBOLIC_EXPONENT = 200
#: Largest |argument| for exp/sinh/cosh of a constant.
MAX_EXP_ARGUMENT = 110.0
#: Largest order p (and largest denominator of p) in ``norm(x, p)``.
MAX_NORM_ORDER = 100


@dataclass(frozen=True)
class Node:
    """A built sub-expression and, if it is a constant, a float estimate of it."""

    expr: sp.Expr
    approx: float | None  # None when the node depends on a variable


def _size_error(col: int, large: bool) -> InputError:
    bound = f"10^{'' if large else '-'}{MAX_CONSTANT_LOG10:.0f}"
    size, advice = ("larger", "smaller") if large else ("not zero but smaller", "larger")
    return InputError(
        "constant_too_large" if large else "constant_too_small",
        f"The constant starting at column {col + 1} is {size} than {bound}; use {advice} numbers.",
        column=col,
        limit=bound,
    )


def refuse_size(log10: float, col: int) -> None:
    """Refuse a constant of size ``10^log10`` outside ``10^-50 .. 10^50`` (NaN: unknown)."""
    if log10 > MAX_CONSTANT_LOG10:
        raise _size_error(col, large=True)
    if log10 < -MAX_CONSTANT_LOG10:
        raise _size_error(col, large=False)


def approx_or_refuse(value: float, col: int, exact: sp.Expr | None = None) -> float:
    """``value``, the float estimate of a constant, once its size is within bounds.

    Every constant node is checked, so an estimate never overflows or underflows
    silently: the operands of a product are at least 10^-50 in size, their product
    at least 10^-100. ``exact`` (the sympy value, when built) keeps an exact zero zero
    whatever its float estimate (``sin(pi)`` is 1.2e-16 in floats).
    """
    if exact is not None and exact == 0:
        return 0.0
    if math.isnan(value) or value == 0:
        return value
    refuse_size(math.inf if math.isinf(value) else math.log10(abs(value)), col)
    return value


def log10_size(node: Node) -> float:
    """log10 of the size of a constant node: -inf for zero, NaN when it cannot be told."""
    if node.expr == 0:
        return -math.inf
    value = node.approx
    if value is not None and value != 0 and not math.isnan(value):
        return math.log10(abs(value))
    # the float estimate is not real (sqrt(-2)) or lost a tiny value: ask mpmath, once
    try:
        size = sp.Abs(node.expr).evalf(15)
        return float(mpmath.log10(mpmath.mpf(size))) if size.is_Float and size > 0 else math.nan
    except (TypeError, ValueError, ArithmeticError):
        return math.nan


def exact_digits(base: sp.Expr, exponent: float) -> float:
    """About how many digits sympy would write to compute ``base^exponent`` exactly.

    A rational power of an expression made of rationals p/q costs about
    |exponent| * log10(max(|p|, q)) digits for each of them.
    """
    per_unit = sum(math.log10(max(abs(r.p), r.q, 1)) for r in base.atoms(sp.Rational))
    return abs(exponent) * per_unit


def safe_float(fn: Callable[..., float], *args: float) -> float:
    try:
        return float(fn(*args))
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return math.nan


def real_pow(a: float, b: float) -> float:
    try:
        r = a**b
    except OverflowError:
        return math.inf
    except ZeroDivisionError:  # 0 to a negative power: undefined, not large
        return math.nan
    return abs(r) if isinstance(r, complex) else float(r)
