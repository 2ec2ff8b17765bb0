"""Classes: join codes, teacher keys, recording, ending, deleting, retention."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from lab_store import classes
from lab_store.classes import Attempt
from lab_store.schema import attempts
from lab_store.store import Store

NOW = 1_800_000_000.0


def _start(store: Store, now: float = NOW, days: int = 30) -> classes.Started:
    return store.transact(classes.start, now, days, default=None)


def _attempt(class_id: int, at: float = NOW + 1, verdict: str = "right", browser: str = "a" * 32):
    return Attempt(class_id, browser, "tangent", "main", "4x-4", verdict, "", "{}", at)


def test_a_new_class_is_found_by_its_join_code_and_opened_only_by_its_key(store: Store):
    started = _start(store)
    row = store.read(classes.find, started.code, NOW + 1, default=None)
    assert classes.CODE_PATTERN.fullmatch(started.code)
    assert row.id == started.id
    assert classes.check_key(row, started.key)
    assert not classes.check_key(row, started.key[:-1])
    assert not classes.check_key(row, "")
    assert not classes.check_key(None, started.key)


def test_the_teacher_key_is_stored_only_as_its_hash(store: Store):
    started = _start(store)
    with store._open().connect() as conn:
        stored = conn.execute(sa.text("SELECT * FROM classes")).all()
    assert started.key not in repr(stored)


@given(st.text(max_size=12))
def test_normal_code_accepts_only_what_a_join_code_can_be(text):
    code = classes.normal_code(text)
    assert code is None or classes.CODE_PATTERN.fullmatch(code)
    if code is not None:
        assert code == "".join(text.split()).upper()


def test_an_ended_class_keeps_its_attempts_but_records_no_new_ones(store: Store):
    started = _start(store)
    assert store.transact(classes.record, _attempt(started.id), default=None)
    store.transact(classes.end, started.id, NOW + 2, default=None)
    assert not store.transact(classes.record, _attempt(started.id, NOW + 3), default=None)
    row = store.read(classes.find, started.code, NOW + 4, default=None)
    assert row.ended
    assert _count(store, started.id) == 1


def test_deleting_a_class_removes_every_row_of_it_and_nothing_else(store: Store):
    gone, kept = _start(store), _start(store)
    for cls in (gone, kept):
        store.transact(classes.record, _attempt(cls.id), default=None)
    store.transact(classes.delete, gone.id, default=None)
    assert store.read(classes.find, gone.code, NOW, default="x") is None
    assert _count(store, gone.id) == 0
    assert _count(store, kept.id) == 1


def test_a_class_past_its_retention_is_purged_with_its_attempts(store: Store):
    old = _start(store, now=NOW - 31 * classes.DAY)
    young = _start(store, now=NOW - 29 * classes.DAY)
    for cls in (old, young):
        at = NOW - 29.5 * classes.DAY
        store.transact(classes.record, _attempt(cls.id, at=at), default=None)
    store.transact(classes.purge_expired, NOW, default=None)
    assert store.read(classes.find, old.code, NOW - 40 * classes.DAY, default="x") is None
    assert _count(store, old.id) == 0
    assert _count(store, young.id) == 1


def test_an_expired_class_cannot_be_joined(store: Store):
    started = _start(store, days=1)
    assert store.read(classes.find, started.code, NOW + 2 * classes.DAY, default="x") is None


@settings(max_examples=15, deadline=None)
@given(answer=st.text(max_size=600), detail=st.text(max_size=600))
def test_any_answer_text_is_stored_and_read_back_as_text(store: Store, answer, detail):
    started = _start(store)
    attempt = Attempt(started.id, "b" * 32, "x", "main", answer, "wrong", "r", detail, NOW)
    store.transact(classes.record, attempt, default=None)
    with store._open().connect() as conn:
        got = conn.execute(
            sa.select(attempts.c.answer, attempts.c.detail).where(attempts.c.class_id == started.id)
        ).one()
    assert tuple(got) == (answer.replace("\x00", "")[:400], detail.replace("\x00", "")[:400])


def _count(store: Store, class_id: int) -> int:
    query = sa.select(sa.func.count()).where(attempts.c.class_id == class_id)
    return store.read(lambda conn: conn.execute(query).scalar_one(), default=-1)
