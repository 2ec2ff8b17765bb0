"""Limits: the book's difference-quotient table, every scheme, and float64's truth."""

import streamlit as st

import lab_ui.startup  # noqa: F401  (first: starts the workers while the rest imports)
from calc_core import limits
from calc_core.differences import SCHEMES
from lab_ui import chart_text, draw, icons, limits_view, tables
from lab_ui import precision_view as pv
from lab_ui import url_state as us
from lab_ui.charts import limits as charts
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.shell import compute, page_header, show_error, warn_bad_params

SECANT_STEPS = [1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.001]
X0, H0, STEPS, SHRINK = limits.X0, limits.H0, limits.STEPS, limits.SHRINK  # the core's ranges
PARAMS = [
    us.Param("f", "3x^2 - 4x", us.text()),
    us.Param("x0", 1.0, us.number(X0.low, X0.high), us.fmt_number),
    us.Param("h0", 0.1, us.number(H0.low, H0.high), us.fmt_number),
    us.Param("steps", 5, us.integer(int(STEPS.low), int(STEPS.high))),
    us.Param("shrink", 10.0, us.number(SHRINK.low, SHRINK.high), us.fmt_number),
    us.Param("scheme", "forward", us.choice(SCHEMES)),
    us.Param("dtype", "float64", us.choice(pv.DTYPES)),
    us.Param("secant_h", 0.5, us.number_choice(SECANT_STEPS), us.fmt_number),
]

page_header("limits.title", "limits.intro")
warn_bad_params(us.restore(PARAMS))
# The error chart beside the controls on a wide screen; stacked on a phone, it comes
# right after the function box.
plot, controls = st.columns([3, 2], gap="medium")
plot.text_input(t("field.f"), key="f", max_chars=200, help=t("field.f_help"))
labels = {sc: t(f"scheme.{sc}") for sc in SCHEMES}  # a plain dict: no language lookup later
with controls:
    c0, c9 = st.columns(2)
    choose(c0.selectbox, t("field.scheme"), SCHEMES, key="scheme", format_func=labels.__getitem__)
    pv.dtype_box(c9)
    c1, c2 = st.columns(2)
    box = {"min_value": X0.low, "max_value": X0.high, "step": 0.5, "format": "%g"}
    c1.number_input(t("field.x0"), key="x0", **box)
    c2.number_input(t("field.h0"), key="h0", min_value=H0.low, max_value=H0.high, format="%g")
    c3, c4 = st.columns(2)
    c3.number_input(
        t("field.steps"), key="steps", min_value=int(STEPS.low), max_value=int(STEPS.high)
    )
    c4.number_input(
        t("field.shrink"), key="shrink", min_value=SHRINK.low, max_value=SHRINK.high, format="%g"
    )
us.publish(PARAMS)
s = st.session_state
args = float(s.x0), float(s.h0), int(s.steps), float(s.shrink), s.scheme, s.dtype
out = compute(limits.analyze, s.f, *args)
if out.error:
    with plot:
        show_error(out.error, {"f": s.f})
    st.stop()
r = out.value
point = r.derivative

with controls:
    st.latex(rf"f(x) = {r.f_latex} \qquad f'(x) = {point.derivative_latex}")
    if point.exists:
        approx = "" if point.value_latex == f"{point.value:g}" else rf" \approx {point.value:.10g}"
        st.latex(rf"f'({r.x0:g}) = {point.value_latex}{approx}")
    else:
        st.warning(tables.explain_derivative(point), icon=icons.WARNING)
    st.info(limits_view.collapse_message(r, charted=r.sweep is not None), icon=icons.IDEA)
if r.sweep is not None:
    axis = {k: t(f"limits.axis.{k}") for k in ("h", "error", "scheme", "best", "theory", "eps")}
    described = chart_text.error_chart(r.sweep, labels, r.f_text, r.x0)
    with plot:
        st.subheader(t("limits.floating_title"))
        draw.chart(charts.error_vs_h, r.sweep, labels, axis, description=described)
        st.caption(t("limits.chart_caption", dtype=r.dtype, eps=tables.sci(r.sweep.eps)))
        pv.show(r)

with plot if r.sweep is None else st.container():  # no error chart: the table takes its place
    st.subheader(t("limits.table_title"))
    st.caption(t(f"limits.scheme_note.{r.scheme}"))
    tables.show(tables.quotient_table(r), t("limits.table_title"))
if r.sweep is not None:
    st.caption(caption := t("limits.scheme_table_caption", dtype=r.dtype))
    tables.show(tables.scheme_table(r.sweep), caption)

st.subheader(t("limits.secant_title"))
choose(st.select_slider, t("field.secant_h"), SECANT_STEPS, key="secant_h")
view = compute(limits.secant_view, s.f, float(s.x0), float(s.secant_h), 401, s.dtype)
if view.error:
    show_error(view.error, {"f": s.f})
else:
    names = {k: t(f"limits.series.{k}") for k in ("f", "secant", "tangent")}
    described = chart_text.secant_chart(view.value, s.f, float(s.x0))
    draw.chart(charts.secant_chart, view.value, names, float(s.x0), description=described)
    m1, m2 = st.columns(2)
    m1.metric(t("limits.secant_slope"), tables.num(view.value.secant_slope))
    m2.metric(t("limits.tangent_slope"), tables.num(view.value.tangent_slope))
    if s.dtype != "float64":
        st.caption(t("limits.secant_dtype", dtype=s.dtype))

limits_view.show_book(r, labels[r.scheme])
