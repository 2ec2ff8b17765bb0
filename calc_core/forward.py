"""Forward-mode automatic differentiation with dual numbers, on the backward pass's graph.

A dual number ``a + a'ε`` with ``ε² = 0`` carries a value ``a`` and a tangent ``a'``
(how fast the value moves when one chosen input moves at unit speed). Arithmetic on
duals is the chain rule: ``sin(a + a'ε) = sin a + (cos a · a')ε``, and for a node with
several arguments the tangent is the sum over its incoming edges of *local derivative
× the argument's tangent*. Seed one input's tangent with 1 and the others with 0, run
the graph once from the inputs to the output, and the output's tangent is the partial
derivative along that input: **one pass per input direction**.

:func:`forward_mode` runs that on the same computational graph as
:func:`calc_core.backprop.backprop` (the same nodes, the same local derivatives), so
the two modes can be drawn alike and compared: they give the same gradient, but for
``n`` inputs and one output forward mode needs ``n`` passes over the edges and
reverse mode one. A loss of a million weights is why deep learning runs in reverse.

Examples
--------
>>> r = forward_mode("x*y + sin(x)", "x=1, y=2")
>>> [p.direction for p in r.passes]
['x', 'y']
>>> np.allclose(r.gradient, [2 + np.cos(1), 1]), r.matches_reverse, r.matches_symbolic
(True, True, True)
>>> (r.cost.forward_passes, r.cost.forward_multiply_adds, r.cost.reverse_multiply_adds)
(2, 10, 5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calc_core.backprop import BackpropResult, Node, backprop, local_derivative, node_value

#: Tolerance of "the two modes agree" (they add the same products in another order).
AGREE_RTOL = 1e-9
AGREE_ATOL = 1e-12


@dataclass(frozen=True)
class Dual:
    """``value + tangent·ε``: a node's value and its derivative along the seeded input."""

    value: float
    tangent: float


@dataclass(frozen=True)
class TangentEdge:
    """``source -> target`` in a forward pass: the local derivative and what it carries on.

    ``contribution = local × tangent[source]`` is added to the target's tangent.
    """

    source: int
    target: int
    local: float
    contribution: float


@dataclass(frozen=True)
class TangentPass:
    """One forward pass seeded along one input: a dual number at every node."""

    direction: str  # the input whose tangent was seeded with 1
    duals: tuple[Dual, ...]  # one per node, in the graph's (topological) order
    edges: tuple[TangentEdge, ...]  # in the order the pass visits them
    derivative: float  # the output's tangent: d f / d direction
    multiply_adds: int  # local × tangent products this pass added up


@dataclass(frozen=True)
class Cost:
    """What each mode did for this graph (n inputs, one output), counted as it ran."""

    inputs: int
    nodes: int
    edges: int
    forward_passes: int  # one per input direction
    forward_multiply_adds: int
    reverse_passes: int  # always one backward pass, after one forward pass for the values
    reverse_multiply_adds: int


@dataclass(frozen=True)
class ForwardResult:
    """Every forward pass, the gradient they give, and the backward pass's beside it."""

    graph: BackpropResult  # the same graph with its values, adjoints and sympy's gradient
    passes: tuple[TangentPass, ...]  # one per input, in the order ``at`` declares them
    gradient: tuple[float, ...]  # the output's tangent in each pass
    matches_reverse: bool  # forward == reverse wherever both are finite (and all are)
    matches_symbolic: bool  # forward == sympy's gradient where finite (and all are)
    max_difference: float | None  # largest |forward - reverse|
    cost: Cost


def dual_node(node: Node, args: list[Dual]) -> tuple[Dual, list[float]]:
    """The node applied to dual arguments: its dual value and the local derivatives used.

    The value is the node's operation on the argument values; the tangent is
    ``Σ_k (∂node/∂arg_k) · arg_k.tangent``, the rule ``ε² = 0`` leaves.

    >>> from calc_core.backprop import backprop
    >>> sin = backprop("sin(x)", "x=0").nodes[1]
    >>> dual_node(sin, [Dual(0.0, 1.0)])
    (Dual(value=0.0, tangent=1.0), [1.0])
    """
    values = [a.value for a in args]
    with np.errstate(all="ignore"):
        value = node_value(node.op, values, node.constant)
        local = [
            local_derivative(node.op, values, value, k, node.constant) for k in range(len(args))
        ]
        tangent = float(sum(carried(d, a.tangent) for d, a in zip(local, args, strict=True)))
    return Dual(value, tangent), local


def carried(local: float, tangent: float) -> float:
    """What an edge adds to its target's tangent: ``local × tangent``.

    A zero tangent carries exactly 0, as JAX's symbolic zeros do: along ``x``, the
    tangent of ``y`` is 0, and ``y^y`` at ``y = 0`` (whose local derivative is
    undefined there) must not make ``∂f/∂x`` undefined.

    >>> carried(float("nan"), 0.0), carried(2.0, 3.0)
    (0.0, 6.0)
    """
    if tangent == 0.0:
        return 0.0
    with np.errstate(all="ignore"):
        return float(np.float64(local) * tangent)


def tangent_pass(graph: BackpropResult, seed: int) -> TangentPass:
    """Run the graph once on dual numbers, input ``seed``'s tangent set to 1."""
    duals: list[Dual] = []
    edges: list[TangentEdge] = []
    for node in graph.nodes:
        if node.op in ("input", "const"):
            duals.append(Dual(node.value, 1.0 if node.id == seed else 0.0))
            continue
        dual, local = dual_node(node, [duals[j] for j in node.args])
        for j, d in zip(node.args, local, strict=True):
            edges.append(TangentEdge(j, node.id, d, carried(d, duals[j].tangent)))
        duals.append(dual)
    return TangentPass(
        direction=graph.variables[seed],
        duals=tuple(duals),
        edges=tuple(edges),
        derivative=duals[graph.output].tangent,
        multiply_adds=len(edges),
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=AGREE_RTOL, abs_tol=AGREE_ATOL)


def forward_mode(f_text: str, at_text: str) -> ForwardResult:
    """Parse ``f`` in the inputs declared by ``at``; one forward pass per input.

    Raises
    ------
    InputError
        As :func:`calc_core.backprop.backprop` (malformed ``f`` or ``at``, too many nodes).
    """
    graph = backprop(f_text, at_text)
    passes = tuple(tangent_pass(graph, k) for k in range(len(graph.variables)))
    gradient = tuple(p.derivative for p in passes)
    both = [
        (f, r)
        for f, r in zip(gradient, graph.gradient, strict=True)
        if math.isfinite(f) and math.isfinite(r)
    ]
    exact = [(f, s) for f, s in zip(gradient, graph.symbolic, strict=True) if s is not None]
    exact = [(f, s) for f, s in exact if math.isfinite(f)]
    n = len(graph.variables)
    return ForwardResult(
        graph=graph,
        passes=passes,
        gradient=gradient,
        matches_reverse=len(both) == n and all(_close(f, r) for f, r in both),
        matches_symbolic=len(exact) == n and all(_close(f, s) for f, s in exact),
        max_difference=max((abs(f - r) for f, r in both), default=None),
        cost=Cost(
            inputs=n,
            nodes=len(graph.nodes),
            edges=len(graph.edges),
            forward_passes=len(passes),
            forward_multiply_adds=sum(p.multiply_adds for p in passes),
            reverse_passes=1,
            reverse_multiply_adds=len(graph.edges),
        ),
    )
