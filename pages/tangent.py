"""Tangent: f with its tangent line, as the book's plot() draws it -- poles and kinks honest."""

import streamlit as st

import lab_ui.startup  # noqa: F401  (first: starts the workers while the rest imports)
from calc_core import tangent
from lab_ui import chart_text, draw
from lab_ui import tangent_view as view
from lab_ui import url_state as us
from lab_ui.charts import tangent as charts
from lab_ui.i18n import t
from lab_ui.shell import book_code_expander, compute, page_header, show_error, warn_bad_params

LIMIT = tangent.X_LIMIT
PARAMS = [
    us.Param("f", "3x^2 - 4x", us.text()),
    us.Param("x0", 1.0, us.number(-LIMIT, LIMIT), us.fmt_number),
    us.Param("xmin", 0.0, us.number(-LIMIT, LIMIT), us.fmt_number),
    us.Param("xmax", 3.0, us.number(-LIMIT, LIMIT), us.fmt_number),
]

page_header("tangent.title", "tangent.intro")
warn_bad_params(us.restore(PARAMS))
# The chart beside its controls on a wide screen; on a phone the columns stack, so the
# chart comes right after the function box and the controls follow it.
plot, controls = st.columns([3, 2], gap="medium")
plot.text_input(t("field.f"), key="f", max_chars=200, help=t("field.f_help"))
summary = controls.container()  # the tangent's equation, on top of the controls
with controls:
    view.preset_picker()
    c2, c3, c4 = st.columns(3)
    box = {"min_value": -LIMIT, "max_value": LIMIT, "format": "%g"}
    c2.number_input(t("field.x0"), key="x0", step=0.1, **box)
    c3.number_input(t("field.xmin"), key="xmin", step=1.0, help=t("tangent.window_help"), **box)
    c4.number_input(t("field.xmax"), key="xmax", step=1.0, help=t("tangent.window_help"), **box)
    view.x0_slider()
    extras = view.extras()
settings = view.plot_settings()  # below both columns: its many options need the width
us.publish(PARAMS)

s = st.session_state
window = (float(s.xmin), float(s.xmax))
out = compute(tangent.curves, s.f, *window)
if out.error:
    with plot:
        show_error(out.error, {"f": s.f})
    st.stop()
cur = out.value
at = compute(tangent.tangent_at, s.f, float(s.x0), *window, extras.secant_h)
series, marks, axes, notes = view.build(cur, at.value, extras, settings)
extra_names = [c.name for c in series if c.key not in ("f", "tangent")]
described = chart_text.tangent_chart(cur, at.value, extra_names)
with plot:
    draw.chart(charts.tangent_chart, series, marks, axes, description=described)
    view.show_notes(notes)
with summary:
    if at.error:
        show_error(at.error)
    view.show_summary(cur, at.value, extras)
view.download(series)
if (book := book_code_expander()) is not None:
    with book:
        view.show_book_code(cur, at.value, series, settings)
view.notebook_download(cur, at.value, series, settings)
