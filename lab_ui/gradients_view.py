"""What the gradients page draws from its records: LaTeX, tables, messages, the rules panel.

Formatting only: every number and formula comes from :mod:`calc_core.gradients` and
:mod:`calc_core.matrix_rules`; every sentence from the catalogs (``gradients.*``).
"""

from __future__ import annotations

import secrets

import pandas as pd
import streamlit as st

from calc_core.gradients import EXAMPLES, MAX_N, FieldView, GradientResult
from calc_core.matrix_rules import SEED_LIMIT, RuleCheck, RulesResult, formula_code
from calc_core.norms import NormCase
from lab_ui import chart_text, icons, notebooks, tables
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.shell import book_code_expander

PLANES = [f"{i},{j}" for i in range(1, MAX_N + 1) for j in range(i + 1, MAX_N + 1)]
#: n's choices: "auto" (from f and the point) or a dimension the learner fixes.
AUTO = "auto"
DIMENSIONS = [AUTO, *range(1, MAX_N + 1)]
#: The page's views: the visitor's function, the book's matrix rules, a gradient check.
VIEWS = ("explore", "rules", "check")


def num(value: float | None, digits: int = 10) -> str:
    """A value to ``digits`` significant digits (at least the 4 the page promises)."""
    return "—" if value is None else f"{value:.{digits}g}"


def sci(value: float | None) -> str:
    return "—" if value is None else f"{value:.1e}"


# ----------------------------------------------------------------------------- callbacks


def load_example() -> None:
    """Fill f, the point and n from the chosen example (a selectbox callback)."""
    s = st.session_state
    chosen = {e[0]: e for e in EXAMPLES}.get(s.get("example"))
    if chosen is not None:
        _, s["f"], s["at"], s["n"] = chosen
        s["plane"] = "1,2"
    s["example"] = None


def _coordinates(text: str) -> list[str]:
    parts = [p.strip() for p in str(text).replace("，", ",").split(",")]
    return [p for p in parts if p]


def resize_point() -> None:
    """Keep one coordinate per variable when n changes (pad with 0, or drop the tail)."""
    s = st.session_state
    if s["n"] == AUTO:
        return
    n = int(s["n"])
    parts = _coordinates(s.get("at", ""))[:n]
    s["at"] = ", ".join(parts + ["0"] * (n - len(parts)))
    if s.get("plane") not in plane_options(n):
        s["plane"] = "1,2"


def parse_n(raw: str) -> str | int:
    """URL value of ``n``: ``auto`` or a whole number from 1 to MAX_N (else ValueError)."""
    if raw == AUTO:
        return AUTO
    n = int(raw)
    if not 1 <= n <= MAX_N:
        raise ValueError("out of range")
    return n


def dimension(named: int | None) -> int:
    """The n to compute with: the learner's, or (auto) what f and the point need.

    Auto: the highest coordinate f names (``x1*x2*x3``: 3) or the point's number of
    coordinates, whichever is larger (2 when neither says); a point with too few
    coordinates is padded with zeros. Runs before the inputs are drawn.
    """
    s = st.session_state
    if s.n != AUTO:
        return int(s.n)
    parts = _coordinates(s.at)
    n = min(max(named or 0, len(parts) if len(parts) <= MAX_N else 0) or 2, MAX_N)
    if len(parts) < n:
        s.at = ", ".join(parts + ["0"] * (n - len(parts)))
    return n


def n_box(where, n: int) -> None:
    """The n select box; its automatic choice says which n it found ("auto (n = 3)")."""
    choose(
        where.selectbox,
        t("field.n"),
        DIMENSIONS,
        key="n",
        format_func=lambda value: t("gradients.n_auto", n=n) if value == AUTO else str(value),
        on_change=resize_point,
        help=t("gradients.n_help"),
    )


def example_picker() -> None:
    """The examples box: choosing one fills f, the point and n, then the box empties."""
    choose(
        st.selectbox,
        t("gradients.examples"),
        [e[0] for e in EXAMPLES],
        key="example",
        default=None,
        format_func=example_label,
        placeholder=t("gradients.examples_placeholder"),
        on_change=load_example,
    )


def reroll() -> None:
    """A new random A and x for the rules panel."""
    st.session_state["seed"] = secrets.randbelow(SEED_LIMIT)


def plane_options(n: int) -> list[str]:
    return [p for p in PLANES if int(p.split(",")[1]) <= n]


def plane_label(plane: str) -> str:
    i, j = plane.split(",")
    return f"(x{i}, x{j})"


def view_label(name: str) -> str:
    return t(f"gradients.tab.{name}")


def example_label(example_id: str) -> str:
    return t(f"gradients.example.{example_id}")


def warn_params(bad: list[str]) -> None:
    """Specific messages for the URL values that were refused (the rest say which)."""
    for name in bad:
        st.warning(t(f"gradients.bad_param.{name}"), icon=icons.WARNING)


# ----------------------------------------------------------------------------- the result


def partials_table(r: GradientResult) -> pd.DataFrame:
    """One row per variable: the exact value, the numerical check and their difference."""
    table = {
        t("gradients.col.partial"): [f"∂f/∂{p.name}" for p in r.partials],
        t("gradients.col.value"): [num(p.value) for p in r.partials],
        t("gradients.col.central"): [num(p.central) for p in r.partials],
        t("gradients.col.difference"): [sci(p.difference) for p in r.partials],
    }
    if r.status != "ok":
        table[t("gradients.col.left")] = [num(p.left, 6) for p in r.partials]
        table[t("gradients.col.right")] = [num(p.right, 6) for p in r.partials]
    return pd.DataFrame(table)


def show_formulas(r: GradientResult) -> None:
    """f, its partial derivatives and gradient, and the gradient at the point."""
    rows = [
        rf"\frac{{\partial f}}{{\partial x_{{{k + 1}}}}} &= {p.latex}"
        for k, p in enumerate(r.partials)
    ]
    st.latex(rf"f(\mathbf{{x}}) = {r.f_latex}")
    st.latex(r"\begin{aligned}" + r"\\".join(rows) + r"\end{aligned}")
    st.latex(rf"\nabla f(\mathbf{{x}}) = {r.gradient_latex}")
    if r.simplification.timed_out:
        st.caption(t("gradients.simplify_timeout", budget=f"{r.simplification.budget:g}"))
    point = rf"\nabla f({r.point_latex})"
    if r.gradient_at_latex is not None and r.status == "ok":
        decimals = r", ".join(num(p.value, 6) for p in r.partials)
        st.latex(rf"{point} = {r.gradient_at_latex} \approx ({decimals})")
    elif r.gradient_at_latex is not None and r.status == "too_large":
        st.latex(rf"{point} = {r.gradient_at_latex}")


def show_check(r: GradientResult) -> None:
    """The value at the point checked numerically, what goes wrong there, the norm's part."""
    st.subheader(t("gradients.check_title"))
    tables.show(partials_table(r), t("gradients.check_title"))
    step = ", ".join(f"{h:.1e}" for h in r.step)
    caption = t("gradients.check_caption", h=step, diff=sci(r.max_difference))
    warnings = status_warnings(r)
    st.caption(f"{caption} {t('gradients.check_see_below')}" if warnings else caption)
    for warning in warnings:
        st.warning(warning, icon=icons.WARNING)
    if r.norm is not None:
        show_norm(r.norm, r.point_latex)


def status_warnings(r: GradientResult) -> list[str]:
    """The warnings under the check table: at most one says "not differentiable".

    At a norm's kink the norm's own section says it, with the subgradients; the
    general message would repeat it in other words.
    """
    warnings = []
    said_by_norm = r.norm is not None and not r.norm.differentiable
    if r.status != "ok" and not (r.status == "not_differentiable" and said_by_norm):
        axes = ", ".join(p.name for p in r.partials if p.kink)
        warnings.append(t(f"gradients.status.{r.status}", point=r.point_latex, axes=axes))
    if r.near_kink:
        near = ", ".join(r.names[k] for k in r.near_axes)
        warnings.append(t("gradients.near_kink", axes=near))
    return warnings


def show_norm(case: NormCase, point: str) -> None:
    st.subheader(t("gradients.norm.title"))
    st.latex(case.gradient_latex)
    st.markdown(t(f"gradients.norm.about.{case.kind}", p=case.p_latex, q=case.dual_latex))
    if case.differentiable:
        st.success(t("gradients.norm.differentiable", point=point), icon=icons.OK)
        return
    st.warning(t("gradients.norm.kink", point=point), icon=icons.WARNING)
    at = rf"\big|_{{\mathbf{{x}} = ({point})}}"
    st.latex(rf"\partial {case.norm_latex}{at} = {case.subdifferential_latex}")
    st.markdown(t(f"gradients.norm.subgradient.{case.kind}", q=case.dual_latex))
    if case.formula_value_in_set is not None:
        key = "in_set" if case.formula_value_in_set else "not_in_set"
        st.caption(t(f"gradients.norm.formula_{key}"))


def plane_picker(n: int) -> None:
    """Which two coordinates the field's slice shows (n >= 3)."""
    choose(
        st.selectbox,
        t("gradients.plane"),
        plane_options(n),
        key="plane",
        format_func=plane_label,
    )


#: The field chart's SVG shrinks as a whole to a narrow column (a phone), so its two axes
#: keep one scale (its plot area is a fixed square: see lab_ui.charts.gradients).
FIT_WIDTH = (
    "<style>.st-key-gradient_field svg.marks, .st-key-gradient_field .vega-embed"
    " { max-width: 100%; height: auto; }</style>"
)


def show_field(spec: dict, field: FieldView, f_text: str) -> None:
    """The gradient field (or the slice through the point), its text alternative, caption."""
    st.html(FIT_WIDTH)
    with st.container(key="gradient_field"):
        st.vega_lite_chart(spec=spec, width="content", alt=chart_text.field_chart(field, f_text))
    title = t("gradients.slice_title" if field.fixed else "gradients.chart_title")
    st.caption(f"**{title}.** {field_caption(field)}")  # a title above would push it down


def field_caption(field: FieldView) -> str:
    """How to read the field chart, and which coordinates a slice holds fixed."""
    fixed = ", ".join(f"{name} = {value:g}" for name, value in field.fixed)
    caption = t("gradients.field_caption")
    return f"{caption} {t('gradients.slice_fixed', fixed=fixed)}" if fixed else caption


def show_book_code(r: GradientResult) -> None:
    """The book has no gradient cell: the numpy check of this f, and what it prints.

    Under it, the view as a notebook (built on the click)."""
    point = ", ".join(f"{v:g}" for v in r.point)
    words = notebooks.words("gradients", f=r.f_text, point=point)
    if (book := book_code_expander()) is not None:
        with book:
            st.caption(t("gradients.book_code_note"))
            st.code(r.book_code, language="python")
            st.caption(t("shell.book_output"))
            st.code("\n".join(r.book_output), language="text")
    notebooks.download(lambda: notebooks.gradients_cells(r, words), "gradients")


# ----------------------------------------------------------------------------- rules panel


def rule_label(rule: str) -> str:
    return t(f"gradients.rules.name.{rule}")


def rules_table(result: RulesResult) -> str:
    """All five rules at a glance, as a Markdown table: each rule typeset as the book
    writes it, the sizes, the exact symbolic check and the numerical one."""

    def cell(text: str) -> str:
        return text.replace("|", r"\|")  # a bare | would end the cell

    head = [t(f"gradients.rules.col.{k}") for k in ("rule", "size", "symbolic", "numeric")]
    lines = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + " --- |" * len(head)]
    for c in result.checks:
        formula = c.formula_latex.replace(r"\|", r"\Vert ")  # \| would be read as a cell's |
        mark = "✓" if c.symbolic_matches else "✗"
        lines.append(f"| ${formula}$ | m = {c.m}, n = {c.n} | {mark} | {sci(c.max_error)} |")
    return "\n".join(lines)


def show_layout() -> None:
    """The book's layout convention next to the Jacobian's (d2l-en issue 2532)."""
    st.markdown(t("gradients.rules.layout"))
    st.latex(
        r"\underbrace{\frac{\partial \mathbf{y}}{\partial \mathbf{x}}\Big|_{ij}"
        r" = \frac{\partial y_j}{\partial x_i}}_{\text{denominator (D2L)}}"
        r"\qquad \underbrace{\frac{\partial \mathbf{y}}{\partial \mathbf{x}}\Big|_{ij}"
        r" = \frac{\partial y_i}{\partial x_j}}_{\text{numerator (Jacobian)}}"
    )


def show_rule(c: RuleCheck) -> None:
    st.latex(c.formula_latex)
    given = c.shapes_latex
    if c.a_latex is not None:
        given += rf",\quad \mathbf{{A}} = {c.a_latex}"
    given += rf",\quad \mathbf{{{'X' if c.rule == 'frobenius' else 'x'}}} = {c.x_latex}"
    st.latex(given)
    st.caption(t("gradients.rules.symbolic", m=c.m, n=c.n))
    st.latex(c.symbolic_latex)
    if c.symbolic_matches:
        st.caption(t("gradients.rules.symbolic_ok"))
    else:
        st.error(t("gradients.rules.symbolic_bad"), icon=icons.ERROR)
    left, right = st.columns(2)
    rows, cols = c.denominator_shape
    left.caption(t("gradients.rules.denominator", rows=rows, cols=cols))
    left.latex(c.value_latex)
    nrows, ncols = c.numerator_shape
    right.caption(t("gradients.rules.numerator", rows=nrows, cols=ncols))
    right.latex(c.numerator_latex + r" = " + c.numerator_value_latex)
    numeric = c.numeric.reshape(rows, cols)
    body = r"\\".join(" & ".join(f"{v:.6f}" for v in row) for row in numeric)
    st.caption(t("gradients.rules.numeric"))
    st.latex(r"\begin{bmatrix}" + body + r"\end{bmatrix}")
    ok = c.max_error < 1e-6
    message = t("gradients.rules.agree" if ok else "gradients.rules.disagree", err=sci(c.max_error))
    (st.success if ok else st.error)(message, icon=icons.OK if ok else icons.ERROR)
    st.code(c.code, language="python")
    st.caption(t("shell.book_output") + " " + " ".join(c.output))
    words = notebooks.words("rules", rule=rule_label(c.rule), seed=str(c.seed))
    formula = formula_code(c.rule)
    notebooks.download(lambda: notebooks.rules_cells(c, formula, words), f"rules_{c.rule}")
