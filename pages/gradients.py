"""Gradients: partial derivatives, norms and their kinks, and the book's matrix rules."""

import streamlit as st

import lab_ui.startup  # noqa: F401  (first: starts the workers while the rest imports)
from calc_core import gradients, matrix_rules
from lab_ui import chart_text, exports, gradcheck_view
from lab_ui import gradients_view as view
from lab_ui import url_state as us
from lab_ui.charts import gradients as charts
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.shell import compute, page_header, show_error

PARAMS = [
    us.Param("view", "explore", us.choice(view.VIEWS)),
    us.Param("f", "3x1^2 + 5e^{x2}", us.text()),
    us.Param("at", "1, 0", us.text()),
    us.Param("n", view.AUTO, view.parse_n),
    us.Param("plane", "1,2", us.choice(view.PLANES)),
    us.Param("seed", 0, us.integer(0, matrix_rules.SEED_LIMIT - 1)),
    us.Param("rule", "Ax", us.choice(matrix_rules.RULES)),
    *gradcheck_view.PARAMS,
]

page_header("gradients.title", "gradients.intro")
view.warn_params(us.restore(PARAMS))
s = st.session_state
choose(
    st.radio,
    t("gradients.view"),
    view.VIEWS,
    key="view",
    format_func=view.view_label,
    horizontal=True,
    label_visibility="collapsed",  # its options say it; the space goes to the chart
)

if s.view == "check":
    gradcheck_view.show()
    us.publish(PARAMS)
elif s.view == "explore":
    # The field beside the inputs and formulas on a wide screen; on a phone the columns
    # stack, so it comes right after the function box.
    plot, controls = st.columns([3, 2], gap="medium")
    plot.text_input(t("gradients.field_f"), key="f", max_chars=200, help=t("gradients.f_help"))
    n = view.dimension(compute(gradients.dimension_of, s.f).value)  # before the point's box
    with controls:
        view.example_picker()
        c2, c3 = st.columns([3, 2])
        c2.text_input(t("field.at"), key="at", max_chars=200, help=t("gradients.at_help"))
        view.n_box(c3, n)
        if s.plane not in view.plane_options(max(n, 2)):
            s.plane = "1,2"
        if n >= 3:
            view.plane_picker(n)
    us.publish(PARAMS)
    out = compute(gradients.analyze, s.f, s.at, n)
    if out.error:
        with plot:
            show_error(out.error, {"f": s.f, "at": s.at})
        st.stop()
    with controls:
        view.show_formulas(out.value)
    plane = tuple(int(k) - 1 for k in s.plane.split(","))
    field = compute(gradients.field_view, s.f, s.at, n, plane)
    with plot:
        if field.error:
            show_error(field.error, {"f": s.f, "at": s.at})
        elif n == 1:
            names = {"f": "f(x₁)", "df": "f′(x₁)"}
            described = chart_text.curve_chart(field.value, s.f)
            st.altair_chart(charts.curve_chart(field.value, names), width="stretch", alt=described)
            exports.chart_downloads(
                lambda: charts.curve_chart(field.value, names).to_dict(), "curve"
            )
            st.caption(t("gradients.curve_caption"))
        else:
            labels = {k: t(f"gradients.chart.{k}") for k in charts.LABELS}
            spec = charts.field_chart(field.value, labels)
            view.show_field(spec, field.value, s.f)
            exports.chart_downloads(lambda: spec, "gradient_field")
    view.show_check(out.value)
    view.show_book_code(out.value)
else:
    us.publish(PARAMS)
    view.show_layout()
    checked = compute(matrix_rules.check_all, int(s.seed))
    if checked.error:
        show_error(checked.error)
        st.stop()
    st.markdown(view.rules_table(checked.value))
    c1, c2 = st.columns([3, 1])
    choose(
        c1.selectbox,
        t("gradients.rules.pick"),
        matrix_rules.RULES,
        key="rule",
        format_func=view.rule_label,
    )
    c2.button(t("gradients.rules.reroll"), on_click=view.reroll, key="reroll")
    st.caption(t("gradients.rules.seed", seed=int(s.seed)))
    view.show_rule(checked.value.checks[matrix_rules.RULES.index(s.rule)])
