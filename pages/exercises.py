"""Exercises: both editions' section 2.4 exercises, with every answer checked."""

import streamlit as st

import lab_ui.startup  # noqa: F401  (first: starts the workers while the rest imports)
from calc_core.exercises import EDITIONS
from lab_ui import exercise_cards as cards
from lab_ui import url_state as us
from lab_ui.i18n import t
from lab_ui.shell import page_header, warn_bad_params

PARAMS = [
    us.Param("other", False, cards.flag, lambda v: "1" if v else "0"),
    us.Param("n", 1, us.integer(1, max(len(ids) for ids in EDITIONS.values()))),
]

page_header("exercises.title", "exercises.intro")
warn_bad_params(us.restore(PARAMS))
lang = st.session_state.lang
other = cards.OTHER[lang]
st.toggle(
    t("exercises.show_other", edition=t(f"exercises.edition.{other}"), count=len(EDITIONS[other])),
    key="other",
)
edition = cards.edition_for(lang, st.session_state.other)
n = cards.follow(edition)
left, right = st.columns([1, 3], gap="large")
with right:
    cards.card(edition, n)
cards.checklist(edition, left)  # after the card, so a verdict just given is ticked
us.publish(PARAMS)
