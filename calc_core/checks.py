"""Are two formulas the same function? Symbolically when that is cheap, numerically otherwise.

The chain-rule pages prove things ("the rule tree ends in sympy's derivative", "the
sum over paths equals differentiating the composite directly"). Deciding that two
sympy expressions are equal is undecidable in general and can be slow in practice:
``expand`` of ``(a + b)^200`` or ``simplify`` of a long trigonometric sum can take
seconds. :func:`same_function` therefore climbs a short ladder and stops at the
first rung that answers:

1. ``a - b`` is already 0 after sympy's automatic evaluation;
2. ``expand(a - b)`` is 0 (or ``cancel`` for a rational function), tried only when the
   difference is small and contains no large integer power (so it cannot explode);
3. ``simplify(a - b)`` is 0, tried only for short differences (rungs 2-3 each stop
   after RUNG_BUDGET seconds, all together after SYMBOLIC_BUDGET);
4. both agree at random points of the real domain (float64, relative tolerance);

and says which rung answered: ``"symbolic"`` (1-3), ``"numeric"`` (4),
``"different"`` (a point where they disagree) or ``"unknown"`` (no point where
both are defined).

Examples
--------
>>> from calc_core.parser import parse
>>> x = parse("x")
>>> same_function(parse("2sin(x)cos(x)"), parse("sin(2x)"), ("x",))
'symbolic'
>>> same_function(parse("x^2"), parse("x^2 + 1e-3"), ("x",))
'different'
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import sympy as sp

from calc_core.budget import within
from calc_core.numeric import compile_expr
from calc_core.parser import symbol

#: ``expand`` is tried only below this operation count ...
EXPAND_MAX_OPS = 250
#: ... and when no power of a sum has an integer exponent above this.
EXPAND_MAX_POWER = 12
#: ``simplify`` is tried only below this operation count (it can take seconds above).
SIMPLIFY_MAX_OPS = 30
#: Seconds for one symbolic rung, and for all of them together.
RUNG_BUDGET, SYMBOLIC_BUDGET = 0.5, 1.0
#: Random points tried by the numerical rung, and how many must be usable.
SAMPLES = 24
MIN_USABLE = 4


def expandable(expr: sp.Expr) -> bool:
    """Whether ``expand`` (or ``factor``, ``cancel``) of ``expr`` is cheap: short, no big power."""
    if sp.count_ops(expr) > EXPAND_MAX_OPS:
        return False
    for p in expr.atoms(sp.Pow):
        n = p.exp
        if n.is_Integer and abs(int(n)) > EXPAND_MAX_POWER and p.base.is_Add:
            return False
        if n.is_Rational and not n.is_Integer and abs(n) > EXPAND_MAX_POWER:
            return False
    return True


def symbolic_zero(diff: sp.Expr, budget: float = SYMBOLIC_BUDGET) -> bool:
    """True when ``diff`` is provably 0 by a cheap rung, each within its time budget.

    ``cancel`` of a sum of a few rational functions (a 115-character input) took 3.5 s
    and longer ones minutes: every rung runs under :func:`calc_core.budget.within`, and
    all of them together under ``budget`` seconds. False means "not proved", not "different".
    """
    if diff == 0:
        return True
    if not expandable(diff):
        return False
    rungs = [lambda: sp.expand(diff) == 0]
    # quotients: over a common denominator (never over the Gaussian rationals: minutes)
    if not diff.has(sp.I) and diff.is_rational_function():
        rungs.append(lambda: sp.cancel(diff) == 0)
    if sp.count_ops(diff) <= SIMPLIFY_MAX_OPS:
        rungs.append(lambda: sp.simplify(diff) == 0)
    deadline = time.monotonic() + budget
    for rung in rungs:
        done, zero = within(rung, min(RUNG_BUDGET, deadline - time.monotonic()))
        if done and zero:
            return True
    return False


#: Points the slow ``evalf`` fallback of :func:`evaluator` computes at most (the rest are NaN).
EVALF_POINTS = 8


def _atan2(y: sp.Expr, x: sp.Expr) -> sp.Expr:
    """atan2 through atan, which numpy evaluates: exact for real x, y except y = 0 > x."""
    return 2 * sp.atan(y / (sp.sqrt(x**2 + y**2) + x))


def evaluator(expr: sp.Expr, variables: Sequence[str | sp.Symbol]):
    """:func:`~calc_core.numeric.compile_expr`, also for sympy's complex-aware results.

    sympy's own derivatives sometimes contain nodes numpy has no function for: the
    derivative of ``|asin(x)|`` comes back with ``atan2``, ``re`` and ``im`` because
    sympy does not know asin(x) is real for real x. ``arg`` and ``atan2`` are rewritten
    through ``atan``; anything else left is evaluated by ``evalf`` at the first
    :data:`EVALF_POINTS` points (slow but exact). Values that are not real are NaN,
    as with ``compile_expr``.

    >>> import numpy as np
    >>> from calc_core.parser import parse, symbol
    >>> d = sp.diff(parse("|asin(x)|"), symbol("x"))
    >>> np.allclose(evaluator(d, ("x",))(np.array([0.5])), [1 / np.sqrt(0.75)])
    True
    """
    syms = [v if isinstance(v, sp.Symbol) else symbol(v) for v in variables]
    try:
        return compile_expr(expr, syms)
    except NotImplementedError:
        pass
    try:
        rewritten = expr.replace(sp.arg, lambda z: sp.atan2(sp.im(z), sp.re(z)))
        return compile_expr(rewritten.replace(sp.atan2, _atan2), syms)
    except NotImplementedError:
        pass

    def pointwise(*arrays):
        grids = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))
        shape = grids[0].shape if grids else ()
        out = np.full(shape, np.nan)
        for count, index in enumerate(np.ndindex(shape)):
            if count >= EVALF_POINTS:
                break
            subs = {s: sp.Float(float(g[index]), 17) for s, g in zip(syms, grids, strict=True)}
            try:
                value = complex(expr.evalf(17, subs=subs))
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
                out[index] = value.real
        return out

    return pointwise


def sample_points(n_vars: int, samples: int = SAMPLES, seed: int = 20240) -> np.ndarray:
    """``samples`` x ``n_vars`` points: half in [-3, 3], half in (0.1, 3] (for logs and roots)."""
    rng = np.random.default_rng(seed)
    wide = rng.uniform(-3.0, 3.0, size=(samples // 2, n_vars))
    positive = rng.uniform(0.1, 3.0, size=(samples - samples // 2, n_vars))
    return np.vstack([positive, wide])


def numeric_verdict(
    a: sp.Expr, b: sp.Expr, variables: Sequence[str | sp.Symbol], points: np.ndarray | None = None
) -> str:
    """``"numeric"`` if a and b agree wherever both are defined, else ``"different"``/``"unknown"``.

    >>> from calc_core.parser import parse
    >>> numeric_verdict(parse("log(x^2)"), parse("2log(x)"), ("x",))
    'numeric'
    """
    syms = [v if isinstance(v, sp.Symbol) else symbol(v) for v in variables]
    pts = sample_points(len(syms)) if points is None else np.atleast_2d(points)
    cols = [pts[:, k] for k in range(len(syms))]
    va = evaluator(a, syms)(*cols) if syms else np.full(len(pts), complex(sp.N(a)).real)
    vb = evaluator(b, syms)(*cols) if syms else np.full(len(pts), complex(sp.N(b)).real)
    with np.errstate(all="ignore"):
        usable = np.isfinite(va) & np.isfinite(vb) & (np.abs(va) < 1e12) & (np.abs(vb) < 1e12)
    if usable.sum() < min(MIN_USABLE, len(pts)):
        return "unknown"
    ok = np.isclose(va[usable], vb[usable], rtol=1e-8, atol=1e-10)
    return "numeric" if bool(ok.all()) else "different"


def same_function(a: sp.Expr, b: sp.Expr, variables: Sequence[str | sp.Symbol]) -> str:
    """How ``a == b`` is known: ``symbolic``, ``numeric``, ``different`` or ``unknown``."""
    if symbolic_zero(a - b):
        return "symbolic"
    return numeric_verdict(a, b, variables)
