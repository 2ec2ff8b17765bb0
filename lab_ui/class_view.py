"""The Class page's parts: start a class, the teacher's live view, joining and leaving.

A teacher holds a class by its key: from the teacher link (``/class?teach=CODE&key=KEY``,
taken out of the address bar at once, so a projector never shows it) or from starting
it in this session. Without the key nothing of a class is shown. Everything a student
typed is shown as text (tables), never as Markdown or TeX.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from lab_store import classes, stats
from lab_store.store import default_store
from lab_ui import checks, exports, icons, learner
from lab_ui.i18n import t

TEACHER = "_teacher"  # (class id, join code) this session holds the key of
NEW = "_new_class"  # (code, key) of the class started in this session: the key, shown once
STARTS = "_start_times"
START_LIMIT, START_WINDOW_S = 3, 600.0
REFRESH_S = 3


def _title(exercise: str) -> str:
    return t(".".join(("exercises.items", exercise, "title")))


def link(path: str, **query: str) -> str:
    """An absolute link to another page of this app (the Class page's own URL as the base)."""
    url = urlsplit(st.context.url or "http://localhost:8501/class")
    root = url.path.rstrip("/").rsplit("/", 1)[0] if url.path.rstrip("/") else ""
    return f"{url.scheme}://{url.netloc}{root}/{path}?{urlencode(query)}"


def login_from_url() -> None:
    """Open the teacher view from a teacher link, and take the key out of the address bar."""
    key = st.query_params.get("key")
    raw = st.query_params.get("teach")
    for name in ("key", "teach"):
        if name in st.query_params:
            del st.query_params[name]
    if key is None:
        return
    if not learner.allowed(learner.JOINS, learner.JOIN_LIMIT, learner.JOIN_WINDOW_S):
        st.warning(t("class.join.too_many"), icon=icons.WAIT)
        return
    code = classes.normal_code(raw)
    row = default_store().read(classes.find, code, time.time(), default=None) if code else None
    if not classes.check_key(row, key):
        st.warning(t("class.teacher.bad_link"), icon=icons.LOCK)
        return
    st.session_state[TEACHER] = (row.id, row.code)


def start() -> None:
    """The "Start a class" button: a new class, and its links shown once."""
    if not st.button(t("class.start"), key="start_class", type="primary"):
        return
    if not learner.allowed(STARTS, START_LIMIT, START_WINDOW_S):
        st.warning(t("class.start_too_many"), icon=icons.WAIT)
        return
    store = default_store()
    days = store.settings.retention_days
    started = store.transact(classes.start, time.time(), days, default=None)
    if started is None:
        st.warning(t("class.unavailable"), icon=icons.WARNING)
        return
    st.session_state[TEACHER] = (started.id, started.code)
    st.session_state[NEW] = (started.code, started.key)


def new_class_links() -> None:
    """The join code, join link and teacher link of the class just started here."""
    code, key = st.session_state[NEW]
    st.subheader(t("class.code_is", code=code))
    st.caption(t("class.join_link"))
    st.code(link("exercises", **{"class": code}), language=None)
    with st.expander(t("class.teacher_link_show"), icon=icons.KEY):  # closed: projectable
        st.caption(t("class.teacher_link"))
        st.code(link("class", teach=code, key=key), language=None)
        st.warning(t("class.key_once"), icon=icons.KEY)


@st.fragment(run_every=REFRESH_S)
def live(class_id: int) -> None:
    """The class's numbers, refreshed every few seconds while the page is open."""
    store = default_store()
    parts = store.read(stats.parts, class_id, default=None)
    wrong = store.read(stats.wrong_answers, class_id, default=None)
    minutes = store.read(stats.over_time, class_id, default=None)
    if parts is None or wrong is None or minutes is None:
        st.info(t("class.stats_unavailable"), icon=icons.OFFLINE)
        return
    if not parts:
        st.info(t("class.no_attempts"), icon=icons.INFO)
        return
    st.markdown(f"**{t('class.per_part')}**")
    table = {
        t("class.col.exercise"): [_title(p.exercise) for p in parts],
        t("class.col.part"): [p.part for p in parts],
        t("class.col.tried"): [p.tried for p in parts],
        t("class.col.first_try"): [p.first_try for p in parts],
        t("class.col.eventually"): [p.eventually for p in parts],
        t("class.col.attempts"): [p.attempts for p in parts],
    }
    st.container(key="per_part").dataframe(pd.DataFrame(table), hide_index=True)
    st.markdown(f"**{t('class.common_wrong')}**")
    rows = {
        t("class.col.exercise"): [f"{_title(w.exercise)} · {w.part}" for w in wrong],
        t("class.col.answer"): [w.answer for w in wrong],
        t("class.col.count"): [w.count for w in wrong],
        t("class.col.students"): [w.students for w in wrong],
        t("class.col.feedback"): [
            checks.reason_text(w.exercise, w.part, w.answer, w.verdict, w.reason, w.detail)
            for w in wrong
        ],
    }
    st.container(key="wrong_answers").dataframe(pd.DataFrame(rows), hide_index=True)
    st.markdown(f"**{t('class.over_time')}**")
    frame = pd.DataFrame(
        {
            t("class.col.minute"): [pd.Timestamp(m.minute * 60, unit="s") for m in minutes],
            t("class.col.verdict"): [t(f"class.verdict.{m.verdict}") for m in minutes],
            t("class.col.count"): [m.count for m in minutes],
        }
    )
    right = sum(m.count for m in minutes if m.verdict == "right")
    alt = t(
        "class.chart_alt",
        answers=sum(m.count for m in minutes),
        right=right,
        minutes=len({m.minute for m in minutes}),
    )
    _activity_chart(frame, [m.verdict for m in minutes], alt)


#: Verdict colours of the activity chart; any other verdict is grey.
COLORS = {"right": "#2e7d32", "wrong": "#c62828", "undecided": "#f9a825"}


def _activity_chart(frame: pd.DataFrame, verdicts: list[str], alt: str) -> None:
    """Answers per minute, stacked by verdict: a Vega-Lite spec written out (st.bar_chart
    builds an Altair chart on every call, 75 ms against 2 ms here, every refresh)."""
    minute, count, verdict = t("class.col.minute"), t("class.col.count"), t("class.col.verdict")
    kinds = sorted(set(verdicts), key=lambda v: (v not in COLORS, v))
    spec = {
        "config": {"mark": {"aria": False}},  # the text alternative speaks for the bars
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": minute,
                "type": "ordinal",
                "timeUnit": "utchoursminutes",
                "axis": {"title": minute},
            },
            "y": {
                "field": count,
                "type": "quantitative",
                "stack": True,
                "axis": {"title": count, "tickMinStep": 1},
            },
            "color": {
                "field": verdict,
                "type": "nominal",
                "scale": {
                    "domain": [t(f"class.verdict.{v}") for v in kinds],
                    "range": [COLORS.get(v, "#757575") for v in kinds],
                },
            },
        },
    }
    st.vega_lite_chart(frame, spec, width="stretch", alt=alt)
    exports.chart_downloads(lambda: activity_file_spec(spec, frame, minute), "class_activity")


def activity_file_spec(spec: dict, frame: pd.DataFrame, minute: str) -> dict:
    """The activity chart with its data inline, for a file: minutes as epoch milliseconds,
    which Vega reads as UTC instants (a timestamp's text would be read as local time)."""
    epoch_ms = frame[minute].astype("datetime64[ms]").astype("int64")
    return {**spec, "data": {"values": frame.assign(**{minute: epoch_ms})}}


def _csv(class_id: int) -> str:
    rows = default_store().read(stats.export_rows, class_id, default=[])
    return pd.DataFrame(rows).to_csv(index=False)


def teacher(class_id: int, code: str) -> None:
    """The teacher's view of one class: live numbers, export, end, delete."""
    row = default_store().read(classes.find, code, time.time(), default=None)
    st.header(t("class.teacher.title", code=code))
    if row is not None and row.ended:
        st.caption(t("class.ended"))
    live(class_id)
    export, end, delete = st.columns(3, vertical_alignment="bottom")
    export.download_button(
        t("class.export"), data=lambda: _csv(class_id), file_name=f"class-{code}.csv",
        mime="text/csv", key="export",
    )  # fmt: skip
    if row is not None and not row.ended and end.button(t("class.end"), key="end_class"):
        default_store().transact(classes.end, class_id, time.time(), default=None)
        st.rerun()
    sure = delete.checkbox(t("class.delete_sure"), key="delete_sure")
    if delete.button(t("class.delete"), key="delete_class", disabled=not sure):
        default_store().transact(classes.delete, class_id, default=None)
        for name in (TEACHER, NEW):
            st.session_state.pop(name, None)
        st.rerun()
