"""Home: what Calculus Lab is, section 2.4's map in the book's order, and how to share it."""

import streamlit as st

import lab_ui.startup  # noqa: F401  (first: starts the workers while the rest imports)
from calc_core.exercises import EDITIONS
from lab_ui import home
from lab_ui.i18n import t
from lab_ui.shell import page_header

page_header("home.title", "home.intro")
st.markdown(t("home.what"))

st.subheader(t("home.map_title"))
for row in range(0, len(home.CARDS), 2):  # rows of two: on a phone they stack in order
    for column, card in zip(st.columns(2, gap="medium"), home.CARDS[row : row + 2], strict=False):
        with column.container(border=True):
            home.topic_card(card)

st.subheader(t("home.exercises_title"))
st.caption(t("home.exercises_about"))
lang = st.session_state.lang
editions = sorted(EDITIONS, key=lambda edition: edition != lang)  # the visitor's edition first
for column, edition in zip(st.columns(2, gap="medium"), editions, strict=True):
    with column:
        home.exercise_list(edition, lang)

st.subheader(t("home.teachers_title"))
st.markdown(t("home.teachers_share"))
st.markdown(t("home.teachers_host"))
