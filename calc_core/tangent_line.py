"""The tangent line of f at x0, exact when it can be, or the reason there is none.

:func:`tangent_line` gives the slope f'(x0), f(x0) and the intercept, exactly when
they are exact (``y = 2x - 3``) and in decimals otherwise, or the reason there is no
tangent (reusing :func:`calc_core.derivative.derivative_at`): f undefined at x0, x0
outside the domain of f, a kink (one-sided slopes differ), a vertical tangent, a
one-sided derivative only. :func:`line_python` writes the line as the book's Python.

Examples
--------
>>> from calc_core.parser import parse
>>> tangent_line(parse("3x^2 - 4x"), 1.23).equation_latex
'y = 3.38x - 4.5387'
>>> tangent_line(parse("|x|"), 0).status
'not_differentiable'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from calc_core import printing
from calc_core.budget import within
from calc_core.derivative import derivative_at, exact_point, real_value
from calc_core.domain import point_domain
from calc_core.parser import symbol

#: Seconds for simplifying each exact number of the line.
SIMPLIFY_BUDGET = 0.2
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
