r"""Derivatives step by step, as the chain-rule page shows them: lines, result, check.

The derivation is data, as in SymPy Gamma's ``diffsteps``: :mod:`calc_core.step_rules`
builds a tree of frozen rule records from the expression (:func:`build`) and turns
it into the derivative (:func:`evaluate`); :mod:`calc_core.step_latex` writes it as
LaTeX lines (:func:`render`). A power whose base *and* exponent vary (``x^x``) is
differentiated logarithmically. Every name is importable from here.

:func:`steps` (what the page calls) checks that the last line equals sympy's own
derivative, symbolically where that is cheap and at random points otherwise, and
offers a shorter equal form when one is cheap to find (:func:`shorter_form`).

Examples
--------
>>> r = steps("x^x")
>>> r.check, r.lines[0].kind
('symbolic', 'log_diff')
>>> print(r.derivative_latex)
x^{x} \left(\log{\left(x \right)} + 1\right)
>>> steps("sin(x^2)").lines[0].params[:2]
(('u', 'u'), ('inner', 'x^{2}'))
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from calc_core import printing
from calc_core.budget import within
from calc_core.checks import expandable, same_function, symbolic_zero
from calc_core.errors import InputError
from calc_core.parser import parse, symbol
from calc_core.step_latex import MAX_LINE_LATEX, StepLine, kind_of, render, tex
from calc_core.step_rules import (
    ABSTRACT,
    AbstractRule,
    ChainRule,
    ConstantMultipleRule,
    ConstantRule,
    ExponentialRule,
    FunctionRule,
    LogDiffRule,
    PowerRule,
    ProductRule,
    QuotientRule,
    Rule,
    SumRule,
    SympyRule,
    VariableRule,
    build,
    evaluate,
    put_back,
)

__all__ = [
    "ABSTRACT",
    "FACTOR_MAX_OPS",
    "MAX_LINES",
    "MAX_LINE_LATEX",
    "SHORTER_BUDGET",
    "SIMPLIFY_MAX_OPS",
    "SIMPLIFY_MAX_POWER",
    "AbstractRule",
    "ChainRule",
    "ConstantMultipleRule",
    "ConstantRule",
    "ExponentialRule",
    "FunctionRule",
    "LogDiffRule",
    "PowerRule",
    "ProductRule",
    "QuotientRule",
    "Rule",
    "StepLine",
    "StepsResult",
    "SumRule",
    "SympyRule",
    "VariableRule",
    "build",
    "evaluate",
    "kind_of",
    "put_back",
    "render",
    "shorter_form",
    "steps",
]

#: Longest derivation rendered (a 200-character input stays far below this).
MAX_LINES = 400
#: ``factor`` of the final line is tried only below this operation count ...
FACTOR_MAX_OPS = 60
#: ... and ``simplify`` (much slower on trigonometric sums) only below this one,
SIMPLIFY_MAX_OPS = 20
#: ... without trigonometric functions, and with no compound base raised above this power.
SIMPLIFY_MAX_POWER = 4
#: Seconds each of factor, cancel and simplify may spend looking for a shorter form.
SHORTER_BUDGET = 0.3


@dataclass(frozen=True)
class StepsResult:
    """Everything the steps view shows: the lines, the final derivative and its check."""

    f_text: str
    f_latex: str
    lines: tuple[StepLine, ...]
    derivative_latex: str  # the rule tree's result, as the rules produced it
    simplified_latex: str | None  # a shorter equal form, when simplify finds one cheaply
    sympy_latex: str  # sympy's own diff, the reference
    check: str  # "symbolic", "numeric", "different" or "unknown" (see calc_core.checks)
    truncated: bool  # more than MAX_LINES steps: only the first are listed
    f_code: str = ""  # f and the rules' result as sympy reads them back (a notebook's cells)
    derivative_code: str = ""
    abstract: bool = False  # f holds the abstract functions f, g


def _new_constants(candidate: sp.Expr, original: sp.Expr) -> bool:
    """True when ``candidate`` brings in pi or a root like sqrt(2) that ``original`` lacks."""

    def constants(e: sp.Expr) -> set:
        roots = {p for p in e.atoms(sp.Pow) if p.base.is_number and p.exp.is_number}
        return roots | e.atoms(sp.NumberSymbol)

    return bool(constants(candidate) - constants(original))


_TRIG = (sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot, sp.sinh, sp.cosh, sp.tanh)


def shorter_form(e: sp.Expr) -> sp.Expr | None:
    """A shorter equal form of ``e`` (factor, cancel or simplify), if one is cheap to find.

    Forms that bring in new constants (``sqrt(2) sin(x + pi/4)`` for ``sin x + cos x``)
    do not count as simpler for a learner.
    """
    if e.has(AppliedUndef):
        return None  # (f'g - fg')/g^2 is already the form the rules are stated in
    ops = sp.count_ops(e)
    if ops > FACTOR_MAX_OPS or not expandable(e) or e.has(sp.I):
        return None  # (factoring over the Gaussian rationals can take minutes)
    best, best_ops = None, ops
    steps = [sp.factor, sp.cancel]
    trig = e.has(*_TRIG)  # trigsimp is slow
    powers = [p.exp for p in e.atoms(sp.Pow) if not p.base.is_Symbol and p.exp.is_Number]
    big_power = any(abs(n) > SIMPLIFY_MAX_POWER for n in powers)  # and so is cancel inside it
    if ops <= SIMPLIFY_MAX_OPS and not trig and not big_power:
        steps.append(sp.simplify)
    candidates = []
    for step in steps:  # each optional: a step that overruns its budget offers nothing
        done, candidate = within(lambda step=step: step(e), SHORTER_BUDGET)
        if done:
            candidates.append(candidate)
    for candidate in candidates:
        c_ops = sp.count_ops(candidate)
        if c_ops < best_ops and not _new_constants(candidate, e):
            best, best_ops = candidate, c_ops
    return best


def _check(result: sp.Expr, reference: sp.Expr, x: sp.Symbol) -> str:
    """:func:`~calc_core.checks.same_function`; with abstract f, g only a proof counts."""
    if not (result.has(AppliedUndef) or reference.has(AppliedUndef)):
        return same_function(result, reference, (x,))
    difference = result - reference
    # f(x), f'(x), f'(g(x)) as plain symbols: a zero of the rational function they make
    # is a zero for every f and g (cancel then sees x/(f + g)'s quotient, say)
    held = {a: sp.Dummy() for a in difference.atoms(sp.Derivative, sp.Subs)}
    plain = difference.xreplace(held)
    plain = plain.xreplace({a: sp.Dummy() for a in plain.atoms(AppliedUndef)})
    return "symbolic" if symbolic_zero(difference) or symbolic_zero(plain) else "unknown"


def steps(f_text: str) -> StepsResult:
    """Parse ``f_text`` (in x) and differentiate it step by step, checked against sympy.

    Raises
    ------
    InputError
        For malformed input (field ``"f"``).
    """
    try:
        expr = parse(f_text, ("x",), functions=ABSTRACT)
    except InputError as err:
        raise err.with_field("f") from None
    x = symbol("x")
    tree = build(expr, x)
    lines = render(tree)
    result = evaluate(tree)
    reference = sp.diff(expr, x)
    shorter = shorter_form(result)
    return StepsResult(
        f_text=f_text,
        f_latex=printing.latex(expr),
        lines=lines[:MAX_LINES],
        derivative_latex=tex(result),
        simplified_latex=None if shorter is None else tex(shorter),
        sympy_latex=tex(reference),
        check=_check(result, reference, x),
        truncated=len(lines) > MAX_LINES,
        f_code=printing.sstr(expr),
        derivative_code=printing.sstr(result),
        abstract=expr.has(AppliedUndef),
    )
