"""The gradients page's mathematics: partial derivatives, the gradient, and its kinks.

D2L 2.4.3 defines the gradient of f: R^n -> R as the vector of its partial
derivatives, and its exercises ask for the gradient of f(x) = 3x1^2 + 5e^{x2} and of
||x||_2 (what happens at x = 0?). :func:`analyze` takes f as typed (over x1..xn, with
norms written ``norm(x)``, ``norm(x, 1)``, ``norm(x, inf)``, ``norm(x, p)``), a point
and n, and returns every partial derivative, the gradient simplified within a time
budget (a cheaper form when ``simplify`` would take too long), its exact value at the
point, a central-difference check beside it, and an honest verdict when there is no
gradient: f undefined there (some sub-expression is not real, like ``|sqrt(x1)|`` at
x1 < 0), a kink (one-sided slopes differ, are infinite, or exist on one side only,
decided along each axis by :func:`calc_core.derivative.derivative_at`), or a point near a kink
where the numbers must be read with care. For norms it adds the closed form and,
at a kink, the subdifferential (see :mod:`calc_core.norms`).

f, the point and n are read by :mod:`calc_core.gradient_input`; what the page's chart
draws (f and its gradient sampled around the point) comes from
:mod:`calc_core.gradient_field`. Their public names are importable from here too.

Examples
--------
>>> r = analyze("3x1^2 + 5e^{x2}", "1, 0", 2)
>>> print(r.gradient_latex)
\\left[\\begin{matrix}6 x_{1}\\\\5 e^{x_{2}}\\end{matrix}\\right]
>>> [p.value for p in r.partials], r.status
([6.0, 5.0], 'ok')
>>> analyze("norm(x)", "0, 0", 2).status
'not_differentiable'
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.budget import within
from calc_core.derivative import derivative_at, real_diff, real_value
from calc_core.differences import EPS
from calc_core.domain import value_at
from calc_core.gradient_field import CurveView, FieldView, field_view, window
from calc_core.gradient_input import (
    MAX_N,
    check_n,
    dimension_of,
    parse_function,
    parse_point,
    variables,
)
from calc_core.narrow_code import function_lines, numpy_powers
from calc_core.norms import NormCase, norm_case
from calc_core.numeric import compile_expr
from calc_core.parser import symbol

#: Seconds the whole gradient may spend in ``simplify`` (the worker's limit is 3 s).
SIMPLIFY_BUDGET = 1.0
#: Components with more operations than this skip ``simplify`` (measured: > 1 s).
SIMPLIFY_MAX_OPS = 300
#: Seconds for the cheap fallback (``factor_terms``) of a component, and for all of them.
FALLBACK_BUDGET = 0.15
FALLBACK_TOTAL = 0.3
#: Seconds for ``simplify``'s one-time warm-up in a fresh process.
WARM_BUDGET = 0.5
#: Step of the central-difference check, relative to max(1, |x_i|): eps^(1/3).
CENTRAL_STEP = EPS ** (1 / 3)
#: Seconds of symbolic work for the one-sided slopes along all axes together.
AXES_BUDGET = 1.2
#: Radius (relative to max(1, |x|)) within which a jump of the gradient means "near a kink".
NEAR_RADIUS = 1e-3
#: Exact values are not attempted where a power inside exceeds 10^this (see :func:`_tame`).
MAX_EXACT_LOG10 = 10_000.0
#: Exact values whose LaTeX is longer than this are shown as decimals only.
MAX_EXACT_LATEX = 80

_NON_SMOOTH = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)

#: Ready-made inputs (id, f, point, n): the book's two exercises first.
EXAMPLES: tuple[tuple[str, str, str, int], ...] = (
    ("exercise", "3x1^2 + 5e^{x2}", "1, 0", 2),
    ("norm_origin", "norm(x)", "0, 0", 2),
    ("norm_away", "norm(x)", "3, 4", 2),
    ("l1", "norm(x, 1)", "1, 0", 2),
    ("linf", "norm(x, inf)", "1, 1", 2),
    ("lp", "norm(x, 3)", "1, 2", 2),
    ("squared", "norm(x)^2", "1, 2", 2),
    ("near_kink", "norm(x, 1)", "0.000001, 1", 2),
    ("saddle", "x1^2 - x2^2", "1, 0.5", 2),
    ("three", "x1 x2 + sin(x3) e^{x1}", "1, 2, 0.5", 3),
    ("one", "x1^3 - 1/x1", "1", 1),
)


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Partial:
    """One partial derivative: its formula, exact value, and the numerical check."""

    name: str  # "x1"
    latex: str  # the (simplified) formula
    value: float | None  # at the point; None where the formula is undefined there
    value_latex: str | None  # exact, when short
    central: float | None  # central difference at the point
    difference: float | None  # |value - central|
    left: float | None  # one-sided slopes along this axis (only examined at a kink)
    right: float | None
    kink: bool  # the one-sided slopes differ (or one is infinite or undefined)


@dataclass(frozen=True)
class Simplification:
    """How the gradient was brought to the form shown, and what it cost."""

    methods: tuple[str, ...]  # per component: "simplify", "kept", "factor_terms", "raw"
    seconds: float
    timed_out: bool  # the budget ran out before every component was simplified
    budget: float


@dataclass(frozen=True)
class GradientResult:
    """Everything the gradients page shows; the page does no mathematics of its own.

    ``status``: ``ok`` (the gradient exists), ``undefined`` (f itself is undefined at
    the point), ``not_differentiable`` (a kink: some one-sided slopes differ or are
    infinite), ``formula_undefined`` (the formula is 0/0 there but the one-sided
    slopes agree, so the gradient may exist as a limit), ``too_large`` (f or a partial
    derivative is a finite number beyond float64, such as e^1000: exact values only),
    ``unknown`` (whether f is defined, or has one-sided slopes, could not be decided).
    """

    f_text: str
    n: int
    names: tuple[str, ...]
    point: tuple[float, ...]
    point_latex: str
    f_latex: str
    f_value: float | None
    partials: tuple[Partial, ...]
    gradient_latex: str
    gradient_text: tuple[str, ...]  # the components as the grammar reads them ("6*x1")
    gradient_at_latex: str | None  # the exact vector at the point, if every entry is short
    simplification: Simplification
    status: str
    near_kink: bool  # within NEAR_RADIUS of a kink: numbers change fast, read with care
    near_axes: tuple[int, ...]
    max_difference: float | None
    step: tuple[float, ...]  # the central-difference steps h_i
    norm: NormCase | None
    book_code: str
    book_output: tuple[str, ...]

    @property
    def exists(self) -> bool:
        return self.status == "ok"


# ----------------------------------------------------------------------------- helpers


_WARM: list[bool] = []


def _warm_simplify() -> None:
    """Pay ``simplify``'s first-call cost (0.1-0.4 s measured) once per process.

    It has its own small budget, so a tiny gradient is not reported as "too slow to
    simplify" just because it was the first one a fresh worker saw.
    """
    if not _WARM:
        x, y = symbol("x1"), symbol("x2")
        done, _ = within(
            lambda: sp.simplify(x / sp.sqrt(x**2 + y**2) + sp.sin(x) ** 2), WARM_BUDGET
        )
        _WARM.append(done)


def simplify_gradient(
    components: list[sp.Expr], budget: float = SIMPLIFY_BUDGET
) -> tuple[list[sp.Expr], Simplification]:
    """Simplify each component while the shared ``budget`` lasts; otherwise a cheaper form.

    ``simplify`` is tried on components of at most ``SIMPLIFY_MAX_OPS`` operations and
    kept only if it is shorter; a component it cannot finish in time gets
    ``factor_terms`` (common factors pulled out, ~ms) or stays as differentiated. In all,
    at most WARM_BUDGET + budget + FALLBACK_TOTAL seconds (1.8 s) go to simplification.
    """
    _warm_simplify()
    started = time.perf_counter()
    deadline = started + budget
    out, methods, timed_out = [], [], False
    for c in components:
        ops = sp.count_ops(c)
        if ops <= 1:
            out.append(c)
            methods.append("kept")
            continue
        if ops <= SIMPLIFY_MAX_OPS:
            ok, s = within(lambda c=c: sp.simplify(c), deadline - time.perf_counter())
            if ok:
                # shorter, and no case split (|x|^3 -> "0 if x = 0 else 3x^3/|x|") added
                better = sp.count_ops(s) < ops and (c.has(sp.Piecewise) or not s.has(sp.Piecewise))
                out.append(s if better else c)
                methods.append("simplify" if better else "kept")
                continue
        timed_out = True
        left = min(FALLBACK_BUDGET, deadline + FALLBACK_TOTAL - time.perf_counter())
        ok, s = within(lambda c=c: sp.factor_terms(c), left)
        if ok and sp.count_ops(s) < ops:
            out.append(s)
            methods.append("factor_terms")
        else:
            out.append(c)
            methods.append("raw")
    return out, Simplification(
        tuple(methods), time.perf_counter() - started, timed_out, float(budget)
    )


def kink_functions(exprs: list[sp.Expr]) -> list[sp.Expr]:
    """Functions whose zeros are candidate kinks of ``exprs``.

    The arguments of ``|.|``, sign and Heaviside, the differences of the arguments of
    max/min, the bases of non-integer powers (``sqrt(x1^2 + x2^2)`` at 0) and the ends
    of asin/acos/asec/acsc's domain, and the zeros of acot's argument (a jump).
    """
    found: dict[sp.Expr, None] = {}
    for e in exprs:
        for a in e.atoms(sp.Abs, sp.sign, sp.Heaviside):
            found[a.args[0]] = None
        for m in e.atoms(sp.Max, sp.Min):
            for i, a in enumerate(m.args):
                for b in m.args[i + 1 :]:
                    found[a - b] = None
        for p in e.atoms(sp.Pow):
            if not p.exp.is_Integer and p.base.free_symbols:
                found[p.base] = None  # x^(7/4), x^pi, x^x: real on one side of 0 only
        for a in e.atoms(sp.asin, sp.acos, sp.asec, sp.acsc):
            found[a.args[0] - 1] = found[a.args[0] + 1] = None  # ends of the domain
        for a in e.atoms(sp.acot):
            found[a.args[0]] = None  # acot jumps where its argument vanishes
    return [k for k in found if k.free_symbols]


def partial(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The partial derivative of ``expr`` in ``var``, reading every ``|u|`` as real.

    >>> from calc_core.parser import parse
    >>> print(partial(parse("|x1^2 - 1|", ("x1",)), symbol("x1")))
    2*x1*sign(x1**2 - 1)
    """
    return real_diff(expr, var)


class _Latex(printing.SafeLatexPrinter):
    """sympy's LaTeX, with the Heaviside step written H (sympy writes theta)."""

    def _print_Heaviside(self, expr, exp=None):
        text = rf"H\left({self._print(expr.args[0])}\right)"
        return rf"{text}^{{{exp}}}" if exp else text


def latex(expr: sp.Expr) -> str:
    """LaTeX of ``expr`` as the page shows it.

    >>> import sympy as sp
    >>> print(latex(sp.Heaviside(symbol("x1"))))
    H\\left(x_{1}\\right)
    """
    return _Latex().doprint(expr)


def _vanishes(value: sp.Expr) -> bool:
    zero = value.is_zero
    if zero is None:
        approx = real_value(value)
        return approx is not None and abs(approx) < 1e-20
    return bool(zero)


def _tame(expr: sp.Expr, syms: list[sp.Symbol], point: np.ndarray) -> bool:
    """Can ``expr`` be evaluated exactly at the point without astronomically large numbers?

    The parser bounds constants as typed, but substituting the point can rebuild a
    bomb: ``x1^x1^x1^x1`` at 3 is 3^7625597484987, which sympy would compute digit by
    digit (holding the GIL for minutes), and ``exp(exp(exp(x1)))`` at 10 takes mpmath
    seconds. Every power and exponential that depends on a variable is sized in
    floating point first; beyond 10^MAX_EXACT_LOG10 the exact value is not attempted.
    """
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.exp | sp.sinh | sp.cosh) and node.free_symbols:
            arg = _float_at(node.args[0], syms, point)
            if math.isinf(arg) or (math.isfinite(arg) and arg / math.log(10) > MAX_EXACT_LOG10):
                return False
        elif node.is_Pow and node.free_symbols:
            base = _float_at(node.base, syms, point)
            power = _float_at(node.exp, syms, point)
            if math.isinf(base) or math.isinf(power):
                return False
            finite = math.isfinite(base) and math.isfinite(power) and base != 0
            if finite and abs(power) * math.log10(abs(base)) > MAX_EXACT_LOG10:
                return False
    return True


def _float_at(expr: sp.Expr, syms: list[sp.Symbol], point: np.ndarray) -> float:
    """``expr`` at the point in float64 (real part; NaN where undefined, inf if it overflows)."""
    value = complex(compile_expr(expr, syms)(*point[:, None])[0])
    return value.real if math.isfinite(abs(value)) else abs(value)


def _overflows(value: sp.Expr) -> bool:
    """A finite real number beyond float64 (``e^{1000}``), as opposed to an undefined one."""
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return False
    try:
        approx = sp.N(value, 20)
    except (TypeError, ValueError):
        return False
    return bool(approx.is_extended_real and approx.is_finite and abs(approx) > 1e300)


def _short_latex(value: sp.Expr) -> str | None:
    if real_value(value) is None and not _overflows(value):
        return None
    text = latex(value)
    return text if len(text) <= MAX_EXACT_LATEX else None


def central_differences(fn, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The central-difference gradient of ``fn`` at ``point`` and the steps used.

    >>> import numpy as np
    >>> g, h = central_differences(lambda a, b: a**2 + 3 * b, np.array([1.0, 2.0]))
    >>> bool(np.allclose(g, [2.0, 3.0]))
    True
    """
    n = point.size
    h = CENTRAL_STEP * np.maximum(1.0, np.abs(point))
    shift = np.diag(h)
    plus = fn(*(point + shift).T)
    minus = fn(*(point - shift).T)
    with np.errstate(all="ignore"):
        g = (plus - minus) / (2 * h)
    return g.reshape(n), h


def _near_kink(grad_fn, point: np.ndarray, g0: np.ndarray) -> tuple[int, ...]:
    """Axes along which the gradient jumps (or becomes undefined) within NEAR_RADIUS."""
    n = point.size
    delta = NEAR_RADIUS * max(1.0, float(np.max(np.abs(point))))
    shifts = np.vstack([np.eye(n), -np.eye(n)]) * delta
    around = point + shifts  # (2n, n)
    values = np.column_stack([g(*around.T) for g in grad_fn])  # (2n, n)
    scale = max(1.0, float(np.max(np.abs(g0))))
    jump = np.any(~np.isfinite(values) | (np.abs(values - g0) > 0.25 * scale), axis=1)
    return tuple(sorted({int(k % n) for k in np.flatnonzero(jump)}))


def row_stretch(entries: list[str]) -> float:
    """How far apart a column vector's rows must be (KaTeX's ``\\arraystretch``).

    KaTeX gives every row of a matrix the same height whatever it holds, so tall
    display-style fractions overlap the next row (measured: ``\\\\[6pt]`` was not
    enough for x₁/√(x₁² + x₂²)). Each level of stacked fractions adds 0.9, a root 0.4.

    >>> row_stretch(["x_{1}", "2"]), row_stretch([r"\\frac{x_{1}}{\\sqrt{x_{1}^{2} + 1}}"])
    (1.0, 2.3)
    """
    levels = max((e.count(r"\frac") for e in entries), default=0)
    root = 0.4 if levels and any(r"\sqrt" in e for e in entries) else 0.0
    return round(1.0 + 0.9 * levels + root, 2)


def column_vector_latex(entries: list[str]) -> str:
    """A column vector; entries in display style, rows spaced so fractions never overlap."""
    stretch = row_stretch(entries)
    if stretch > 1:
        entries = [rf"\displaystyle {e}" for e in entries]
    matrix = r"\left[\begin{matrix}" + r"\\".join(entries) + r"\end{matrix}\right]"
    # in braces: KaTeX keeps a \def inside its group, so the next vector is not stretched
    return rf"{{\def\arraystretch{{{stretch:g}}}{matrix}}}" if stretch > 1 else matrix


# ----------------------------------------------------------------------------- analyze


def analyze(f_text: str, at_text: str, n: int = 2) -> GradientResult:
    """Parse f and the point, and compute everything the page shows (see the module doc).

    Raises
    ------
    InputError
        For a malformed f (field ``"f"``), point (``"at"``) or n (``"n"``).
    """
    n = check_n(n)
    expr = parse_function(f_text, n)
    exact, floats = parse_point(at_text, n)
    names = variables(n)
    syms = [symbol(v) for v in names]
    at = dict(zip(syms, exact, strict=True))
    point = np.array(floats, dtype=float)

    raw = [partial(expr, s) for s in syms]
    shown, simplification = simplify_gradient(raw)
    tame = [_tame(e, syms, point) for e in (expr, *raw)]
    f_defined, f_huge = value_at(expr, at)  # every sub-expression real: |sqrt(x1)| at -1 is not
    f_exact = expr.xreplace(at) if tame[0] and f_defined else None
    f_value = real_value(f_exact) if f_exact is not None else None
    exact_values = [c.xreplace(at) if ok else None for c, ok in zip(raw, tame[1:], strict=True)]
    values = [
        real_value(v) if f_value is not None and v is not None else None for v in exact_values
    ]
    overflow = [
        not ok or (v is not None and _overflows(v))
        for ok, v in zip(tame, (f_exact, *exact_values), strict=True)
    ]
    overflow[0] = f_huge or (bool(f_defined) and overflow[0])

    fn = compile_expr(expr, syms)
    grad_fn = [compile_expr(c, syms) for c in raw]
    central, steps = central_differences(fn, point)
    kinks = kink_functions([expr, *raw])
    on_kink = f_value is not None and any(
        _vanishes(k.xreplace(at)) for k in kinks if _tame(k, syms, point)
    )
    undefined_partial = any(
        v is None and not big for v, big in zip(values, overflow[1:], strict=True)
    )
    examine = f_value is not None and (on_kink or undefined_partial)
    partials, undecided = [], False
    for i, name in enumerate(names):
        left = right = None
        kink = False
        if examine:  # the one-sided slopes along axis i, decided by derivative_at
            line = expr.xreplace({s: v for s, v in at.items() if s != syms[i]})
            along = derivative_at(line, exact[i], name, budget=AXES_BUDGET / n)
            left, right = along.left, along.right
            kink = along.status not in ("ok", "unknown")
            undecided = undecided or along.status == "unknown"
        value = values[i]
        num = float(central[i]) if np.isfinite(central[i]) else None
        partials.append(
            Partial(
                name=name,
                latex=latex(shown[i]),
                value=value,
                value_latex=_short_latex(exact_values[i])
                if exact_values[i] is not None and (f_value is not None or overflow[0])
                else None,
                central=num,
                difference=abs(value - num) if value is not None and num is not None else None,
                left=left,
                right=right,
                kink=kink,
            )
        )
    if f_value is None:
        status = "too_large" if overflow[0] else "unknown" if f_defined is None else "undefined"
    elif any(p.kink for p in partials):
        status = "not_differentiable"
    elif undecided:
        status = "unknown"
    elif undefined_partial:
        status = "formula_undefined"
    elif any(overflow):
        status = "too_large"
    else:
        status = "ok"
    near_axes: tuple[int, ...] = ()
    if status == "ok" and kinks:
        near_axes = _near_kink(grad_fn, point, np.array(values, dtype=float))
    diffs = [p.difference for p in partials if p.difference is not None]
    entries = [p.value_latex for p in partials]
    code, output = book_cell(expr, syms, floats, central)
    return GradientResult(
        f_text=f_text,
        n=n,
        names=names,
        point=tuple(floats),
        point_latex=", ".join(printing.latex(v) for v in exact),
        f_latex=latex(expr),
        f_value=f_value,
        partials=tuple(partials),
        gradient_latex=column_vector_latex([latex(c) for c in shown]),
        gradient_text=tuple(printing.sstr(c) for c in shown),
        gradient_at_latex=column_vector_latex(entries)
        if all(e is not None for e in entries)
        else None,
        simplification=simplification,
        status=status,
        near_kink=bool(near_axes),
        near_axes=near_axes,
        max_difference=max(diffs) if diffs else None,
        step=tuple(float(h) for h in steps),
        norm=norm_case(expr, syms, exact, values if status != "ok" else None),
        book_code=code,
        book_output=output,
    )


def numpy_source(expr: sp.Expr, syms: list[sp.Symbol]) -> str:
    """``expr`` as numpy source over ``x[0] .. x[n-1]``."""
    indexed = {s: sp.Symbol(f"x[{k}]", real=True) for k, s in enumerate(syms)}
    settings = {"fully_qualified_modules": True, "allow_unknown_functions": True}  # np.power
    printer = printing.SafeNumPyPrinter(settings)
    return printer.doprint(numpy_powers(expr).xreplace(indexed)).replace("numpy.", "np.")


def book_cell(expr, syms, point, central) -> tuple[str, tuple[str, ...]]:
    """numpy code that checks the gradient by central differences, and what it prints.

    D2L 2.4 has no code cell for gradients; this is the check the page runs, written
    the way the book writes its ``numerical_lim`` cell.
    """
    body = numpy_source(expr, syms)
    lines = ["import functools", ""] if "functools." in body else []
    coords = ", ".join(repr(float(v)) for v in point)
    lines += [
        "import numpy as np",
        "",
        *function_lines(body, expr),
        "",
        "def numerical_grad(f, x):",
        "    grad = np.zeros_like(x)",
        "    for i in range(len(x)):",
        "        h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(x[i]))",
        "        e = np.zeros_like(x)",
        "        e[i] = h",
        "        grad[i] = (f(x + e) - f(x - e)) / (2 * h)",
        "    return grad",
        "",
        f"x = np.array([{coords}])",
        "for i, g in enumerate(numerical_grad(f, x)):",
        "    print(f'df/dx{i + 1} = {g:.6f}')",
    ]
    output = tuple(f"df/dx{i + 1} = {g:.6f}" for i, g in enumerate(central))
    return "\n".join(lines), output


__all__ = [
    "EXAMPLES",
    "MAX_N",
    "CurveView",
    "FieldView",
    "GradientResult",
    "Partial",
    "Simplification",
    "analyze",
    "check_n",
    "dimension_of",
    "field_view",
    "parse_function",
    "parse_point",
    "variables",
    "window",
]
