"""The tangent page's mathematics: f with its tangent line, as in the book's plot.

D2L 2.4 plots f(x) = 3x^2 - 4x on [0, 3) with its tangent at x = 1, y = 2x - 3,
and its first exercise asks for f(x) = x^3 - 1/x with its tangent at x = 1,
y = 4x - 4. For any f and x0 the page gets:

* :func:`tangent_line` -- slope f'(x0), f(x0), the intercept, exactly when
  they are exact (``y = 2x - 3``) and in decimals otherwise, or the reason
  there is no tangent (in :mod:`calc_core.tangent_line`);
* :func:`curves` -- f, f' and f'' sampled for plotting by
  :func:`calc_core.sampling.sample` (poles, holes and gaps honest), independent
  of x0 so that moving the tangent point does not resample them;
* :func:`tangent_at` -- the tangent and an optional secant for the page;
* :func:`book_code` -- the book's ``d2l.plot(...)`` call for the current inputs
  (in :mod:`calc_core.book_plot`).

The names of both modules are importable from here too.

x0 and the interval are floats, as the page's number inputs give them; a typed
decimal stands for the exact rational it reads as (1.23 -> 123/100), so the
tangent of 3x^2 - 4x at 1.23 is exactly y = 3.38x - 4.5387.

Powers follow sympy's and numpy's principal-root convention: ``x^(1/3)`` is
undefined for x < 0 (exactly what the book's ``x ** (1/3)`` gives in numpy), so
it has a vertical tangent at 0 with a right-hand slope of +inf only.

Examples
--------
>>> from calc_core.parser import parse
>>> tangent_line(parse("3x^2 - 4x"), 1).equation_latex
'y = 2x - 3'
>>> tangent_line(parse("x^3 - 1/x"), 1).equation_latex
'y = 4x - 4'
>>> tangent_line(parse("|x|"), 0).status, tangent_line(parse("1/x"), 0).status
('not_differentiable', 'undefined')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.book_plot import book_code, book_step, nice_step
from calc_core.errors import InputError
from calc_core.limits import python_source
from calc_core.narrow_code import function_lines, numpy_powers
from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol
from calc_core.sampling import Sample, sample
from calc_core.tangent_line import (
    NO_TANGENT,
    TangentLine,
    decimal_latex,
    exact_latex,
    line_python,
    tangent_line,
)

#: |x| bound for x0 and the interval (the same as the limits page's x0).
X_LIMIT = 1e6
#: The interval must be at least this wide relative to max(1, |xmin|, |xmax|).
MIN_RELATIVE_WIDTH = 1e-6
#: Symbolic budgets (seconds) of the singularity search for f and for each derivative.
F_BUDGET, DERIVATIVE_BUDGET = 0.6, 0.3
#: f' and f'' with more tree nodes than this are neither differentiated further, drawn nor
#: printed: a product of 19 factors has an f'' of ~18000 nodes (seconds to build and to
#: evaluate, 100 kB of LaTeX).
MAX_DERIVATIVE_NODES = 800


# ----------------------------------------------------------------------------- numbers


def _check_number(value: float, field: str) -> float:
    value = float(value)
    if not (math.isfinite(value) and abs(value) <= X_LIMIT):
        raise InputError(
            "out_of_range",
            f"The value must be between {-X_LIMIT:g} and {X_LIMIT:g}.",
            field=field,
            low=f"{-X_LIMIT:g}",
            high=f"{X_LIMIT:g}",
        )
    return value


def check_window(xmin: float, xmax: float) -> tuple[float, float]:
    """The plotted interval [xmin, xmax], or an InputError saying what is wrong with it.

    >>> check_window(0, 3)
    (0.0, 3.0)
    >>> check_window(3, 0)
    Traceback (most recent call last):
    ...
    calc_core.errors.InputError: x min (3) must be less than x max (0).
    """
    lo, hi = _check_number(xmin, "xmin"), _check_number(xmax, "xmax")
    if not lo < hi:
        raise InputError(
            "domain_reversed",
            f"x min ({lo:g}) must be less than x max ({hi:g}).",
            field="xmax",
            xmin=f"{lo:g}",
            xmax=f"{hi:g}",
        )
    if hi - lo < MIN_RELATIVE_WIDTH * max(1.0, abs(lo), abs(hi)):
        smallest = MIN_RELATIVE_WIDTH * max(1.0, abs(lo), abs(hi))
        raise InputError(
            "domain_too_small",
            f"The interval is too narrow to plot; make it wider than {smallest:.1g}.",
            field="xmax",
            width=f"{smallest:.1g}",
        )
    return lo, hi


def _parse_f(f_text: str) -> sp.Expr:
    try:
        return parse(f_text, ("x",))
    except InputError as err:
        raise err.with_field("f") from None


# ----------------------------------------------------------------------------- page records


@dataclass(frozen=True)
class Curves:
    """f, f' and f'' sampled on the interval, with what the page writes about them."""

    f_text: str
    f_latex: str
    f_python: str
    needs_numpy: bool
    xmin: float
    xmax: float
    f: Sample
    d1: Sample | None  # None when f' is too long (MAX_DERIVATIVE_NODES) or not evaluable
    d1_latex: str  # "" when f' is too long to show
    d1_python: str
    d2: Sample | None
    d2_latex: str
    d2_python: str
    book_step: float
    book_hits: tuple[float, ...]  # points of the book's np.arange grid where f is undefined
    principal_root: bool  # f has a root like x^(1/3): undefined for x < 0 (principal root)
    f_def: str = ""  # ``def f(x): ...`` computing f as the page does (nan where not real)


def _pointwise(d: sp.Expr) -> sp.Expr:
    """A derivative without distributions: DiracDelta(u) is 0 where u != 0, undefined at 0."""
    if not d.has(sp.DiracDelta):
        return d
    return d.replace(
        lambda e: isinstance(e, sp.DiracDelta),
        lambda e: sp.Piecewise((sp.nan, sp.Eq(e.args[0], 0)), (0, True)),
    )


def _principal_root(expr: sp.Expr) -> bool:
    x = symbol("x")
    return any(
        p.exp.is_Rational and not p.exp.is_Integer and p.exp.q % 2 == 1 and p.base.has(x)
        for p in expr.atoms(sp.Pow)
    )


def line_samples(
    slope: float, intercept: float, xmin: float, xmax: float, *, log_x: bool = False, n: int = 201
) -> tuple[np.ndarray, np.ndarray]:
    """Points of the line y = slope x + intercept across [xmin, xmax] for the chart.

    Many points, not two, so that the line is drawn right on a log axis too (where
    it is curved); with ``log_x`` they are spaced geometrically over the positive part.

    >>> x, y = line_samples(2, -3, 0, 3, n=4)
    >>> x.tolist(), y.tolist()
    ([0.0, 1.0, 2.0, 3.0], [-3.0, -1.0, 1.0, 3.0])
    """
    if log_x:
        lo = max(xmin, xmax * 1e-6) if xmin <= 0 else xmin
        x = np.geomspace(lo, xmax, n) if 0 < lo < xmax else np.empty(0)
    else:
        x = np.linspace(xmin, xmax, n)
    with np.errstate(all="ignore"):
        return x, slope * x + intercept


def _nodes(expr: sp.Expr) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


def _derivative_sample(d: sp.Expr | None, lo: float, hi: float) -> Sample | None:
    if d is None:
        return None
    try:
        return sample(d, lo, hi, budget=DERIVATIVE_BUDGET)
    except NotImplementedError:  # a function compile_expr does not know: no curve
        return None


def _derivative_code(d: sp.Expr | None) -> tuple[str, str, bool]:
    """LaTeX and Python of a derivative ("" when there is none to show), and numpy use."""
    if d is None:
        return "", "", False
    # a complex constant makes f' nan wherever the page draws it: no curve, so no code
    code, needs_numpy = ("", False) if d.has(sp.Piecewise, sp.I) else python_source(numpy_powers(d))
    return printing.latex(d), code, needs_numpy


def curves(f_text: str, xmin: float, xmax: float) -> Curves:
    """Parse f and the interval; sample f, f', f'' for the chart.

    Raises
    ------
    InputError
        For a malformed f (field ``f``) or a bad interval (``xmin``/``xmax``).
    """
    lo, hi = check_window(xmin, xmax)
    expr = _parse_f(f_text)
    x = symbol("x")
    d1 = _pointwise(sp.diff(expr, x))
    d1 = d1 if _nodes(d1) <= MAX_DERIVATIVE_NODES else None
    d2 = None if d1 is None else _pointwise(sp.diff(d1, x))
    d2 = d2 if d2 is not None and _nodes(d2) <= MAX_DERIVATIVE_NODES else None
    body, needs_numpy = python_source(numpy_powers(expr))
    step = book_step(lo, hi)
    grid = np.arange(lo, hi, step)
    with np.errstate(all="ignore"):
        on_grid = compile_expr(expr, ("x",))(grid)
    hits = tuple(float(v) for v in grid[~np.isfinite(on_grid)][:20])
    d1_tex, d1_py, np1 = _derivative_code(d1)
    d2_tex, d2_py, np2 = _derivative_code(d2)
    return Curves(
        f_text=f_text,
        f_latex=printing.latex(expr),
        f_python=body,
        f_def="\n".join(function_lines(body, expr)),
        needs_numpy=needs_numpy or np1 or np2,
        xmin=lo,
        xmax=hi,
        f=sample(expr, lo, hi, budget=F_BUDGET),
        d1=_derivative_sample(d1, lo, hi),
        d1_latex=d1_tex,
        d1_python=d1_py,
        d2=_derivative_sample(d2, lo, hi),
        d2_latex=d2_tex,
        d2_python=d2_py,
        book_step=step,
        book_hits=hits,
        principal_root=_principal_root(expr),
    )


@dataclass(frozen=True)
class Secant:
    """The secant through (x0, f(x0)) and (x0 + h, f(x0 + h)); slope None if undefined."""

    h: float
    x1: float
    f1: float | None
    slope: float | None
    intercept: float | None


@dataclass(frozen=True)
class TangentResult:
    """Everything about x0 the page shows: the line, its label and the secant."""

    x0: float
    x0_label: str  # how the legend names it: "Tangent line (x=1)"
    line: TangentLine
    secant: Secant | None


def _secant(expr: sp.Expr, x0: float, f0: float | None, h: float) -> Secant:
    fn = compile_expr(expr, ("x",))
    x1 = x0 + h
    with np.errstate(all="ignore"):
        f1 = float(fn(np.array([x1]))[0])
    ok = math.isfinite(f1) and f0 is not None
    slope = (f1 - f0) / h if ok else None
    return Secant(
        h=h,
        x1=x1,
        f1=f1 if math.isfinite(f1) else None,
        slope=slope,
        intercept=None if slope is None else f0 - slope * x0,
    )


def tangent_at(
    f_text: str, x0: float, xmin: float, xmax: float, secant_h: float = 0.0
) -> TangentResult:
    """The tangent of f at x0 (which must lie in the plotted interval) and the secant for h.

    ``secant_h = 0`` means no secant.

    Raises
    ------
    InputError
        ``x0_outside`` when x0 is not in [xmin, xmax]; the errors of
        :func:`check_window` and of the parser otherwise.
    """
    lo, hi = check_window(xmin, xmax)
    x0 = _check_number(x0, "x0")
    if not lo <= x0 <= hi:
        raise InputError(
            "x0_outside",
            f"x0 = {x0:g} lies outside the plotted interval [{lo:g}, {hi:g}].",
            field="x0",
            x0=f"{x0:g}",
            xmin=f"{lo:g}",
            xmax=f"{hi:g}",
        )
    expr = _parse_f(f_text)
    line = tangent_line(expr, x0)
    secant = None
    if secant_h and math.isfinite(secant_h):
        secant = _secant(expr, x0, line.f0, float(secant_h))
    return TangentResult(x0=x0, x0_label=f"{x0:.6g}", line=line, secant=secant)


__all__ = [
    "NO_TANGENT",
    "Curves",
    "Secant",
    "TangentLine",
    "TangentResult",
    "book_code",
    "book_step",
    "check_window",
    "curves",
    "decimal_latex",
    "exact_latex",
    "line_python",
    "line_samples",
    "nice_step",
    "tangent_at",
    "tangent_line",
]
