"""Chain rule: the book's exercise, derivatives step by step, and backpropagation on the graph."""

import streamlit as st

import lab_ui.startup  # noqa: F401  (first: starts the workers while the rest imports)
from calc_core import backprop, chain, diffsteps, forward
from lab_ui import chain_rule as ui
from lab_ui import url_state as us
from lab_ui.choices import choose
from lab_ui.i18n import t
from lab_ui.shell import compute, page_header, warn_bad_params

page_header("chain_rule.title", "chain_rule.intro")
warn_bad_params(us.restore([ui.MODE]))
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
warn_bad_params(us.restore(ui.VIEWS[s.mode]))  # each view keeps its own inputs
params = [ui.MODE, *ui.VIEWS[s.mode]]

if s.mode == "multi":
    c1, c2, c3 = st.columns([2, 3, 2])
    c1.text_input(t("field.u"), key="u", max_chars=200, help=t("chain_rule.help.u"))
    c2.text_input(
        t("field.inner"), key="inner", max_chars=ui.MAX_TEXT, help=t("chain_rule.help.inner")
    )
    c3.text_input(t("field.chain_at"), key="at", max_chars=200, help=t("chain_rule.help.at"))
    b1, b2, _ = st.columns([1, 1, 2])
    b1.button(t("chain_rule.example_button"), on_click=ui.fill_example, width="stretch")
    b2.button(t("chain_rule.abstract_button"), on_click=ui.clear_chain, width="stretch")
    us.publish(params)
    out = compute(chain.walkthrough, s.u, s.inner, s.at)
    if out.error or out.value.abstract:
        us.forget([ui.WRT.name])  # no variable to pick on the screen: none in the URL
    if out.error:
        ui.show(out.error, {"u": s.u, "inner": s.inner, "at": s.at}, s.mode)
        st.stop()
    r = out.value
    if r.abstract:
        ui.draw_abstract(r)
        st.stop()
    warn_bad_params(us.restore([ui.WRT]))
    if s.wrt not in r.inputs:
        s.wrt = r.inputs[0]
    help_wrt = t("chain_rule.help.wrt")
    choose(st.radio, t("field.wrt"), r.inputs, key="wrt", horizontal=True, help=help_wrt)
    us.publish([ui.WRT])
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
    us.publish(params)
    out = compute(diffsteps.steps, s.f)
    if out.error:
        ui.show(out.error, {"f": s.f}, s.mode)
        st.stop()
    ui.draw_steps(out.value)

else:
    c1, c2, c3 = st.columns([3, 2, 2])  # one row, so the graph starts above the fold
    c1.text_input(
        t("field.chain_f"), key="graph_f", max_chars=200, help=t("chain_rule.help.f_graph")
    )
    c2.text_input(
        t("field.chain_at"), key="graph_at", max_chars=200, help=t("chain_rule.help.at_graph")
    )
    choose(
        c3.radio,
        t("chain_rule.ad"),
        ui.AD_MODES,
        key="ad",
        format_func=lambda m: t(f"chain_rule.ad_{m}"),
    )
    us.publish(params)
    run = forward.forward_mode if s.ad == "forward" else backprop.backprop
    out = compute(run, s.graph_f, s.graph_at)
    if out.error:
        ui.show(out.error, {"f": s.graph_f, "at": s.graph_at}, s.mode)
        st.stop()
    if s.ad == "forward":
        ui.draw_forward(out.value)
    else:
        ui.draw_graph(out.value, s.graph_f, s.graph_at)
