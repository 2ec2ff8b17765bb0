"""Sample f(x) densely for a plot that is honest about poles, gaps and kinks.

``np.linspace`` plus ``f(x)`` draws a vertical spike across every pole (the line
joins +1e16 to -1e16), hides holes between samples, cuts corners at kinks and
lets one huge value near a pole squash the rest of the curve flat. The book's own
exercise hits this: sampling x^3 - 1/x at x = 0, 0.1, ..., 2.9 divides by zero.
:func:`sample` instead:

1. finds the trouble spots of f *symbolically* where sympy can do it quickly and
   boundedly (:func:`special_points`): zeros of denominators and of the arguments
   of ``log``, ``sqrt``, ``|.|`` (exact roots of polynomials, ``solveset`` on small
   non-periodic arguments), and the poles of ``tan``/``sec``/``cot``/``csc`` of
   polynomial arguments, counted before they are listed so ``tan(1000x)`` on a
   wide interval cannot hang;
2. classifies each numerically as a pole (|f| grows towards it: a vertical
   asymptote), a hole (undefined, finite limit), a jump, or a regular point
   (kink, domain edge, root) that only needs to be sampled exactly;
3. samples a uniform grid plus those points, finds the remaining jumps by
   bisection (a jump that does not shrink as the bracket does is a
   discontinuity, a steep but continuous curve is not), locates domain edges by
   bisection, and refines where the curve bends, within ``max_points``;
4. puts NaN at every pole, hole, jump and undefined stretch (a gap in the
   plotted line) and picks a y-range from robust quantiles of the uniform grid,
   so the 1e16 values next to a pole never set the scale.

All numpy errors are silenced and masked: no ``RuntimeWarning`` escapes.

Examples
--------
>>> from calc_core.parser import parse
>>> s = sample(parse("x^3 - 1/x"), 0.0, 3.0)
>>> [(p.kind, p.label) for p in s.singular]
[('pole', '0')]
>>> bool(np.isnan(s.y[0])), bool(np.isinf(s.y).any()), len(s.x) <= MAX_POINTS
(True, False, True)
>>> [(p.kind, p.label) for p in sample(parse("tan(x)"), -2.0, 2.0).singular]
[('pole', '-π/2'), ('pole', 'π/2')]
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.derivative import real_value
from calc_core.numeric import compile_expr
from calc_core.parser import symbol

#: Hard cap on the points of one sampled curve (the browser draws about 2000 well).
MAX_POINTS = 2000
#: The uniform grid every curve starts from.
BASE_POINTS = 401
#: At most this many candidate trouble spots are found symbolically; beyond, f is
#: too wild for a symbolic list and numerical jump detection takes over.
MAX_CANDIDATES = 200
#: Symbolic search stops starting new sympy work after this many seconds.
SYMBOLIC_BUDGET = 0.6
#: Degree bound for exact polynomial root finding.
MAX_POLY_DEGREE = 24
#: At most this many singular points and gaps are listed (and searched numerically).
MAX_LISTED = 100
#: Kinds of points where the plotted line breaks.
SINGULAR_KINDS = ("pole", "hole", "jump", "point")

_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


@dataclass(frozen=True)
class Singularity:
    """A point of the interval where the plotted line must break.

    ``kind`` is ``"pole"`` (|f| grows without bound: a vertical asymptote),
    ``"hole"`` (f undefined there but with a finite limit, held in ``limit``),
    ``"jump"`` (the one-sided limits differ) or ``"point"`` (f undefined there
    and without a limit, like sin(1/x) at 0). ``label`` is a short readable value
    (``"0"``, ``"π/2"``, ``"-1.41421"``); ``symbolic`` says sympy found it;
    ``defined`` says f has a value at the point itself.
    """

    x: float
    kind: str
    label: str
    symbolic: bool
    defined: bool = False
    limit: float | None = None


@dataclass(frozen=True)
class Sample:
    """A plottable curve: sorted x, y with NaN where the line must break."""

    x: np.ndarray
    y: np.ndarray
    singular: tuple[Singularity, ...]
    gaps: tuple[tuple[float, float], ...]  # stretches of the interval where f is undefined
    y_range: tuple[float, float]  # robust vertical range (not the 1e16 next to a pole)
    complete: bool  # False when the symbolic search gave up (too many or too hard)
    crowded: bool = False  # more trouble spots than can be listed or drawn faithfully


@dataclass(frozen=True)
class _Candidate:
    value: float
    exact: sp.Expr | None


class _Crowded(Exception):
    """More candidate points than :data:`MAX_CANDIDATES`: stop listing them."""


# ----------------------------------------------------------------------------- symbolic


def _in(value: float, lo: float, hi: float) -> bool:
    pad = 1e-12 * max(1.0, abs(lo), abs(hi))
    return lo - pad <= value <= hi + pad


def _as_candidates(values: Iterable, lo: float, hi: float) -> list[_Candidate] | None:
    out = []
    for v in values:
        f = real_value(v) if isinstance(v, sp.Basic) else float(v)
        if f is None:  # a complex root: not on the real line
            continue
        if _in(f, lo, hi):
            exact = v if isinstance(v, sp.Basic) and not v.has(sp.Float) else None
            out.append(_Candidate(min(max(f, lo), hi), exact))
        if len(out) > MAX_CANDIDATES:
            raise _Crowded
    return out


def _poly_zeros(p: sp.Poly, lo: float, hi: float) -> list[_Candidate] | None:
    if p.degree() <= 0:
        return []
    if p.degree() > MAX_POLY_DEGREE:
        return None
    if p.domain.is_ZZ or p.domain.is_QQ:
        return _as_candidates(sorted(set(p.real_roots())), lo, hi)
    roots = [complex(r) for r in p.nroots(n=17, maxsteps=80)]
    real = [r.real for r in roots if abs(r.imag) <= 1e-10 * max(1.0, abs(r))]
    return _as_candidates(sorted(set(real)), lo, hi)


def _strip(u: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """Same zeros, simpler: |u|, sign(u), u^p (p > 0) and constant factors."""
    while True:
        if isinstance(u, (sp.Abs, sp.sign)):
            u = u.args[0]
        elif u.is_Pow and u.exp.is_number and u.exp.is_positive:
            u = u.base
        elif u.is_Mul:
            factors = [a for a in u.args if a.has(x)]
            if len(factors) != 1:
                return u
            u = factors[0]
        else:
            return u


def _degree(u: sp.Expr, x: sp.Symbol) -> int | None:
    """Degree of a polynomial in x read off the tree (no expansion); None if not one."""
    if not u.has(x):
        return 0
    if u == x:
        return 1
    if u.is_Add or u.is_Mul:
        parts = [_degree(a, x) for a in u.args]
        if any(p is None for p in parts):
            return None
        return max(parts) if u.is_Add else sum(parts)
    if u.is_Pow and u.exp.is_Integer and u.exp >= 0:
        inner = _degree(u.base, x)
        return None if inner is None else inner * int(u.exp)
    return None


def _zeros(u: sp.Expr, x: sp.Symbol, lo: float, hi: float, deadline: float):
    """Real zeros of ``u`` in [lo, hi], or None when they cannot be listed boundedly."""
    if not u.has(x):
        return []
    u = _strip(u, x)
    if u.count_ops() > 60:
        return None
    num, _ = sp.fraction(sp.together(u))
    num = _strip(num, x) if num.has(x) else num
    if not num.has(x):
        return []
    if isinstance(num, (sp.sin, sp.tan)):  # zero where the argument is k*pi
        return _periodic_zeros(num.args[0], sp.S.Zero, x, lo, hi, deadline)
    if isinstance(num, sp.cos):
        return _periodic_zeros(num.args[0], sp.pi / 2, x, lo, hi, deadline)
    degree = _degree(num, x)
    if degree is not None:
        if degree > MAX_POLY_DEGREE:
            return None
        return _poly_zeros(sp.Poly(num, x), lo, hi)
    if num.has(*_PERIODIC) or num.count_ops() > 25 or time.monotonic() > deadline:
        return None
    solutions = sp.solveset(num, x, sp.Interval(sp.Rational(repr(lo)), sp.Rational(repr(hi))))
    if not isinstance(solutions, sp.FiniteSet):
        return None
    if len(solutions) > MAX_CANDIDATES:
        raise _Crowded
    return _as_candidates(solutions, lo, hi)


def _periodic_zeros(arg: sp.Expr, offset: sp.Expr, x, lo: float, hi: float, deadline: float):
    """Solutions of ``arg = offset + k*pi`` (k integer) in [lo, hi] for polynomial ``arg``."""
    degree = _degree(arg, x)
    if degree is None or not 1 <= degree <= 4:
        return None
    with np.errstate(all="ignore"):
        values = compile_expr(arg, (x,))(np.linspace(lo, hi, 2001))
    if not np.all(np.isfinite(values)):
        return None
    span = float(np.max(values) - np.min(values))
    off = float(offset)
    kmin = math.floor((float(np.min(values)) - 1e-9 * span - off) / math.pi)
    kmax = math.ceil((float(np.max(values)) + 1e-9 * span - off) / math.pi)
    if kmax - kmin > MAX_CANDIDATES:
        raise _Crowded
    found: list[_Candidate] = []
    for k in range(kmin, kmax + 1):
        if time.monotonic() > deadline:
            return None
        level = offset + k * sp.pi
        shifted = sp.Poly(arg - level, x)
        if shifted.degree() <= 2:
            sols = [r for r in sp.roots(shifted, multiple=True)]
            part = _as_candidates(sols, lo, hi)
        else:
            part = _poly_zeros(shifted, lo, hi)
        if part is None:
            return None
        found += part
        if len(found) > MAX_CANDIDATES:
            raise _Crowded
    return found


def special_points(
    expr: sp.Expr, lo: float, hi: float, var: str = "x", budget: float = SYMBOLIC_BUDGET
) -> tuple[list[_Candidate], bool, bool]:
    """Points of [lo, hi] where f may be undefined, infinite, non-smooth or start/stop.

    Returns the candidates (sorted, deduplicated), whether the search was
    complete, and whether it stopped because there are too many to list
    ("crowded"). Candidates are *not* classified here; :func:`sample` does that.

    Examples
    --------
    >>> from calc_core.parser import parse
    >>> [c.exact for c in special_points(parse("1/(x^2 - 1)"), -3, 3)[0]]
    [-1, 1]
    >>> [c.exact for c in special_points(parse("tan(x)"), 0, 4)[0]]
    [pi/2]
    >>> special_points(parse("tan(1000x)"), -1000, 1000)[1:]
    (False, True)
    """
    x = symbol(var)
    deadline = time.monotonic() + budget
    problems: list[tuple[str, sp.Expr, sp.Expr]] = []  # ("zero", u, 0) or ("periodic", arg, off)
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Basic) or not node.has(x):
            continue
        if node.is_Pow:
            base, exp = node.args
            if base.has(x) and not (exp.is_Integer and exp.is_nonnegative):
                problems.append(("zero", base, sp.S.Zero))
        elif isinstance(node, (sp.log, sp.Abs, sp.sign)):
            problems.append(("zero", node.args[0], sp.S.Zero))
        elif isinstance(node, (sp.tan, sp.sec)):
            problems.append(("periodic", node.args[0], sp.pi / 2))
        elif isinstance(node, (sp.cot, sp.csc)):
            problems.append(("periodic", node.args[0], sp.S.Zero))
        elif isinstance(node, (sp.asin, sp.acos, sp.atanh)):
            problems += [("zero", node.args[0] - 1, 0), ("zero", node.args[0] + 1, 0)]
        elif isinstance(node, sp.acosh):
            problems.append(("zero", node.args[0] - 1, 0))
        elif isinstance(node, (sp.asec, sp.acsc)):  # real for |u| >= 1
            problems += [("zero", node.args[0] - 1, 0), ("zero", node.args[0] + 1, 0)]
        elif isinstance(node, sp.acot):  # jumps where u = 0
            problems.append(("zero", node.args[0], 0))
    found: list[_Candidate] = []
    complete = True
    seen: set = set()
    for kind, u, off in problems:
        if (kind, u, off) in seen:
            continue
        seen.add((kind, u, off))
        if time.monotonic() > deadline:
            complete = False
            break
        try:
            if kind == "zero":
                part = _zeros(u, x, lo, hi, deadline)
            else:
                part = _periodic_zeros(u, off, x, lo, hi, deadline)
        except _Crowded:
            return [], False, True
        except (NotImplementedError, ValueError, TypeError, sp.PolynomialError, RecursionError):
            part = None
        if part is None:
            complete = False
            continue
        found += part
        if len(found) > MAX_CANDIDATES:
            return [], False, True
    return _dedupe(found, lo, hi), complete, False


def _dedupe(found: list[_Candidate], lo: float, hi: float) -> list[_Candidate]:
    tol = 1e-12 * max(1.0, hi - lo)
    out: list[_Candidate] = []
    for c in sorted(found, key=lambda c: c.value):
        if out and abs(c.value - out[-1].value) <= tol:
            if out[-1].exact is None and c.exact is not None:
                out[-1] = c
            continue
        out.append(c)
    return out


_SHORT = re.compile(r"^-?(\d+|sqrt\(\d+\)|log\(\d+\))(/\d+)?$")


def label(value: float, exact: sp.Expr | None = None, width: float = 1.0) -> str:
    """A short readable value: ``0``, ``-1/2``, ``π/2``, ``-3π/2``, ``√2``, else 6 digits.

    ``width`` is the plotted interval's width: a value within 1e-12 of it from 0 is 0.

    >>> label(1.5707963, sp.pi / 2), label(-1.0, sp.Integer(-1)), label(2 ** 0.5)
    ('π/2', '-1', '1.41421')
    >>> label(-1.4142, -sp.sqrt(2)), label(0.693, sp.log(2)), label(3e-18)
    ('-√2', 'log(2)', '0')
    """
    if exact is not None:
        if exact.is_Integer or (exact.is_Rational and exact.q <= 100):
            return printing.sstr(exact)
        ratio = sp.nsimplify(exact / sp.pi) if exact.has(sp.pi) else None
        if ratio is not None and ratio.is_Rational and ratio.q <= 100:
            sign = "-" if ratio < 0 else ""
            p, q = abs(ratio.p), ratio.q
            return f"{sign}{'' if p == 1 else p}π{'' if q == 1 else f'/{q}'}"
        text = printing.sstr(exact)
        if _SHORT.match(text):
            return re.sub(r"sqrt\((\d+)\)", r"√\1", text)
    if abs(value) <= 1e-12 * width:
        return "0"
    return f"{value:.6g}"


# ----------------------------------------------------------------------------- numeric


def _robust_range(y: np.ndarray, extremes: np.ndarray | None = None):
    """Quantile range of the finite values, widened to the extremes when those are tame.

    Quantiles come from ``y`` (the uniform grid: refinement near a pole must not
    weigh in); the extremes from ``extremes`` when given (all samples, so that an
    end point found by bisection, like sqrt's 0, counts).
    """
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        return None
    q_lo, q_hi = np.percentile(finite, [5, 95])
    span = q_hi - q_lo
    if extremes is not None and np.isfinite(extremes).any():
        finite = extremes[np.isfinite(extremes)]
    y_min, y_max = float(np.min(finite)), float(np.max(finite))
    lo = y_min if y_min >= q_lo - span else float(q_lo)
    hi = y_max if y_max <= q_hi + span else float(q_hi)
    return lo, hi


def _padded(lo: float, hi: float) -> tuple[float, float]:
    span = hi - lo
    if not span > 1e-12 * max(1.0, abs(lo), abs(hi)):
        pad = max(1.0, 0.1 * abs(lo))
        return lo - pad, hi + pad
    return lo - 0.08 * span, hi + 0.08 * span


def _probe(fn, c: float, lo: float, hi: float, width: float) -> list[np.ndarray | None]:
    """Raw f at c -/+ width * 1e-3, 1e-5, 1e-7, 1e-9; None for a side outside [lo, hi]."""
    steps = width * np.array([1e-3, 1e-5, 1e-7, 1e-9])
    steps = np.maximum(steps, 64 * np.finfo(float).eps * max(1.0, abs(c)))
    sides: list[np.ndarray | None] = []
    for sign in (-1.0, 1.0):
        xs = c + sign * steps
        inside = bool(np.all((xs >= lo) & (xs <= hi)))
        sides.append(fn(xs) if inside else None)
    return sides


def _grows(values: np.ndarray | None) -> bool:
    """|f| grows without settling towards the point (or overflows): a pole on that side.

    Towards a finite limit the increments of |f| shrink geometrically; towards a
    pole they hold or grow (log: +4.6 per factor 100; 1/x: x100 per factor 100).
    """
    if values is None:
        return False
    if np.any(np.isinf(values)):
        return True
    if not np.all(np.isfinite(values)):
        return False
    mags = np.abs(values)
    steps = np.diff(mags)
    return bool(np.all(steps > 0) and mags[-1] >= 2 * mags[0] and steps[-1] >= 0.5 * steps[0])


def _settles(values: np.ndarray | None) -> float | None:
    """The one-sided limit the probes settle on, if they do."""
    if values is None or not np.all(np.isfinite(values)):
        return None
    if abs(values[-1] - values[-2]) <= 1e-5 * max(1.0, abs(values[-1])):
        return float(values[-1])
    return None


def _classify(fn, expr, var, cand: _Candidate, lo: float, hi: float, scale: float):
    """(kind, defined, limit) of a candidate; kind is a singular kind, "regular" or "edge"."""
    left, right = _probe(fn, cand.value, lo, hi, hi - lo)
    if cand.exact is not None:
        defined = real_value(expr.subs(symbol(var), cand.exact)) is not None
    else:
        defined = bool(np.isfinite(fn(np.array([cand.value]))[0]))
    if _grows(left) or _grows(right):
        return "pole", False, None
    lim_l, lim_r = _settles(left), _settles(right)
    if lim_l is not None and lim_r is not None:
        if abs(lim_l - lim_r) > 1e-6 * max(1.0, abs(lim_l)) + 1e-4 * scale:
            return "jump", defined, None
        return ("regular", True, None) if defined else ("hole", False, 0.5 * (lim_l + lim_r))
    if defined:
        return "regular", True, None
    sides_defined = [s is not None and bool(np.all(np.isfinite(s))) for s in (left, right)]
    if any(sides_defined) and not all(sides_defined):
        return "edge", False, None  # f stops here: the gap beside it tells the story
    if not any(s is not None and np.any(np.isfinite(s)) for s in (left, right)):
        return "edge", False, None  # inside an undefined stretch
    return "point", False, None  # undefined, no limit (sin(1/x) at 0)


def _bisect(fn, a, b, fa, fb, scale: float):
    """Shrink brackets [a, b] towards where f changes most; True where it is a discontinuity.

    Each bracket is halved until it is about 1000 floats wide. A continuous f's
    change across the bracket then halves with each halving; a jump's or a pole's
    does not. Comparing the change 8 halvings before the end with the final one
    tells them apart (ratio ~ 1/256 versus ~ 1 or more).
    """
    spacing = np.spacing(np.maximum(np.abs(a), np.abs(b)))
    total = np.floor(np.log2(np.maximum((b - a) / (1024 * spacing), 1.0))).astype(int)
    total = np.clip(total, 0, 60)
    then = np.abs(fb - fa)  # kept for brackets needing at most 8 halvings
    for it in range(int(total.max(initial=0))):
        active = it < total
        m = 0.5 * (a + b)
        fm = fn(m)
        bad = ~np.isfinite(fm)
        go_left = (np.abs(fm - fa) >= np.abs(fb - fm)) | bad  # an undefined midpoint: keep it
        left, right = active & go_left, active & ~go_left
        b, fb = np.where(left, m, b), np.where(left, fm, fb)
        a, fa = np.where(right, m, a), np.where(right, fm, fa)
        then = np.where(it + 1 == total - 8, np.abs(fb - fa), then)
    now = np.abs(fb - fa)
    undefined = ~np.isfinite(fa) | ~np.isfinite(fb)
    broken = undefined | ((now > 0.25 * then) & (now > 1e-9 * scale))
    return a, b, fa, fb, broken


def _edges(fn, a, b, fa, fb, iterations: int = 52):
    """Shrink brackets with one defined and one undefined end towards the domain edge."""
    for _ in range(iterations):
        m = 0.5 * (a + b)
        if not ((m > a) & (m < b)).any():
            break
        fm = fn(m)
        same_as_a = np.isnan(fm) == np.isnan(fa)
        a, fa = np.where(same_as_a, m, a), np.where(same_as_a, fm, fa)
        b, fb = np.where(same_as_a, b, m), np.where(same_as_a, fb, fm)
    return a, b, fa, fb


class _Builder:
    """The growing, sorted set of (x, raw f(x)) samples, and the forced breaks."""

    def __init__(self, fn: Callable, lo: float, hi: float, max_points: int):
        self.fn = fn
        self.lo, self.hi = lo, hi
        self.max_points = max_points
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.breaks: list[float] = []

    def room(self) -> int:
        return self.max_points - self.x.size

    def add(self, xs, ys=None) -> None:
        xs = np.asarray(xs, dtype=float)
        inside = (xs >= self.lo) & (xs <= self.hi)
        ys = None if ys is None else np.asarray(ys, dtype=float)[inside]
        xs = xs[inside]
        room = self.room()
        if room <= 0 or xs.size == 0:
            return
        xs = xs[:room]
        ys = self.fn(xs) if ys is None else ys[: xs.size]
        x = np.concatenate([self.x, xs])
        y = np.concatenate([self.y, ys.astype(float)])
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
        keep = np.concatenate([[True], np.diff(x) > 0])
        self.x, self.y = x[keep], y[keep]

    def force_break(self, at: float) -> None:
        """A NaN sample at ``at`` (a few of these may exceed max_points)."""
        self.breaks.append(at)
        self.max_points = max(self.max_points, self.x.size + 1)
        self.add([at], [np.nan])
        self.y[np.searchsorted(self.x, at)] = np.nan

    def finite_pairs(self) -> np.ndarray:
        ok = np.isfinite(self.y)
        return np.flatnonzero(ok[:-1] & ok[1:])


def sample(
    expr: sp.Expr,
    xmin: float,
    xmax: float,
    var: str = "x",
    *,
    focus: float | None = None,
    max_points: int = MAX_POINTS,
    base_points: int = BASE_POINTS,
    budget: float = SYMBOLIC_BUDGET,
) -> Sample:
    """Sample ``expr`` on [xmin, xmax] for plotting (see the module docstring).

    Parameters
    ----------
    expr : sympy.Expr
        f, in the real variable ``var`` (from :func:`calc_core.parser.parse`).
    xmin, xmax : float
        The interval, ``xmin < xmax``.
    focus : float, optional
        A point whose value must lie inside the returned ``y_range`` (the tangent point).
    max_points : int
        Upper bound on the number of samples (forced NaN breaks may add a few).
    base_points : int
        Size of the uniform grid the sampling starts from.
    budget : float
        Seconds after which the symbolic search starts no new sympy work.

    Returns
    -------
    Sample
    """
    lo, hi = float(xmin), float(xmax)
    if not lo < hi:
        raise ValueError("xmin must be less than xmax")
    with np.errstate(all="ignore"):  # inf - inf and friends while masking: expected, silent
        return _sample(expr, lo, hi, var, focus, max_points, base_points, budget)


def _sample(expr, lo, hi, var, focus, max_points, base_points, budget) -> Sample:
    width = hi - lo
    fn = compile_expr(expr, (var,))
    grid = np.linspace(lo, hi, base_points)
    base_y = fn(grid)
    base_range = _robust_range(base_y)
    scale = 1.0 if base_range is None else max(base_range[1] - base_range[0], 1e-12)
    view = _padded(*(base_range or (-1.0, 1.0)))

    candidates, complete, crowded = special_points(expr, lo, hi, var, budget)
    candidates += _isolated_hits(grid, base_y, candidates, width)
    singular: list[Singularity] = []
    regular: list[float] = []
    for cand in candidates:
        kind, defined, limit = _classify(fn, expr, var, cand, lo, hi, scale)
        if kind in SINGULAR_KINDS:
            text = label(cand.value, cand.exact, width)
            symbolic = cand.exact is not None
            singular.append(Singularity(cand.value, kind, text, symbolic, defined, limit))
        else:
            regular.append(cand.value)

    b = _Builder(fn, lo, hi, max_points)
    sing_x = np.array([s.x for s in singular])
    if sing_x.size:  # a grid point sitting on a singular point is replaced by the break
        keep = np.min(np.abs(grid[:, None] - sing_x[None, :]), axis=1) > 1e-12 * width
        grid, base_y = grid[keep], base_y[keep]
    b.add(grid, base_y)
    b.add(regular)
    for s in singular:
        b.force_break(s.x)
    offsets = width / (base_points - 1) * 2.0 ** -np.arange(1, 13)
    for s in singular[: max(0, b.room() // 24)]:  # let the curve run off the chart
        if s.kind == "pole":
            b.add(np.concatenate([s.x - offsets, s.x + offsets]))
    _reassert_breaks(b)

    _locate_edges(b)
    singular += _find_jumps(b, expr, var, scale, singular)
    _refine(b, scale, view)
    singular += _find_jumps(b, expr, var, scale, singular)
    _spike_guard(b, view)
    _locate_edges(b)
    _reassert_breaks(b)

    singular.sort(key=lambda s: s.x)
    crowded = crowded or len(singular) > MAX_LISTED
    return Sample(
        x=b.x.copy(),
        y=np.where(np.isfinite(b.y), b.y, np.nan),
        singular=tuple(singular[:MAX_LISTED]),
        gaps=_gaps(b.x, b.y, b.breaks, width),
        y_range=_final_range(_robust_range(base_y, b.y), fn, focus),
        complete=complete,
        crowded=crowded,
    )


def _reassert_breaks(b: _Builder) -> None:
    if b.breaks:
        b.y[np.searchsorted(b.x, np.array(b.breaks))] = np.nan


def _isolated_hits(grid, y, known: list[_Candidate], width: float) -> list[_Candidate]:
    """Grid points where f is undefined or infinite between two defined neighbours."""
    ok = np.isfinite(y)
    idx = np.flatnonzero(~ok[1:-1] & ok[:-2] & ok[2:]) + 1
    near = np.array([c.value for c in known])
    out = []
    for i in idx[:MAX_LISTED]:
        if near.size and np.min(np.abs(near - grid[i])) <= 1e-9 * width:
            continue
        out.append(_Candidate(float(grid[i]), None))
    return out


def _locate_edges(b: _Builder) -> None:
    """Bisect every defined/undefined neighbour pair down to the edge of the domain."""
    undefined = np.isnan(b.y)  # inf is an overflow of a defined value, not a gap
    idx = np.flatnonzero(undefined[:-1] != undefined[1:])
    if b.breaks:  # a forced break is not a domain edge
        breaks = np.array(b.breaks)
        idx = idx[~(np.isin(b.x[idx], breaks) | np.isin(b.x[idx + 1], breaks))]
    idx = idx[:200]
    if idx.size == 0:
        return
    a, bb, fa, fb = _edges(b.fn, b.x[idx], b.x[idx + 1], b.y[idx], b.y[idx + 1])
    b.add(np.concatenate([a, bb]), np.concatenate([fa, fb]))


def _find_jumps(b: _Builder, expr, var, scale: float, known: list[Singularity]):
    """Discontinuities between neighbouring samples that the symbolic search missed."""
    pairs = b.finite_pairs()
    if pairs.size == 0:
        return []
    dy = np.abs(np.diff(b.y))[pairs]
    big = dy > 0.2 * scale
    suspects = pairs[big][np.argsort(-dy[big])][:MAX_LISTED]
    if suspects.size == 0:
        return []
    a, bb, fa, fb, broken = _bisect(
        b.fn, b.x[suspects], b.x[suspects + 1], b.y[suspects], b.y[suspects + 1], scale
    )
    width = b.hi - b.lo
    seen = [s.x for s in known]
    out: list[Singularity] = []
    for xa, xb, ya, yb in zip(a[broken], bb[broken], fa[broken], fb[broken], strict=True):
        at = 0.5 * (xa + xb)
        at = 0.0 if abs(at) <= 1e-12 * width else at
        if seen and min(abs(s - at) for s in seen) <= 1e-9 * width:
            continue
        kind, defined, limit = _classify(b.fn, expr, var, _Candidate(at, None), b.lo, b.hi, scale)
        if kind not in SINGULAR_KINDS:
            kind, defined, limit = "jump", bool(np.isfinite(b.fn(np.array([at]))[0])), None
        b.add([xa, xb], [ya, yb])
        b.force_break(at if xa < at < xb else xb)
        seen.append(at)
        out.append(Singularity(float(at), kind, label(at, None, width), False, defined, limit))
    return out


def _refine(b: _Builder, scale: float, view, rounds: int = 8, tol: float = 1e-3) -> None:
    """Add midpoints where the chord misses the curve by more than ``tol`` of the view."""
    view_lo, view_hi = view
    for _ in range(rounds):
        room = b.room()
        pairs = b.finite_pairs()
        if room <= 0 or pairs.size == 0:
            return
        ya, yb = b.y[pairs], b.y[pairs + 1]
        off_same_side = ((ya > view_hi) & (yb > view_hi)) | ((ya < view_lo) & (yb < view_lo))
        pairs = pairs[~off_same_side]
        xm = 0.5 * (b.x[pairs] + b.x[pairs + 1])
        fresh = (xm > b.x[pairs]) & (xm < b.x[pairs + 1])
        pairs, xm = pairs[fresh], xm[fresh]
        if pairs.size == 0:
            return
        ym = b.fn(xm)
        chord = 0.5 * (b.y[pairs] + b.y[pairs + 1])
        miss = np.where(np.isfinite(ym), np.abs(ym - chord) / scale, np.inf)
        wanted = miss > tol
        if not wanted.any():
            return
        order = np.argsort(-miss[wanted])[:room]
        b.add(xm[wanted][order], ym[wanted][order])


def _spike_guard(b: _Builder, view) -> None:
    """Break every segment that would cross the whole view (f too wild to resolve)."""
    lo, hi = view
    pairs = b.finite_pairs()
    ya, yb = b.y[pairs], b.y[pairs + 1]
    crossing = pairs[((ya > hi) & (yb < lo)) | ((ya < lo) & (yb > hi))]
    for i in crossing[::-1]:
        mid = 0.5 * (b.x[i] + b.x[i + 1])
        b.force_break(mid if b.x[i] < mid < b.x[i + 1] else b.x[i + 1])


def _final_range(base_range, fn, focus: float | None) -> tuple[float, float]:
    lo, hi = base_range if base_range is not None else (-1.0, 1.0)
    if focus is not None:
        f0 = float(fn(np.array([float(focus)]))[0])
        if math.isfinite(f0):
            lo, hi = min(lo, f0), max(hi, f0)
    return _padded(lo, hi)


def _gaps(x: np.ndarray, raw: np.ndarray, breaks: list[float], width: float):
    """Runs of samples where f is undefined (NaN, not overflow), beyond single forced breaks."""
    bad = np.isnan(raw)
    forced = np.isin(x, np.array(breaks)) if breaks else np.zeros(x.size, bool)
    out: list[tuple[float, float]] = []
    k, n = 0, len(x)
    while k < n and len(out) < MAX_LISTED:
        if not bad[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and bad[j + 1]:
            j += 1
        if x[j] - x[k] > 1e-9 * width or not forced[k]:
            out.append((float(x[k]) + 0.0, float(x[j]) + 0.0))  # + 0.0: no "-0" in labels
        k = j + 1
    return tuple(out)


__all__ = ["MAX_POINTS", "Sample", "Singularity", "label", "sample", "special_points"]
