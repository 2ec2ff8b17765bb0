"""Reverse-mode automatic differentiation over the parsed expression's graph, with numpy.

This is the chain rule run backwards, as D2L's next section (automatic
differentiation) and every deep-learning framework do it:

1. **Graph.** The parsed expression becomes a DAG of nodes ``v0, v1, ...``: the
   inputs first, then one node per operation (``+``, ``×``, ``^``, ``sin``, ...).
   A sub-expression used twice (``x*y`` in ``x*y + sin(x*y)``) is one node with two
   uses. Constants are folded into the operation that uses them (``×3``, ``+1``,
   ``^2``), so every edge carries a derivative worth looking at.
2. **Forward pass.** Visit the nodes in order and compute each value from its
   arguments' values.
3. **Backward pass.** Seed the output's adjoint with 1 (``d f / d f``), visit the
   nodes in reverse order, and push each node's adjoint to its arguments:
   ``adjoint[arg] += adjoint[node] * d node / d arg``, the local derivative on the
   edge. An input's adjoint is then ``d f / d input``: the gradient.

The gradient is compared with sympy's symbolic gradient at the same point.

Examples
--------
>>> r = backprop("x*y + sin(x)", "x=1, y=2")
>>> [n.label for n in r.nodes]
['x', 'y', '×', 'sin', '+']
>>> np.allclose(r.gradient, [2 + np.cos(1), 1]), r.agree
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.checks import evaluator
from calc_core.definitions import parse_point, shifted, to_text
from calc_core.errors import InputError
from calc_core.gradients import book_cell
from calc_core.parser import parse, symbol

#: Most nodes drawn (a 200-character input stays well below).
MAX_NODES = 80
MAX_INPUTS = 6

# Each unary operation: (forward, local derivative given the argument a and the value y).
_UNARY: dict[str, tuple[Callable, Callable]] = {
    "sin": (np.sin, lambda a, y: np.cos(a)),
    "cos": (np.cos, lambda a, y: -np.sin(a)),
    "tan": (np.tan, lambda a, y: 1.0 + y * y),
    "exp": (np.exp, lambda a, y: y),
    "log": (np.log, lambda a, y: 1.0 / a),
    "asin": (np.arcsin, lambda a, y: 1.0 / np.sqrt(1.0 - a * a)),
    "acos": (np.arccos, lambda a, y: -1.0 / np.sqrt(1.0 - a * a)),
    "atan": (np.arctan, lambda a, y: 1.0 / (1.0 + a * a)),
    "sinh": (np.sinh, lambda a, y: np.cosh(a)),
    "cosh": (np.cosh, lambda a, y: np.sinh(a)),
    "tanh": (np.tanh, lambda a, y: 1.0 - y * y),
    "abs": (np.abs, lambda a, y: np.sign(a)),
    "sec": (lambda a: 1.0 / np.cos(a), lambda a, y: y * np.tan(a)),
    "csc": (lambda a: 1.0 / np.sin(a), lambda a, y: -y / np.tan(a)),
    "cot": (lambda a: np.cos(a) / np.sin(a), lambda a, y: -(1.0 + y * y)),
    "asec": (lambda a: np.arccos(1.0 / a), lambda a, y: 1.0 / (np.abs(a) * np.sqrt(a * a - 1.0))),
    "acsc": (lambda a: np.arcsin(1.0 / a), lambda a, y: -1.0 / (np.abs(a) * np.sqrt(a * a - 1.0))),
    "acot": (lambda a: np.arctan(1.0 / a), lambda a, y: -1.0 / (1.0 + a * a)),
    "asinh": (np.arcsinh, lambda a, y: 1.0 / np.sqrt(a * a + 1.0)),
    "acosh": (np.arccosh, lambda a, y: 1.0 / np.sqrt(a * a - 1.0)),
    "atanh": (np.arctanh, lambda a, y: 1.0 / (1.0 - a * a)),
}
# The same local derivatives as formulas in the argument's name A and the node's name Y.
_UNARY_LATEX = {
    "sin": r"\cos A",
    "cos": r"-\sin A",
    "tan": r"1 + Y^{2}",
    "exp": r"Y",
    "log": r"\frac{1}{A}",
    "asin": r"\frac{1}{\sqrt{1 - A^{2}}}",
    "acos": r"-\frac{1}{\sqrt{1 - A^{2}}}",
    "atan": r"\frac{1}{1 + A^{2}}",
    "sinh": r"\cosh A",
    "cosh": r"\sinh A",
    "tanh": r"1 - Y^{2}",
    "abs": r"\operatorname{sign} A",
    "sec": r"Y \tan A",
    "csc": r"-Y \cot A",
    "cot": r"-\left(1 + Y^{2}\right)",
    "asec": r"\frac{1}{|A| \sqrt{A^{2} - 1}}",
    "acsc": r"-\frac{1}{|A| \sqrt{A^{2} - 1}}",
    "acot": r"-\frac{1}{1 + A^{2}}",
    "asinh": r"\frac{1}{\sqrt{A^{2} + 1}}",
    "acosh": r"\frac{1}{\sqrt{A^{2} - 1}}",
    "atanh": r"\frac{1}{1 - A^{2}}",
}
_SYMPY_UNARY = {
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.exp: "exp",
    sp.log: "log",
    sp.asin: "asin",
    sp.acos: "acos",
    sp.atan: "atan",
    sp.sinh: "sinh",
    sp.cosh: "cosh",
    sp.tanh: "tanh",
    sp.Abs: "abs",
    sp.sec: "sec",
    sp.csc: "csc",
    sp.cot: "cot",
    sp.asec: "asec",
    sp.acsc: "acsc",
    sp.acot: "acot",
    sp.asinh: "asinh",
    sp.acosh: "acosh",
    sp.atanh: "atanh",
}


@dataclass(frozen=True)
class Node:
    """One node of the computational graph, with its forward value and backward adjoint.

    ``op`` is ``input``, ``const``, ``add`` (sum of the arguments plus ``constant``),
    ``mul`` (product times ``constant``), ``pow_const`` (argument to the power
    ``constant``), ``const_pow`` (``constant`` to the power of the argument), ``pow``
    (first argument to the power of the second) or a function name (``sin``, ...).
    """

    id: int
    name: str  # "v3" (inputs keep their own names)
    op: str
    label: str  # what the graph shows: "+", "×3", "^2", "sin", ...
    args: tuple[int, ...]
    constant: float | None
    constant_latex: str | None
    expr_text: str  # the sub-expression this node computes, in the input grammar
    expr_latex: str
    value: float
    adjoint: float


@dataclass(frozen=True)
class Edge:
    """``source -> target``: target uses source; the local derivative and what flows back."""

    source: int
    target: int
    local_latex: str  # d target / d source as a formula (a = this argument, y = target's value)
    local: float
    contribution: float  # adjoint[target] * local, added to adjoint[source]


@dataclass(frozen=True)
class BackpropResult:
    """The graph after both passes, the gradient, and sympy's gradient beside it."""

    f_text: str
    f_latex: str
    variables: tuple[str, ...]
    point: tuple[float, ...]
    nodes: tuple[Node, ...]  # in forward (topological) order
    edges: tuple[Edge, ...]  # in the order the backward pass visits them
    output: int
    gradient: tuple[float, ...]  # adjoints of the inputs
    symbolic_latex: tuple[str, ...]  # sympy's partial derivatives
    symbolic_text: tuple[str, ...]  # the same as plain text
    symbolic: tuple[float | None, ...]  # ... at the point
    agree: bool  # backward pass == symbolic gradient (where both are finite)
    max_difference: float | None
    undefined: tuple[int, ...]  # nodes whose value is not a finite real at the point
    book_code: str = ""  # numpy: f and its gradient by central differences (a notebook's cell)


@dataclass(frozen=True)
class _Op:
    op: str
    label: str
    args: tuple[sp.Expr, ...]
    constant: sp.Expr | None


def real_constant(c: sp.Expr) -> float:
    """A constant's float value; NaN when it is not real (``sqrt(cos(2))`` is imaginary)."""
    value = complex(sp.N(c, 17))
    return value.real if value.imag == 0 else math.nan


def _fmt_const(c: sp.Expr) -> str:
    """A folded constant as the graph labels it: as typed when short (``-pi``, ``1/2``)."""
    text = to_text(c)
    if c.is_Rational or len(text) <= 10:
        return text
    value = real_constant(c)
    return text if math.isnan(value) else f"{value:.6g}"


def _decompose(e: sp.Expr, variables: set[sp.Symbol]) -> _Op:
    """The operation at the top of ``e`` with constants folded in."""
    if e.is_Add or e.is_Mul:
        const = [a for a in e.args if not (a.free_symbols & variables)]
        rest = tuple(a for a in e.args if a.free_symbols & variables)
        if e.is_Add:
            c = sp.Add(*const)
            label = "+" if c == 0 else f"+ {_fmt_const(c)}"
            return _Op("add", label, rest, c)
        c = sp.Mul(*const)
        label = "×" if c == 1 else f"× {_fmt_const(c)}"
        return _Op("mul", label, rest, c)
    if e.is_Pow:
        base, n = e.base, e.exp
        if not (n.free_symbols & variables):
            return _Op("pow_const", f"^{_fmt_const(n)}", (base,), n)
        if not (base.free_symbols & variables):
            return _Op("const_pow", f"{_fmt_const(base)}^·", (n,), base)
        return _Op("pow", "^", (base, n), None)
    name = _SYMPY_UNARY.get(e.func)
    if name is not None:
        return _Op(name, name, e.args, None)
    raise InputError(
        "unknown_function",
        f"'{e.func}' cannot be put on the computational graph.",
        name=str(e.func),
    )


def local_derivative(op: str, args: list[float], y: float, k: int, c: float | None) -> float:
    """d node / d args[k] at the forward values (``y``: the node's value)."""
    if op == "add":
        return 1.0
    if op == "mul":
        others = [a for j, a in enumerate(args) if j != k]
        return float(c * np.prod(others))
    if op == "pow_const":
        return float(c * np.power(args[0], c - 1.0))
    if op == "const_pow":
        return float(y * np.log(c))
    if op == "pow":
        a, b = args
        return float(b * np.power(a, b - 1.0)) if k == 0 else float(y * np.log(a))
    return float(_UNARY[op][1](args[0], y))


def node_value(op: str, args: list[float], c: float | None) -> float:
    """A node's value from its arguments' values (``c``: its folded constant)."""
    if op == "add":
        return float(c + sum(args))
    if op == "mul":
        return float(c * np.prod(args))
    if op == "pow_const":
        return float(np.power(args[0], c))
    if op == "const_pow":
        return float(np.power(c, args[0]))
    if op == "pow":
        return float(np.power(args[0], args[1]))
    return float(_UNARY[op][0](args[0]))


def node_latex(name: str, k: int, is_input: bool) -> str:
    """``x`` for an input, ``v_{3}`` for node 3."""
    return printing.latex(symbol(name)) if is_input else f"v_{{{k}}}"


def _local_latex(op: str, k: int, names: list[str], y: str, c_latex: str | None) -> str:
    """d y / d names[k] as a formula in the node names (``\\cos v_{2}``, ``y``, ...)."""
    a = names[k]
    if op == "add":
        return "1"
    if op == "mul":
        coef = [] if c_latex in (None, "1") else [c_latex]
        parts = coef + [n for j, n in enumerate(names) if j != k]
        return r" \cdot ".join(parts) or "1"
    if op == "pow_const":
        return rf"{c_latex}\, {a}^{{{c_latex} - 1}}"
    if op == "const_pow":
        return rf"{y} \ln {c_latex}"
    if op == "pow":
        return rf"{names[1]}\, {names[0]}^{{{names[1]} - 1}}" if k == 0 else rf"{y} \ln {names[0]}"
    return _UNARY_LATEX[op].replace("A", a).replace("Y", y)


def build_graph(expr: sp.Expr, variables: tuple[str, ...]) -> list[tuple[str, _Op | None, sp.Expr]]:
    """The DAG in topological order: ``(name, operation, sub-expression)``; inputs first."""
    syms = {symbol(v) for v in variables}
    order: list[tuple[str, _Op | None, sp.Expr]] = [(v, None, symbol(v)) for v in variables]
    index: dict[sp.Expr, int] = {symbol(v): k for k, v in enumerate(variables)}

    def visit(e: sp.Expr) -> int:
        if e in index:
            return index[e]
        if not (e.free_symbols & syms):  # a constant output (f = 3): one constant node
            index[e] = len(order)
            order.append((f"v{len(order)}", _Op("const", _fmt_const(e), (), e), e))
            return index[e]
        op = _decompose(e, syms)
        for a in op.args:
            visit(a)
        if len(order) >= MAX_NODES:
            raise InputError(
                "too_many_nodes",
                f"The graph would have more than {MAX_NODES} nodes.",
                field="f",
                limit=MAX_NODES,
            )
        index[e] = len(order)
        order.append((f"v{len(order)}", op, e))
        return index[e]

    visit(expr)
    return order


def _parsed_graph(f_text: str, variables: tuple[str, ...]):
    """f parsed over ``variables`` (errors in the ``f`` field), its graph, each node's index."""
    try:
        expr = parse(f_text, variables)
    except InputError as err:
        raise shifted(err, 0, "f", variables) from None
    graph = build_graph(expr, variables)
    return expr, graph, {e: k for k, (_, _, e) in enumerate(graph)}


def backprop(f_text: str, at_text: str) -> BackpropResult:
    """Parse ``f`` in the inputs declared by ``at`` (``x=1, y=2``); run both passes.

    Raises
    ------
    InputError
        For malformed ``f`` or ``at``, or a name in ``f`` that ``at`` does not declare.
    """
    point = parse_point(at_text, "at", max_names=MAX_INPUTS)
    variables = point.names
    if not variables:
        raise InputError(
            "no_inputs",
            "Declare the inputs and their values in 'at', for example x=1, y=2.",
            column=0,
            field="at",
        )
    expr, graph, index = _parsed_graph(f_text, variables)
    n = len(graph)
    output = index[expr]

    # forward pass
    values = np.zeros(n)
    arg_ids: list[tuple[int, ...]] = []
    consts: list[float | None] = []
    with np.errstate(all="ignore"):
        for k, (_, op, _e) in enumerate(graph):
            if op is None:
                values[k] = point.values[k]
                arg_ids.append(())
                consts.append(None)
                continue
            ids = tuple(index[a] for a in op.args)
            c = None if op.constant is None else real_constant(op.constant)
            arg_ids.append(ids)
            consts.append(c)
            values[k] = c if op.op == "const" else node_value(op.op, [values[j] for j in ids], c)

        # backward pass
        adjoint = np.zeros(n)
        adjoint[output] = 1.0  # f = x: the output is an input node, not the last one
        edges: list[Edge] = []
        for k in range(n - 1, -1, -1):
            _, op, _ = graph[k]
            if op is None or op.op == "const":
                continue
            args = [values[j] for j in arg_ids[k]]
            c_latex = None if op.constant is None else printing.latex(op.constant)
            names = [node_latex(graph[j][0], j, j < len(variables)) for j in arg_ids[k]]
            y = node_latex(graph[k][0], k, False)
            for pos, j in enumerate(arg_ids[k]):
                local = local_derivative(op.op, args, values[k], pos, consts[k])
                flow = adjoint[k] * local
                adjoint[j] += flow
                latex = _local_latex(op.op, pos, names, y, c_latex)
                edges.append(Edge(j, k, latex, local, float(flow)))

    nodes = tuple(
        Node(
            id=k,
            name=name,
            op="input" if op is None else op.op,
            label=name if op is None else op.label,
            args=arg_ids[k],
            constant=consts[k],
            constant_latex=None
            if op is None or op.constant is None
            else printing.latex(op.constant),
            expr_text=to_text(e),
            expr_latex=printing.latex(e),
            value=float(values[k]),
            adjoint=float(adjoint[k]),
        )
        for k, (name, op, e) in enumerate(graph)
    )
    syms = [symbol(v) for v in variables]
    partials = [sp.diff(expr, s) for s in syms]
    at = [np.array([v]) for v in point.values]
    symbolic = []
    for d in partials:
        v = float(evaluator(d, syms)(*at)[0])
        symbolic.append(v if math.isfinite(v) else None)
    gradient = tuple(float(adjoint[k]) for k in range(len(variables)))
    pairs = [(g, s) for g, s in zip(gradient, symbolic, strict=True) if s is not None]
    finite = [(g, s) for g, s in pairs if math.isfinite(g)]
    agree = len(finite) == len(variables) and all(
        math.isclose(g, s, rel_tol=1e-9, abs_tol=1e-12) for g, s in finite
    )
    return BackpropResult(
        f_text=f_text,
        f_latex=printing.latex(expr),
        variables=tuple(variables),
        point=tuple(point.values),
        nodes=nodes,
        edges=tuple(edges),
        output=output,
        gradient=gradient,
        symbolic_latex=tuple(printing.latex(d) for d in partials),
        symbolic_text=tuple(to_text(d) for d in partials),
        symbolic=tuple(symbolic),
        agree=agree,
        max_difference=max((abs(g - s) for g, s in finite), default=None),
        undefined=tuple(k for k in range(n) if not math.isfinite(values[k])),
        book_code=book_cell(expr, syms, point.values, gradient)[0],
    )


# ----------------------------------------------------------------------------- PyTorch


def torch_available() -> bool:
    """Whether PyTorch is installed (checked without importing it)."""
    return find_spec("torch") is not None


def torch_gradient(f_text: str, at_text: str) -> tuple[float, ...] | None:
    """The same graph replayed with ``torch.autograd``; None when PyTorch is not installed.

    PyTorch is never a requirement: this is an independent witness, imported only here.
    """
    if not torch_available():
        return None
    import torch  # optional, and slow to import: only here

    point = parse_point(at_text, "at", max_names=MAX_INPUTS)
    variables = point.names
    expr, graph, index = _parsed_graph(f_text, variables)
    unary = {
        "sin": torch.sin,
        "cos": torch.cos,
        "tan": torch.tan,
        "exp": torch.exp,
        "log": torch.log,
        "asin": torch.asin,
        "acos": torch.acos,
        "atan": torch.atan,
        "sinh": torch.sinh,
        "cosh": torch.cosh,
        "tanh": torch.tanh,
        "abs": torch.abs,
        "sec": lambda a: 1 / torch.cos(a),
        "csc": lambda a: 1 / torch.sin(a),
        "cot": lambda a: torch.cos(a) / torch.sin(a),
        "asec": lambda a: torch.acos(1 / a),
        "acsc": lambda a: torch.asin(1 / a),
        "acot": lambda a: torch.atan(1 / a),
        "asinh": torch.asinh,
        "acosh": torch.acosh,
        "atanh": torch.atanh,
    }
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point.values]
    vals: list = list(leaves)
    for _name, op, _e in graph[len(variables) :]:
        args = [vals[index[a]] for a in op.args]
        c = None if op.constant is None else real_constant(op.constant)
        if op.op == "const":
            out = torch.tensor(c, dtype=torch.float64)
        elif op.op == "add":
            out = c + sum(args[1:], args[0])
        elif op.op == "mul":
            out = args[0]
            for a in args[1:]:
                out = out * a
            out = c * out
        elif op.op == "pow_const":
            out = args[0] ** c
        elif op.op == "const_pow":
            out = torch.tensor(c, dtype=torch.float64) ** args[0]
        elif op.op == "pow":
            out = args[0] ** args[1]
        else:
            out = unary[op.op](args[0])
        vals.append(out)
    output = vals[index[expr]]  # f = x: an input, not the last node
    if not output.requires_grad:  # f does not depend on any input
        return tuple(0.0 for _ in leaves)
    grads = torch.autograd.grad(output, leaves, allow_unused=True)
    return tuple(0.0 if g is None else float(g) for g in grads)
