"""Class mode through the app: a teacher starts a class, students join and check answers,
the teacher's numbers follow; the key guards everything; progress is saved per browser.

Sessions are separate AppTests (separate browsers); the store is the process's default
(SQLite in the test run's data directory, tests/conftest.py), flushed before reading.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from calc_core import exercises as ex
from lab_store import store as store_module
from lab_store.config import Settings, database_url
from lab_store.store import Store, default_store
from lab_ui import class_view, exports, identity, learner
from lab_ui.i18n import t
from tests.app.conftest import through_entry
from tests.postgres import free_port

N = ex.number_in("en", "power_tower")
BOX, CHECK = f"answer_en_{N}", f"check_en_{N}"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def start_class() -> tuple[AppTest, str, str]:
    """A teacher's session that started a class: (session, join code, teacher link)."""
    at = ok(through_entry("class", lang="en").run())
    ok(at.button(key="start_class").click().run())
    join_link, teacher_link = (c.value for c in at.code)
    return at, join_link.rsplit("=", 1)[1], teacher_link


def student(code: str, browser: str | None = None) -> AppTest:
    at = through_entry("exercises", lang="en", n=str(N), **{"class": code})
    if browser:
        at.session_state[identity.KEY] = browser
    return ok(at.run())


def answer(at: AppTest, text: str) -> AppTest:
    at.text_input(key=BOX).input(text)
    return ok(at.button(key=CHECK).click().run())


def test_starting_a_class_shows_the_code_the_join_link_and_the_teacher_link_once():
    at, code, teacher_link = start_class()
    assert f"class={code}" in at.code[0].value
    assert f"teach={code}&key=" in teacher_link
    assert t("class.key_once") in [w.value for w in at.warning]
    assert t("class.no_attempts") in [i.value for i in at.info]


def test_students_answers_reach_the_teachers_numbers_and_common_wrong_answers():
    teacher, code, _ = start_class()
    first, second = student(code), student(code)
    answer(first, "x^x")  # wrong, then right
    answer(first, "x^x (ln(x) + 1)")
    answer(second, "x*x^(x-1)")  # wrong, the same slip written another way ...
    answer(second, "x^(x-1)*x")
    answer(second, "x^x*log(x) + x^x")  # ... then right
    per_part, wrong = (frame.value for frame in teacher_frames(teacher))
    row = per_part.iloc[0]
    assert (row[t("class.col.tried")], row[t("class.col.first_try")]) == (2, 0)
    assert row[t("class.col.eventually")] == 2
    assert row[t("class.col.attempts")] == 5
    top = wrong.iloc[0]
    assert (top[t("class.col.count")], top[t("class.col.students")]) == (2, 1)
    assert top[t("class.col.feedback")]


def teacher_frames(at: AppTest):
    assert default_store().flush(timeout=30)
    ok(at.run())
    return at.dataframe[0], at.dataframe[1]


def test_the_teachers_activity_chart_downloads_for_slides():
    teacher, code, _ = start_class()
    answer(student(code), "x^x")
    teacher_frames(teacher)
    labels = [b.proto.label for b in teacher.get("download_button")]
    assert {t("export.svg"), t("export.png")} <= set(labels)
    minute = t("class.col.minute")
    frame = pd.DataFrame({minute: [pd.Timestamp(29_000_000 * 60, unit="s")], "n": [2]})
    spec = {"mark": "bar", "encoding": {"x": {"field": minute, "timeUnit": "utchoursminutes",
            "type": "ordinal"}, "y": {"field": "n", "type": "quantitative"}}}  # fmt: skip
    svg = exports.svg(class_view.activity_file_spec(spec, frame, minute))
    assert svg.startswith("<svg") and "<path" in svg and "21:20" in svg  # 29e6 min: 21:20 UTC


def test_a_right_first_answer_counts_as_right_on_first_try():
    teacher, code, _ = start_class()
    answer(student(code), "x^x (ln(x) + 1)")
    per_part, _ = teacher_frames(teacher)
    row = per_part.value.iloc[0]
    assert (row[t("class.col.tried")], row[t("class.col.first_try")]) == (1, 1)


def test_the_teacher_link_opens_the_view_in_another_browser_and_leaves_the_address_bar():
    _, code, teacher_link = start_class()
    key = teacher_link.rsplit("key=", 1)[1]
    at = ok(through_entry("class", lang="en", teach=code, key=key).run())
    assert t("class.teacher.title", code=code) in [h.value for h in at.header]
    assert "key" not in at.query_params and "teach" not in at.query_params


@pytest.mark.parametrize("key", ["", "x", "A" * 32])
def test_without_the_right_key_nothing_of_the_class_is_shown(key):
    _, code, teacher_link = start_class()
    real = teacher_link.rsplit("key=", 1)[1]
    wrong = key or real[:-1]
    at = ok(through_entry("class", lang="en", teach=code, key=wrong).run())
    assert t("class.teacher.bad_link") in [w.value for w in at.warning]
    assert not at.header and not at.dataframe and not at.code


def test_an_unknown_join_code_is_refused_and_said_so():
    at = student("ZZZZZZ")
    assert t("class.join.unknown", code="`ZZZZZZ`") in [w.value for w in at.warning]
    assert learner.CLASS not in at.session_state


def test_join_codes_are_rate_limited_per_session():
    at = ok(through_entry("class", lang="en").run())
    for k in range(learner.JOIN_LIMIT + 1):
        at.text_input(key="join_code").input(f"ZZZZZ{k % 10}" if k < 8 else "ZZZZZZ")
        ok(at.button(key="join_class").click().run())
    assert t("class.join.too_many") in [w.value for w in at.warning]


def test_an_ended_class_is_read_only_and_a_deleted_one_is_gone():
    teacher, code, _ = start_class()
    answer(student(code), "x^x")
    ok(teacher.button(key="end_class").click().run())
    assert t("class.ended") in [c.value for c in teacher.caption]
    assert t("class.join.ended", code=f"`{code}`") in [w.value for w in student(code).warning]
    ok(teacher.checkbox(key="delete_sure").check().run())
    ok(teacher.button(key="delete_class").click().run())
    assert t("class.join.unknown", code=f"`{code}`") in [w.value for w in student(code).warning]
    assert not teacher.dataframe


def test_an_unreadable_answer_is_shown_to_the_teacher_as_text_never_markup():
    teacher, code, _ = start_class()
    hostile = "[click](https://example.invalid) $\\rule{9em}{9em}$"
    answer(student(code), hostile)
    _, wrong = teacher_frames(teacher)
    assert wrong.value.iloc[0][t("class.col.answer")] == hostile
    assert all("example.invalid" not in m.value for m in teacher.markdown)


def test_solved_parts_come_back_in_a_new_session_of_the_same_browser():
    browser = "c0ffee" + "0" * 26
    answer(student("", browser), "x^x (ln(x) + 1)")
    assert default_store().flush(timeout=30)
    again = student("", browser)
    assert learner.PROGRESS in again.session_state
    assert "main" in again.session_state[learner.PROGRESS]["en.power_tower"]
    other = student("", "f" * 32)
    assert not other.session_state[learner.PROGRESS].get("en.power_tower")


def test_a_first_visit_reads_nothing_from_the_store_and_a_returning_browser_reads_its_progress(
    monkeypatch,
):
    reads = []

    class Counting(Store):
        def read(self, fn, *args, default):
            reads.append(fn.__name__)
            return super().read(fn, *args, default=default)

    monkeypatch.setattr(store_module, "_default", Counting(default_store().settings))
    first = ok(through_entry("limits", lang="en").run())
    assert first.session_state[identity.KEY]  # an id was minted for the cookie
    assert reads == []  # a minted id has no saved progress: the page waits for no database
    student("", "c0ffee" + "1" * 26)
    assert reads == ["solved"]


def test_a_database_outage_keeps_the_verdict_and_shows_statistics_unavailable(monkeypatch):
    teacher, code, _ = start_class()
    down = Store(Settings(database_url(f"postgresql://x@127.0.0.1:{free_port()}/none")))
    monkeypatch.setattr(store_module, "_default", down)
    started = time.perf_counter()
    at = answer(student(code), "x^x (ln(x) + 1)")
    assert time.perf_counter() - started < 10
    assert at.success  # the verdict is shown
    ok(teacher.run())
    assert t("class.stats_unavailable") in [i.value for i in teacher.info]


def test_a_student_in_a_class_sees_it_in_the_sidebar_and_keeps_it_in_the_url():
    _, code, _ = start_class()
    at = student(code)
    assert t("class.in_class", code=code) in [c.value for c in at.sidebar.caption]
    ok(at.switch_page("pages/limits.py").run())
    assert at.query_params["class"] == code


def test_the_csv_export_has_every_attempt_and_no_browser_id():
    from lab_ui import class_view

    _, code, _ = start_class()
    browsers = ["1" * 32, "2" * 32]
    for browser in browsers:
        answer(student(code, browser), "x^x")
    assert default_store().flush(timeout=30)
    row = default_store().read(
        lambda conn: class_view.classes.find(conn, code, time.time()), default=None
    )
    text = class_view._csv(row.id)
    lines = text.strip().splitlines()
    assert len(lines) == 3 and "student" in lines[0] and "answer" in lines[0]
    assert {line.rsplit(",", 1)[1] for line in lines[1:]} == {"1", "2"}
    assert not any(b in text for b in browsers)
