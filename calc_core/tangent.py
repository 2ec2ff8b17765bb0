"""The tangent page's mathematics: f with its tangent line, as in the book's plot.

D2L 2.4 plots f(x) = 3x^2 - 4x on [0, 3) with its tangent at x = 1, y = 2x - 3,
and its first exercise asks for f(x) = x^3 - 1/x with its tangent at x = 1,
y = 4x - 4. This module computes, for any f and x0:

* :func:`tangent_line` -- slope f'(x0), f(x0), the intercept, exactly when
  they are exact (``y = 2x - 3``) and in decimals otherwise, or the reason
  there is no tangent (reusing :func:`calc_core.derivative.derivative_at`):
  f undefined at x0, x0 outside the domain of f, a kink (one-sided slopes
  differ), a vertical tangent, a one-sided derivative only;
* :func:`curves` -- f, f' and f'' sampled for plotting by
  :func:`calc_core.sampling.sample` (poles, holes and gaps honest), independent
  of x0 so that moving the tangent point does not resample them;
* :func:`tangent_at` -- the tangent and an optional secant for the page;
* :func:`book_code` -- the book's ``d2l.plot(...)`` call for the current inputs.

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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.budget import within
from calc_core.derivative import derivative_at, exact_point, real_value
from calc_core.domain import point_domain
from calc_core.errors import InputError
from calc_core.limits import python_source
from calc_core.narrow_code import function_lines, numpy_powers
from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol
from calc_core.sampling import Sample, sample

#: |x| bound for x0 and the interval (the same as the limits page's x0).
X_LIMIT = 1e6
#: The interval must be at least this wide relative to max(1, |xmin|, |xmax|).
MIN_RELATIVE_WIDTH = 1e-6
#: Seconds for simplifying each exact number of the line.
SIMPLIFY_BUDGET = 0.2
#: Symbolic budgets (seconds) of the singularity search for f and for each derivative.
F_BUDGET, DERIVATIVE_BUDGET = 0.6, 0.3
#: How the book samples its plot: np.arange(xmin, xmax, step) with about this many points.
BOOK_POINTS = 30
#: The book's line formats, in order: plot()'s ``fmts=('-', 'm--', 'g-.', 'r:')``.
BOOK_FMTS = ("-", "m--", "g-.", "r:")
#: Statuses for which there is no tangent line, each explained on the page.
NO_TANGENT = (
    "undefined",
    "outside",
    "too_large",
    "not_differentiable",
    "discontinuous",
    "vertical",
    "one_sided",
    "isolated",
    "unknown",
)
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


# ----------------------------------------------------------------------------- the line


@dataclass(frozen=True)
class TangentLine:
    """The tangent of f at x0, or the reason (``status``) there is none.

    ``status`` is ``ok`` or one of :data:`NO_TANGENT`. When ``ok``: ``slope`` =
    f'(x0), ``intercept`` = f(x0) - f'(x0) x0, and ``equation_latex`` reads
    ``y = 2x - 3`` when ``exact`` (coefficients shown exactly) or
    ``y \\approx 0.877583x + 0.0406`` otherwise. ``left``/``right`` are the
    one-sided slopes (+-inf allowed) where derivative_at found them.
    """

    status: str
    x0: float
    f0: float | None
    slope: float | None
    intercept: float | None
    exact: bool
    f0_latex: str | None
    slope_latex: str | None
    intercept_latex: str | None
    equation_latex: str | None
    python: str | None  # the line as Python source in x, for the book's code
    left: float | None
    right: float | None
    derivative_latex: str

    @property
    def exists(self) -> bool:
        return self.status == "ok"


def _terminating(q: int) -> bool:
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def exact_latex(value: sp.Expr) -> str | None:
    """LaTeX of an exact number when it is short enough to read, else None.

    Integers, terminating decimals (exact: ``3.38``), fractions with small
    denominators and short closed forms (``\\frac{\\sqrt{2}}{2}``) qualify.

    >>> [exact_latex(sp.Rational(p, q)) for p, q in [(-3, 1), (169, 50), (1, 3)]]
    ['-3', '3.38', '\\\\frac{1}{3}']
    >>> exact_latex(sp.Rational(10**30 + 1, 7)) is None
    True
    """
    if value.has(sp.Float) or not value.is_number:
        return None
    if value.is_Rational:
        p, q = int(value.p), int(value.q)
        if printing.is_long(p) or printing.is_long(q):
            return None
        if q == 1:
            return str(p) if abs(p) < 10**15 else None
        if _terminating(q):
            return _exact_decimal(p, q)
        if q <= 1000 and abs(p) < 10**6:
            return printing.latex(value)
        return None
    if value.count_ops() > 12:
        return None
    text = printing.latex(value)
    return text if len(text) <= 40 else None


def _exact_decimal(p: int, q: int) -> str | None:
    """p/q (q = 2^a 5^b) written out exactly, if it has at most 12 significant digits.

    Plain (``3.38``) between 1e-4 and 1e12, else ``2 \\times 10^{-9}``.
    """
    k = 0
    while (10**k) % q:
        k += 1
    scaled = abs(p) * (10**k // q)  # |p/q| = scaled * 10^-k, exactly
    significant = str(scaled).rstrip("0")
    if len(significant) > 12:
        return None
    sign = "-" if p < 0 else ""
    if 1e-4 <= abs(p) / q < 1e12:
        digits = str(scaled).rjust(k + 1, "0")
        return sign + f"{digits[:-k]}.{digits[-k:]}".rstrip("0").rstrip(".")
    exponent = len(str(scaled)) - 1 - k
    mantissa = significant[0] + ("." + significant[1:] if len(significant) > 1 else "")
    return rf"{sign}{mantissa} \times 10^{{{exponent}}}"


def decimal_latex(value: float, digits: int = 6) -> str:
    """A float for LaTeX: ``0.877583``, ``-3``, ``2.70384 \\times 10^{33}``."""
    if value == 0:
        return "0"
    if 1e-4 <= abs(value) < 1e7:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _simplify(value: sp.Expr) -> sp.Expr:
    if value.count_ops() > 40:
        return value
    done, simple = within(lambda: sp.simplify(value), SIMPLIFY_BUDGET)
    if not done:
        return value
    return sp.factor_terms(simple) if simple.is_Add else simple


def _equation(slope_tex: str, slope: float, b_tex: str, b: float, exact: bool) -> str:
    """``y = 2x - 3`` from the coefficients' LaTeX and values."""
    if slope == 0:
        x_term = ""
    elif slope_tex in ("1", "-1"):
        x_term = "x" if slope > 0 else "-x"
    elif _needs_brackets(slope_tex) or r"\times" in slope_tex:
        x_term = rf"\left({slope_tex}\right)x"
    else:  # a thin space after a letter: e\,x, not the name "ex" (nor "\pix")
        x_term = f"{slope_tex}\\,x" if slope_tex[-1].isalpha() else f"{slope_tex}x"
    if not x_term:
        const = b_tex
    elif b == 0:
        const = ""
    elif b_tex.startswith("-") and not _needs_brackets(b_tex[1:]):
        const = f" - {b_tex[1:].strip()}"
    elif _needs_brackets(b_tex):
        const = rf" + \left({b_tex}\right)"
    else:
        const = f" + {b_tex}"
    relation = "=" if exact else r"\approx"
    return f"y {relation} {x_term}{const}"


def _needs_brackets(tex: str) -> bool:
    """True when a coefficient's LaTeX is a sum (``1 + \\sqrt{2}``) and must be bracketed."""
    depth = 0
    for k, ch in enumerate(tex):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch in "+-" and depth == 0 and k > 0:
            return True
    return False


def _python_number(value: sp.Expr | None, approx: float) -> str:
    if value is not None and value.is_Integer and abs(value) < 10**15:
        return str(int(value))
    return f"{approx:.12g}"


def line_python(
    slope: float, b: float, slope_e: sp.Expr | None = None, b_e: sp.Expr | None = None
) -> str:
    """The line y = slope x + b as Python in x, as the book writes it: ``2 * x - 3``.

    Exact integer coefficients (``slope_e``, ``b_e``) print as integers, others to 12 digits.

    >>> line_python(2.0, -3.0, sp.Integer(2), sp.Integer(-3)), line_python(0.5, 0.25)
    ('2 * x - 3', '0.5 * x + 0.25')
    """
    s = _python_number(slope_e, slope)
    x_term = "x" if s == "1" else "-x" if s == "-1" else f"{s} * x"
    if slope == 0:
        return f"{_python_number(b_e, b)} + 0 * x"
    if b == 0:
        return x_term
    magnitude = None if b_e is None else (b_e if b > 0 else -b_e)
    return f"{x_term} {'+' if b > 0 else '-'} {_python_number(magnitude, abs(b))}"


def _why_undefined(expr: sp.Expr, x0: float) -> str:
    """``outside`` (f is not real on either side of x0 either) or ``undefined`` (f is
    undefined at x0 itself only, like 1/x at 0)."""
    domain = point_domain(expr, symbol("x"), exact_point(x0))
    return "outside" if domain.sides == (False, False) else "undefined"


def tangent_line(expr: sp.Expr, x0: float, var: str = "x") -> TangentLine:
    """The tangent line of ``expr`` at ``x0``, or the reason there is none.

    Examples
    --------
    >>> from calc_core.parser import parse
    >>> line = tangent_line(parse("x^2"), 0.5)
    >>> line.equation_latex, line.python
    ('y = x - 0.25', 'x - 0.25')
    >>> tangent_line(parse("log(x)"), -1).status, tangent_line(parse("x^(1/3)"), 0).status
    ('outside', 'vertical')
    """
    X0 = exact_point(x0)
    point = derivative_at(expr, float(x0), var)
    base = dict(
        x0=point.x0, left=point.left, right=point.right, derivative_latex=point.derivative_latex
    )
    if not point.exists:
        status = point.status
        if status == "undefined":
            status = _why_undefined(expr, point.x0)
        return TangentLine(
            status,
            f0=point.f0,
            slope=None,
            intercept=None,
            exact=False,
            f0_latex=point.f0_latex,
            slope_latex=None,
            intercept_latex=None,
            equation_latex=None,
            python=None,
            **base,
        )
    f0_e = _simplify(point.f0_exact) if point.f0_exact is not None else sp.Float(point.f0, 17)
    if point.value_exact is not None:
        slope_e = _simplify(point.value_exact)
    else:  # settled numerically: a decimal, never a guessed closed form
        slope_e = sp.Float(point.value, 17)
    b_e = _simplify(sp.expand(f0_e - slope_e * X0))
    slope, f0 = float(point.value), float(point.f0)
    b = real_value(b_e)
    b = f0 - slope * point.x0 if b is None else b
    texts = [exact_latex(v) for v in (slope_e, b_e, f0_e)]
    exact = all(t is not None for t in texts)
    slope_tex, b_tex, f0_tex = texts if exact else (decimal_latex(v) for v in (slope, b, f0))
    return TangentLine(
        "ok",
        f0=f0,
        slope=slope,
        intercept=b,
        exact=exact,
        f0_latex=f0_tex,
        slope_latex=slope_tex,
        intercept_latex=b_tex,
        equation_latex=_equation(slope_tex, slope, b_tex, b, exact),
        python=line_python(slope, b, slope_e if exact else None, b_e if exact else None),
        **base,
    )


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


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is at least ``raw``.

    >>> nice_step(0.1), nice_step(0.667), nice_step(0.03), nice_step(0.0151)
    (0.1, 1.0, 0.05, 0.02)
    """
    exponent = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10.0**exponent >= raw * 0.999:
            return float(f"{m * 10.0**exponent:.12g}")
    return raw  # pragma: no cover - the loop always returns


def book_step(xmin: float, xmax: float) -> float:
    """The step of the book's ``np.arange(xmin, xmax, step)``: 0.1 on [0, 3], ~30 points.

    >>> book_step(0, 3), book_step(-10, 10), book_step(0, 1)
    (0.1, 1.0, 0.05)
    """
    return nice_step((xmax - xmin) / BOOK_POINTS)


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


# ----------------------------------------------------------------------------- the book's code


def _py_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def book_code(
    curves: Curves,
    series: Sequence[tuple[str, str, str]],
    *,
    xlabel: str = "x",
    ylabel: str = "f(x)",
    legend: bool = True,
    ylim: tuple[float, float] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    grid: bool = True,
) -> str:
    """The book's ``d2l.plot`` cell drawing ``series`` on the current interval.

    ``series`` holds ``(python expression in x, legend label, matplotlib fmt)`` in
    plotting order, e.g. ``[("f(x)", "f(x)", "-"), ("2 * x - 3", "Tangent line (x=1)",
    "m--")]``. Arguments equal to the book's defaults are left out, as the book does.

    Examples
    --------
    >>> c = curves("3x^2 - 4x", 0, 3)
    >>> print(book_code(c, [("f(x)", "f(x)", "-"), ("2 * x - 3", "Tangent line (x=1)", "m--")]))
    from d2l import torch as d2l
    import numpy as np
    <BLANKLINE>
    def f(x):
        return 3*x**2 - 4*x
    <BLANKLINE>
    x = np.arange(0, 3, 0.1)
    d2l.plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])
    """
    start, stop = (_short(v) for v in (curves.xmin, curves.xmax))
    ys = ", ".join(s[0] for s in series)
    args = [f"x, [{ys}]", repr(xlabel), repr(ylabel)]
    if legend:
        args.append(f"legend={_py_list([s[1] for s in series])}")
    if ylim is not None:
        args.append(f"ylim=[{_short(ylim[0])}, {_short(ylim[1])}]")
    if xscale != "linear":
        args.append(f"xscale={xscale!r}")
    if yscale != "linear":
        args.append(f"yscale={yscale!r}")
    fmts = tuple(s[2] for s in series)
    if fmts != BOOK_FMTS[: len(fmts)] or len(fmts) > len(BOOK_FMTS):
        args.append(f"fmts={fmts!r}")
    lines = [
        "from d2l import torch as d2l",
        "import numpy as np",
        "",
        *(curves.f_def or f"def f(x):\n    return {curves.f_python}").splitlines(),
        "",
        f"x = np.arange({start}, {stop}, {_short(curves.book_step)})",
        f"d2l.plot({', '.join(args)})",
    ]
    if not grid:
        lines.append("d2l.plt.grid(False)")
    return "\n".join(lines)


def _short(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.12g}"


__all__ = [
    "NO_TANGENT",
    "Curves",
    "Secant",
    "TangentLine",
    "TangentResult",
    "book_code",
    "check_window",
    "curves",
    "line_python",
    "line_samples",
    "nice_step",
    "tangent_at",
    "tangent_line",
]
