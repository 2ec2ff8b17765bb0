"""Calculus Lab: the entry. Run with ``streamlit run dashboard.py``.

It sets up the page, the sidebar language switch and the navigation: the home page at
``/``, then each topic, a thin page ``pages/<url_path>.py``, at its own ``url_path``.
"""

from pathlib import Path

import streamlit as st

from lab_ui.sitemap import HOME, ICON, TEACHING, TOPICS

HERE = Path(__file__).parent


def main() -> None:
    # Imported here, not at the top: `streamlit run` imports this file to find `app`
    # before Streamlit's runtime exists, and lab_ui.shell's caches would be made then.
    from lab_ui.i18n import t
    from lab_ui.shell import init_language, language_switch, warm_pool, warn_bad_params

    title = f"{t('app.title', 'en')} · {t('app.title', 'zh')}"  # Calculus Lab · 微积分实验室
    st.set_page_config(page_title=title, page_icon=ICON, layout="wide")
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


if __name__ == "__main__":  # a script run, for every visitor
    main()
else:  # `streamlit run dashboard.py` imports the file once, to serve this app
    from lab_ui.startup import lifespan

    app = st.App(__file__, lifespan=lifespan)
