"""An anonymous, random id per browser, kept in a first-party cookie.

Why a cookie written by a tiny script: Streamlit can read cookies (``st.context.cookies``,
sent with the WebSocket handshake, so known on a session's very first run) but cannot
set one, and a URL parameter would travel with every shared link (a student sharing a
page would share their progress). So on a browser's first visit the server draws 128
random bits (``secrets``) for the session, and a custom component (``st.components.v2``:
inline, no iframe) writes them into the ``calclab_browser`` cookie for 400 days
(Chromium's cap), unless the browser has one by then. The component reports nothing
back, so it costs no extra rerun (a rerun right after the first paint could swallow a
visitor's first click). Every later session of that browser, after a reload or a server
restart, reads the cookie at once and mounts nothing. The id names no one: it is all
that class mode and saved progress know of a learner.
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

COOKIE = "calclab_browser"
ID = re.compile(r"[0-9a-f]{32}")
KEY = "_browser_id"
MINTED = "_browser_id_minted"  # True: this session drew the id (the browser had none)
MAX_AGE_S = 400 * 86400

_JS = f"""
export default function (component) {{
  const name = "{COOKIE}";
  const id = (component.data || {{}}).id || "";
  const found = document.cookie.split("; ").some((c) => c.startsWith(name + "="));
  if (!found && /^[0-9a-f]{{32}}$/.test(id)) {{
    document.cookie = `${{name}}=${{id}}; Max-Age={MAX_AGE_S}; Path=/; SameSite=Lax`;
  }}
}}
"""

_writer = st.components.v2.component("calclab_browser_id", js=_JS)


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # a test harness without a browser
        return None
    return value if isinstance(value, str) and ID.fullmatch(value) else None


def returning() -> bool:
    """False when this session minted the browser's id (its first visit): nothing is saved."""
    return not st.session_state.get(MINTED, False)


def browser_id() -> str:
    """This browser's id: its cookie's, or (first visit) a new one the page stores in it."""
    state = st.session_state
    known = state.get(KEY)
    if not (isinstance(known, str) and ID.fullmatch(known)):
        known = _cookie()
        if known is None:
            known = secrets.token_hex(16)
            state[MINTED] = True
        state[KEY] = known
    if _cookie() != known:  # not in the browser yet: write it (every run until it is)
        with st.sidebar:
            _writer(key="_browser_cookie", data={"id": known})
    return known
