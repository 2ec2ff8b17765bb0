"""The multivariate chain rule, walked through: D2L 2.4's exercise and any composition like it.

The book's exercise: u = f(x, y, z) with x = x(a, b), y = y(a, b), z = z(a, b);
write du/da and du/db. The answer is the multivariate chain rule,

    du/da = du/dx dx/da + du/dy dy/da + du/dz dz/da,

one term per path from a to u in the dependency graph. :func:`walkthrough` does
this for whatever a learner declares -- the inputs and their values (``at``:
``a=0.5, b=1.5``), any number of intermediate variables (``inner``: ``x=a+b;
y=a*b; z=b^2``, which may also use each other) and the outer expression ``u``:
every local partial on its edge, one term per path (symbolically, as formulas, in
the inputs, and as a number at the point), their sum, a simplified form, and the
proof that it equals differentiating the substituted composite u(a, b) directly,
symbolically and numerically (plus a central difference as an independent check).
With nothing typed it returns the abstract form of the exercise.

Examples
--------
>>> r = walkthrough("x*y + z", "x=a+b; y=a*b; z=b^2", "a=0.5, b=1.5")
>>> r.inputs, r.intermediates
(('a', 'b'), ('x', 'y', 'z'))
>>> w = r.walkthrough("a")
>>> [t.path for t in w.terms]
[('a', 'x', 'u'), ('a', 'y', 'u')]
>>> w.check, round(w.value, 6), round(w.direct_value, 6)
('symbolic', 3.75, 3.75)
>>> walkthrough("", "", "").abstract
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.checks import evaluator, expandable, same_function
from calc_core.definitions import (
    Definition,
    parse_point,
    parse_rhs,
    shifted,
    split_pieces,
    to_text,
)
from calc_core.diffsteps import shorter_form
from calc_core.errors import InputError
from calc_core.parser import MAX_LENGTH, parse, symbol

#: The outer function's name (reserved: no input or intermediate may use it).
OUTPUT = "u"
MAX_INTERMEDIATES = 10
MAX_INPUTS = 6
#: Most paths from one input to u listed as terms (a dense layered graph has many).
MAX_PATHS = 32
#: The book's exercise, shown when nothing is typed.
EXERCISE_INTERMEDIATES = ("x", "y", "z")
EXERCISE_INPUTS = ("a", "b")


@dataclass(frozen=True)
class ChainEdge:
    """``source -> target``: target's local partial derivative with respect to source."""

    source: str
    target: str
    symbol_latex: str  # \frac{\partial x}{\partial a}
    partial_latex: str | None  # the formula, in target's own arguments (None when abstract)
    partial_text: str | None  # the same as plain text, for graph labels
    value: float | None  # at the point


@dataclass(frozen=True)
class ChainTerm:
    """One path from an input to u and the product of the partials along it."""

    path: tuple[str, ...]  # ('a', 'x', 'u')
    symbol_latex: str
    local_latex: str | None  # the product of the local formulas
    input_latex: str | None  # the product written in the inputs (None: too long to show)
    value: float | None


@dataclass(frozen=True)
class Walkthrough:
    """du/d(wrt): the terms, their sum and the proof that it is the right derivative."""

    wrt: str
    formula_latex: str  # the chain rule in symbols
    terms: tuple[ChainTerm, ...]
    zero_terms: tuple[tuple[str, str], ...]  # (variable, term): u uses it, it ignores wrt
    sum_latex: str | None  # the sum of the terms, in the inputs (None: too long, or abstract)
    simplified_latex: str | None
    direct_latex: str | None  # d/d(wrt) of the substituted composite, by sympy
    check: str | None  # how sum == direct is known (see calc_core.checks.same_function)
    value: float | None  # the sum at the point
    direct_value: float | None
    difference_value: float | None  # central difference of the composite at the point
    exact_latex: str | None  # the exact value at the point, when it is short


@dataclass(frozen=True)
class ChainResult:
    """Everything the multivariate view shows; the page does no mathematics."""

    abstract: bool
    inputs: tuple[str, ...]
    intermediates: tuple[str, ...]  # in dependency order
    output: str
    output_latex: str  # u = ...
    output_text: str  # the same as plain text, for the graph
    definitions: tuple[tuple[str, str], ...]  # (name, LaTeX of its right-hand side)
    definition_texts: tuple[tuple[str, str], ...]  # (name, plain text of its right-hand side)
    edges: tuple[ChainEdge, ...]
    walkthroughs: tuple[Walkthrough, ...]
    point: tuple[tuple[str, float], ...]
    values: tuple[tuple[str, float | None], ...]  # every variable's value at the point
    undefined: tuple[str, ...]  # variables not defined (real, finite) at the point
    unused: tuple[str, ...]  # intermediates u does not depend on
    composite_latex: str | None
    composite_text: str | None  # u(inputs) in the grammar, for the backward-pass view
    #: u and the definitions as sympy reads them back (a notebook's cells); empty: abstract
    output_code: str = ""
    definition_code: tuple[tuple[str, str], ...] = ()

    def walkthrough(self, wrt: str) -> Walkthrough:
        """The walkthrough for input ``wrt`` (the first input's when ``wrt`` is not one)."""
        for w in self.walkthroughs:
            if w.wrt == wrt:
                return w
        return self.walkthroughs[0]


#: Formulas with more tree nodes than this are not printed (their LaTeX would fill pages).
MAX_SHOWN_NODES = 400


def shown(expr: sp.Expr) -> str | None:
    """LaTeX of ``expr``, or None when it is too big to be worth reading."""
    for count, _ in enumerate(sp.preorder_traversal(expr)):
        if count > MAX_SHOWN_NODES:
            return None
    return printing.latex(expr)


def _sym_latex(name: str) -> str:
    return printing.latex(symbol(name))


def partial_symbol(target: str, source: str) -> str:
    r"""``\frac{\partial target}{\partial source}`` in LaTeX."""
    return rf"\frac{{\partial {_sym_latex(target)}}}{{\partial {_sym_latex(source)}}}"


def _edge_symbol(target: str, source: str, others: list[str], inputs: tuple[str, ...]) -> str:
    """An edge's symbol; u's own partial in an input is marked as taken with the rest fixed."""
    plain = partial_symbol(target, source)
    if target == OUTPUT and source in inputs and others:
        fixed = ", ".join(_sym_latex(o) for o in others)
        return rf"\left({plain}\right)_{{{fixed}}}"
    return plain


def _paths(children: dict[str, list[str]], start: str) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []

    def walk(path: tuple[str, ...]) -> None:
        if len(out) > MAX_PATHS:
            return
        node = path[-1]
        if node == OUTPUT:
            out.append(path)
            return
        for child in children.get(node, []):
            walk((*path, child))

    walk((start,))
    if len(out) > MAX_PATHS:
        raise InputError(
            "too_many_paths",
            f"More than {MAX_PATHS} paths lead from {start} to u; use fewer layers.",
            field="inner",
            limit=MAX_PATHS,
            name=start,
        )
    return out


def _formula(wrt: str, paths: list[tuple[str, ...]], symbols: dict[tuple[str, str], str]) -> str:
    lhs = partial_symbol(OUTPUT, wrt)
    if not paths:
        return f"{lhs} = 0"
    terms = [
        " ".join(symbols[(path[k], path[k + 1])] for k in range(len(path) - 2, -1, -1))
        for path in paths
    ]
    return f"{lhs} = " + " + ".join(terms)


# ----------------------------------------------------------------------------- abstract


def abstract(
    intermediates: tuple[str, ...] = EXERCISE_INTERMEDIATES,
    inputs: tuple[str, ...] = EXERCISE_INPUTS,
) -> ChainResult:
    """The exercise in symbols: u = f(x, y, z), each of x, y, z a function of a and b."""
    args = ", ".join(_sym_latex(n) for n in inputs)
    edges = [
        ChainEdge(a, v, partial_symbol(v, a), None, None, None)
        for v in intermediates
        for a in inputs
    ]
    edges += [
        ChainEdge(v, OUTPUT, partial_symbol(OUTPUT, v), None, None, None) for v in intermediates
    ]
    symbols = {(e.source, e.target): e.symbol_latex for e in edges}
    walks = []
    for a in inputs:
        paths = [(a, v, OUTPUT) for v in intermediates]
        terms = tuple(
            ChainTerm(p, f"{symbols[(p[1], p[2])]} {symbols[(p[0], p[1])]}", None, None, None)
            for p in paths
        )
        walks.append(
            Walkthrough(
                a,
                _formula(a, paths, symbols),
                terms,
                (),
                *([None] * 8),
            )
        )
    inner_args = ", ".join(_sym_latex(v) for v in intermediates)
    return ChainResult(
        abstract=True,
        inputs=inputs,
        intermediates=intermediates,
        output=OUTPUT,
        output_latex=f"f({inner_args})",
        output_text=f"f({', '.join(intermediates)})",
        definitions=tuple((v, f"{_sym_latex(v)}({args})") for v in intermediates),
        definition_texts=tuple((v, f"{v}({', '.join(inputs)})") for v in intermediates),
        edges=tuple(edges),
        walkthroughs=tuple(walks),
        point=(),
        values=(),
        undefined=(),
        unused=(),
        composite_latex=None,
        composite_text=None,
    )


# ----------------------------------------------------------------------------- concrete


def _order(defs: dict[str, Definition], names: list[str]) -> list[str]:
    """The intermediates in dependency order; a cycle is an InputError naming it."""
    deps = {n: [m for m in names if symbol(m) in defs[n].expr.free_symbols] for n in names}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    order: list[str] = []

    def visit(n: str, path: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            loop = [*path[path.index(n) :], n]
            first = min(loop[:-1], key=lambda m: defs[m].col)
            cycle = " → ".join(loop)
            raise InputError(
                "definition_cycle",
                f"Column {defs[first].col + 1}: the definitions go round in a circle ({cycle}).",
                column=defs[first].col,
                field="inner",
                cycle=cycle,
            )
        state[n] = 1
        for m in deps[n]:
            visit(m, [*path, n])
        state[n] = 2
        order.append(n)

    for n in names:
        visit(n, [])
    return order


def _value(fn, point: tuple[float, ...]) -> float | None:
    v = float(fn(*(np.array([p]) for p in point))[0])
    return v if math.isfinite(v) else None


def _exact_value(expr: sp.Expr, subs: dict) -> str | None:
    """The exact value at the point when it is short (``15/4``, ``7/4 + 3 cos(9/4)``).

    Only for expressions without big powers: ``(1/2)^(200^10)`` has no short exact form
    and computing it would never finish.
    """
    if sp.count_ops(expr) > 40 or not expandable(expr):
        return None
    syms = list(subs)
    at = [np.array(float(subs[s])) for s in syms]
    for p in expr.atoms(sp.Pow):
        n = p.exp if p.exp.is_Number else evaluator(p.exp, syms)(*at)  # 4^(1/a) at a = 1e-9
        if not abs(float(n)) <= 50:
            return None
    value = expr.xreplace(subs)
    if value.is_Float or sp.count_ops(value) > 12:
        return None
    return printing.latex(value)


def walkthrough(u_text: str, inner_text: str, at_text: str) -> ChainResult:
    """Check and walk through the chain rule for ``u`` of the ``inner`` definitions at ``at``.

    Parameters
    ----------
    u_text : str
        The outer expression, in intermediates and inputs (``"x*y + z"``).
    inner_text : str
        The intermediates: ``"x=a+b; y=a*b; z=b^2"`` (``;``, new lines or commas between).
    at_text : str
        The inputs and their values: ``"a=0.5, b=1.5"``. It declares the inputs.

    Raises
    ------
    InputError
        Syntax errors, undeclared or twice-declared names, reserved names, cycles,
        too many definitions or paths -- each with its field and column.
    """
    if not u_text.strip() and not inner_text.strip():
        return abstract()
    point = parse_point(at_text, "at", reserved=(OUTPUT,), max_names=MAX_INPUTS)
    inputs = point.names
    if not inputs:
        raise InputError(
            "no_inputs",
            "Declare the inputs and their values in 'at', for example a=0.5, b=1.5.",
            column=0,
            field="at",
        )
    pieces = split_pieces(inner_text, "inner", reserved=(OUTPUT,), max_pieces=MAX_INTERMEDIATES)
    for p in pieces:
        if p.name in inputs:
            raise InputError(
                "duplicate_name",
                f"Column {p.name_col + 1}: '{p.name}' is already an input (in 'at').",
                column=p.name_col,
                field="inner",
                name=p.name,
            )
    names = [p.name for p in pieces]
    declared = (*names, *inputs)
    defs = {p.name: Definition(p.name, parse_rhs(p, declared, "inner"), p.name_col) for p in pieces}
    if not u_text.strip():
        raise InputError("empty", "Type u, the outer expression.", column=0, field="u")
    try:
        u_expr = parse(u_text, declared)
    except InputError as err:
        raise shifted(err, 0, "u", declared) from None
    order = _order(defs, names)
    exprs: dict[str, sp.Expr] = {n: defs[n].expr for n in order}
    exprs[OUTPUT] = u_expr

    # the dependency graph: each variable's own arguments, in declaration order
    nodes = [*order, OUTPUT]
    args = {v: [m for m in declared if symbol(m) in exprs[v].free_symbols] for v in nodes}
    children: dict[str, list[str]] = {}
    for v in nodes:
        for m in args[v]:
            children.setdefault(m, []).append(v)

    # the composite: every variable written in the inputs
    comp: dict[sp.Symbol, sp.Expr] = {symbol(a): symbol(a) for a in inputs}
    for v in nodes:
        comp[symbol(v)] = exprs[v].xreplace(comp)
    composite = comp[symbol(OUTPUT)]

    in_syms = [symbol(a) for a in inputs]
    at = point.values
    values: dict[str, float | None] = {a: float(x) for a, x in zip(inputs, at, strict=True)}
    for v in nodes:
        values[v] = _value(evaluator(comp[symbol(v)], in_syms), at)

    edges, symbols, partials = [], {}, {}
    for v in nodes:
        for m in args[v]:
            d = sp.diff(exprs[v], symbol(m))
            partials[(m, v)] = d
            sym = _edge_symbol(v, m, [o for o in args[v] if o != m], inputs)
            symbols[(m, v)] = sym
            value = _value(evaluator(d.xreplace(comp), in_syms), at)
            edges.append(ChainEdge(m, v, sym, printing.latex(d), to_text(d), value))

    exact_point = {symbol(a): e for a, e in zip(inputs, point.exprs, strict=True)}
    walks = []
    for a in inputs:
        walk = _walk(a, _paths(children, a), symbols, partials, comp, composite, in_syms, at)
        zero = tuple(
            (m, f"{symbols[(m, OUTPUT)]} {partial_symbol(m, a)}")
            for m in args[OUTPUT]
            if m in defs and a not in _ancestors(args, m)
        )
        exact = _exact_value(walk.simplified, exact_point)
        walks.append(walk.finish(zero, exact))
    reachable = _ancestors(args, OUTPUT)
    text = to_text(composite)
    return ChainResult(
        abstract=False,
        inputs=tuple(inputs),
        intermediates=tuple(order),
        output=OUTPUT,
        output_latex=printing.latex(u_expr),
        output_text=to_text(u_expr),
        definitions=tuple((n, printing.latex(exprs[n])) for n in order),
        definition_texts=tuple((n, to_text(exprs[n])) for n in order),
        edges=tuple(edges),
        walkthroughs=tuple(walks),
        point=tuple(zip(inputs, at, strict=True)),
        values=tuple((n, values[n]) for n in (*inputs, *order, OUTPUT)),
        undefined=tuple(n for n in (*order, OUTPUT) if values[n] is None),
        unused=tuple(n for n in order if n not in reachable),
        composite_latex=shown(composite),
        composite_text=text if len(text) <= MAX_LENGTH else None,
        output_code=printing.sstr(u_expr),
        definition_code=tuple((n, printing.sstr(exprs[n])) for n in order),
    )


def _ancestors(args: dict[str, list[str]], node: str) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        for m in args.get(stack.pop(), []):
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


@dataclass(frozen=True)
class _Partial:
    """A walkthrough before its zero terms and exact value are known."""

    fields: dict
    simplified: sp.Expr

    def finish(self, zero_terms, exact_latex) -> Walkthrough:
        return Walkthrough(**self.fields, zero_terms=zero_terms, exact_latex=exact_latex)


def _walk(wrt, paths, symbols, partials, comp, composite, in_syms, at) -> _Partial:
    terms, sums = [], []
    for path in paths:
        hops = [(path[k], path[k + 1]) for k in range(len(path) - 2, -1, -1)]  # from u down
        product = sp.Mul(*(partials[h].xreplace(comp) for h in hops))
        sums.append(product)
        local = r" \cdot ".join(rf"\left({printing.latex(partials[h])}\right)" for h in hops)
        terms.append(
            ChainTerm(
                path=path,
                symbol_latex=" ".join(symbols[h] for h in hops),
                local_latex=local,
                input_latex=shown(product),
                value=_value(evaluator(product, in_syms), at),
            )
        )
    total = sp.Add(*sums)
    x = symbol(wrt)
    direct = sp.diff(composite, x)
    shorter = shorter_form(total)
    simplified = total if shorter is None else shorter
    k = in_syms.index(x)
    fn = evaluator(composite, in_syms)
    h = 1e-6 * max(1.0, abs(at[k]))
    plus = [p + h if j == k else p for j, p in enumerate(at)]
    minus = [p - h if j == k else p for j, p in enumerate(at)]
    hi, lo = _value(fn, tuple(plus)), _value(fn, tuple(minus))
    difference = (hi - lo) / (2 * h) if hi is not None and lo is not None else None
    fields = dict(
        wrt=wrt,
        formula_latex=_formula(wrt, paths, symbols),
        terms=tuple(terms),
        sum_latex=shown(total),
        simplified_latex=shown(simplified),
        direct_latex=shown(direct),
        check=same_function(total, direct, in_syms),
        value=_value(evaluator(total, in_syms), at),
        direct_value=_value(evaluator(direct, in_syms), at),
        difference_value=difference,
    )
    return _Partial(fields, simplified)
