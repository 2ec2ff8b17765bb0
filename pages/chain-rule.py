"""Chain rule: the book's exercise, derivatives step by step, and backpropagation on the graph."""

import streamlit as st

from calc_core import backprop, chain, diffsteps
from calc_core.definitions import MAX_TEXT
from lab_ui import chain_rule as ui
from lab_ui import url_state as us
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.shell import compute, page_header, warn_bad_params

PARAMS = [
    us.Param("mode", "multi", us.choice(ui.MODES)),
    us.Param("f", ui.default_f(st.query_params.get("mode", "")), us.text()),
    us.Param("u", "", us.text()),
    us.Param("inner", "", us.text(MAX_TEXT)),
    us.Param("wrt", "a", ui.parse_name),
    us.Param("at", ui.DEFAULT_AT, us.text()),
]

page_header("chain_rule.title", "chain_rule.intro")
warn_bad_params(us.restore(PARAMS))
choose(
    st.radio,
    t("chain_rule.mode"),
    ui.MODES,
    key="mode",
    horizontal=True,
    format_func=lambda m: t(f"chain_rule.mode_{m}"),
    on_change=ui.on_mode_change,
)
s = st.session_state
source = {"f": s.f, "u": s.u, "inner": s.inner, "at": s.at}

if s.mode == "multi":
    c1, c2, c3 = st.columns([2, 3, 2])
    c1.text_input(t("field.u"), key="u", max_chars=200, help=t("chain_rule.help.u"))
    c2.text_input(
        t("field.inner"), key="inner", max_chars=MAX_TEXT, help=t("chain_rule.help.inner")
    )
    c3.text_input(t("field.chain_at"), key="at", max_chars=200, help=t("chain_rule.help.at"))
    b1, b2, _ = st.columns([1, 1, 2])
    b1.button(t("chain_rule.example_button"), on_click=ui.fill_example, width="stretch")
    b2.button(t("chain_rule.abstract_button"), on_click=ui.clear_chain, width="stretch")
    us.publish(PARAMS)
    out = compute(chain.walkthrough, s.u, s.inner, s.at)
    if out.error:
        ui.show(out.error, source, s.mode)
        st.stop()
    r = out.value
    if r.abstract:
        ui.draw_abstract(r)
        st.stop()
    if s.wrt not in r.inputs:
        s.wrt = r.inputs[0]
    help_wrt = t("chain_rule.help.wrt")
    choose(st.radio, t("field.wrt"), r.inputs, key="wrt", horizontal=True, help=help_wrt)
    us.publish(PARAMS)
    ui.draw_concrete(r, s.wrt)
    if r.composite_text is not None:
        st.button(
            t("chain_rule.backward_button"),
            on_click=ui.open_backward_pass,
            args=(r.composite_text, s.at),
            icon=":material/swap_horiz:",
        )

elif s.mode == "steps":
    st.text_input(t("field.f"), key="f", max_chars=200, help=t("chain_rule.help.f_steps"))
    ui.example_buttons()
    us.publish(PARAMS)
    out = compute(diffsteps.steps, s.f)
    if out.error:
        ui.show(out.error, source, s.mode)
        st.stop()
    ui.draw_steps(out.value)

else:
    c1, c2 = st.columns([3, 2])
    c1.text_input(t("field.chain_f"), key="f", max_chars=200, help=t("chain_rule.help.f_graph"))
    c2.text_input(t("field.chain_at"), key="at", max_chars=200, help=t("chain_rule.help.at_graph"))
    us.publish(PARAMS)
    out = compute(backprop.backprop, s.f, s.at)
    if out.error:
        ui.show(out.error, source, s.mode)
        st.stop()
    ui.draw_graph(out.value, s.f, s.at)
