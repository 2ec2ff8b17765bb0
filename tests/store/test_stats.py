"""The teacher's numbers, checked against a plain recount of generated attempt sequences."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from lab_store import classes, stats
from lab_store.classes import Attempt
from lab_store.store import Store

NOW = 1_800_000_000.0
BROWSERS = [c * 32 for c in "abcd"]
PARTS = [("tangent", "main"), ("norm", "grad")]
ANSWERS = ["4x-4", "4x", "x^3", "2x"]

attempt_lists = st.lists(
    st.tuples(
        st.sampled_from(BROWSERS),
        st.sampled_from(PARTS),
        st.sampled_from(ANSWERS),
        st.sampled_from(["right", "wrong", "undecided"]),
        st.floats(0, 3600),
    ),
    max_size=25,
)


def _record(store: Store, rows) -> int:
    started = store.transact(classes.start, NOW, 30, default=None)
    for browser, (exercise, part), answer, verdict, dt in rows:
        attempt = Attempt(
            started.id, browser, exercise, part, answer, verdict, "differs", "{}", NOW + dt
        )
        store.transact(classes.record, attempt, default=None)
    return started.id


@settings(max_examples=25, deadline=None)
@given(attempt_lists)
def test_tried_first_try_and_eventually_match_a_recount(store: Store, rows):
    class_id = _record(store, rows)
    got = {(p.exercise, p.part): p for p in store.read(stats.parts, class_id, default=None)}
    assert set(got) == {part for _, part, *_ in rows}
    for part, counted in got.items():
        mine = [(b, v) for b, p, _, v, _ in rows if p == part]
        first: dict[str, str] = {}
        for browser, verdict in mine:
            first.setdefault(browser, verdict)
        assert counted.tried == len(first)
        assert counted.first_try == sum(v == "right" for v in first.values())
        assert counted.eventually == len({b for b, v in mine if v == "right"})
        assert counted.attempts == len(mine)


@settings(max_examples=25, deadline=None)
@given(attempt_lists)
def test_wrong_answers_are_grouped_by_answer_most_common_first(store: Store, rows):
    class_id = _record(store, rows)
    got = store.read(stats.wrong_answers, class_id, 2, default=None)
    for part in PARTS:
        wrong = Counter(a for _, p, a, v, _ in rows if p == part and v != "right")
        shown = [(w.answer, w.count) for w in got if (w.exercise, w.part) == part]
        assert len(shown) == min(2, len(wrong))
        assert [n for _, n in shown] == sorted(wrong.values(), reverse=True)[: len(shown)]
        assert all(wrong[a] == n for a, n in shown)


@settings(max_examples=15, deadline=None)
@given(attempt_lists)
def test_attempts_over_time_add_up_per_minute_and_verdict(store: Store, rows):
    class_id = _record(store, rows)
    minutes = store.read(stats.over_time, class_id, default=None)
    got = {(m.minute, m.verdict): m.count for m in minutes}
    assert got == Counter((int((NOW + dt) // 60), v) for _, _, _, v, dt in rows)


def test_the_export_names_students_by_order_of_appearance_never_by_browser_id(store: Store):
    order = [BROWSERS[2], BROWSERS[0], BROWSERS[2]]
    rows = [(b, PARTS[0], "4x", "wrong", k) for k, b in enumerate(order)]
    exported = store.read(stats.export_rows, _record(store, rows), default=None)
    assert [r["student"] for r in exported] == [1, 2, 1]
    assert not any(b in repr(exported) for b in BROWSERS)
