"""Derivatives step by step: a tree of rule records, evaluated and rendered separately.

Like SymPy Gamma's ``diffsteps`` (and sympy's ``manualintegrate``), the derivation
is data. :func:`build` looks at the expression's top-level operation and returns
one frozen record per rule -- constant, variable, power, sum, constant multiple,
product, quotient, chain (the inner function is named ``u``, then ``v``, ``w`` ...),
exp, exponential ``a^x``, log, trigonometric, inverse trigonometric, hyperbolic,
absolute value -- whose fields hold the sub-steps. :func:`evaluate` turns a tree
into the derivative, :func:`render` into LaTeX lines. Unlike SymPy Gamma, a power
whose base *and* exponent vary (``x^x``, ``sin(x)^cos(x)``) is not given up on: it
is differentiated logarithmically, ``y = f^g``, ``ln y = g ln f``,
``y' = y (g ln f)'``.

:func:`steps` (what the page calls) checks that the last line equals sympy's own
derivative, symbolically where that is cheap and at random points otherwise.

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
>>> r = steps("x^x")
>>> r.check, r.lines[0].kind
('symbolic', 'log_diff')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import singledispatch

import sympy as sp
from sympy.core.function import AppliedUndef

from calc_core import printing
from calc_core.budget import within
from calc_core.checks import expandable, same_function, symbolic_zero
from calc_core.errors import InputError
from calc_core.parser import parse, symbol

#: Longest derivation rendered (a 200-character input stays far below this).
MAX_LINES = 400
#: Longest LaTeX of one step: longer substituted forms are replaced by an ellipsis.
MAX_LINE_LATEX = 2500
#: ``factor`` of the final line is tried only below this operation count ...
FACTOR_MAX_OPS = 60
#: ... and ``simplify`` (much slower on trigonometric sums) only below this one,
SIMPLIFY_MAX_OPS = 20
#: ... without trigonometric functions, and with no compound base raised above this power.
SIMPLIFY_MAX_POWER = 4
#: Seconds each of factor, cancel and simplify may spend looking for a shorter form.
SHORTER_BUDGET = 0.3

# ----------------------------------------------------------------------------- rules


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


_FAMILY = {
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
_TABLE: dict[str, Callable[[sp.Expr], sp.Expr]] = {
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

#: The rule each table entry states, in LaTeX (t stands for the variable).
_TABLE_LATEX = {
    "exp": r"\frac{d}{dt} e^{t} = e^{t}",
    "log": r"\frac{d}{dt} \ln t = \frac{1}{t}",
    "sin": r"\frac{d}{dt} \sin t = \cos t",
    "cos": r"\frac{d}{dt} \cos t = -\sin t",
    "tan": r"\frac{d}{dt} \tan t = \sec^{2} t = 1 + \tan^{2} t",
    "asin": r"\frac{d}{dt} \arcsin t = \frac{1}{\sqrt{1 - t^{2}}}",
    "acos": r"\frac{d}{dt} \arccos t = -\frac{1}{\sqrt{1 - t^{2}}}",
    "atan": r"\frac{d}{dt} \arctan t = \frac{1}{1 + t^{2}}",
    "sinh": r"\frac{d}{dt} \sinh t = \cosh t",
    "cosh": r"\frac{d}{dt} \cosh t = \sinh t",
    "tanh": r"\frac{d}{dt} \tanh t = 1 - \tanh^{2} t",
    "abs": r"\frac{d}{dt} |t| = \operatorname{sign} t \quad (t \neq 0)",
    "sec": r"\frac{d}{dt} \sec t = \sec t \tan t",
    "csc": r"\frac{d}{dt} \csc t = -\csc t \cot t",
    "cot": r"\frac{d}{dt} \cot t = -\csc^{2} t = -1 - \cot^{2} t",
    "asec": r"\frac{d}{dt} \operatorname{arcsec} t = \frac{1}{|t| \sqrt{t^{2} - 1}}"
    r" = \frac{1}{t^{2} \sqrt{1 - 1/t^{2}}} \quad (|t| > 1)",
    "acsc": r"\frac{d}{dt} \operatorname{arccsc} t = -\frac{1}{|t| \sqrt{t^{2} - 1}}"
    r" = -\frac{1}{t^{2} \sqrt{1 - 1/t^{2}}} \quad (|t| > 1)",
    "acot": r"\frac{d}{dt} \operatorname{arccot} t = -\frac{1}{1 + t^{2}} \quad (t \neq 0)",
    "asinh": r"\frac{d}{dt} \operatorname{arsinh} t = \frac{1}{\sqrt{t^{2} + 1}}",
    "acosh": r"\frac{d}{dt} \operatorname{arcosh} t = \frac{1}{\sqrt{t - 1} \sqrt{t + 1}}"
    r" \quad (t > 1)",
    "atanh": r"\frac{d}{dt} \operatorname{artanh} t = \frac{1}{1 - t^{2}} \quad (|t| < 1)",
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
        family = _FAMILY.get(e.func)
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
    return _TABLE[rule.name](rule.var)


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


# ----------------------------------------------------------------------------- render


@dataclass(frozen=True)
class StepLine:
    """One rendered step: its depth in the tree, its rule and the LaTeX of its work.

    ``params`` are LaTeX fragments a translated sentence may use (``u``, ``inner``,
    ``n``, ``c``, ``a``, ``name``); ``rule_latex`` states the rule in general,
    ``work_latex`` applies it to this expression.
    """

    depth: int
    kind: str
    params: tuple[tuple[str, str], ...]
    expr_latex: str
    var_latex: str
    rule_latex: str
    work_latex: str
    result_latex: str


def _primed(e: sp.Expr) -> sp.Expr:
    """``Derivative(f(u), u)`` of an abstract f written as ``f'(u)`` (display only)."""

    def is_prime(n) -> bool:
        return (
            isinstance(n, sp.Derivative)
            and isinstance(n.expr, AppliedUndef)
            and n.expr.args == n.variables
            and len(n.variables) == 1
        )

    def is_held(n) -> bool:
        return isinstance(n, sp.Subs) and is_prime(n.expr) and len(n.point) == 1

    primed = e.replace(is_held, lambda n: sp.Function(f"{n.expr.expr.func.__name__}'")(*n.point))
    return primed.replace(is_prime, lambda n: sp.Function(f"{n.expr.func.__name__}'")(*n.variables))


def _latex(e: sp.Expr) -> str:
    if not e.has(AppliedUndef):
        return printing.latex(e)
    text = printing.latex(_primed(e))
    for name in ABSTRACT:
        text = text.replace(rf"\operatorname{{{name}'}}", f"{name}'")
    return text


def _group(e: sp.Expr) -> str:
    """LaTeX of ``e``, bracketed when it would bind loosely inside a product."""
    s = _latex(e)
    if e.is_Add or (e.could_extract_minus_sign() and not e.is_Number) or (e.is_Number and e < 0):
        return rf"\left({s}\right)"
    return s


def _power_base(e: sp.Expr) -> str:
    """LaTeX of ``e`` as the base of a power: bracketed unless it is a symbol or a call."""
    if e.is_Symbol or (e.is_Integer and e >= 0) or isinstance(e, sp.Function):
        return _latex(e)
    return rf"\left({_latex(e)}\right)"


def _signed_sum(parts: Iterable[str]) -> str:
    """Join LaTeX terms with ``+``, or just a space before a term that starts with ``-``."""
    out = ""
    for k, part in enumerate(parts):
        if k == 0:
            out = part
        elif part.lstrip().startswith("-"):
            out += f" {part}"
        else:
            out += f" + {part}"
    return out


def _d(var: sp.Symbol) -> str:
    return rf"\frac{{d}}{{d{_latex(var)}}}"


def _D(e: sp.Expr, var: sp.Symbol) -> str:
    return rf"{_d(var)}\left[{_latex(e)}\right]"


_KIND = {
    ConstantRule: "constant",
    VariableRule: "variable",
    PowerRule: "power",
    ExponentialRule: "exponential",
    ConstantMultipleRule: "constant_multiple",
    SumRule: "sum",
    ProductRule: "product",
    QuotientRule: "quotient",
    ChainRule: "chain",
    LogDiffRule: "log_diff",
    AbstractRule: "abstract",
    SympyRule: "sympy",
}

_RULE_LATEX = {
    "constant": r"\frac{d}{dx} c = 0",
    "variable": r"\frac{d}{dx} x = 1",
    "power": r"\frac{d}{dx} x^{n} = n x^{n-1}",
    "exponential": r"\frac{d}{dx} a^{x} = a^{x} \ln a",
    "constant_multiple": r"\frac{d}{dx}\left[c\,g\right] = c\,\frac{dg}{dx}",
    "sum": r"\frac{d}{dx}\left[f + g\right] = \frac{df}{dx} + \frac{dg}{dx}",
    "product": r"\frac{d}{dx}\left[f g\right] = \frac{df}{dx}\,g + f\,\frac{dg}{dx}",
    "quotient": r"\frac{d}{dx}\left[\frac{f}{g}\right] = \frac{\frac{df}{dx}\,g - f\,"
    r"\frac{dg}{dx}}{g^{2}}",
    "chain": r"\frac{d}{dx} F(u) = \frac{dF}{du}\,\frac{du}{dx}",
    "log_diff": r"y = f^{g} \;\Rightarrow\; \ln y = g \ln f \;\Rightarrow\; "
    r"\frac{dy}{dx} = y\,\frac{d}{dx}\left[g \ln f\right]",
    "sympy": r"\frac{d}{dx} F",
    "abstract": r"\frac{d}{dx} f(x) = f'(x)",
}


def kind_of(rule: Rule) -> str:
    """The rule's name as used by the page's translations (``"chain"``, ``"trig"``, ...)."""
    if isinstance(rule, FunctionRule):
        return rule.family
    return _KIND[type(rule)]


def _line(rule: Rule, depth: int, middle: list[str], **params: str) -> StepLine:
    kind = kind_of(rule)
    result = evaluate(rule)
    result_latex = _latex(result)
    parts = [_D(rule.expr, rule.var)]
    for m in [*middle, result_latex]:
        if m != parts[-1]:
            parts.append(m)
    chain = parts[:2]  # the derivative and the rule's own form are always shown
    for part in parts[2:]:
        if sum(map(len, chain)) + len(part) > MAX_LINE_LATEX:
            chain.append(r"\cdots")  # substituted forms too long to read
            break
        chain.append(part)
    is_table = isinstance(rule, FunctionRule)
    rule_latex = _TABLE_LATEX[rule.name] if is_table else _RULE_LATEX[kind]
    return StepLine(
        depth=depth,
        kind=kind,
        params=tuple(params.items()),
        expr_latex=_latex(rule.expr),
        var_latex=_latex(rule.var),
        rule_latex=rule_latex,
        work_latex=" = ".join(chain),
        result_latex=result_latex,
    )


@singledispatch
def _render(rule: Rule, depth: int, out: list[StepLine]) -> None:
    out.append(_line(rule, depth, []))


@_render.register
def _(rule: PowerRule, depth: int, out: list[StepLine]) -> None:
    n = rule.exponent
    middle = [rf"{_group(n)}\,{_latex(rule.var)}^{{{_latex(n)} - 1}}"]
    out.append(_line(rule, depth, middle, n=_latex(n)))


@_render.register
def _(rule: ExponentialRule, depth: int, out: list[StepLine]) -> None:
    out.append(_line(rule, depth, [], a=_latex(rule.base)))


@_render.register
def _(rule: FunctionRule, depth: int, out: list[StepLine]) -> None:
    out.append(_line(rule, depth, [], name=_latex(rule.expr)))


@_render.register
def _(rule: AbstractRule, depth: int, out: list[StepLine]) -> None:
    out.append(_line(rule, depth, [], name=rule.name))


@_render.register
def _(rule: ConstantMultipleRule, depth: int, out: list[StepLine]) -> None:
    c = _group(rule.constant)
    sub = rule.substep
    middle = [
        rf"{c} \cdot {_D(rule.other, rule.var)}",
        rf"{c} \cdot {_group(evaluate(sub))}",
    ]
    out.append(_line(rule, depth, middle, c=_latex(rule.constant)))
    _render(sub, depth + 1, out)


@_render.register
def _(rule: SumRule, depth: int, out: list[StepLine]) -> None:
    middle = [
        " + ".join(_D(s.expr, rule.var) for s in rule.substeps),
        _signed_sum(_latex(evaluate(s)) for s in rule.substeps),
    ]
    out.append(_line(rule, depth, middle))
    for s in rule.substeps:
        _render(s, depth + 1, out)


def _product_terms(factors, steps, var, derivative: Callable[[Rule], str]) -> str:
    terms = []
    for k, step in enumerate(steps):
        parts = [derivative(step) if j == k else _group(f) for j, f in enumerate(factors)]
        terms.append(r" \cdot ".join(parts))
    return " + ".join(terms)


@_render.register
def _(rule: ProductRule, depth: int, out: list[StepLine]) -> None:
    f, s, x = rule.factors, rule.substeps, rule.var
    middle = [
        _product_terms(f, s, x, lambda st: _D(st.expr, x)),
        _product_terms(f, s, x, lambda st: _group(evaluate(st))),
    ]
    out.append(_line(rule, depth, middle))
    for step in s:
        _render(step, depth + 1, out)


@_render.register
def _(rule: QuotientRule, depth: int, out: list[StepLine]) -> None:
    f, g, x = rule.numerator, rule.denominator, rule.var
    fl, gl, g2 = _group(f), _group(g), rf"{_power_base(g)}^{{2}}"
    middle = [
        rf"\frac{{{_D(f, x)} \cdot {gl} - {fl} \cdot {_D(g, x)}}}{{{g2}}}",
        rf"\frac{{{_group(evaluate(rule.num_step))} \cdot {gl} - {fl} \cdot "
        rf"{_group(evaluate(rule.den_step))}}}{{{g2}}}",
    ]
    out.append(_line(rule, depth, middle, f=_latex(f), g=_latex(g)))
    _render(rule.num_step, depth + 1, out)
    _render(rule.den_step, depth + 1, out)


@_render.register
def _(rule: ChainRule, depth: int, out: list[StepLine]) -> None:
    u, inner, x = rule.u, rule.inner, rule.var
    outer_d = evaluate(rule.outer)
    middle = [
        rf"\left.{_D(rule.outer.expr, u)}\right|_{{{_latex(u)} = {_latex(inner)}}} \cdot "
        rf"{_D(inner, x)}",
        rf"{_group(put_back(outer_d, u, inner))} \cdot {_group(evaluate(rule.inner_step))}",
    ]
    params = {"u": _latex(u), "inner": _latex(inner), "outer": _latex(rule.outer.expr)}
    out.append(_line(rule, depth, middle, **params))
    _render(rule.outer, depth + 1, out)
    _render(rule.inner_step, depth + 1, out)


@_render.register
def _(rule: LogDiffRule, depth: int, out: list[StepLine]) -> None:
    y = _latex(rule.expr)
    middle = [
        rf"{_group(rule.expr)} \cdot {_D(rule.log_expr, rule.var)}",
        rf"{_group(rule.expr)} \cdot {_group(evaluate(rule.log_step))}",
    ]
    params = {"y": y, "log": _latex(rule.log_expr), "f": _latex(rule.base)}
    params["g"] = _latex(rule.exponent)
    out.append(_line(rule, depth, middle, **params))
    _render(rule.log_step, depth + 1, out)


def render(rule: Rule) -> tuple[StepLine, ...]:
    """The rule tree as lines in reading order (pre-order: a rule, then its sub-steps)."""
    out: list[StepLine] = []
    _render(rule, 0, out)
    return tuple(out)


# ----------------------------------------------------------------------------- the page


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
        derivative_latex=_latex(result),
        simplified_latex=None if shorter is None else _latex(shorter),
        sympy_latex=_latex(reference),
        check=_check(result, reference, x),
        truncated=len(lines) > MAX_LINES,
        f_code=printing.sstr(expr),
        derivative_code=printing.sstr(result),
        abstract=expr.has(AppliedUndef),
    )
