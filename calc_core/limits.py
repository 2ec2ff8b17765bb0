"""The limits page's mathematics: the book's difference-quotient table and beyond.

D2L 2.4.1 shows f(x) = 3x^2 - 4x and prints (f(1+h) - f(1)) / h for h = 0.1,
0.01, ..., 0.00001: 2.30000, 2.03000, 2.00300, 2.00030, 2.00003, approaching
f'(1) = 2. :func:`analyze` reproduces that table for any f, x0, first step,
number of steps, shrink factor and scheme, measures every scheme's error from
h = 1e-1 down to 1e-16 (where round-off wins and the forward quotient collapses
to 0), and writes the book's code cell for the current inputs. With ``dtype``
(float32, float16, bfloat16) f and every quotient are computed in that format, as a
framework computes, against the same float64 truth; :class:`PrecisionFacts` says where
that format stops resolving h.

Examples
--------
>>> r = analyze("3x^2 - 4x", 1.0, 0.1, 5, 10.0, "forward")
>>> [f"{row.quotient:.5f}" for row in r.rows]
['2.30000', '2.03000', '2.00300', '2.00030', '2.00003']
>>> r.derivative.value_latex
'2'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import precision, printing
from calc_core.derivative import PointDerivative, derivative_at
from calc_core.differences import (
    SCHEMES,
    ErrorSweep,
    book_steps,
    error_sweep,
    quotient,
    theory,
)
from calc_core.errors import InputError
from calc_core.narrow_code import function_lines, narrow_source, numpy_powers
from calc_core.numeric import compile_expr
from calc_core.parser import parse

TINY_H = 1e-16


@dataclass(frozen=True)
class Bounds:
    """The closed interval ``[low, high]`` a numeric input must lie in.

    The one source of truth for an input's range: :func:`check_inputs`, the page's
    widget limits and its link parser all read it, so no value is accepted by one
    and refused by another.

    >>> H0.admits(1e-300), H0.admits(0.0), H0.admits(float("nan"))
    (True, False, False)
    """

    low: float
    high: float

    def admits(self, value: float) -> bool:
        return math.isfinite(value) and self.low <= value <= self.high


X0 = Bounds(-1e6, 1e6)
#: Kept above float64's subnormals (below ~2.2e-308), where h itself loses its digits.
H0 = Bounds(1e-300, 10.0)
STEPS = Bounds(1, 16)
SHRINK = Bounds(1.1, 1000.0)
#: Every numeric input by its field name.
BOUNDS = {"x0": X0, "h0": H0, "steps": STEPS, "shrink": SHRINK}
MAX_STEPS = int(STEPS.high)
X0_LIMIT = X0.high


@dataclass(frozen=True)
class QuotientRow:
    """One line of the book's table."""

    h: float
    quotient: float
    error: float | None  # |quotient - f'(x0)| when f'(x0) exists
    quotient_text: str = ""  # every digit the working format holds (shortest round trip)


#: torch.autograd.gradcheck's default step, designed for float64.
GRADCHECK_EPS = 1e-6


@dataclass(frozen=True)
class CheckAdvice:
    """Measured here: why gradient checks run in float64, and which h a lower format needs.

    Central differences of this f at this x0, at gradcheck's default step 1e-6 in
    float64 and in ``dtype`` (the page's format, or float32 when the page is in
    float64), and in ``dtype`` at the step theory suggests, ε^(1/3)·max(1, |x0|).
    """

    dtype: str
    error_64_at_default: float
    error_at_default: float
    suggested_h: float
    error_at_suggested: float

    @property
    def formats_differ(self) -> bool:
        """Whether the lower format is clearly worse here (not for a linear f, say)."""
        return self.error_at_default > 10 * self.error_64_at_default + 1e-300


@dataclass(frozen=True)
class PrecisionFacts:
    """The working format's own numbers at this x0."""

    dtype: str
    eps: float
    x0_stored: float  # x0 rounded to the format
    collapse_h: float | None  # largest power of two h with fl(x0 + h) == fl(x0)
    forward_h: float  # theory's best forward step, eps^(1/2)
    central_h: float  # theory's best central step, eps^(1/3)
    advice: CheckAdvice | None  # None when f'(x0) does not exist


@dataclass(frozen=True)
class LimitsResult:
    """Everything the limits page shows; the page does no mathematics of its own."""

    f_text: str
    f_latex: str
    x0: float
    scheme: str
    rows: tuple[QuotientRow, ...]
    derivative: PointDerivative
    sweep: ErrorSweep | None  # None when f'(x0) does not exist (nothing to measure against)
    book_code: str
    book_output: tuple[str, ...]
    tiny_h: float  # the step at which the scheme's quotient is shown collapsing
    tiny_h_quotient: float  # the scheme's quotient at tiny_h (0.0 where the step is absorbed)
    tiny_h_absorbed: bool  # the working format loses tiny_h: see step_absorbed
    dtype: str = "float64"
    precision: PrecisionFacts | None = None
    book_dtype: str = "float64"  # the format book_code computes in (dtype, or float64 where
    # f has no code that computes as the page does: see calc_core.narrow_code)


def step_absorbed(x0: float, h: float, scheme: str, dtype: str = "float64") -> bool:
    """Whether ``dtype`` loses the step h at x0 for ``scheme``: every point the scheme
    evaluates rounds to x0, so its numerator is f(x0) − f(x0), exactly 0.

    The complex step never loses it (x0 + ih keeps h in its imaginary part).

    >>> step_absorbed(1.0, 1e-16, "forward"), step_absorbed(1.0, 1e-16, "complex")
    (True, False)
    >>> step_absorbed(1.0, 1.5e-16, "forward"), step_absorbed(1.0, 1.5e-16, "backward")
    (False, False)
    """
    working = precision.numpy_dtype(dtype)
    x, step = precision.to_dtype(x0, dtype), precision.to_dtype(h, dtype)
    with np.errstate(all="ignore"):
        plus = bool((x + step).astype(working) == x)
        minus = bool((x - step).astype(working) == x)
    return {"forward": plus, "backward": minus, "complex": False}.get(scheme, plus and minus)


def check_inputs(
    x0: float, h0: float, steps: int, shrink: float, scheme: str, dtype: str = "float64"
) -> None:
    """Refuse numeric inputs outside what the page can show meaningfully (:data:`BOUNDS`)."""
    for field, value in {"x0": x0, "h0": h0, "steps": steps, "shrink": shrink}.items():
        bounds = BOUNDS[field]
        if not bounds.admits(value):
            raise InputError(
                "out_of_range",
                f"{field} must be between {bounds.low:g} and {bounds.high:g}.",
                field=field,
                low=f"{bounds.low:g}",
                high=f"{bounds.high:g}",
            )
    if scheme not in SCHEMES:
        raise InputError(
            "out_of_range",
            f"Unknown scheme {scheme!r}.",
            field="scheme",
            low=SCHEMES[0],
            high=SCHEMES[-1],
        )
    precision.check_name(dtype)
    fmt = precision.format_of(dtype)
    if abs(x0) > fmt.max:
        raise InputError(
            "dtype_overflow",
            f"x0 = {x0:g} overflows {dtype}.",
            field="x0",
            value=f"{x0:g}",
            dtype=dtype,
            max=f"{fmt.max:g}",
        )
    if scheme == "complex" and not fmt.has_complex:
        raise InputError(
            "no_complex_dtype", f"No complex type for {dtype}.", field="scheme", dtype=dtype
        )


def analyze(
    f_text: str,
    x0: float,
    h0: float = 0.1,
    steps: int = 5,
    shrink: float = 10.0,
    scheme: str = "forward",
    dtype: str = "float64",
) -> LimitsResult:
    """Parse ``f_text`` and compute the page's table, sweep and book code.

    The quotients are computed in ``dtype`` (f too); errors are measured against the
    exact f'(x0) in float64.

    Raises
    ------
    InputError
        For a malformed ``f_text`` (field ``"f"``) or an out-of-range number.
    """
    check_inputs(x0, h0, steps, shrink, scheme, dtype)
    try:
        expr = parse(f_text, ("x",))
    except InputError as err:
        raise err.with_field("f") from None
    working = precision.numpy_dtype(dtype)
    fn = compile_expr(expr, ("x",), working, precision.complex_dtype(dtype))
    point = derivative_at(expr, x0)
    hs = book_steps(h0, steps, shrink)
    q = quotient(fn, x0, hs, scheme, working).astype(float)
    exact = point.value if point.exists else None
    rows = tuple(
        QuotientRow(
            float(h),
            float(v),
            None if exact is None else abs(float(v) - exact),
            precision.shortest(float(v), dtype),
        )
        for h, v in zip(hs, q, strict=True)
    )
    sweep = _sweep(expr, x0, exact, dtype) if exact is not None else None
    code, output, book_dtype = book_cell(expr, x0, h0, steps, shrink, scheme, rows, dtype)
    facts = precision_facts(expr, x0, exact, dtype)
    tiny = _tiny_step(x0, dtype, facts.collapse_h)
    return LimitsResult(
        f_text=f_text,
        f_latex=printing.latex(expr),
        x0=float(x0),
        scheme=scheme,
        rows=rows,
        derivative=point,
        sweep=sweep,
        book_code=code,
        book_output=output,
        tiny_h=tiny,
        tiny_h_quotient=float(quotient(fn, x0, tiny, scheme, working)),
        tiny_h_absorbed=step_absorbed(x0, tiny, scheme, dtype),
        dtype=dtype,
        precision=facts,
        book_dtype=book_dtype,
    )


def _tiny_step(x0: float, dtype: str, collapse_h: float | None) -> float:
    """The step the floating-point note shows: float64's 1e-16·max(1, |x0|), and in a
    lower format the power of ten just below its collapse step (1e-8 in float32 at 1)."""
    if dtype == "float64" or collapse_h is None:
        return TINY_H * max(1.0, abs(x0)) if dtype == "float64" else precision.sweep_floor(dtype)
    return 10.0 ** math.floor(math.log10(collapse_h))


def _sweep(expr: sp.Expr, x0: float, exact: float, dtype: str) -> ErrorSweep:
    """Every scheme's error against h, computed in ``dtype`` (f evaluated in it too)."""
    fmt = precision.format_of(dtype)
    working = precision.numpy_dtype(dtype)
    fn = compile_expr(expr, ("x",), working, precision.complex_dtype(dtype))
    return error_sweep(
        fn,
        x0,
        exact,
        h_min=precision.sweep_floor(dtype),
        schemes=tuple(s for s in SCHEMES if s != "complex" or fmt.has_complex),
        dtype=working,
        eps=fmt.eps,
    )


def precision_facts(expr: sp.Expr, x0: float, exact: float | None, dtype: str) -> PrecisionFacts:
    """The format's epsilon, collapse step and best steps at x0, and the check advice."""
    fmt = precision.format_of(dtype)
    predicted = theory(fmt.eps)
    advice = None
    if exact is not None:
        other = dtype if dtype != "float64" else "float32"
        suggested = precision.format_of(other).eps ** (1 / 3) * max(1.0, abs(x0))

        def error(name: str, h: float) -> float:
            kind = precision.numpy_dtype(name)
            q = quotient(compile_expr(expr, ("x",), kind), x0, h, "central", kind)
            return abs(float(q) - exact)

        errors = (error("float64", GRADCHECK_EPS), error(other, GRADCHECK_EPS))
        at_suggested = error(other, suggested)
        if all(map(math.isfinite, (*errors, at_suggested))):  # else: f overflows the format
            advice = CheckAdvice(other, *errors, suggested, at_suggested)
    return PrecisionFacts(
        dtype=dtype,
        eps=fmt.eps,
        x0_stored=float(precision.to_dtype(x0, dtype)),
        collapse_h=precision.collapse_step(x0, dtype),
        forward_h=predicted["forward"].best_h,
        central_h=predicted["central"].best_h,
        advice=advice,
    )


_SCHEME_CODE = {
    "forward": "(f(x + h) - f(x)) / h",
    "backward": "(f(x) - f(x - h)) / h",
    "central": "(f(x + h) - f(x - h)) / (2 * h)",
    "complex": "f(x + 1j * h).imag / h",
    "richardson": "(4 * central(f, x, h / 2) - central(f, x, h)) / 3",
}


def python_source(expr: sp.Expr) -> tuple[str, bool]:
    """``expr`` as Python source for the book's cell, and whether it needs numpy."""
    plain = printing.pycode(expr, fully_qualified_modules=False, allow_unknown_functions=True)
    if not any(c.isalpha() and c != "x" for c in plain.replace("x", "")):
        return plain, False
    settings = {"fully_qualified_modules": True, "allow_unknown_functions": True}  # cabs
    printer = printing.SafeNumPyPrinter(settings)
    return printer.doprint(expr).replace("numpy.", "np."), True


def book_cell(
    expr, x0, h0, steps, shrink, scheme, rows, dtype: str = "float64"
) -> tuple[str, tuple[str, ...], str]:
    """The book's ``numerical_lim`` cell for these inputs, the lines it prints, and the
    format it computes in.

    In a narrower ``dtype`` the cell computes as the page does (x, each h, f and every
    operation in that format: numpy's float32 and float16, ml_dtypes' bfloat16; f
    written by :func:`calc_core.narrow_code.narrow_source`), so it prints the page's
    quotients. Where f has no such code the cell is the float64 one, with float64's lines.
    """
    body = narrow_source(expr, dtype, scheme == "complex") if dtype != "float64" else None
    if body is None:
        if dtype != "float64":  # the float64 cell prints float64's quotients, not the page's
            fn, hs = compile_expr(expr, ("x",)), book_steps(h0, steps, shrink)
            rows = [
                QuotientRow(h, float(q), None, "")
                for h, q in zip(hs, quotient(fn, x0, hs, scheme), strict=True)
            ]
        code = _float64_cell(expr, x0, h0, steps, shrink, scheme)
        dtype = "float64"
    else:
        code = _narrow_cell(body, x0, h0, steps, shrink, scheme, dtype)
    output = tuple(f"h={r.h:.5f}, numerical limit={r.quotient:.5f}" for r in rows)
    return code, output, dtype


def _scheme_lines(scheme: str) -> list[str]:
    lines = []
    if scheme == "richardson":
        lines += ["def central(f, x, h):", f"    return {_SCHEME_CODE['central']}", ""]
    return [*lines, "def numerical_lim(f, x, h):", f"    return {_SCHEME_CODE[scheme]}", ""]


#: |z| as the page continues it for the complex step (Python's abs(z) is the modulus, whose
#: imaginary part is 0: its "derivative" would be 0 everywhere).
_CABS = [
    "def cabs(z):  # |z| continued analytically, as the page computes it: -z left of 0",
    "    return np.where(np.real(z) < 0, -z, z)",
    "",
]


def _float64_cell(expr, x0, h0, steps, shrink, scheme) -> str:
    """The book's float64 cell; x a numpy float64, so that f computes as the page does.

    On Python floats ``(-1.5)**0.5`` is complex, ``1/0.0`` and ``1e200**2`` raise; on
    numpy's float64 they are nan and inf, as the page shows them. Complex constants
    (``log(cos(2))`` is ``log(-cos(2)) + iπ``) make f's value at a real x complex: the
    page shows nan there, and so does the cell.
    """
    continued = scheme == "complex" and expr.has(sp.Abs)
    if continued:
        expr = expr.replace(sp.Abs, sp.Function("cabs"))
    body, _ = python_source(numpy_powers(expr))
    lines = ["import numpy as np", "", *(_CABS if continued else [])]
    lines += [*function_lines(body, expr), "", *_scheme_lines(scheme)]
    lines += [
        f"x = np.float64({x0!r})  # numpy's float64, as the page computes: nan or inf "
        "where f is undefined",
        f"h = {h0!r}",
        f"for i in range({steps}):",
        "    print(f'h={h:.5f}, numerical limit={numerical_lim(f, x, h):.5f}')",
        f"    h *= {1 / shrink!r}",
    ]
    return "\n".join(lines)


def _narrow_cell(body: str, x0, h0, steps, shrink, scheme, dtype: str) -> str:
    lines = ["import numpy as np"]
    if dtype == "bfloat16":
        lines += ["from ml_dtypes import bfloat16", "", "dtype = bfloat16"]
    else:
        lines += ["", f"dtype = np.{dtype}"]
    lines[-1] += f"  # x, h, f and every operation rounded to {dtype}, as the page computes"
    lines += ["", "def f(x):", f"    return {body}", "", *_scheme_lines(scheme)]
    lines += [
        f"x = np.array([{x0!r}], dtype)",
        f"h = {h0!r}",
        f"for i in range({steps}):",
        "    q = float(numerical_lim(f, x, dtype(h))[0])",
        "    print(f'h={h:.5f}, numerical limit={q:.5f}')",
        f"    h *= {1 / shrink!r}",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class SecantView:
    """f near x0 with the secant through (x0, f(x0)) and (x0+h, f(x0+h))."""

    x: np.ndarray
    y: np.ndarray  # NaN where f is undefined
    h: float
    secant_slope: float | None
    tangent_slope: float | None
    f0: float | None
    y_range: tuple[float, float]
    dtype: str = "float64"  # the format of the secant's points and slope


def secant_view(
    f_text: str, x0: float, h: float, points: int = 401, dtype: str = "float64"
) -> SecantView:
    """Sample f around x0 (wide enough to show x0 + h) for the secant-to-tangent chart.

    The secant is the page's forward quotient: in a narrower ``dtype`` its two points
    (x0 and x0 + h stored in the format, f evaluated in it) and its slope are that
    format's numbers, as in the table (where x0 + h rounds back to x0 the slope is 0); the
    curve is drawn in float64.
    """
    check_inputs(x0, h, 1, 10.0, "forward", dtype)
    try:
        expr = parse(f_text, ("x",))
    except InputError as err:
        raise err.with_field("f") from None
    fn = compile_expr(expr, ("x",))
    half = max(1.0, 1.5 * abs(h))
    x = np.linspace(x0 - half, x0 + half, points)
    y = fn(x)
    y = np.where(np.isfinite(y), y, np.nan)
    working = precision.numpy_dtype(dtype)
    narrow = compile_expr(expr, ("x",), working)
    f0 = float(narrow(precision.to_dtype([x0], dtype))[0])
    slope = float(quotient(narrow, x0, h, "forward", working))
    secant = slope if math.isfinite(f0) and math.isfinite(slope) else None
    ok0 = math.isfinite(f0)
    point = derivative_at(expr, x0)
    finite = y[np.isfinite(y)]
    if finite.size:
        lo, hi = np.percentile(finite, [2, 98])
        pad = 0.1 * max(hi - lo, 1e-9)
        y_range = (float(lo - pad), float(hi + pad))
    else:
        y_range = (-1.0, 1.0)
    return SecantView(
        x=x,
        y=y,
        h=float(h),
        secant_slope=secant,
        tangent_slope=point.value if point.exists else None,
        f0=f0 if ok0 else None,
        y_range=y_range,
        dtype=dtype,
    )


__all__ = ["SCHEMES", "LimitsResult", "QuotientRow", "SecantView", "analyze", "secant_view"]
