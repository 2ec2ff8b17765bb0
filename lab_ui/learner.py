"""The learner's side of storage: saved progress, joining a class, recording checks.

The seam between the exercise cards and :mod:`lab_store` (as :func:`lab_ui.shell.compute`
is the seam to :mod:`calc_core`). Nothing here waits for a write or raises when the
database is away: a verdict is shown first and recorded afterwards, off the script
thread; a failed read means "unavailable", never an error box.

:mod:`lab_store` (SQLAlchemy, Alembic) is imported on first use, not with the page:
a first visit reads nothing (a browser id minted in this session has no saved
progress), and its import cost a fresh server's first paint a quarter of a second
(``python -m bench.first_paint``).
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

import streamlit as st

from lab_ui import icons, identity
from lab_ui.i18n import literal, t
from lab_ui.rate import allow

PROGRESS = "_exercise_progress"  # {"<edition>.<exercise>": {part, ...}} (exercise_cards)
LOADED = "_progress_loaded"
CLASS = "_class"  # (class id, join code) of the class this session joined
TRIED = "_class_tried"  # the last ?class= value acted on
RECORDED = "_recorded_"
JOINS = "_join_times"
ATTEMPTS = "_attempt_times"
SESSION_ID = "_session_browser_id"

#: Per session: join codes tried, and attempts recorded into a class.
JOIN_LIMIT, JOIN_WINDOW_S = 10, 60.0
ATTEMPT_LIMIT, ATTEMPT_WINDOW_S = 30, 60.0


@dataclass(frozen=True)
class Check:
    """One checked answer, as the teacher will see it."""

    exercise: str
    part: str
    answer: str  # the answer as read (normalized: our printer's form, or the option id)
    verdict: str  # right, wrong, undecided, unsimplified, unreadable, ...
    reason: str = ""
    detail: dict | None = None


def _store():
    from lab_store.store import default_store

    return default_store()


def start() -> None:
    """Once per run (from the page header): the browser id, saved progress, ``?class=``.

    Saved progress is read once per session, and only for a browser that came back
    with its id: an id minted in this session has none.
    """
    browser = identity.browser_id()
    state = st.session_state
    if not state.get(LOADED):
        state[LOADED] = True
        if identity.returning():
            _load_progress(browser)
    _join_from_url()
    code = joined_code()
    if code:
        st.sidebar.caption(t("class.in_class", code=code))


def _load_progress(browser: str) -> None:
    from lab_store import progress

    saved = _store().read(progress.solved, browser, default=None)
    mine = st.session_state.setdefault(PROGRESS, {})
    for exercise, parts in (saved or {}).items():
        mine.setdefault(exercise, set()).update(parts)


def _join_from_url() -> None:
    state = st.session_state
    raw = st.query_params.get("class")
    joined = state.get(CLASS)
    if raw and raw != state.get(TRIED) and not (joined and raw == joined[1]):
        state[TRIED] = raw
        join(raw)
        joined = state.get(CLASS)
    if joined and st.query_params.get("class") != joined[1]:
        st.query_params["class"] = joined[1]  # kept in the URL: a reload stays in the class


def allowed(bucket: str, limit: int, window: float) -> bool:
    """A per-session rate limit (see :mod:`lab_ui.rate`)."""
    ok, st.session_state[bucket] = allow(
        st.session_state.get(bucket, ()), time.time(), limit, window
    )
    return ok


def join(raw: str) -> bool:
    """Join the class with join code ``raw`` (rate-limited); say why not when it fails."""
    if not allowed(JOINS, JOIN_LIMIT, JOIN_WINDOW_S):
        st.warning(t("class.join.too_many"), icon=icons.WAIT)
        return False
    from lab_store import classes

    code = classes.normal_code(raw)
    store = _store()
    row = store.read(classes.find, code, time.time(), default=None) if code else None
    if row is None or row.ended:
        key = "unavailable" if code and not store.available else "ended" if row else "unknown"
        st.warning(t(f"class.join.{key}", code=literal(raw[:20])), icon=icons.WARNING)
        return False
    st.session_state[CLASS] = (row.id, row.code)
    st.toast(t("class.join.joined", code=row.code), icon=icons.JOINED)
    return True


def joined_code() -> str | None:
    joined = st.session_state.get(CLASS)
    return joined[1] if joined else None


def leave() -> None:
    st.session_state.pop(CLASS, None)
    if "class" in st.query_params:
        del st.query_params["class"]


def _who() -> str:
    """The browser id, or a random id for this session when the browser gave none yet."""
    state = st.session_state
    found = state.get(identity.KEY)
    if isinstance(found, str):
        return found
    return state.setdefault(SESSION_ID, secrets.token_hex(16))


def checked(edition: str, key: str, check: Check, solved: bool, submitted: object) -> None:
    """Record a verdict just shown: progress if solved, and the attempt if in a class.

    ``key`` names the answer box and ``submitted`` what was checked in it; a rerun that
    shows the verdict on the same submission again records nothing.
    """
    state = st.session_state
    seen = (submitted, check.verdict)
    if state.get(RECORDED + key) == seen:
        return
    state[RECORDED + key] = seen
    from lab_store import classes, progress

    store = _store()
    now = time.time()
    browser = state.get(identity.KEY)
    if solved and browser:
        store.write(progress.solve, browser, f"{edition}.{check.exercise}", check.part, now)
    joined = state.get(CLASS)
    if not joined:
        return
    if allowed(ATTEMPTS, ATTEMPT_LIMIT, ATTEMPT_WINDOW_S):
        detail = json.dumps(check.detail or {}, ensure_ascii=False, sort_keys=True)
        attempt = classes.Attempt(
            joined[0], _who(), check.exercise, check.part, check.answer,
            check.verdict, check.reason, detail, now,
        )  # fmt: skip
        store.write(classes.record, attempt)
