"""The chain-rule page's drawing: the three views of ``pages/chain-rule.py``.

Each ``draw_*`` function takes a calc_core record and writes it with Streamlit in
the visitor's language; the callbacks fill inputs (an example, the backward pass
of the current chain). No mathematics here: formulas arrive as LaTeX, numbers as
floats.

Each view keeps its own inputs (:data:`VIEWS`): the steps view's ``f`` and the
graph's ``f`` are different widgets that a link fills under the same URL name, and
the URL holds the inputs of the view on the screen only.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from calc_core import backprop
from calc_core.backprop import BackpropResult, node_latex
from calc_core.chain import ChainResult, Walkthrough, partial_symbol
from calc_core.definitions import MAX_TEXT
from calc_core.diffsteps import StepLine, StepsResult
from calc_core.errors import InputError
from calc_core.forward import ForwardResult
from calc_core.guard import run_limited
from lab_ui import chart_text, exports, icons, notebooks
from lab_ui import url_state as us
from lab_ui.charts.chain_rule import (
    backprop_dot,
    dependency_dot,
    number,
    tangent_dot,
    tex_number,
)
from lab_ui.i18n import t
from lab_ui.shell import show_error

MODES = ("multi", "steps", "graph")
#: How the graph view differentiates: the backward pass, or one dual-number pass per input.
AD_MODES = ("reverse", "forward")
#: The concrete instance of the book's exercise offered by the example button.
EXAMPLE = {"u": "x*y + sin(z)", "inner": "x=a+b; y=a*b; z=b^2", "at": "a=0.5, b=1.5"}
DEFAULT_AT = EXAMPLE["at"]
#: f's default in each view that uses it (the graph one is the example's composite).
DEFAULT_F = {"steps": "exp(sin(x^2))", "graph": "a*b*(a + b) + sin(b^2)"}
#: Expressions offered as one-click examples in the steps view.
STEP_EXAMPLES = (
    "x^x",
    "sin(x)^cos(x)",
    "exp(-x^2)",
    "sin(x)/x",
    "sqrt(1 - x^2)",
    "atan(1/x)",
    "sec(x)^2",
    "f(x)/g(x)",
    "f(g(x))",
)
#: Time limit of the optional torch.autograd witness (its first call imports PyTorch).
TORCH_TIMEOUT = 30.0
#: Inner steps listed open; longer sub-derivations start collapsed.
OPEN_LINES = 4


def parse_name(raw: str) -> str:
    """URL value of ``wrt``: a variable name (letters, then digits), else ValueError."""
    if not re.fullmatch(r"[A-Za-z]+[0-9]*", raw) or len(raw) > 20:
        raise ValueError("not a variable name")
    return raw


MODE = us.Param("mode", "multi", us.choice(MODES))
#: The inputs of each view: URL name, default (a view never opens on an error), widget key.
VIEWS = {
    "multi": (
        us.Param("u", "", us.text()),
        us.Param("inner", "", us.text(MAX_TEXT)),
        us.Param("at", DEFAULT_AT, us.text()),
    ),
    "steps": (us.Param("f", DEFAULT_F["steps"], us.text()),),
    "graph": (
        us.Param("f", DEFAULT_F["graph"], us.text(), widget="graph_f"),
        us.Param("at", DEFAULT_AT, us.text(), widget="graph_at"),
        us.Param("ad", "reverse", us.choice(AD_MODES)),
    ),
}
#: The input the multivariate view asks for once the chain is concrete.
WRT = us.Param("wrt", "a", parse_name)
URL_NAMES = sorted({p.name for view in VIEWS.values() for p in view} | {WRT.name})


# ----------------------------------------------------------------------------- callbacks


def on_mode_change() -> None:
    """Switching views: the URL drops the old view's inputs (the new view brings its own)."""
    us.forget(URL_NAMES)


def fill_example() -> None:
    """The concrete instance of the exercise (u, inner, at)."""
    for key, value in EXAMPLE.items():
        st.session_state[key] = value


def clear_chain() -> None:
    """Back to the abstract form of the exercise."""
    st.session_state["u"] = ""
    st.session_state["inner"] = ""


def open_backward_pass(composite: str, at: str) -> None:
    """Show the current chain's composite as a computational graph (mode=graph)."""
    st.session_state["mode"] = "graph"
    st.session_state["graph_f"] = composite
    st.session_state["graph_at"] = at
    us.forget(URL_NAMES)


def set_f(value: str) -> None:
    st.session_state["f"] = value


def show(err: InputError, source: dict[str, str], mode: str) -> None:
    """An error box whose label is this page's name for the input (``at``, ``f``)."""
    own = {"at": "chain_at", "f": "chain_f" if mode == "graph" else "f"}
    if err.field in own:
        err = err.with_field(own[err.field])
    show_error(err, {own.get(k, k): v for k, v in source.items()})


# ----------------------------------------------------------------------------- multi


def _graph_words() -> dict[str, str]:
    return {"value": t("chain_rule.graph_words.value")}


def check_message(check: str | None) -> tuple[str, str]:
    """(kind, text) of a verdict: ``success`` for a proof, ``warning`` otherwise."""
    if check in ("symbolic", "numeric"):
        return "success", t(f"chain_rule.check.{check}")
    return "warning", t(f"chain_rule.check.{check or 'unknown'}")


def _verdict(check: str | None) -> None:
    kind, text = check_message(check)
    (st.success if kind == "success" else st.warning)(
        text, icon=icons.OK if kind == "success" else icons.WARNING
    )


def draw_definitions(r: ChainResult) -> None:
    lines = [rf"u = {r.output_latex}"]
    lines += [rf"{name} = {latex}" for name, latex in r.definitions]
    st.latex(r" \qquad ".join(lines))
    if r.point:
        point = ", ".join(f"{name} = {number(value)}" for name, value in r.point)
        st.caption(t("chain_rule.multi.point", point=point))


def draw_dependency_graph(r: ChainResult, wrt: str) -> None:
    described = chart_text.dependency_graph(r)
    dot = dependency_dot(r, wrt, _graph_words())
    st.graphviz_chart(dot, alt=described)
    exports.graph_downloads(lambda: dot, "dependency_graph")
    st.caption(t("chain_rule.multi.graph_caption", wrt=wrt))


def draw_abstract(r: ChainResult) -> None:
    st.markdown(t("chain_rule.multi.abstract_intro"))
    draw_definitions(r)
    draw_dependency_graph(r, r.inputs[0])
    for walk in r.walkthroughs:
        st.latex(walk.formula_latex)
    st.caption(t("chain_rule.multi.abstract_note"))
    words = notebooks.words("chain_abstract", plot=False)
    if (cells := notebooks.chain_abstract_cells(r, words)) is not None:
        notebooks.download(lambda: cells, "chain_abstract")


def edges_table(r: ChainResult) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("chain_rule.col.edge"): [f"{e.source} → {e.target}" for e in r.edges],
            t("chain_rule.col.partial"): [
                f"∂{e.target}/∂{e.source} = {e.partial_text}" for e in r.edges
            ],
            t("chain_rule.col.value"): [number(e.value) for e in r.edges],
        }
    )


def _tex(latex: str | None) -> str:
    """A formula, or an ellipsis where calc_core found it too long to print."""
    return r"\cdots" if latex is None else latex


def _aligned(rows: list[str]) -> str:
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def draw_walkthrough(r: ChainResult, w: Walkthrough) -> None:
    """The chain rule for one input: the terms, their sum, the proof and the numbers.

    Few elements on purpose (one LaTeX block per part): every element costs a rerun time.
    """
    st.subheader(t("chain_rule.multi.rule_title", wrt=w.wrt))
    st.latex(w.formula_latex)
    if not w.terms:
        st.info(t("chain_rule.multi.no_path", wrt=w.wrt), icon=icons.INFO)
    else:
        items = [
            "- " + t("chain_rule.multi.term", k=k, path=" → ".join(p.path), value=number(p.value))
            for k, p in enumerate(w.terms, start=1)
        ]
        st.markdown("\n".join(items))
        st.latex(
            _aligned(
                [
                    rf"({k})\quad & {p.symbol_latex} = {p.local_latex} = {_tex(p.input_latex)}"
                    for k, p in enumerate(w.terms, start=1)
                ]
            )
        )
    for name, latex in w.zero_terms:
        st.caption(t("chain_rule.multi.zero_term", name=name, wrt=w.wrt, term=latex))
    lhs = partial_symbol(r.output, w.wrt)
    st.markdown(t("chain_rule.multi.sum_and_proof", wrt=w.wrt))
    rows = [rf"{lhs} &= {_tex(w.sum_latex)}"]
    if w.simplified_latex != w.sum_latex:
        rows.append(rf"&= {_tex(w.simplified_latex)}")
    composite = rf"\frac{{\partial}}{{\partial {w.wrt}}}\, u({', '.join(r.inputs)})"
    rows.append(rf"{composite} &= {_tex(w.direct_latex)}")
    at = ", ".join(f"{name} = {tex_number(value)}" for name, value in r.point)
    exact = f"{w.exact_latex} \\approx " if w.exact_latex else r"\approx "
    rows.append(rf"{lhs}\Big|_{{{at}}} &= {exact}{tex_number(w.value)}")
    st.latex(_aligned(rows))
    if None in (w.sum_latex, w.direct_latex, *(p.input_latex for p in w.terms)):
        st.caption(t("chain_rule.multi.too_long"))
    _verdict(w.check)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("chain_rule.multi.metric_sum"), number(w.value, 10))
    c2.metric(t("chain_rule.multi.metric_direct"), number(w.direct_value, 10))
    c3.metric(t("chain_rule.multi.metric_difference"), number(w.difference_value, 10))


def draw_concrete(r: ChainResult, wrt: str) -> None:
    draw_dependency_graph(r, wrt)  # first after the inputs: above the fold on a laptop
    draw_definitions(r)
    for name in r.undefined:
        st.warning(t("chain_rule.multi.undefined", name=name), icon=icons.WARNING)
    if r.unused:
        st.info(t("chain_rule.multi.unused", names=", ".join(r.unused)), icon=icons.INFO)
    with st.expander(t("chain_rule.multi.edges_title"), expanded=False):
        st.dataframe(edges_table(r), hide_index=True, width="stretch")
    draw_walkthrough(r, r.walkthrough(wrt))
    words = notebooks.words("chain", plot=False)
    notebooks.download(lambda: notebooks.chain_cells(r, words), "chain")


# ----------------------------------------------------------------------------- steps


def rule_sentence(line: StepLine) -> str:
    """The rule's name and what it does here, in the visitor's language (inline LaTeX)."""
    params = dict(line.params)
    name = t(f"chain_rule.rule.{line.kind}")
    why = t(f"chain_rule.why.{line.kind}", expr=line.expr_latex, var=line.var_latex, **params)
    return f"**{name}** — {why}"


def _subtree(lines: tuple[StepLine, ...], start: int) -> int:
    """Index just past the sub-derivation that starts at ``start``."""
    end = start + 1
    while end < len(lines) and lines[end].depth > lines[start].depth:
        end += 1
    return end


def draw_steps(r: StepsResult) -> None:
    st.latex(rf"f(x) = {r.f_latex}")
    root, lines = r.lines[0], r.lines
    st.markdown(rule_sentence(root))
    st.latex(root.work_latex)
    k = 1
    while k < len(lines):
        end = _subtree(lines, k)
        head = lines[k]
        label = f"{t(f'chain_rule.rule.{head.kind}')}: ${head.expr_latex}$"
        with st.expander(label, expanded=end - k <= OPEN_LINES):
            for line in lines[k:end]:
                indent = "&emsp;" * (2 * (line.depth - 1))
                st.markdown(f"{indent}{rule_sentence(line)}")
                st.latex(line.work_latex)
        k = end
    if r.truncated:
        st.caption(t("chain_rule.steps.truncated", count=len(lines)))
    st.subheader(t("chain_rule.steps.result_title"))
    final = rf"f'(x) = {r.derivative_latex}"
    if r.simplified_latex:
        final += rf" = {r.simplified_latex}"
    st.latex(final)
    st.markdown(t("chain_rule.steps.sympy"))
    st.latex(rf"\texttt{{sympy.diff}}:\quad {r.sympy_latex}")
    _verdict(r.check)
    words = notebooks.words("steps", f=r.f_text)
    notebooks.download(lambda: notebooks.steps_cells(r, words), "steps")
    with st.expander(t("chain_rule.steps.rules_title"), expanded=False):
        seen: list[str] = []
        for line in lines:
            if line.rule_latex not in seen:
                seen.append(line.rule_latex)
                st.markdown(f"**{t(f'chain_rule.rule.{line.kind}')}**")
                st.latex(line.rule_latex)


# ----------------------------------------------------------------------------- graph


def nodes_table(r: BackpropResult) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("chain_rule.col.node"): [n.name for n in r.nodes],
            t("chain_rule.col.operation"): [
                t("chain_rule.col.input") if n.op == "input" else n.label for n in r.nodes
            ],
            t("chain_rule.col.computes"): [n.expr_text for n in r.nodes],
            t("chain_rule.col.forward"): [number(n.value, 10) for n in r.nodes],
            t("chain_rule.col.adjoint"): [number(n.adjoint, 10) for n in r.nodes],
        }
    )


def backward_table(r: BackpropResult) -> pd.DataFrame:
    names = [n.name for n in r.nodes]
    return pd.DataFrame(
        {
            t("chain_rule.col.edge"): [f"{names[e.source]} → {names[e.target]}" for e in r.edges],
            t("chain_rule.col.local"): [number(e.local, 10) for e in r.edges],
            t("chain_rule.col.target_adjoint"): [
                number(r.nodes[e.target].adjoint, 10) for e in r.edges
            ],
            t("chain_rule.col.contribution"): [number(e.contribution, 10) for e in r.edges],
        }
    )


def gradient_table(r: BackpropResult, torch_grad: tuple[float, ...] | None) -> pd.DataFrame:
    data = {
        t("chain_rule.col.variable"): list(r.variables),
        t("chain_rule.col.backward"): [number(g, 12) for g in r.gradient],
        t("chain_rule.col.symbolic"): list(r.symbolic_text),
        t("chain_rule.col.symbolic_value"): [number(s, 12) for s in r.symbolic],
        t("chain_rule.col.difference"): [
            "—" if s is None else f"{abs(g - s):.1e}"
            for g, s in zip(r.gradient, r.symbolic, strict=True)
        ],
    }
    if torch_grad is not None:
        data[t("chain_rule.col.torch")] = [number(g, 12) for g in torch_grad]
    return pd.DataFrame(data)


def _graph_head(r: BackpropResult) -> None:
    """f, the point, and a warning per node without a real value there."""
    point = ", ".join(f"{v} = {number(p)}" for v, p in zip(r.variables, r.point, strict=True))
    st.latex(rf"f = {r.f_latex}")
    st.caption(t("chain_rule.multi.point", point=point))
    for k in r.undefined:
        st.warning(t("chain_rule.graph.undefined", node=r.nodes[k].name), icon=icons.WARNING)


def draw_graph(r: BackpropResult, f_text: str, at_text: str) -> None:
    """The computational graph after both passes, its tables, and the gradient checked."""
    words = {key: t(f"chain_rule.graph_words.{key}") for key in ("value", "adjoint", "local")}
    dot = backprop_dot(r, words)
    st.graphviz_chart(dot, alt=chart_text.backprop_graph(r))
    exports.graph_downloads(lambda: dot, "backprop_graph")
    _graph_head(r)  # under the graph: the graph itself comes first after the inputs
    st.caption(t("chain_rule.graph.caption"))
    st.subheader(t("chain_rule.graph.forward_title"))
    st.dataframe(nodes_table(r), hide_index=True, width="stretch")
    st.subheader(t("chain_rule.graph.backward_title"))
    st.caption(t("chain_rule.graph.backward_note"))
    st.dataframe(backward_table(r), hide_index=True, width="stretch")
    with st.expander(t("chain_rule.graph.local_title"), expanded=False):
        rows = []
        for e in r.edges:
            src, dst = r.nodes[e.source], r.nodes[e.target]
            value = tex_number(e.local)
            same = "" if e.local_latex == value else f" = {value}"
            rows.append(
                rf"\frac{{\partial {_node(dst)}}}{{\partial {_node(src)}}} &= {e.local_latex}{same}"
            )
        st.latex(_aligned(rows))
    st.subheader(t("chain_rule.graph.gradient_title"))
    slot = st.empty()
    slot.dataframe(gradient_table(r, None), hide_index=True, width="stretch")
    if r.agree:
        st.success(t("chain_rule.graph.agree"), icon=icons.OK)
    else:
        st.warning(t("chain_rule.graph.disagree"), icon=icons.WARNING)
    _graph_notebook(r, r.gradient, "reverse")
    if not backprop.torch_available():
        st.caption(t("chain_rule.graph.torch_missing"))
        return
    with st.spinner(t("chain_rule.graph.torch_wait")):
        witness = torch_witness(f_text, at_text)
    if witness is None:
        st.caption(t("chain_rule.graph.torch_failed"))
        return
    slot.dataframe(gradient_table(r, witness), hide_index=True, width="stretch")
    if all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        for a, b in zip(witness, r.gradient, strict=True)
        if math.isfinite(a) and math.isfinite(b)
    ):
        st.caption(t("chain_rule.graph.torch_agree"))


def tangents_table(r: ForwardResult) -> pd.DataFrame:
    g = r.graph
    data = {
        t("chain_rule.col.node"): [n.name for n in g.nodes],
        t("chain_rule.col.operation"): [
            t("chain_rule.col.input") if n.op == "input" else n.label for n in g.nodes
        ],
        t("chain_rule.col.forward"): [number(n.value, 10) for n in g.nodes],
    }
    for p in r.passes:
        data[t("chain_rule.col.tangent", wrt=p.direction)] = [
            number(d.tangent, 10) for d in p.duals
        ]
    return pd.DataFrame(data)


def modes_table(r: ForwardResult) -> pd.DataFrame:
    g = r.graph
    return pd.DataFrame(
        {
            t("chain_rule.col.variable"): list(g.variables),
            t("chain_rule.col.forward_mode"): [number(v, 12) for v in r.gradient],
            t("chain_rule.col.backward"): [number(v, 12) for v in g.gradient],
            t("chain_rule.col.symbolic_value"): [number(s, 12) for s in g.symbolic],
            t("chain_rule.col.mode_difference"): [
                f"{abs(f - b):.1e}" if math.isfinite(f - b) else "—"
                for f, b in zip(r.gradient, g.gradient, strict=True)
            ],
        }
    )


def draw_forward(r: ForwardResult) -> None:
    """Forward mode: one dual-number pass per input, drawn like the backward pass."""
    g = r.graph
    _graph_head(g)
    st.markdown(t("chain_rule.forward.intro"))
    words = {key: t(f"chain_rule.graph_words.{key}") for key in ("value", "tangent", "local")}
    tabs = st.tabs(
        [t("chain_rule.forward.tab", k=k + 1, wrt=p.direction) for k, p in enumerate(r.passes)]
    )
    for k, (tab, p) in enumerate(zip(tabs, r.passes, strict=True)):
        dot = tangent_dot(r, k, words)
        tab.graphviz_chart(dot, alt=chart_text.tangent_graph(r, k))
        exports.graph_downloads(lambda dot=dot: dot, f"forward_graph_{p.direction}", tab)
        tab.caption(t("chain_rule.forward.caption", wrt=p.direction, value=number(p.derivative)))
    st.subheader(t("chain_rule.forward.tangents_title"))
    st.dataframe(tangents_table(r), hide_index=True, width="stretch")
    st.subheader(t("chain_rule.forward.gradient_title"))
    st.dataframe(modes_table(r), hide_index=True, width="stretch")
    if r.matches_reverse and r.matches_symbolic:
        st.success(t("chain_rule.forward.agree"), icon=icons.OK)
    else:
        st.warning(t("chain_rule.forward.disagree"), icon=icons.WARNING)
    c = r.cost
    st.subheader(t("chain_rule.forward.cost_title", n=c.inputs))
    c1, c2 = st.columns(2)
    c1.metric(t("chain_rule.forward.metric_forward"), c.forward_multiply_adds)
    c2.metric(t("chain_rule.forward.metric_reverse"), c.reverse_multiply_adds)
    st.markdown(
        t(
            "chain_rule.forward.cost",
            n=c.inputs,
            edges=c.edges,
            forward=c.forward_multiply_adds,
            reverse=c.reverse_multiply_adds,
        )
    )
    st.markdown(t("chain_rule.forward.why_reverse"))
    _graph_notebook(g, r.gradient, "forward")


def _graph_notebook(r: BackpropResult, gradient: tuple[float, ...], ad: str) -> None:
    point = ", ".join(f"{v} = {p:g}" for v, p in zip(r.variables, r.point, strict=True))
    words = notebooks.words("graph", f=r.f_text, point=point, ad=t(f"chain_rule.ad_{ad}"))
    notebooks.download(lambda: notebooks.graph_cells(r, gradient, words), f"graph_{ad}")


@st.cache_data(max_entries=128, show_spinner=False)
def _torch_gradient(f_text: str, at_text: str) -> tuple[float, ...] | None:
    return run_limited(backprop.torch_gradient, f_text, at_text, timeout=TORCH_TIMEOUT)


def torch_witness(f_text: str, at_text: str) -> tuple[float, ...] | None:
    """``torch.autograd``'s gradient of the same graph, or None (no PyTorch, or it failed).

    In a guard worker like every computation on input, with a longer limit: the first
    call pays PyTorch's import (5 s or more); the worker keeps it for later calls.
    """
    try:
        return _torch_gradient(f_text, at_text)
    except InputError:
        return None


def _node(node) -> str:
    return node_latex(node.name, node.id, node.op == "input")


def example_buttons() -> None:
    """One-click examples for the steps view (x^x, sin(x)^cos(x), ...)."""
    st.caption(t("chain_rule.steps.examples"))
    per_row = 5
    for start in range(0, len(STEP_EXAMPLES), per_row):
        row = STEP_EXAMPLES[start : start + per_row]
        for k, (col, text) in enumerate(zip(st.columns(per_row), row, strict=False), start):
            col.button(text, key=f"example_{k}", on_click=set_f, args=(text,), width="stretch")
