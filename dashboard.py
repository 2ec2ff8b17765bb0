"""Calculus Lab: the entry. Run with ``streamlit run dashboard.py``.

It sets up the page, the sidebar language switch and the navigation: the home page at
``/``, then each topic, a thin page ``pages/<url_path>.py``, at its own ``url_path``.
"""

from pathlib import Path

import streamlit as st

from lab_ui.i18n import t
from lab_ui.shell import init_language, language_switch, warm_pool, warn_bad_params

HERE = Path(__file__).parent

#: The default page, served at ``/`` (Streamlit serves a default page nowhere else).
HOME = ("pages/home.py", "nav.home", ":material/home:")
#: (url_path, file, title key, icon) in the book's order. A page's file is named after its
#: url_path: on a fresh server Streamlit's first lookup of a shared link goes by file name.
TOPICS = [
    ("limits", "pages/limits.py", "nav.limits", ":material/trending_down:"),
    ("tangent", "pages/tangent.py", "nav.tangent", ":material/show_chart:"),
    ("gradients", "pages/gradients.py", "nav.gradients", ":material/explore:"),
    ("chain-rule", "pages/chain-rule.py", "nav.chain_rule", ":material/link:"),
    ("exercises", "pages/exercises.py", "nav.exercises", ":material/school:"),
]
#: For teachers, after the topics: class mode (lab_ui.class_view).
TEACHING = [("class", "pages/class.py", "nav.class", ":material/groups:")]


def main() -> None:
    title = f"{t('app.title', 'en')} · {t('app.title', 'zh')}"  # Calculus Lab · 微积分实验室
    st.set_page_config(page_title=title, page_icon="∂", layout="wide")
    warm_pool()
    st.session_state["_via_entry"] = True
    bad = init_language()
    language_switch()
    st.sidebar.caption(t("app.tagline"))
    path, key, icon = HOME
    home = st.Page(HERE / path, title=t(key), icon=icon, default=True)
    topics, teaching = (
        [
            st.Page(HERE / path, title=t(key), icon=icon, url_path=slug)
            for slug, path, key, icon in group
        ]
        for group in (TOPICS, TEACHING)
    )
    # One flat list: Streamlit draws a section's header as a <div> inside the <ul> of its
    # links, which screen readers cannot read as a list (axe: list, listitem).
    navigation = st.navigation([home, *topics, *teaching])
    warn_bad_params(bad)
    navigation.run()


if __name__ == "__main__":
    main()
