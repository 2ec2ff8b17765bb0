"""Links to the app's own pages with their inputs in the query (shared by several pages)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lab_ui import icons


def escape(text: str) -> str:
    """Text shown as text in a link label (Markdown's special characters escaped)."""
    return "".join("\\" + c if c in "\\`*_[]<>#$" else c for c in text)


def page_link(
    slug: str, query: dict[str, str], label: str, where=st, icon: str = icons.LINK
) -> None:
    """``st.page_link`` to ``pages/<slug>.py`` when it is in the navigation, else a plain link.

    A page run alone (tests, ``streamlit run pages/x.py``) has no navigation to link
    into; the relative URL it gets instead is the same one the browser would show.
    """
    try:
        where.page_link(f"pages/{slug}.py", label=escape(label), icon=icon, query_params=query)
    except StreamlitAPIException:
        where.markdown(f"{icon} [{escape(label)}]({slug}?{urlencode(query, quote_via=quote)})")
