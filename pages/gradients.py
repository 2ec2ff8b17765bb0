"""Gradients: partial derivatives, norms and their kinks, and the book's matrix rules."""

import streamlit as st

from calc_core import gradients, matrix_rules
from lab_ui import gradients_view as view
from lab_ui import url_state as us
from lab_ui.charts import gradients as charts
from lab_ui.i18n import t
from lab_ui.shell import compute, page_header, show_error

PARAMS = [
    us.Param("f", "3x1^2 + 5e^{x2}", us.text()),
    us.Param("at", "1, 0", us.text()),
    us.Param("n", 2, us.integer(1, gradients.MAX_N)),
    us.Param("plane", "1,2", us.choice(view.PLANES)),
    us.Param("seed", 0, us.integer(0, matrix_rules.SEED_LIMIT - 1)),
    us.Param("rule", "Ax", us.choice(matrix_rules.RULES)),
]

page_header("gradients.title", "gradients.intro")
view.warn_params(us.restore(PARAMS))
s = st.session_state
st.selectbox(
    t("gradients.examples"),
    [e[0] for e in gradients.EXAMPLES],
    index=None,
    key="example",
    format_func=view.example_label,
    placeholder=t("gradients.examples_placeholder"),
    on_change=view.load_example,
)
c1, c2, c3 = st.columns([3, 2, 1])
c1.text_input(t("gradients.field_f"), key="f", max_chars=200, help=t("gradients.f_help"))
c2.text_input(t("field.at"), key="at", max_chars=200, help=t("gradients.at_help"))
c3.selectbox(
    t("field.n"), list(range(1, gradients.MAX_N + 1)), key="n", on_change=view.resize_point
)
n = int(s.n)
if s.plane not in view.plane_options(max(n, 2)):
    s.plane = "1,2"
us.publish(PARAMS)

explore, rules = st.tabs([t("gradients.tab.explore"), t("gradients.tab.rules")])
with explore:
    out = compute(gradients.analyze, s.f, s.at, n)
    if out.error:
        show_error(out.error, {"f": s.f, "at": s.at})
    else:
        r = out.value
        view.show_result(r)
        st.subheader(t("gradients.chart_title" if n <= 2 else "gradients.slice_title"))
        if n >= 3:
            options = view.plane_options(n)
            st.selectbox(t("gradients.plane"), options, key="plane", format_func=view.plane_label)
        plane = tuple(int(k) - 1 for k in s.plane.split(","))
        field = compute(gradients.field_view, s.f, s.at, n, plane)
        if field.error:
            show_error(field.error, {"f": s.f, "at": s.at})
        elif n == 1:
            names = {"f": "f(x₁)", "df": "f′(x₁)"}
            st.altair_chart(charts.curve_chart(field.value, names), width="stretch")
            st.caption(t("gradients.curve_caption"))
        else:
            labels = {k: t(f"gradients.chart.{k}") for k in charts.LABELS}
            st.vega_lite_chart(spec=charts.field_chart(field.value, labels), width="content")
            fixed = ", ".join(f"{name} = {value:g}" for name, value in field.value.fixed)
            st.caption(
                t("gradients.field_caption")
                + (" " + t("gradients.slice_fixed", fixed=fixed) if fixed else "")
            )
        with st.expander(t("shell.book_code"), expanded=False):
            st.caption(t("gradients.book_code_note"))
            st.code(r.book_code, language="python")
            st.caption(t("shell.book_output"))
            st.code("\n".join(r.book_output), language="text")

with rules:
    view.show_layout()
    checked = compute(matrix_rules.check_all, int(s.seed))
    if checked.error:
        show_error(checked.error)
    else:
        st.dataframe(view.rules_table(checked.value), hide_index=True, width="stretch")
        c1, c2 = st.columns([3, 1])
        c1.selectbox(
            t("gradients.rules.pick"), matrix_rules.RULES, key="rule", format_func=view.rule_label
        )
        c2.button(t("gradients.rules.reroll"), on_click=view.reroll, key="reroll")
        st.caption(t("gradients.rules.seed", seed=int(s.seed)))
        view.show_rule(checked.value.checks[matrix_rules.RULES.index(s.rule)])
