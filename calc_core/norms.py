"""Vector norms, their gradients and, where a norm has no gradient, its subgradients.

D2L 2.4 asks for the gradient of ``||x||_2`` (the English edition adds: what happens
at x = 0?). Away from its kinks a norm is differentiable:

================  ==============================================  =====================
norm              gradient                                        kinks (no gradient)
================  ==============================================  =====================
``||x||_2``       ``x / ||x||_2``                                 x = 0
``||x||_1``       ``sign(x)``                                     any x_i = 0
``||x||_inf``     ``sign(x_k) e_k``, k the unique largest |x_k|   a tie for the largest
``||x||_p``       ``sign(x) |x|^(p-1) / ||x||_p^(p-1)``           x = 0
``||x||_2^2``     ``2x`` (the book's smooth case)                 none
================  ==============================================  =====================

At a kink the *subdifferential* takes the gradient's place: the set of vectors g with
``f(y) >= f(x) + g . (y - x)`` for every y. At x = 0 it is the unit ball of the dual
norm (q with 1/p + 1/q = 1): for ``||x||_2`` the Euclidean unit ball ``||g||_2 <= 1``,
for ``||x||_1`` the cube ``||g||_inf <= 1``, for ``||x||_inf`` the cross-polytope
``||g||_1 <= 1``. It contains 0, which is why 0 minimises every norm.

References
----------
.. [1] Boyd & Vandenberghe, *Convex Optimization*, appendix A.1.6 (dual norms) and
       Boyd, "Subgradients", EE364b lecture notes, Stanford (examples of norms).

Examples
--------
>>> import sympy as sp
>>> x1, x2 = sp.symbols("x1 x2", real=True)
>>> norm_expr([x1, x2], 2), norm_expr([x1, x2], 1), norm_expr([x1, x2], sp.oo)
(sqrt(x1**2 + x2**2), Abs(x1) + Abs(x2), Max(Abs(x1), Abs(x2)))
>>> case = norm_case(norm_expr([x1, x2], 2), [x1, x2], [0, 0])
>>> case.kind, case.differentiable
('l2', False)
>>> print(case.subdifferential_latex)
\\left\\{ g \\in \\mathbb{R}^{2} : \\|g\\|_{2} \\le 1 \\right\\}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from calc_core import printing

KINDS = ("l1", "l2", "linf", "lp", "l2_squared")


def norm_expr(coords: Sequence[sp.Symbol], order: sp.Expr | int) -> sp.Expr:
    """``||x||_p`` expanded over ``coords``: ``(sum |x_i|^p)^(1/p)``, or ``max |x_i|`` for inf.

    >>> import sympy as sp
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> norm_expr([x1, x2], sp.Rational(3, 2))
    (Abs(x1)**(3/2) + Abs(x2)**(3/2))**(2/3)
    """
    if len(coords) == 1:  # every norm of a 1-vector is |x1|
        return sp.Abs(coords[0])
    if order == sp.oo:
        return sp.Max(*(sp.Abs(c) for c in coords))
    p = sp.Rational(order)
    plain = p == 1 or (p.is_Integer and p % 2 == 0)
    # |x|^3 stays |x|^3 (sympy would write x^2 |x|); |x|^2 becomes x^2
    terms = [sp.Abs(c) ** p if plain else sp.Pow(sp.Abs(c), p, evaluate=False) for c in coords]
    return sp.Add(*terms) ** (1 / p)


def classify(expr: sp.Expr, coords: Sequence[sp.Symbol]) -> tuple[str, sp.Expr] | None:
    """Which norm ``expr`` is, exactly as written: ``(kind, p)``, or None if it is none.

    >>> import sympy as sp
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> classify(x1**2 + x2**2, [x1, x2])
    ('l2_squared', 2)
    >>> classify(norm_expr([x1, x2], 3), [x1, x2])
    ('lp', 3)
    >>> classify(x1 + x2, [x1, x2]) is None
    True
    """
    coords = list(coords)
    for kind, order in (("l1", sp.Integer(1)), ("l2", sp.Integer(2)), ("linf", sp.oo)):
        if expr == norm_expr(coords, order):
            return kind, order
    if expr == sp.Add(*(c**2 for c in coords)):
        return "l2_squared", sp.Integer(2)
    if expr.is_Pow and expr.exp.is_Rational and 0 < expr.exp < 1:
        p = 1 / expr.exp
        if expr == norm_expr(coords, p):
            return "lp", p
    return None


@dataclass(frozen=True)
class NormCase:
    """A norm, its gradient formula, and whether it has a gradient at the point.

    ``subdifferential_latex`` describes the set of subgradients where there is no
    gradient (None where there is one); ``active`` lists the 0-based coordinates that
    make the kink (the zero coordinates of ``||x||_1``, the tied largest of
    ``||x||_inf``, all of them at x = 0). ``formula_value_in_set`` says whether the
    value sympy's gradient formula takes at the kink (``sign(0) = 0``,
    ``Heaviside(0) = 1/2``) is one of those subgradients (None where it is undefined).
    """

    kind: str
    p_latex: str
    dual_latex: str  # q with 1/p + 1/q = 1
    norm_latex: str
    gradient_latex: str
    differentiable: bool
    active: tuple[int, ...]
    subdifferential_latex: str | None
    formula_value_in_set: bool | None


def _dual(p: sp.Expr) -> sp.Expr:
    if p == sp.oo:
        return sp.Integer(1)
    if p == 1:
        return sp.oo
    return p / (p - 1)


def _p_latex(p: sp.Expr) -> str:
    return r"\infty" if p == sp.oo else printing.latex(p)


def _is_zero(value: sp.Expr) -> bool:
    zero = sp.nsimplify(value).is_zero if value.is_Float else value.is_zero
    if zero is None:  # undecided symbolically: decide in floating point
        return abs(complex(sp.N(value, 30))) < 1e-25
    return bool(zero)


_GRADIENT_LATEX = {
    "l1": r"\nabla_{\mathbf{x}} \|\mathbf{x}\|_1 = \operatorname{sign}(\mathbf{x})",
    "l2": r"\nabla_{\mathbf{x}} \|\mathbf{x}\|_2 = \frac{\mathbf{x}}{\|\mathbf{x}\|_2}",
    "linf": r"\nabla_{\mathbf{x}} \|\mathbf{x}\|_\infty = \operatorname{sign}(x_k)\,"
    r"\mathbf{e}_k,\quad k = \arg\max_i |x_i| \text{ unique}",
    "lp": r"\nabla_{\mathbf{x}} \|\mathbf{x}\|_{p} = \frac{\operatorname{sign}(\mathbf{x})"
    r" \odot |\mathbf{x}|^{p-1}}{\|\mathbf{x}\|_{p}^{p-1}}",
    "l2_squared": r"\nabla_{\mathbf{x}} \|\mathbf{x}\|_2^2 = 2\mathbf{x}",
}


def _ball(q: sp.Expr, n: int) -> str:
    return rf"\left\{{ g \in \mathbb{{R}}^{{{n}}} : \|g\|_{{{_p_latex(q)}}} \le 1 \right\}}"


def _number(v: sp.Expr | float) -> sp.Expr:
    """A coordinate as a sympy number, without sympify (a string is refused, never parsed)."""
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"a coordinate must be a number, not {type(v).__name__}")
    return sp.Integer(v) if isinstance(v, int) else sp.Float(v)


def norm_case(
    expr: sp.Expr,
    coords: Sequence[sp.Symbol],
    point: Sequence[sp.Expr | float],
    formula_value: Sequence[float | None] | None = None,
) -> NormCase | None:
    """Describe ``expr`` as a norm at ``point`` (exact values), or None if it is no norm.

    ``formula_value`` is the gradient formula's value at the point (floats, None where
    undefined); when given, the record says whether it lies in the subdifferential.
    """
    found = classify(expr, coords)
    if found is None:
        return None
    kind, p = found
    n = len(coords)
    x = [_number(v) for v in point]
    zero = [_is_zero(v) for v in x]
    gradient = _GRADIENT_LATEX[kind]
    if kind == "lp":
        gradient = gradient.replace("{p-1}", "{" + printing.latex(p - 1) + "}")
        gradient = gradient.replace("{p}", "{" + printing.latex(p) + "}")
    if kind == "l2_squared":
        norm_latex = r"\|\mathbf{x}\|_2^2"
    else:
        norm_latex = rf"\|\mathbf{{x}}\|_{{{_p_latex(p)}}}"
    base = dict(
        kind=kind,
        p_latex=_p_latex(p),
        dual_latex=_p_latex(_dual(p)),
        norm_latex=norm_latex,
        gradient_latex=gradient,
    )
    at_origin = all(zero)
    if kind == "l2_squared":
        active: tuple[int, ...] = ()
    elif kind == "l1":
        active = tuple(i for i, z in enumerate(zero) if z)
    elif kind == "linf" and not at_origin:
        size = [sp.Abs(v) for v in x]
        top = max(range(n), key=lambda i: float(sp.N(size[i], 30)))
        active = tuple(i for i in range(n) if _is_zero(size[i] - size[top]))
        active = active if len(active) > 1 else ()
    else:
        active = tuple(range(n)) if at_origin else ()
    if not active:
        return NormCase(
            **base,
            differentiable=True,
            active=(),
            subdifferential_latex=None,
            formula_value_in_set=None,
        )
    if at_origin:
        subdifferential = _ball(_dual(p), n)
    elif kind == "l1":
        sets = ["[-1, 1]" if zero[i] else rf"\{{{int(sp.sign(x[i]))}\}}" for i in range(n)]
        subdifferential = r" \times ".join(sets)
    else:  # linf with a tie for the largest |x_i|
        corners = [
            ("-" if sp.sign(x[k]) < 0 else "") + rf"\mathbf{{e}}_{{{k + 1}}}" for k in active
        ]
        subdifferential = r"\operatorname{conv}\left\{ " + ", ".join(corners) + r" \right\}"
    in_set = None
    if formula_value is not None and all(v is not None for v in formula_value):
        in_set = _member(kind, p, x, zero, active, [float(v) for v in formula_value])
    return NormCase(
        **base,
        differentiable=False,
        active=active,
        subdifferential_latex=subdifferential,
        formula_value_in_set=in_set,
    )


def _member(kind, p, x, zero, active, g, tol=1e-9) -> bool:
    """Is ``g`` a subgradient of the norm at the kink ``x``?"""
    if all(zero):
        q = _dual(p)
        if q == sp.oo:
            size = max(abs(v) for v in g)
        else:
            qf = float(q)
            size = sum(abs(v) ** qf for v in g) ** (1 / qf)
        return size <= 1 + tol
    if kind == "l1":
        return all(
            abs(v) <= 1 + tol if z else abs(v - float(sp.sign(xi))) <= tol
            for v, z, xi in zip(g, zero, x, strict=True)
        )
    # linf: a convex combination of sign(x_k) e_k over the tied coordinates k
    outside = [v for i, v in enumerate(g) if i not in active]
    weights = [v * float(sp.sign(x[k])) for k, v in enumerate(g) if k in active]
    return (
        all(abs(v) <= tol for v in outside)
        and all(w >= -tol for w in weights)
        and abs(sum(weights) - 1) <= tol
    )
