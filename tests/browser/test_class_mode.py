"""Class mode in Chromium on real servers: a teacher and two students in separate browsers.

The teacher starts a class; two students join with the join link and check right and
wrong answers; the teacher's live view (refreshing by itself) shows the numbers and the
most common wrong answer. The same through two replicas behind nginx sharing one
PostgreSQL. A learner's solved parts survive a server restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from calc_core import exercises as ex
from deploy.run_replicas import Cluster, Replica
from tests import postgres
from tests.browser.conftest import VIEWPORT
from tests.browser.test_proxy import served_by
from tools.browser import AppPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

N = ex.number_in("en", "power_tower")
BOX = f"answer_en_{N}"
WRONG, RIGHT = "x^x", "x^x (ln(x) + 1)"


def start_class(teacher: AppPage) -> str:
    """Start a class in the teacher's browser; its join code."""
    teacher.open("class")
    with teacher.expect_run():
        teacher.widget("start_class").locator("button").click()
    join_link = teacher.main.locator('[data-testid="stCode"] code').first.inner_text().strip()
    return join_link.rsplit("=", 1)[1]


def join(student: AppPage, code: str | None) -> AppPage:
    student.open(f"exercises?n={N}" + (f"&class={code}" if code else ""))
    student.page.wait_for_function("document.cookie.includes('calclab_browser=')")
    student.wait_idle()
    return student


def cells(teacher: AppPage, table: str) -> list[str]:
    return teacher.page.locator(f'.st-key-{table} [role="gridcell"]').all_inner_texts()


def wait_for(what: Callable[[], object], timeout: float = 45.0):
    """Poll ``what`` (the teacher's view refreshes itself every few seconds) until truthy."""
    deadline = time.monotonic() + timeout
    while True:
        got = what()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.5)


def lesson(teacher: AppPage, first: AppPage, second: AppPage) -> None:
    """Two students, one wrong then right, one wrong; the teacher's view follows."""
    code = start_class(teacher)
    join(first, code).type_into(BOX, WRONG)
    join(second, code).type_into(BOX, WRONG)
    first.type_into(BOX, RIGHT)
    assert first.main.locator('[data-testid="stAlertContentSuccess"]').count() == 1
    # per part: tried, right on first try, right eventually, answers checked
    row = wait_for(lambda: cells(teacher, "per_part")[2:] == ["2", "0", "1", "3"])
    assert row, cells(teacher, "per_part")
    wrong = wait_for(lambda: cells(teacher, "wrong_answers"))
    assert wrong[2:4] == ["2", "2"], wrong  # the same wrong answer, twice, by two students
    assert "x" in wrong[1] and wrong[4], wrong  # the answer as read, the checker's feedback
    assert not teacher.exceptions() and not first.exceptions() and not second.exceptions()


def test_a_teacher_sees_two_students_answers_live(new_app, base_url):
    lesson(new_app(base_url), new_app(base_url), new_app(base_url))


@pytest.fixture
def shared_cluster(nginx, postgres_url):
    url = postgres.fresh_database(postgres_url)
    with Cluster(replicas=2, nginx=nginx, env={"CALCLAB_DATABASE_URL": url}) as running:
        yield running


def _upstream(cluster: Cluster, app: AppPage) -> str:
    route = next(c["value"] for c in app.page.context.cookies() if c["name"] == "calclab_route")
    return served_by(cluster, route)[-1]


def test_the_same_lesson_through_two_replicas_sharing_postgresql(new_app, shared_cluster):
    teacher = new_app(shared_cluster.url).open("")
    home = _upstream(shared_cluster, teacher)
    elsewhere, beside = [], []
    for _ in range(12):  # new browsers until one student is served by the other replica
        student = new_app(shared_cluster.url).open("")
        (elsewhere if _upstream(shared_cluster, student) != home else beside).append(student)
        if elsewhere and len(elsewhere) + len(beside) >= 2:
            break
    assert elsewhere, "nginx sent every browser to the teacher's replica"
    lesson(teacher, *(elsewhere + beside)[:2])


def ticked(app: AppPage) -> bool:
    """Whether exercise N carries the solved icon in the checklist (lab_ui.icons.OK)."""
    label = app.widget("n").locator('[role="radiogroup"] label').nth(N - 1)
    return "check_circle" in label.inner_text()


def test_solved_parts_survive_a_server_restart(browser, chromium_path):
    replica = Replica().start(timeout=90)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        learner = AppPage(context.new_page(), replica.url)
        join(learner, None)  # no class: progress is saved all the same
        learner.type_into(BOX, RIGHT)
        assert ticked(learner)
        time.sleep(1.0)  # the writer thread stores it off the script thread
        replica.stop()
        replica = Replica(port=urlsplit(replica.url).port).start(timeout=90)
        again = AppPage(context.new_page(), replica.url).open(f"exercises?n={N}")
        assert ticked(again)
        assert again.widget(BOX).locator("input").input_value() == ""  # a new session
    finally:
        context.close()
        replica.stop()
