"""Text alternatives of the charts: one sentence saying what each chart shows.

Screen readers announce it (the page passes it as ``alt=`` to ``st.vega_lite_chart``
and ``st.graphviz_chart``; Streamlit hands it to Vega as the spec's ``description``,
which Vega puts on the chart's SVG as ``aria-label``). Built only from the records
the page already computed, in the page's language: a chart and its text cannot
disagree. What the visitor typed appears as typed; it is an attribute, never markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from calc_core.backprop import BackpropResult
from calc_core.chain import ChainResult
from calc_core.differences import ErrorSweep
from calc_core.forward import ForwardResult
from calc_core.gradients import CurveView, FieldView
from calc_core.limits import SecantView
from calc_core.tangent import Curves, TangentResult
from lab_ui.i18n import t

#: Significant digits of the numbers in a description (the chart shows no more).
DIGITS = 6
#: At most this many points of one kind are named (the rest are counted).
LISTED = 5


def num(value: float) -> str:
    """A number as a screen reader should hear it: ``4``, ``−0.5``, ``1e-08``.

    >>> num(4.0), num(-0.5), num(1e-8), num(0.1 + 0.2)
    ('4', '−0.5', '1e-08', '0.3')
    """
    text = f"{value:.{DIGITS}g}"
    return "−" + text[1:] if text.startswith("-") else text


def line_text(slope: float, intercept: float, exact: bool = True) -> str:
    """The line y = slope·x + intercept as one reads it: ``y = 4x − 4``, ``y ≈ 0.5x + 0.3``.

    >>> line_text(4, -4), line_text(1, 0), line_text(-1, 2.5), line_text(0, -3)
    ('y = 4x − 4', 'y = x', 'y = −x + 2.5', 'y = −3')
    >>> line_text(0.5403023058681398, 0.30116867893975674, exact=False)
    'y ≈ 0.540302x + 0.301169'
    """
    head = "y = " if exact else "y ≈ "
    a, b = float(f"{slope:.{DIGITS}g}"), float(f"{intercept:.{DIGITS}g}")
    if a == 0:
        return head + num(b)
    term = {1.0: "x", -1.0: "−x"}.get(a, f"{num(a)}x")
    if b == 0:
        return head + term
    return f"{head}{term} {'−' if b < 0 else '+'} {num(abs(b))}"


def _points(values: Sequence[str]) -> str:
    shown = ", ".join(values[:LISTED])
    more = len(values) - LISTED
    return shown if more <= 0 else t("chart_text.and_more", shown=shown, count=more)


def _clauses(parts: list[str]) -> str:
    return "".join(t("chart_text.clause", text=p) for p in parts)


def tangent_chart(cur: Curves, res: TangentResult | None, extras: Sequence[str] = ()) -> str:
    """The tangent page's chart: f, its window, its poles, holes and jumps, the tangent.

    ``extras`` are the other curves' legend names (f′, f″, the secant), as drawn.
    """
    parts = []
    for kind in ("pole", "hole", "jump"):
        labels = [s.label for s in cur.f.singular if s.kind == kind]
        if labels:
            many = "many" if len(labels) > 1 else "one"
            parts.append(t(f"chart_text.{kind}_{many}", points=_points(labels)))
    if res is not None:
        line = res.line
        if line.exists:
            text = line_text(line.slope, line.intercept, line.exact)
            parts.append(t("chart_text.tangent", line=text, x0=res.x0_label))
        else:
            why = t(f"chart_text.no_tangent_why.{line.status}")
            parts.append(t("chart_text.no_tangent", x0=res.x0_label, why=why))
    if extras:
        parts.append(t("chart_text.also", names=", ".join(extras)))
    return t(
        "chart_text.function",
        f=cur.f_text,
        xmin=num(cur.xmin),
        xmax=num(cur.xmax),
        details=_clauses(parts),
    )


def error_chart(sweep: ErrorSweep, names: dict[str, str], f_text: str, x0: float) -> str:
    """The limits page's error-against-h chart: the h range and each scheme's best h."""
    best = [
        t("chart_text.best", scheme=names[s], h=num(h), error=num(sweep.best_error[s]))
        for s, h in sweep.best_h.items()
    ]
    return t(
        "chart_text.errors",
        f=f_text,
        x0=num(x0),
        h_max=num(float(max(sweep.h))),
        h_min=num(float(min(sweep.h))),
        best="; ".join(best),
    )


def secant_chart(view: SecantView, f_text: str, x0: float) -> str:
    """The limits page's secant chart: f near x₀, the secant's and the tangent's slopes."""
    parts = []
    if view.secant_slope is not None:
        parts.append(t("chart_text.secant", h=num(view.h), slope=num(view.secant_slope)))
    if view.tangent_slope is not None:
        parts.append(t("chart_text.tangent_slope", slope=num(view.tangent_slope)))
    lo, hi = float(view.x[0]), float(view.x[-1])
    return t(
        "chart_text.near",
        f=f_text,
        x0=num(x0),
        xmin=num(lo),
        xmax=num(hi),
        details=_clauses(parts),
    )


def field_chart(view: FieldView, f_text: str) -> str:
    """The gradient field: the square it covers, what colour and arrows mean, ∇f at the point."""
    r = view.half_width
    (px, py), (u, v) = view.point, view.names
    parts = []
    if view.grad0 is not None and math.hypot(*view.grad0) > 0:
        grad = ", ".join(num(g) for g in view.grad0)
        parts.append(t("chart_text.gradient_at", point=f"({num(px)}, {num(py)})", grad=grad))
    if view.fixed:
        fixed = ", ".join(f"{name} = {num(value)}" for name, value in view.fixed)
        parts.append(t("chart_text.fixed", fixed=fixed))
    return t(
        "chart_text.field",
        f=f_text,
        x=u,
        y=v,
        xmin=num(px - r),
        xmax=num(px + r),
        ymin=num(py - r),
        ymax=num(py + r),
        details=_clauses(parts),
    )


def curve_chart(view: CurveView, f_text: str) -> str:
    """One variable: f and f′ around x₀."""
    lo, hi = float(view.x[0]), float(view.x[-1])
    return t("chart_text.curve", f=f_text, xmin=num(lo), xmax=num(hi), x0=num(view.x0))


def dependency_graph(r: ChainResult) -> str:
    """The chain rule's dependency graph: u, what it is made of, and the inputs."""
    definitions = "; ".join(f"{name} = {text}" for name, text in r.definition_texts)
    return t(
        "chart_text.dependency",
        u=r.output_text,
        definitions=definitions or "—",
        inputs=", ".join(r.inputs),
    )


def backprop_graph(r: BackpropResult) -> str:
    """The computational graph after both passes: size, f's value, the inputs' adjoints."""
    point = ", ".join(f"{v} = {num(p)}" for v, p in zip(r.variables, r.point, strict=True))
    adjoints = ", ".join(
        f"∂f/∂{v} = {num(g)}" for v, g in zip(r.variables, r.gradient, strict=True)
    )
    value = r.nodes[r.output].value
    return t(
        "chart_text.backprop",
        f=r.f_text,
        point=point,
        nodes=len(r.nodes),
        value=num(value) if value is not None and math.isfinite(value) else "—",
        adjoints=adjoints,
    )


def tangent_graph(r: ForwardResult, k: int) -> str:
    """One forward-mode pass: the input it follows and the tangent it brings out."""
    g, wrt = r.graph, r.passes[k].direction
    return t(
        "chart_text.forward_pass", f=g.f_text, wrt=wrt, nodes=len(g.nodes), value=num(r.gradient[k])
    )
