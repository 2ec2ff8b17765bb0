"""An anonymous, random id per browser, kept in a first-party cookie.

Why a cookie written by a tiny script: Streamlit can read cookies (``st.context.cookies``,
sent with the WebSocket handshake, so known on a session's very first run) but cannot
set one, and a URL parameter would travel with every shared link (a student sharing a
page would share their progress). So a custom component (``st.components.v2``: inline,
no iframe) runs once in a browser that has no id yet: it draws 128 random bits with
``crypto.getRandomValues`` (available on plain HTTP too, unlike ``randomUUID``), stores
them as the ``calclab_browser`` cookie for 400 days (Chromium's cap) and reports them.
Every later session of that browser, after a reload or a server restart, reads the
cookie at once and mounts nothing. The id names no one: it is all that class mode and
saved progress know of a learner.
"""

from __future__ import annotations

import re

import streamlit as st

COOKIE = "calclab_browser"
ID = re.compile(r"[0-9a-f]{32}")
KEY = "_browser_id"
MAX_AGE_S = 400 * 86400

_JS = f"""
export default function (component) {{
  const name = "{COOKIE}";
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  let id = found ? found.slice(name.length + 1) : "";
  if (!/^[0-9a-f]{{32}}$/.test(id)) {{
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }}
  document.cookie = `${{name}}=${{id}}; Max-Age={MAX_AGE_S}; Path=/; SameSite=Lax`;
  component.setStateValue("id", id);
}}
"""

_probe = st.components.v2.component("calclab_browser_id", js=_JS)


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # a test harness without a browser
        return None
    return value if isinstance(value, str) and ID.fullmatch(value) else None


def browser_id() -> str | None:
    """This browser's id, or None until its script has reported it (the first visit).

    Call it on every run until it returns an id: it mounts the probe in the sidebar
    while the id is unknown (the probe's report reruns the page once).
    """
    state = st.session_state
    known = state.get(KEY)
    if isinstance(known, str) and ID.fullmatch(known):
        return known
    found = _cookie()
    if found is None:
        with st.sidebar:
            result = _probe(key="_browser_probe", default={"id": None}, on_id_change=_noop)
        reported = result.get("id") if result else None
        found = reported if isinstance(reported, str) and ID.fullmatch(reported) else None
    if found is not None:
        state[KEY] = found
    return found


def _noop() -> None:
    """The probe's change callback (Streamlit requires one per state value)."""
