"""Gradient checking as frameworks do it: ``torch.autograd.gradcheck``'s rule, in any format.

A gradient check compares an analytic gradient (what backpropagation, or a learner,
computed) with central differences ``(f(x + h·e_i) − f(x − h·e_i)) / 2h`` taken in
the format the model runs in. PyTorch's ``gradcheck`` decides with ``allclose``:
component i passes when

    |analytic_i − numeric_i| ≤ atol + rtol · |numeric_i|

with defaults ``eps`` (its h) = 1e-6, ``atol`` = 1e-5, ``rtol`` = 1e-3, "designed for
input of double precision" (its documentation). In float32 a correct gradient then
fails: round-off in the numerator, about ε·|f|/h, is ~0.1 at h = 1e-6, while a step
near ε^(1/3) ≈ 5e-3 passes. :func:`check` shows both, and catches a wrong component.

Examples
--------
>>> r = check("3x1^2 + 5e^{x2}", "1, 0", 2, "float32", 1e-6)
>>> r.passed, [c.passed for c in r.components]
(False, [False, False])
>>> check("3x1^2 + 5e^{x2}", "1, 0", 2, "float32", 5e-3).passed
True
>>> wrong = check("3x1^2 + 5e^{x2}", "1, 0", 2, "float64", 1e-6, claim="6*x1; exp(x2)")
>>> [c.passed for c in wrong.components]
[True, False]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import precision, printing
from calc_core.backprop import _SYMPY_UNARY, torch_available
from calc_core.definitions import to_text
from calc_core.errors import InputError
from calc_core.gradients import check_n, parse_function, parse_point, partial, variables
from calc_core.limits import Bounds
from calc_core.narrow_code import narrow_source
from calc_core.numeric import compile_expr
from calc_core.parser import symbol

#: torch.autograd.gradcheck's defaults (docs.pytorch.org, torch.autograd.gradcheck).
EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3
#: The steps the page accepts, and the grid on which it looks for steps that pass.
H = Bounds(1e-12, 1.0)
GRID = tuple(float(h) for h in np.logspace(0, -12, 49))
#: The claimed gradient's components are separated by semicolons (commas are arguments').
SEPARATOR = ";"


@dataclass(frozen=True)
class ComponentCheck:
    """One component of the check, as gradcheck decides it."""

    name: str  # x1, x2, ...
    claimed_latex: str  # the analytic formula under test
    edited: bool  # the learner's formula, and not the exact partial's tree
    analytic: float | None  # the formula at the point, evaluated in the format
    exact: float | None  # the true partial, in float64
    numeric: float | None  # the central difference in the format
    difference: float | None  # |analytic − numeric|
    tolerance: float | None  # atol + rtol·|numeric|
    passed: bool | None  # None: a value is not finite, nothing can be decided


@dataclass(frozen=True)
class GradCheck:
    """The whole check, plus the steps on a grid from 1 to 1e-12 at which it passes."""

    f_latex: str
    point: tuple[float, ...]
    dtype: str
    h: float
    atol: float
    rtol: float
    components: tuple[ComponentCheck, ...]
    passed: bool | None  # all pass / one fails / undecided
    exact_text: tuple[str, ...]  # the exact partials as text the grammar reads back
    suggested_h: float  # ε^(1/3)·max(1, |x|∞): central differences' best step
    passing_h: tuple[float, ...]  # the steps of GRID at which every component passes
    default_passed: bool | None  # the same check at gradcheck's default step 1e-6
    # f and each component under test as numpy code computing in dtype exactly as the
    # page does (calc_core.narrow_code; None where there is none), for the notebook
    f_code: str | None = None
    gradient_code: tuple[str | None, ...] = ()


def _refuse_h(h: float) -> None:
    if not H.admits(h):
        raise InputError(
            "out_of_range",
            f"h must be between {H.low:g} and {H.high:g}.",
            field="h",
            low=f"{H.low:g}",
            high=f"{H.high:g}",
        )


def parse_claim(claim: str, n: int) -> list[sp.Expr | None]:
    """The learner's gradient, ``"6*x1; 5*exp(x2)"``; an empty component keeps the exact one."""
    if not claim.strip():
        return [None] * n
    parts = claim.split(SEPARATOR)
    if len(parts) != n:
        raise InputError(
            "wrong_gradient_size",
            f"The gradient needs {n} component(s); it has {len(parts)}.",
            field="grad",
            expected=n,
            got=len(parts),
        )
    out: list[sp.Expr | None] = []
    for part in parts:
        try:
            out.append(parse_function(part, n) if part.strip() else None)
        except InputError as err:
            raise err.with_field("grad") from None
    return out


def central(fn, point: np.ndarray, h, dtype: np.dtype) -> np.ndarray:
    """Central differences along each axis in ``dtype``, for one step or an array of steps.

    As gradcheck computes them: the input moved by ±h in the format, f evaluated there,
    the difference divided by 2h, every operation rounded to the format.
    """

    def fl(v):
        return np.asarray(v).astype(dtype, copy=False)

    steps = fl(np.atleast_1d(np.asarray(h, dtype=float)))
    x = fl(point)
    out = []
    with np.errstate(all="ignore"):
        for i in range(len(point)):
            plus = [np.broadcast_to(x[k], steps.shape) for k in range(len(point))]
            minus = list(plus)
            plus[i], minus[i] = fl(x[i] + steps), fl(x[i] - steps)
            out.append(fl(fl(fn(*plus) - fn(*minus)) / fl(2 * steps)))
    return np.array(out, dtype=float)  # (components, steps)


def verdicts(analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> np.ndarray:
    """gradcheck's rule, per component: 1 pass, 0 fail, NaN where a value is not finite."""
    with np.errstate(all="ignore"):
        ok = np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)
        return np.where(np.isfinite(analytic) & np.isfinite(numeric), ok.astype(float), np.nan)


def _overall(component: np.ndarray) -> bool | None:
    if np.any(component == 0):
        return False
    return None if np.any(np.isnan(component)) else True


def _read(f_text: str, at_text: str, n: int, dtype: str, h: float, claim: str):
    """The checked inputs: f, the point's floats, the claimed components, the symbols."""
    n = check_n(n)
    precision.check_name(dtype)
    _refuse_h(h)
    expr = parse_function(f_text, n)
    _, floats = parse_point(at_text, n)
    return expr, floats, parse_claim(claim, n), [symbol(v) for v in variables(n)]


def check(
    f_text: str,
    at_text: str,
    n: int,
    dtype: str = "float64",
    h: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    claim: str = "",
) -> GradCheck:
    """Check the exact gradient of f (or the learner's ``claim``) at the point, in ``dtype``.

    Raises
    ------
    InputError
        For a malformed f (field ``"f"``), point (``"at"``), claim (``"grad"``), h
        (``"h"``) or format (``"dtype"``).
    """
    expr, floats, claims, syms = _read(f_text, at_text, n, dtype, h, claim)
    working = precision.numpy_dtype(dtype)
    point = np.array(floats)
    exact = [partial(expr, s) for s in syms]
    used = [c if c is not None else e for c, e in zip(claims, exact, strict=True)]
    edited = [c is not None and c != e for c, e in zip(claims, exact, strict=True)]

    def at(e: sp.Expr, kind=None) -> float:
        x = precision.to_dtype(point, dtype) if kind is not None else point
        value = compile_expr(e, syms, kind)(*(np.atleast_1d(v) for v in x))
        return float(value[0])

    analytic = np.array([at(e, working) for e in used])
    fn = compile_expr(expr, syms, working)
    numeric = central(fn, point, h, working)[:, 0]
    component = verdicts(analytic, numeric, atol, rtol)
    grid = central(fn, point, GRID, working)
    passing = [
        hk
        for k, hk in enumerate(GRID)
        if _overall(verdicts(analytic, grid[:, k], atol, rtol)) is True
    ]
    default = verdicts(analytic, central(fn, point, EPS, working)[:, 0], atol, rtol)
    eps = precision.format_of(dtype).eps
    components = []
    for i, name in enumerate(variables(n)):
        a, num, true = analytic[i], numeric[i], at(exact[i])
        finite = math.isfinite(a) and math.isfinite(num)
        components.append(
            ComponentCheck(
                name=name,
                claimed_latex=printing.latex(used[i]),
                edited=edited[i],
                analytic=float(a) if math.isfinite(a) else None,
                exact=true if math.isfinite(true) else None,
                numeric=float(num) if math.isfinite(num) else None,
                difference=abs(float(a) - float(num)) if finite else None,
                tolerance=atol + rtol * abs(float(num)) if math.isfinite(num) else None,
                passed=None if np.isnan(component[i]) else bool(component[i]),
            )
        )
    return GradCheck(
        f_latex=printing.latex(expr),
        point=tuple(floats),
        dtype=dtype,
        h=float(h),
        atol=float(atol),
        rtol=float(rtol),
        components=tuple(components),
        passed=_overall(component),
        exact_text=tuple(to_text(e) for e in exact),
        suggested_h=eps ** (1 / 3) * max(1.0, float(np.max(np.abs(point), initial=0.0))),
        passing_h=tuple(passing),
        default_passed=_overall(default),
        f_code=narrow_source(expr, dtype, like="x1"),
        gradient_code=tuple(narrow_source(e, dtype, like="x1") for e in used),
    )


# ----------------------------------------------------------------------------- PyTorch

#: torch's name of each function: backprop's table (the chain-rule page's graph), and more.
_TORCH_UNARY = {
    **_SYMPY_UNARY,
    sp.asinh: "asinh",
    sp.acosh: "acosh",
    sp.atanh: "atanh",
    sp.sign: "sign",
}


def _torch_eval(expr: sp.Expr, env: dict, torch, dtype):
    """``expr`` on torch tensors (the same tree numeric.py walks); NotImplementedError else."""
    if expr.is_Symbol:
        return env[expr]
    if expr.is_Number or expr.is_NumberSymbol:
        return torch.tensor(float(expr), dtype=dtype)
    if expr.is_Add or expr.is_Mul:
        parts = [_torch_eval(a, env, torch, dtype) for a in expr.args]
        out = parts[0]
        for p in parts[1:]:
            out = out + p if expr.is_Add else out * p
        return out
    if expr.is_Pow:
        return _torch_eval(expr.base, env, torch, dtype) ** _torch_eval(expr.exp, env, torch, dtype)
    name = _TORCH_UNARY.get(type(expr))
    if name is None or not hasattr(torch, name):
        raise NotImplementedError(type(expr).__name__)
    return getattr(torch, name)(_torch_eval(expr.args[0], env, torch, dtype))


def torch_gradcheck(
    f_text: str,
    at_text: str,
    n: int,
    dtype: str = "float64",
    h: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    claim: str = "",
) -> bool | None:
    """The real ``torch.autograd.gradcheck`` on the same f, point, format, h and tolerances.

    The analytic side is PyTorch's own autograd of f, or, when the learner edited the
    gradient, a ``torch.autograd.Function`` whose backward returns the claimed one.
    None when PyTorch is not installed or cannot run f (an operation it lacks).
    PyTorch is never a requirement: an independent witness, imported only here.
    """
    if not torch_available():
        return None
    import torch  # optional, and slow to import: only here

    expr, floats, claims, syms = _read(f_text, at_text, n, dtype, h, claim)
    kind = getattr(torch, dtype)

    def f(x):
        return _torch_eval(expr, dict(zip(syms, x.unbind(), strict=True)), torch, kind)

    func = f
    if any(c is not None for c in claims):
        used = [c if c is not None else partial(expr, s) for c, s in zip(claims, syms, strict=True)]

        class Claimed(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return f(x)

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                env = dict(zip(syms, x.unbind(), strict=True))
                grad = [_torch_eval(e, env, torch, kind) * torch.ones((), dtype=kind) for e in used]
                return grad_output * torch.stack(grad)

        func = Claimed.apply
    x = torch.tensor(floats, dtype=kind, requires_grad=True)
    try:
        return bool(
            torch.autograd.gradcheck(func, (x,), eps=h, atol=atol, rtol=rtol, raise_exception=False)
        )
    except (AttributeError, NotImplementedError, RuntimeError, TypeError, ValueError):
        return None


__all__ = [
    "ATOL",
    "EPS",
    "GRID",
    "RTOL",
    "ComponentCheck",
    "GradCheck",
    "H",
    "check",
    "torch_gradcheck",
]
