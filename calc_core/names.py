"""The names a student may type: functions, constants, and the symbol of a variable.

:data:`FUNCTIONS` maps each function name to how the parser builds it in sympy and
estimates it in floats for a constant argument, with the numbers of arguments it
takes; :data:`REAL_DOMAIN` says where an inverse function of a constant is real.

Examples
--------
>>> FUNCTIONS["log"].arity
(1, 2)
>>> FUNCTIONS["log"].build(symbol("x"), 2)
log(x)/log(2)
>>> CONSTANTS["e"][1]
2.718281828459045
>>> REAL_DOMAIN["asin"](3.0)
False
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

#: The name of the order of the maximum norm, ``norm(x, inf)``.
INF_NAME = "inf"
NORM_NAME = "norm"


@lru_cache(maxsize=256)
def symbol(name: str) -> sp.Symbol:
    """The real sympy symbol used for variable ``name`` everywhere in the app."""
    return sp.Symbol(name, real=True)


@dataclass(frozen=True)
class _Function:
    build: Callable[..., sp.Expr]
    approx: Callable[..., float]
    arity: tuple[int, ...] = (1,)


def _log(arg, base=None):
    if base is None:
        return sp.log(arg)
    log_base = sp.log(base)
    # log(x, 0) would be log(x)/zoo = 0: keep the zoo so that it is reported as undefined
    return log_base if log_base.has(sp.zoo) else sp.log(arg) / log_base


def _log_approx(a, b=None):
    return math.log(a) if b is None else math.log(a) / math.log(b)


def _acot(v: float) -> float:
    """sympy's acot: atan(1/v), and pi/2 at 0 (so it jumps from -pi/2 to pi/2 there)."""
    return math.pi / 2 if v == 0 else math.atan(1 / v)


FUNCTIONS: dict[str, _Function] = {
    "sin": _Function(sp.sin, math.sin),
    "cos": _Function(sp.cos, math.cos),
    "tan": _Function(sp.tan, math.tan),
    "exp": _Function(sp.exp, math.exp),
    "log": _Function(_log, _log_approx, (1, 2)),
    "ln": _Function(sp.log, math.log),
    "sqrt": _Function(sp.sqrt, math.sqrt),
    "abs": _Function(sp.Abs, abs),
    "asin": _Function(sp.asin, math.asin),
    "acos": _Function(sp.acos, math.acos),
    "atan": _Function(sp.atan, math.atan),
    "arcsin": _Function(sp.asin, math.asin),
    "arccos": _Function(sp.acos, math.acos),
    "arctan": _Function(sp.atan, math.atan),
    "sec": _Function(sp.sec, lambda v: 1 / math.cos(v)),
    "csc": _Function(sp.csc, lambda v: 1 / math.sin(v)),
    "cot": _Function(sp.cot, lambda v: math.cos(v) / math.sin(v)),
    "asec": _Function(sp.asec, lambda v: math.acos(1 / v)),
    "acsc": _Function(sp.acsc, lambda v: math.asin(1 / v)),
    "acot": _Function(sp.acot, _acot),
    "arcsec": _Function(sp.asec, lambda v: math.acos(1 / v)),
    "arccsc": _Function(sp.acsc, lambda v: math.asin(1 / v)),
    "arccot": _Function(sp.acot, _acot),
    "sinh": _Function(sp.sinh, math.sinh),
    "cosh": _Function(sp.cosh, math.cosh),
    "tanh": _Function(sp.tanh, math.tanh),
    "asinh": _Function(sp.asinh, math.asinh),
    "acosh": _Function(sp.acosh, math.acosh),
    "atanh": _Function(sp.atanh, math.atanh),
    "arsinh": _Function(sp.asinh, math.asinh),
    "arcosh": _Function(sp.acosh, math.acosh),
    "artanh": _Function(sp.atanh, math.atanh),
    "arcsinh": _Function(sp.asinh, math.asinh),
    "arccosh": _Function(sp.acosh, math.acosh),
    "arctanh": _Function(sp.atanh, math.atanh),
}
GROWING = {"exp", "sinh", "cosh"}
_ROUNDING = 1e-12
#: Where an inverse function of a constant is real. Off it (asin(3), asec(1/2),
#: acosh(0)) the value is not real, and sympy may then take minutes deciding
#: assumptions about it: cos(log(cos(x), asin(3))) hangs while being built.
REAL_DOMAIN: dict[str, Callable[[float], bool]] = {
    **dict.fromkeys(("asin", "acos", "arcsin", "arccos"), lambda v: abs(v) <= 1 + _ROUNDING),
    **dict.fromkeys(("asec", "acsc", "arcsec", "arccsc"), lambda v: abs(v) >= 1 - _ROUNDING),
    **dict.fromkeys(("acosh", "arcosh", "arccosh"), lambda v: v >= 1 - _ROUNDING),
    **dict.fromkeys(("atanh", "artanh", "arctanh"), lambda v: abs(v) < 1),
}
CONSTANTS: dict[str, tuple[sp.Expr, float]] = {"pi": (sp.pi, math.pi), "e": (sp.E, math.e)}
