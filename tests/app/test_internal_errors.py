"""A bug in a core function reaches the visitor as a translated message, never a traceback.

Every page of ``lab_ui.sitemap.TOPICS`` is run with a compute seam whose core functions all
raise (as the worker pool does when a calc_core function crashes: a RuntimeError
carrying the worker's traceback). The page must show the translated "internal error"
message and no exception element, in both languages, and the server log must get the
failure with the input that caused it.
"""

from __future__ import annotations

import logging

import pytest

import lab_ui.shell as shell
from lab_ui import page_run
from lab_ui.i18n import LANGUAGES, literal, t
from lab_ui.sitemap import TOPICS
from tests.app.conftest import ROOT, assert_no_exception, build

#: Buttons pressed, one after another, on a page that computes nothing until clicked.
MAX_CLICKS = 12


class Crashing:
    """A stand-in for the worker pool whose every core function raises."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, fn, *args, **kwargs):
        self.calls.append((fn, args))
        raise RuntimeError("calc_core worker failed:\nTraceback ...\nZeroDivisionError: boom")


@pytest.fixture
def crashing(monkeypatch) -> Crashing:
    pool = Crashing()
    monkeypatch.setattr(page_run, "run", pool)  # where compute hands a call to the workers
    shell._cached.clear()  # earlier tests may have cached the defaults' results
    yield pool
    shell._cached.clear()


def _shown(at) -> list[str]:
    return [el.value for el in at.error]


def _run_until_computed(path, lang: str, pool: Crashing):
    at = build(ROOT / path, lang=lang).run()
    assert_no_exception(at)
    clicks = 0
    while not pool.calls and clicks < min(MAX_CLICKS, len(at.button)):
        at.button[clicks].click().run()
        assert_no_exception(at)
        clicks += 1
    return at


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("topic", TOPICS, ids=[topic[0] for topic in TOPICS])
def test_a_crashing_core_function_shows_the_translated_message(topic, lang, crashing):
    at = _run_until_computed(topic[1], lang, crashing)
    if not crashing.calls:
        pytest.skip(f"{topic[1]} computes nothing, even after its buttons are pressed")
    message = t("error.internal_error", lang)
    assert any(message in text for text in _shown(at)), _shown(at)


def test_the_failure_is_logged_with_its_input(crashing, caplog):
    with caplog.at_level(logging.ERROR, logger="lab_ui.shell"):
        at = build(ROOT / "pages" / "limits.py", f="x^x + 7", lang="en").run()
    assert_no_exception(at)
    logged = [r for r in caplog.records if r.name == "lab_ui.shell"]
    assert logged, "nothing was logged"
    assert all(r.levelno == logging.ERROR and r.exc_info for r in logged)
    assert any("calc_core.limits.analyze" in r.getMessage() for r in logged)
    assert any("'x^x + 7'" in r.getMessage() for r in logged)
    assert any("ZeroDivisionError: boom" in str(r.exc_info[1]) for r in logged)


def test_an_ordinary_input_error_is_not_reported_as_internal(caplog):
    shell._cached.clear()
    with caplog.at_level(logging.ERROR, logger="lab_ui.shell"):
        at = build(ROOT / "pages" / "limits.py", f="x +* 2", lang="en").run()
    assert_no_exception(at)
    assert not [r for r in caplog.records if r.name == "lab_ui.shell"]
    assert not any(t("error.internal_error", "en") in text for text in _shown(at))
    assert any(t("error.unexpected_token", "en", token=literal("*")) in text for text in _shown(at))
