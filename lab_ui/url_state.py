"""Shareable links: every input of a page lives in ``st.query_params``.

A page declares its inputs as :class:`Param` records. :func:`restore` runs before
the widgets: on a page's first run in a session it reads each value from the URL
(a bad one falls back to the default and is reported, never a crash), later it
keeps what the visitor chose, even across page switches — unless the URL holds a
value the page never published: then a link was followed, and the link wins. Widgets use the param's
name as their ``key``. :func:`publish` runs after the widgets and writes the
current values back into the URL, so a copied link restores the view.

Several pages use the same names (``f``, ``at``, ...), and Streamlit's session state
is one namespace for the whole app. So what a page keeps is kept *per page* (by the
page's script hash), and a value that another page's widget left under a shared
name is not taken over: leaving the limits page with ``f = x^3`` neither shows
``x^3`` on the gradients page nor loses it when the visitor comes back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lab_ui.widget_state import hold

_KEEP = "_keep_"  # _keep_<name>: the last value any page published (read by some pages)
_PAGE_KEEP = "_keep_page_"  # _keep_page_<page>:<name>: what this page last published
_OWNER = "_keep_owner_"  # _keep_owner_<name>: the page whose widget last held <name>


def _page() -> str:
    """An id of the running page (its script hash; "" outside a Streamlit run)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - a Streamlit without this helper
        return ""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.page_script_hash if ctx is not None else ""


@dataclass(frozen=True)
class Param:
    """One input: its URL name, default, parser (raises ValueError) and formatter.

    Its widget's key is the URL name, unless ``widget`` names another key: two views
    of a page can then keep their own inputs under the same URL name (the chain-rule
    page's steps and graph views both read ``f`` from a link).
    """

    name: str
    default: Any
    parse: Callable[[str], Any]
    fmt: Callable[[Any], str] = str
    widget: str | None = None

    @property
    def key(self) -> str:
        """The widget's key in ``st.session_state``."""
        return self.widget or self.name


def text(max_chars: int = 200) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > max_chars:
            raise ValueError("too long")
        return raw

    return parse


def number(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError("out of range")
        return value

    return parse


def integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if not low <= value <= high:
            raise ValueError("out of range")
        return value

    return parse


def choice(options: Sequence[str]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError("not an option")
        return raw

    return parse


def number_choice(options: Sequence[float]) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if value not in options:
            raise ValueError("not an option")
        return value

    return parse


def fmt_number(value: float) -> str:
    """Shortest text that reads back as the same float (``1.0`` -> ``1``)."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def restore(params: Sequence[Param]) -> list[str]:
    """Set each widget's state from the URL (first visit) or the session; return bad names."""
    bad: list[str] = []
    page = _page()
    for p in params:
        key = p.key
        mine = st.session_state.get(_OWNER + key, page) == page
        kept = f"{_PAGE_KEEP}{page}:{key}"
        raw = st.query_params.get(p.name)
        if raw is not None and kept in st.session_state and raw != p.fmt(st.session_state[kept]):
            # the URL says something this page never published: a link was followed
            # (a card on the home page, the browser's back button), and it wins
            try:
                st.session_state[key] = p.parse(raw)
            except (ValueError, TypeError, OverflowError):
                bad.append(p.name)
                keep = key in st.session_state and mine
                st.session_state[key] = st.session_state[key if keep else kept]
            continue
        if key in st.session_state and mine:
            hold(key)  # so a browser that draws the widget late still gets the value
            continue
        if kept in st.session_state:
            st.session_state[key] = st.session_state[kept]
            continue
        if mine and _KEEP + key in st.session_state:
            st.session_state[key] = st.session_state[_KEEP + key]
            continue
        value = p.default
        if raw is not None:
            try:
                value = p.parse(raw)
            except (ValueError, TypeError, OverflowError):
                bad.append(p.name)
        st.session_state[key] = value
    return bad


def publish(params: Sequence[Param]) -> None:
    """Write the current widget values into the URL (and keep them for page switches)."""
    page = _page()
    for p in params:
        key = p.key
        value = st.session_state.get(key, p.default)
        st.session_state[_KEEP + key] = value
        st.session_state[f"{_PAGE_KEEP}{page}:{key}"] = value
        st.session_state[_OWNER + key] = page
        encoded = p.fmt(value)
        if st.query_params.get(p.name) != encoded:
            st.query_params[p.name] = encoded


def forget(names: Sequence[str]) -> None:
    """Take these parameters out of the URL (inputs no longer on the screen)."""
    for name in names:
        if name in st.query_params:
            del st.query_params[name]
