"""The rules of a step-by-step derivative: one frozen record per rule, built and evaluated.

Like SymPy Gamma's ``diffsteps`` (and sympy's ``manualintegrate``), the derivation
is data. :func:`build` looks at the expression's top-level operation and returns
one frozen record per rule -- constant, variable, power, sum, constant multiple,
product, quotient, chain (the inner function is named ``u``, then ``v``, ``w`` ...),
exp, exponential ``a^x``, log, trigonometric, inverse trigonometric, hyperbolic,
absolute value -- whose fields hold the sub-steps. :func:`evaluate` turns a tree
into the derivative (:mod:`calc_core.step_latex` into LaTeX lines). Unlike SymPy
Gamma, a power whose base *and* exponent vary (``x^x``, ``sin(x)^cos(x)``) is not
given up on: it is differentiated logarithmically, ``y = f^g``, ``ln y = g ln f``,
``y' = y (g ln f)'``.

Examples
--------
>>> from calc_core.parser import parse, symbol
>>> x = symbol("x")
>>> tree = build(parse("sin(x^2)"), x)
>>> type(tree).__name__, str(tree.inner), type(tree.outer).__name__
('ChainRule', 'x**2', 'FunctionRule')
>>> evaluate(tree)
2*x*cos(x**2)
>>> evaluate(build(parse("x^x"), x))
x**x*(log(x) + 1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import singledispatch

import sympy as sp
from sympy.core.function import AppliedUndef


@dataclass(frozen=True)
class Rule:
    """Differentiate ``expr`` with respect to ``var``."""

    expr: sp.Expr
    var: sp.Symbol


@dataclass(frozen=True)
class ConstantRule(Rule):
    """``c' = 0``: ``expr`` does not depend on ``var``."""


@dataclass(frozen=True)
class VariableRule(Rule):
    """``x' = 1``."""


@dataclass(frozen=True)
class PowerRule(Rule):
    """``(x^n)' = n x^(n-1)`` for a constant ``exponent`` n."""

    exponent: sp.Expr


@dataclass(frozen=True)
class ExponentialRule(Rule):
    """``(a^x)' = a^x ln a`` for a constant ``base`` a."""

    base: sp.Expr


@dataclass(frozen=True)
class FunctionRule(Rule):
    """A table derivative: ``exp, log``, trig, inverse trig, hyperbolic or ``abs`` of ``var``."""

    name: str
    family: str


@dataclass(frozen=True)
class ConstantMultipleRule(Rule):
    """``(c g)' = c g'``."""

    constant: sp.Expr
    other: sp.Expr
    substep: Rule


@dataclass(frozen=True)
class SumRule(Rule):
    """``(f + g + ...)' = f' + g' + ...``."""

    substeps: tuple[Rule, ...]


@dataclass(frozen=True)
class ProductRule(Rule):
    """``(f g ...)' = f' g ... + f g' ... + ...``."""

    factors: tuple[sp.Expr, ...]
    substeps: tuple[Rule, ...]


@dataclass(frozen=True)
class QuotientRule(Rule):
    """``(f/g)' = (f' g - f g') / g^2``."""

    numerator: sp.Expr
    denominator: sp.Expr
    num_step: Rule
    den_step: Rule


@dataclass(frozen=True)
class ChainRule(Rule):
    """``F(g(x))' = F'(u) g'(x)`` with ``u = g(x)``; ``outer`` differentiates ``F(u)`` in u."""

    u: sp.Symbol
    inner: sp.Expr
    outer: Rule
    inner_step: Rule


@dataclass(frozen=True)
class LogDiffRule(Rule):
    """``y = f^g``: ``ln y = g ln f``, so ``y' = y (g ln f)'`` (both f and g vary)."""

    base: sp.Expr
    exponent: sp.Expr
    log_expr: sp.Expr
    log_step: Rule


@dataclass(frozen=True)
class AbstractRule(Rule):
    """``f'(x)``: an abstract function ``f`` of ``var`` (any differentiable f), kept as f'."""

    name: str


@dataclass(frozen=True)
class SympyRule(Rule):
    """Anything outside the grammar's functions: sympy's ``diff``, said plainly."""


FAMILY = {
    sp.exp: ("exp", "exp"),
    sp.log: ("log", "log"),
    sp.sin: ("sin", "trig"),
    sp.cos: ("cos", "trig"),
    sp.tan: ("tan", "trig"),
    sp.asin: ("asin", "inverse_trig"),
    sp.acos: ("acos", "inverse_trig"),
    sp.atan: ("atan", "inverse_trig"),
    sp.sinh: ("sinh", "hyperbolic"),
    sp.cosh: ("cosh", "hyperbolic"),
    sp.tanh: ("tanh", "hyperbolic"),
    sp.Abs: ("abs", "abs"),
    sp.sec: ("sec", "trig"),
    sp.csc: ("csc", "trig"),
    sp.cot: ("cot", "trig"),
    sp.asec: ("asec", "inverse_trig"),
    sp.acsc: ("acsc", "inverse_trig"),
    sp.acot: ("acot", "inverse_trig"),
    sp.asinh: ("asinh", "inverse_hyperbolic"),
    sp.acosh: ("acosh", "inverse_hyperbolic"),
    sp.atanh: ("atanh", "inverse_hyperbolic"),
}
#: Names the steps view reads as abstract functions: ``f(x) g(x)``, ``f(g(x))``.
ABSTRACT = ("f", "g")

#: The table: d/dt F(t) for each function the grammar has.
TABLE: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "exp": sp.exp,
    "log": lambda t: 1 / t,
    "sin": sp.cos,
    "cos": lambda t: -sp.sin(t),
    "tan": lambda t: 1 + sp.tan(t) ** 2,
    "asin": lambda t: 1 / sp.sqrt(1 - t**2),
    "acos": lambda t: -1 / sp.sqrt(1 - t**2),
    "atan": lambda t: 1 / (1 + t**2),
    "sinh": sp.cosh,
    "cosh": sp.sinh,
    "tanh": lambda t: 1 - sp.tanh(t) ** 2,
    "abs": sp.sign,
    "sec": lambda t: sp.sec(t) * sp.tan(t),
    "csc": lambda t: -sp.csc(t) * sp.cot(t),
    "cot": lambda t: -1 - sp.cot(t) ** 2,
    # sympy's forms (1/(t^2 sqrt(1 - 1/t^2)) = 1/(|t| sqrt(t^2 - 1)) where |t| > 1)
    "asec": lambda t: 1 / (t**2 * sp.sqrt(1 - 1 / t**2)),
    "acsc": lambda t: -1 / (t**2 * sp.sqrt(1 - 1 / t**2)),
    "acot": lambda t: -1 / (1 + t**2),
    "asinh": lambda t: 1 / sp.sqrt(t**2 + 1),
    "acosh": lambda t: 1 / (sp.sqrt(t - 1) * sp.sqrt(t + 1)),
    "atanh": lambda t: 1 / (1 - t**2),
}

# ----------------------------------------------------------------------------- build


def _fresh_names() -> Iterator[sp.Symbol]:
    """``u, v, w``, then ``u_4, u_5, ...``: the names of successive inner functions."""
    yield from (sp.Symbol(n, real=True) for n in ("u", "v", "w"))
    k = 4
    while True:
        yield sp.Symbol(f"u_{k}", real=True)
        k += 1


class _Builder:
    def __init__(self) -> None:
        self.names = _fresh_names()

    def build(self, e: sp.Expr, x: sp.Symbol) -> Rule:
        if not e.has(x):
            return ConstantRule(e, x)
        if e == x:
            return VariableRule(e, x)
        if e.is_Add:
            return SumRule(e, x, tuple(self.build(t, x) for t in e.as_ordered_terms()))
        if e.is_Mul:
            return self.mul(e, x)
        if e.is_Pow:
            return self.power(e, x)
        if isinstance(e, AppliedUndef) and len(e.args) == 1:
            (arg,) = e.args
            if arg == x:
                return AbstractRule(e, x, e.func.__name__)
            return self.chain(e, x, arg, lambda u: e.func(u))
        family = FAMILY.get(e.func)
        if family is not None and len(e.args) == 1:
            name, kind = family
            (arg,) = e.args
            if arg == x:
                return FunctionRule(e, x, name, kind)
            return self.chain(e, x, arg, lambda u: e.func(u))
        return SympyRule(e, x)

    def mul(self, e: sp.Expr, x: sp.Symbol) -> Rule:
        factors = e.as_ordered_factors()
        const = [a for a in factors if not a.has(x)]
        rest = [a for a in factors if a.has(x)]
        if const:
            other = sp.Mul(*rest)
            return ConstantMultipleRule(e, x, sp.Mul(*const), other, self.build(other, x))
        num, den = [], []
        for a in rest:
            if a.is_Pow and a.exp.is_number and a.exp.is_negative:
                den.append(sp.Pow(a.base, -a.exp))
            else:
                num.append(a)
        if den:
            f, g = sp.Mul(*num), sp.Mul(*den)
            return QuotientRule(e, x, f, g, self.build(f, x), self.build(g, x))
        return ProductRule(e, x, tuple(rest), tuple(self.build(a, x) for a in rest))

    def power(self, e: sp.Expr, x: sp.Symbol) -> Rule:
        base, n = e.base, e.exp
        if not n.has(x):
            if base == x:
                return PowerRule(e, x, n)
            return self.chain(e, x, base, lambda u: sp.Pow(u, n))
        if not base.has(x):
            if n == x:
                return ExponentialRule(e, x, base)
            return self.chain(e, x, n, lambda u: sp.Pow(base, u))
        log_expr = n * sp.log(base)
        return LogDiffRule(e, x, base, n, log_expr, self.build(log_expr, x))

    def chain(self, e: sp.Expr, x: sp.Symbol, inner: sp.Expr, outer: Callable) -> Rule:
        u = next(self.names)
        return ChainRule(e, x, u, inner, self.build(outer(u), u), self.build(inner, x))


def build(expr: sp.Expr, var: sp.Symbol) -> Rule:
    """The rule tree differentiating ``expr`` with respect to ``var`` (dispatch on the form)."""
    return _Builder().build(expr, var)


# ----------------------------------------------------------------------------- evaluate


@singledispatch
def evaluate(rule: Rule) -> sp.Expr:
    """The derivative a rule tree stands for (each rule combines its sub-steps' results)."""
    raise TypeError(f"no evaluation for {type(rule).__name__}")


@evaluate.register
def _(rule: ConstantRule) -> sp.Expr:
    return sp.Integer(0)


@evaluate.register
def _(rule: VariableRule) -> sp.Expr:
    return sp.Integer(1)


@evaluate.register
def _(rule: PowerRule) -> sp.Expr:
    return rule.exponent * rule.var ** (rule.exponent - 1)


@evaluate.register
def _(rule: ExponentialRule) -> sp.Expr:
    return rule.base**rule.var * sp.log(rule.base)


@evaluate.register
def _(rule: FunctionRule) -> sp.Expr:
    return TABLE[rule.name](rule.var)


@evaluate.register
def _(rule: ConstantMultipleRule) -> sp.Expr:
    return rule.constant * evaluate(rule.substep)


@evaluate.register
def _(rule: SumRule) -> sp.Expr:
    return sp.Add(*(evaluate(s) for s in rule.substeps))


@evaluate.register
def _(rule: ProductRule) -> sp.Expr:
    terms = []
    for k, step in enumerate(rule.substeps):
        others = [f for j, f in enumerate(rule.factors) if j != k]
        terms.append(evaluate(step) * sp.Mul(*others))
    return sp.Add(*terms)


@evaluate.register
def _(rule: QuotientRule) -> sp.Expr:
    f, g = rule.numerator, rule.denominator
    return (evaluate(rule.num_step) * g - f * evaluate(rule.den_step)) / g**2


def put_back(e: sp.Expr, u: sp.Symbol, inner: sp.Expr) -> sp.Expr:
    """``e`` with ``u = inner`` put back; ``f'(u)`` becomes ``f'(inner)`` as sympy writes it.

    ``Derivative(f(u), u)`` with u = g(x) is sympy's ``Derivative(f(g(x)), g(x))``; with
    u = sin(g(x)) (not something sympy differentiates with respect to) it is
    ``Subs(Derivative(f(u), u), u, sin(g(x)))``.
    """
    try:
        return e.xreplace({u: inner})
    except ValueError:
        xi = sp.Dummy("xi")
        held = e.replace(
            lambda n: isinstance(n, sp.Derivative) and u in n.variables,
            lambda n: sp.Subs(n.xreplace({u: xi}), xi, inner),
        )
        return held.xreplace({u: inner})


@evaluate.register
def _(rule: ChainRule) -> sp.Expr:
    outer = put_back(evaluate(rule.outer), rule.u, rule.inner)
    return outer * evaluate(rule.inner_step)


@evaluate.register
def _(rule: LogDiffRule) -> sp.Expr:
    return rule.expr * evaluate(rule.log_step)


@evaluate.register
def _(rule: AbstractRule) -> sp.Expr:
    return sp.Derivative(rule.expr, rule.var)  # after the chain rule: f'(g(x)), as sympy


@evaluate.register
def _(rule: SympyRule) -> sp.Expr:
    return sp.diff(rule.expr, rule.var)
