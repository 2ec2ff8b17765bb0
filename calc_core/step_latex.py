r"""A rule tree as LaTeX lines: what each rule states and how it applies here.

:func:`render` walks a tree from :func:`calc_core.step_rules.build` in reading order
(a rule, then its sub-steps) and gives one :class:`StepLine` per rule: the rule in
general (:data:`TABLE_LATEX` for a table function), and the derivative of this
expression rewritten by it, down to its result. An abstract ``f`` is written ``f'``.

Examples
--------
>>> from calc_core.parser import parse, symbol
>>> from calc_core.step_rules import build
>>> x = symbol("x")
>>> lines = render(build(parse("3 sin(x)"), x))
>>> [line.kind for line in lines]
['constant_multiple', 'trig']
>>> print(lines[1].work_latex)
\frac{d}{dx}\left[\sin{\left(x \right)}\right] = \cos{\left(x \right)}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import singledispatch

import sympy as sp
from sympy.core.function import AppliedUndef

from calc_core import printing
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
    evaluate,
    put_back,
)

#: Longest LaTeX of one step: longer substituted forms are replaced by an ellipsis.
MAX_LINE_LATEX = 2500

#: The rule each table entry states, in LaTeX (t stands for the variable).
TABLE_LATEX = {
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


def tex(e: sp.Expr) -> str:
    """LaTeX of ``e`` as the steps show it: a derivative of an abstract ``f`` is ``f'``."""
    if not e.has(AppliedUndef):
        return printing.latex(e)
    text = printing.latex(_primed(e))
    for name in ABSTRACT:
        text = text.replace(rf"\operatorname{{{name}'}}", f"{name}'")
    return text


def _group(e: sp.Expr) -> str:
    """LaTeX of ``e``, bracketed when it would bind loosely inside a product."""
    s = tex(e)
    if e.is_Add or (e.could_extract_minus_sign() and not e.is_Number) or (e.is_Number and e < 0):
        return rf"\left({s}\right)"
    return s


def _power_base(e: sp.Expr) -> str:
    """LaTeX of ``e`` as the base of a power: bracketed unless it is a symbol or a call."""
    if e.is_Symbol or (e.is_Integer and e >= 0) or isinstance(e, sp.Function):
        return tex(e)
    return rf"\left({tex(e)}\right)"


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
    return rf"\frac{{d}}{{d{tex(var)}}}"


def _D(e: sp.Expr, var: sp.Symbol) -> str:
    return rf"{_d(var)}\left[{tex(e)}\right]"


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
    result_latex = tex(result)
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
    rule_latex = TABLE_LATEX[rule.name] if is_table else _RULE_LATEX[kind]
    return StepLine(
        depth=depth,
        kind=kind,
        params=tuple(params.items()),
        expr_latex=tex(rule.expr),
        var_latex=tex(rule.var),
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
    middle = [rf"{_group(n)}\,{tex(rule.var)}^{{{tex(n)} - 1}}"]
    out.append(_line(rule, depth, middle, n=tex(n)))


@_render.register
def _(rule: ExponentialRule, depth: int, out: list[StepLine]) -> None:
    out.append(_line(rule, depth, [], a=tex(rule.base)))


@_render.register
def _(rule: FunctionRule, depth: int, out: list[StepLine]) -> None:
    out.append(_line(rule, depth, [], name=tex(rule.expr)))


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
    out.append(_line(rule, depth, middle, c=tex(rule.constant)))
    _render(sub, depth + 1, out)


@_render.register
def _(rule: SumRule, depth: int, out: list[StepLine]) -> None:
    middle = [
        " + ".join(_D(s.expr, rule.var) for s in rule.substeps),
        _signed_sum(tex(evaluate(s)) for s in rule.substeps),
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
    out.append(_line(rule, depth, middle, f=tex(f), g=tex(g)))
    _render(rule.num_step, depth + 1, out)
    _render(rule.den_step, depth + 1, out)


@_render.register
def _(rule: ChainRule, depth: int, out: list[StepLine]) -> None:
    u, inner, x = rule.u, rule.inner, rule.var
    outer_d = evaluate(rule.outer)
    middle = [
        rf"\left.{_D(rule.outer.expr, u)}\right|_{{{tex(u)} = {tex(inner)}}} \cdot "
        rf"{_D(inner, x)}",
        rf"{_group(put_back(outer_d, u, inner))} \cdot {_group(evaluate(rule.inner_step))}",
    ]
    params = {
        "u": tex(u),
        "inner": tex(inner),
        "outer": tex(rule.outer.expr),
    }
    out.append(_line(rule, depth, middle, **params))
    _render(rule.outer, depth + 1, out)
    _render(rule.inner_step, depth + 1, out)


@_render.register
def _(rule: LogDiffRule, depth: int, out: list[StepLine]) -> None:
    y = tex(rule.expr)
    middle = [
        rf"{_group(rule.expr)} \cdot {_D(rule.log_expr, rule.var)}",
        rf"{_group(rule.expr)} \cdot {_group(evaluate(rule.log_step))}",
    ]
    params = {"y": y, "log": tex(rule.log_expr), "f": tex(rule.base)}
    params["g"] = tex(rule.exponent)
    out.append(_line(rule, depth, middle, **params))
    _render(rule.log_step, depth + 1, out)


def render(rule: Rule) -> tuple[StepLine, ...]:
    """The rule tree as lines in reading order (pre-order: a rule, then its sub-steps)."""
    out: list[StepLine] = []
    _render(rule, 0, out)
    return tuple(out)
