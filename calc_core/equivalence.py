"""Prove two formulas equal -- symbolically, or not at all.

Agreement at sample points is evidence, never proof (see :mod:`calc_core.probe`), so
the checker calls an answer right only when :func:`prove_equal` returns True. The
proofs, cheapest first, each exact:

* the difference is 0 as built, or after ``expand``;
* ``cancel``: for rational functions (polynomials over polynomials) this *decides*
  equality, and it proves many other identities on the way; powers, trigonometric
  and hyperbolic functions rewritten as exponentials and expanded prove more;
* absolute values (and ``sign``) are split into cases at the zeros of their
  arguments: for arguments that are rational functions of one variable, the real
  line is cut at their real zeros and each interval (where every argument keeps
  its sign) gives an expression without ``|.|`` to prove; otherwise every
  combination of signs is proved, which is sound though it may ask too much;
* ``simplify`` (and ``equals`` for constants, which decides algebraic numbers),
  bounded by :func:`calc_core.budget.within` so that no proof outlives its budget.

Variables the exercise keeps positive become positive symbols first (``log(x y) =
log x + log y`` needs it; ``|x| = x`` follows at once).

Examples
--------
>>> from calc_core.parser import parse, symbol
>>> prove_equal(parse("(x^2 - 1)/(x - 1)"), parse("x + 1"))
True
>>> prove_equal(parse("|x - 3| + |x + 3|"), parse("2 * |x|"))  # equal only for |x| >= 3
False
>>> prove_equal(parse("sqrt(x^2) + x"), parse("2 * x"), positive=("x",))
True
>>> prove_equal(parse("acos(cos(x))"), parse("x"))
False
"""

from __future__ import annotations

import itertools
import math
import time

import sympy as sp

from calc_core.budget import within
from calc_core.parser import symbol

#: Seconds one proof may take at most (the worker's limit is 3 s for the whole check).
BUDGET = 1.0
#: Most absolute values split into cases at once (2^k sign patterns at worst).
MAX_SPLITS = 4
#: Most cases one split may produce.
MAX_CASES = 24


def _zero(d: sp.Expr, deadline: float) -> bool:
    """True when ``d`` (no |.|) is proved identically 0 before ``deadline``."""
    if d == 0:
        return True
    cheap = (sp.expand, sp.cancel, lambda e: sp.expand(e.rewrite(sp.exp)))  # x^x = e^(x log x)
    for method in cheap:
        ok, out = within(lambda m=method: m(d) == 0, deadline - time.monotonic())
        if ok and out:
            return True
    ok, out = within(lambda: sp.simplify(d) == 0, deadline - time.monotonic())
    if ok and out:
        return True
    if d.is_number:  # equals decides algebraic numbers (minimal polynomials)
        ok, out = within(lambda: d.equals(0), deadline - time.monotonic())
        return bool(ok and out)
    return False


def _innermost(d: sp.Expr) -> list[sp.Expr]:
    atoms = [a for a in d.atoms(sp.Abs, sp.sign) if not a.args[0].has(sp.Abs, sp.sign)]
    return sorted(atoms, key=sp.default_sort_key)


def _sign_cases(args: list[sp.Expr]) -> list[tuple[int, ...]] | None:
    """The sign patterns the arguments take, when they are rational functions of one variable."""
    free = set().union(*(a.free_symbols for a in args))
    if len(free) != 1:
        return None
    (s,) = free
    cuts: set = set()
    for a in args:
        num, den = sp.fraction(sp.together(a))
        for part in (num, den):
            if not part.has(s):
                continue
            try:
                poly = sp.Poly(part, s)
            except sp.PolynomialError:
                return None
            if not (poly.domain.is_ZZ or poly.domain.is_QQ) or poly.degree() > 12:
                return None
            cuts.update(poly.real_roots())
    ordered = sorted(cuts, key=lambda r: float(r))
    if not ordered:
        tests = [sp.Integer(0)]
    else:
        values = [sp.nsimplify(r) if r.is_Rational else r for r in ordered]
        tests = [sp.floor(values[0]) - 1, sp.ceiling(values[-1]) + 1]
        for lo, hi in itertools.pairwise(values):
            tests.append((lo + hi) / 2)
    patterns = []
    for t in tests:
        signs = []
        for a in args:
            v = a.xreplace({s: t})
            if not v.is_number or v == 0 or v.has(sp.zoo, sp.nan):
                return None
            signs.append(1 if v.evalf(30) > 0 else -1)
        patterns.append(tuple(signs))
    return list(dict.fromkeys(patterns))


def _prove(d: sp.Expr, deadline: float, depth: int = 0) -> bool:
    if time.monotonic() > deadline:
        return False
    atoms = _innermost(d)
    if not atoms:
        return _zero(d, deadline)
    if d == 0 or (depth == 0 and _zero(d, min(deadline, time.monotonic() + 0.2))):
        return True  # sympy may already know (|x|^2 = x^2)
    atoms = atoms[:MAX_SPLITS]
    args = [a.args[0] for a in atoms]
    cases = _sign_cases(args)
    if cases is None:
        cases = list(itertools.product((1, -1), repeat=len(atoms)))
    if len(cases) > MAX_CASES:
        return False
    for signs in cases:
        swap = {
            a: (s * a.args[0] if isinstance(a, sp.Abs) else sp.Integer(s))
            for a, s in zip(atoms, signs, strict=True)
        }
        if not _prove(d.xreplace(swap), deadline, depth + 1):
            return False
    return True


def prove_equal(
    got: sp.Expr, want: sp.Expr, positive: tuple[str, ...] = (), budget: float = BUDGET
) -> bool:
    """True only if ``got == want`` is proved (on the positive range of ``positive``)."""
    deadline = time.monotonic() + budget
    swap = {symbol(n): sp.Dummy(n, positive=True) for n in positive}
    d = (got - want).xreplace(swap)
    return _prove(d, deadline)


def _denominators(expr: sp.Expr) -> list[sp.Expr]:
    """Every expression ``expr`` divides by (the bases of negative powers)."""
    out = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_negative and not node.base.is_number:
            out.append(node.base)
    return list(dict.fromkeys(out))


def _members(solutions: sp.Set) -> list[sp.Expr] | None:
    """A few exact members of a solution set (k = 0, 1, -1 of a periodic family).

    None when the set is of a kind not understood (a ConditionSet: sympy gave up).
    """
    if isinstance(solutions, sp.FiniteSet):
        return list(solutions)
    if solutions is sp.S.EmptySet:
        return []
    if isinstance(solutions, sp.Union):
        parts = [_members(part) for part in solutions.args]
        return None if any(p is None for p in parts) else [m for p in parts for m in p]
    if isinstance(solutions, sp.ImageSet) and len(solutions.lamda.variables) == 1:
        (n,) = solutions.lamda.variables
        return [solutions.lamda.expr.xreplace({n: sp.Integer(k)}) for k in (0, 1, -1)]
    return None


def _root_of(u: sp.Expr) -> sp.Expr:
    """Same real zeros, simpler: ``sqrt(u)``, ``u^(3/2)``, ``|u|`` are 0 exactly where u is."""
    while (u.is_Pow and u.exp.is_number and u.exp.is_positive) or isinstance(u, sp.Abs):
        u = u.args[0]
    return u


def _exact_zeros(u: sp.Expr, s: sp.Symbol, deadline: float) -> list[sp.Expr] | None:
    """Exact real zeros of ``u`` in ``s`` (a few), or None when they cannot be found in time."""
    u = _root_of(u)
    try:
        poly = sp.Poly(u, s)
        if (poly.domain.is_ZZ or poly.domain.is_QQ) and poly.degree() <= 12:
            return list(poly.real_roots()) if poly.degree() >= 1 else []
    except sp.PolynomialError:
        pass
    ok, found = within(lambda: sp.solveset(u, s, sp.S.Reals), deadline - time.monotonic())
    return _members(found) if ok else None


def _exactly_zero(value: sp.Expr, deadline: float) -> bool:
    if value == 0:
        return True
    ok, zero = within(lambda: sp.simplify(value) == 0, deadline - time.monotonic())
    return bool(ok and zero)


def hidden_hole(
    got: sp.Expr,
    want: sp.Expr,
    base: dict[sp.Symbol, sp.Expr],
    bounds: dict,
    skip: sp.Symbol | None = None,
    budget: float = 0.4,
) -> tuple[dict[sp.Symbol, sp.Expr] | None, bool]:
    """A point where ``got`` divides by exactly 0 and ``want`` does not, and whether the
    search was complete: ``(point, True)``, ``(None, True)`` (no hole) or ``(None, False)``
    (a denominator's zeros could not be found in time: no answer can be called right).

    Sampling evaluates at 40 digits, so it cannot see a division by ``sin(x) - 1/2``
    at pi/6 or by ``x^2 - 2`` at sqrt(2): there the denominator is 1e-41, not 0. This
    solves each denominator of ``got`` for each of its variables (the others at
    ``base``) and checks the zeros exactly. ``skip`` is a variable whose zero is no
    hole (``h`` of a difference quotient still to be cancelled).

    >>> from calc_core.parser import parse, symbol
    >>> x = symbol("x")
    >>> hidden_hole(parse("(x^3 - 2x)/(x^2 - 2)"), parse("x"), {x: sp.Integer(1)}, {})
    ({x: -sqrt(2)}, True)
    """
    deadline = time.monotonic() + budget
    guards = _denominators(want)
    for den in _denominators(got):
        for s in sorted(den.free_symbols & set(base), key=str):
            others = {t: v for t, v in base.items() if t != s}
            zeros = _exact_zeros(den.xreplace(others), s, deadline)
            if zeros is None:
                return None, False
            for r in zeros[:6]:
                low, high = bounds.get(s, (-math.inf, math.inf))
                if not (r.is_real and low < float(r) < high) or (s == skip and r == 0):
                    continue
                point = {**base, s: r}
                if not any(_exactly_zero(g.xreplace(point), deadline) for g in guards):
                    return point, True
    return None, True


def _warm() -> None:
    """Pay sympy's first-call costs (0.1 s of lazy imports and caches in simplify) at
    import time, in the worker's warm-up, not inside the first learner's proof budget."""
    x = sp.Dummy("x", real=True)
    sp.simplify(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1)
    sp.solveset(sp.sin(x) - sp.Rational(1, 3), x, sp.S.Reals)


_warm()

__all__ = ["BUDGET", "hidden_hole", "prove_equal"]
