"""Graphviz (DOT) drawings of the chain-rule page: the dependency graph and the computational graph.

``st.graphviz_chart`` renders DOT text in the browser, so these builders only write
text: nodes and edges from a calc_core record, labelled with translated words and
numbers formatted here. Nothing is parsed or computed.

Examples
--------
>>> from calc_core.chain import abstract
>>> dot = dependency_dot(abstract(), "a", {"value": "value"})
>>> dot.startswith("digraph") and '"a" -> "x"' in dot and '"z" -> "u"' in dot
True
"""

from __future__ import annotations

import math
import re
import unicodedata

from calc_core.backprop import BackpropResult
from calc_core.chain import ChainResult
from calc_core.forward import ForwardResult

#: The book's blue for inputs, grey for intermediates, and a warm colour for u / the output.
COLORS = {"input": "#dbe9f6", "inner": "#f2f2f2", "output": "#fde2c8", "path": "#d62728"}


def number(value: float | None, digits: int = 6) -> str:
    """A value for a label: 6 significant digits, ``—`` when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}g}".replace("-", "−")


def tex_number(value: float | None, digits: int = 10) -> str:
    """A value inside LaTeX: an ASCII minus, ``\\infty``, and ``?`` when undefined."""
    return number(value, digits).replace("−", "-").replace("∞", r"\infty").replace("—", "?")


#: Longest text an attribute keeps (Graphviz refuses a quoted string over 16,384 bytes).
MAX_LABEL = 1000
#: "&name;", "&#65;", "&#x41;": Graphviz reads these as character references in a label.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def _printable(ch: str) -> str:
    if ch == "\t":
        return " "
    if ch == "\n":
        return ch
    if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
        return "\ufffd"  # XML cannot hold it, or C strings end at it: shown as �
    return ch


def dot_string(text: str) -> str:
    """``text`` as a DOT string literal that Graphviz draws exactly as written.

    Whatever ``text`` holds (it may come from a visitor's formula), it stays inside the
    literal and reads back literally: backslashes are doubled (no ``\\N``, ``\\l``
    escapes), quotes escaped, newlines become DOT's ``\\n`` line breaks (none first:
    Graphviz crashed on an edge label opening with one), characters
    XML or C strings cannot carry become U+FFFD, and an ``&`` that would start a
    character reference gets an invisible word joiner after it. A quoted string is
    never an HTML-like label, and the shapes used here are not records, so ``<``,
    ``>``, ``{``, ``|`` are plain text.
    """
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    # no empty first line: Graphviz 14.1 crashed on an edge label that starts with one
    text = "".join(map(_printable, text)).lstrip("\n")
    text = _ENTITY.sub("&\u2060", text)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _attrs(**attrs: str) -> str:
    return "[" + ", ".join(f"{k}={dot_string(v)}" for k, v in attrs.items()) + "]"


def _on_paths(result: ChainResult, wrt: str) -> set[tuple[str, str]]:
    edges: set[tuple[str, str]] = set()
    for walk in result.walkthroughs:
        if walk.wrt == wrt:
            for term in walk.terms:
                edges.update(zip(term.path, term.path[1:], strict=False))
    return edges


def dependency_dot(result: ChainResult, wrt: str, words: dict[str, str]) -> str:
    """Inputs -> intermediates -> u, left to right; each edge labelled with its local partial.

    Edges on a path from ``wrt`` to u are drawn bold and coloured: they are the terms
    of the chain rule's sum. ``words`` holds the translated ``value``.
    """
    values = dict(result.values)
    lines = [
        "digraph chain {",
        '  rankdir="LR"; nodesep="0.35"; ranksep="0.9"; ordering="out";',
        '  node [fontname="Helvetica", fontsize="12", style="filled"];',
        '  edge [fontname="Helvetica", fontsize="10"];',
    ]

    def label(name: str, formula: str) -> str:
        text = formula if result.abstract else f"{name} = {formula}"
        if name in values:
            text += f"\n{words['value']} {number(values[name])}"
        return text

    texts = dict(result.definition_texts)
    for name in result.inputs:
        attrs = _attrs(
            label=label(name, name) if result.abstract else _value_label(name, values, words),
            shape="ellipse",
            fillcolor=COLORS["input"],
        )
        lines.append(f"  {dot_string(name)} {attrs};")
    for name in result.intermediates:
        attrs = _attrs(label=label(name, texts[name]), shape="box", fillcolor=COLORS["inner"])
        lines.append(f"  {dot_string(name)} {attrs};")
    out = result.output
    attrs = _attrs(
        label=f"{out} = {result.output_text}"
        + (f"\n{words['value']} {number(values[out])}" if out in values else ""),
        shape="box",
        style="filled,rounded,bold",
        fillcolor=COLORS["output"],
    )
    lines.append(f"  {dot_string(out)} {attrs};")
    hot = _on_paths(result, wrt)
    for e in result.edges:
        text = f"∂{e.target}/∂{e.source}"
        if e.partial_text is not None:
            text += f" = {e.partial_text}"
        if e.value is not None:
            text += f"\n= {number(e.value)}"
        attrs = {"label": text}
        if (e.source, e.target) in hot:
            attrs.update(color=COLORS["path"], fontcolor=COLORS["path"], penwidth="2.2")
        else:
            attrs.update(color="#777777")
        lines.append(f"  {dot_string(e.source)} -> {dot_string(e.target)} {_attrs(**attrs)};")
    lines.append("}")
    return "\n".join(lines)


def _value_label(name: str, values: dict, words: dict[str, str]) -> str:
    return f"{name}\n{words['value']} {number(values.get(name))}" if name in values else name


def _graph_dot(
    name: str, result: BackpropResult, node_rows: list[str], edges: list[tuple[int, int, str]]
) -> str:
    """The computational graph, inputs left, output right: one label per node and edge."""
    lines = [
        f"digraph {name} {{",
        '  rankdir="LR"; nodesep="0.3"; ranksep="0.7";',
        '  node [fontname="Helvetica", fontsize="11", style="filled"];',
        '  edge [fontname="Helvetica", fontsize="9"];',
    ]
    for node, rows in zip(result.nodes, node_rows, strict=True):
        if node.op == "input":
            head, shape, color = node.name, "ellipse", COLORS["input"]
        else:
            head, shape = f"{node.name}: {node.label}", "box"
            color = COLORS["output"] if node.id == result.output else COLORS["inner"]
        attrs = _attrs(
            label=f"{head}\n{rows}", shape=shape, fillcolor=color, tooltip=node.expr_text
        )
        lines.append(f"  n{node.id} {attrs};")
    for source, target, text in edges:
        lines.append(f"  n{source} -> n{target} {_attrs(label=text, color='#777777')};")
    lines.append("}")
    return "\n".join(lines)


def backprop_dot(result: BackpropResult, words: dict[str, str]) -> str:
    """The computational graph after both passes.

    Each node shows its operation, its value (forward pass) and its adjoint (backward
    pass); each edge the local derivative and, after the arrow, what it sends back.
    ``words`` holds the translated ``value``, ``adjoint`` and ``local``.
    """
    rows = [
        f"{words['value']} {number(n.value)}\n{words['adjoint']} {number(n.adjoint)}"
        for n in result.nodes
    ]
    edges = [
        (e.source, e.target, f"{words['local']} {number(e.local)}\n← {number(e.contribution)}")
        for e in result.edges
    ]
    return _graph_dot("backprop", result, rows, edges)


def tangent_dot(result: ForwardResult, k: int, words: dict[str, str]) -> str:
    """The same graph after the forward pass seeded along input ``k``: dual numbers.

    Each node shows its value and its tangent (∂node/∂input); each edge the local
    derivative and, after the arrow, what it carries forward (local × the source's
    tangent). ``words`` holds the translated ``value``, ``tangent`` and ``local``.
    """
    tangent_pass = result.passes[k]
    rows = [
        f"{words['value']} {number(d.value)}\n{words['tangent']} {number(d.tangent)}"
        for d in tangent_pass.duals
    ]
    edges = [
        (e.source, e.target, f"{words['local']} {number(e.local)}\n→ {number(e.contribution)}")
        for e in tangent_pass.edges
    ]
    return _graph_dot("tangent", result.graph, rows, edges)
