"""What every page shares: language, the header, the compute seam and error boxes."""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from calc_core.errors import INTERNAL_ERROR, InputError
from calc_core.guard import default_pool
from lab_ui import icons, learner, page_run
from lab_ui.choices import choose
from lab_ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog, error_message, literal, t

log = logging.getLogger(__name__)

BOOK_URL = {
    "en": "https://d2l.ai/chapter_preliminaries/calculus.html",
    "zh": "https://zh.d2l.ai/chapter_preliminaries/calculus.html",
}


def _browser_language() -> str:
    try:
        locale = (st.context.locale or "").lower()
    except Exception:  # older servers or test harnesses without a browser
        locale = ""
    return "zh" if locale.startswith("zh") else DEFAULT_LANGUAGE


def init_language() -> list[str]:
    """Set ``session_state.lang`` from the URL (``lang=en|zh``) or the browser, once.

    It first leaves Streamlit's legacy navigation mode (see
    :func:`leave_legacy_navigation`): a widget's identity includes the mode it was
    drawn in, so on a fresh server the entry's language radio would otherwise change
    identity between the first run and the next (the first click on it was lost),
    and a bad ``lang`` reported here would vanish in the rerun.
    """
    leave_legacy_navigation()
    bad: list[str] = []
    if "lang" not in st.session_state:
        raw = st.query_params.get("lang")
        if raw in LANGUAGES:
            st.session_state.lang = raw
        else:
            if raw is not None:
                bad.append("lang")
            st.session_state.lang = st.session_state.get("_keep_lang", _browser_language())
    return bad


def language_switch() -> None:
    """The sidebar language selector (rendered by the entry, or by a page run alone)."""
    choose(
        st.sidebar.radio,
        "Language / 语言",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="lang",
        horizontal=True,
    )
    st.session_state["_keep_lang"] = st.session_state.lang
    if st.query_params.get("lang") != st.session_state.lang:
        st.query_params["lang"] = st.session_state.lang


def leave_legacy_navigation() -> None:
    """Make a shared link to a page go through ``dashboard.py``, even on a fresh server.

    Streamlit decides per server whether the app is a legacy "pages/ folder" app: it is
    until some run calls ``st.navigation``. If the first visitor after a start opens a
    link such as ``/limits?f=...``, Streamlit runs ``pages/limits.py`` directly, without
    the entry (no navigation, no page config), and stays so for everyone until somebody
    opens the root. A page that finds itself in that mode switches it off, exactly as
    ``st.navigation`` does, and reruns through the entry (the URL is kept).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource(show_spinner=False)
def warm_pool() -> bool:
    """Start the worker processes in the background once per server, before they are needed.

    Called by the entry, by :mod:`lab_ui.startup` (which every page imports first, so
    the workers start while the page imports the rest) and by :func:`page_header`.
    """
    threading.Thread(target=default_pool().warm, daemon=True, name="calc-core-warm").start()
    return True


def page_header(title_key: str, intro_key: str) -> None:
    """Language set-up, the switch when the page runs alone, the title and intro."""
    warm_pool()
    page_run.start()  # this run's computations share one time budget
    leave_legacy_navigation()
    bad = init_language()
    if not st.session_state.get("_via_entry"):
        language_switch()
    learner.start()  # saved progress, ?class= (after the language: it may say something)
    st.title(t(title_key))
    lang = st.session_state.lang
    st.caption(t(intro_key) + " " + t("shell.book_link", url=BOOK_URL[lang]))
    warn_bad_params(bad)


def book_code_expander() -> DeltaGenerator | None:
    """The closed "The book's code" expander; itself, to draw into, once a visitor opens it.

    Streamlit sends a closed expander's content anyway, and for code the browser then
    loads a 1.5 MB syntax highlighter before the page settles (``python -m
    bench.first_paint``); this one reruns the page when opened and is empty until then.
    """
    box = st.expander(t("shell.book_code"), key="book_code", on_change="rerun")
    return box if box.open else None


def warn_bad_params(names: list[str]) -> None:
    for name in names:
        st.warning(t("shell.bad_param", name=literal(name)), icon=icons.WARNING)


@dataclass(frozen=True)
class Outcome:
    """A computation's value, or the input error that stopped it (both cacheable)."""

    value: Any = None
    error: InputError | None = None


class _Overran(Exception):
    """Carries a ``too_complex`` error out of the cache, so that it is not cached for good."""

    def __init__(self, error: InputError) -> None:
        super().__init__(error.message)
        self.error = error


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(_fn: Callable[..., Any], name: str, args: tuple) -> Outcome:
    try:
        return Outcome(value=page_run.run(_fn, args))
    except InputError as err:
        if err.code == "too_complex":
            raise _Overran(err) from None
        return Outcome(error=err)


#: A time-out depends on the load at that moment: it is remembered for a minute (so one
#: visitor's slow input is not recomputed on every rerun of their page), not forever.
OVERRUN_MEMORY_SECONDS = 60.0
_overruns: dict[str, tuple[float, InputError]] = {}
_overruns_lock = threading.Lock()


def compute(fn: Callable[..., Any], *args: Any) -> Outcome:
    """Run a calc_core function on user input: cached, in a killable worker, time-limited.

    The calls of one page run share one time limit, and a newer submission from the
    same browser cancels this one (see :mod:`lab_ui.page_run`).
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    key = f"{name}{args!r}"
    now = time.monotonic()
    with _overruns_lock:
        remembered = _overruns.get(key)
        if remembered is not None and remembered[0] > now:
            return Outcome(error=remembered[1])
    whole_budget = page_run.budget().used == 0  # an overrun on what was left is not news
    try:
        return _cached(fn, name, args)
    except _Overran as overran:
        if not whole_budget:
            return Outcome(error=overran.error)
        with _overruns_lock:
            if len(_overruns) > 256:
                _overruns.clear()
            _overruns[key] = (now + OVERRUN_MEMORY_SECONDS, overran.error)
        return Outcome(error=overran.error)
    except Exception:  # a bug (ours, or a library's), never the visitor's fault
        return _reported(name, args)


def _reported(name: str, args: tuple) -> Outcome:
    """Log a failed call with its input for us; tell the visitor, in their language, that it was.

    A worker's crash arrives as a RuntimeError carrying the worker's traceback.
    """
    log.exception("internal error in %s%r", name, args)
    return Outcome(error=InputError(INTERNAL_ERROR, "Something went wrong on our side."))


def error_markdown(err: InputError, lang: str | None = None) -> str:
    """The Markdown of an error box: the input's name in bold, then the message.

    What the visitor typed appears only as text (see :func:`lab_ui.i18n.literal`).
    """
    message = error_message(err, lang)
    if not err.field:
        return message
    key = f"field.{err.field}"
    label = f"**{t(key, lang)}**" if key in catalog(DEFAULT_LANGUAGE) else literal(err.field)
    return f"{label} — {message}"


def show_error(err: InputError, source: dict[str, str] | None = None) -> None:
    """An error box in the visitor's language; a caret under the column when we have the text."""
    st.error(error_markdown(err), icon=icons.ERROR)
    text = (source or {}).get(err.field or "")
    if text is not None and err.column is not None and len(text) <= 200:
        pad = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text[: err.column])
        st.code(f"{text}\n{' ' * pad}^", language=None)
