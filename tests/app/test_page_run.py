"""Specification of a page run's share of the worker pool (:mod:`lab_ui.page_run`).

The computations of one page run share one time limit, and a new run starts a
new budget. (Cancellation by a newer submission needs a live session: the pool's
side is specified in ``tests/core/test_pool_policy.py``, the rerun in the browser.)
"""

from __future__ import annotations

import threading
import time

import pytest

from calc_core.guard import DEFAULT_TIMEOUT
from lab_ui import page_run
from lab_ui.shell import compute


@pytest.fixture(autouse=True)
def no_run_yet(monkeypatch):
    """Each test starts outside any page run (the budget lives in a thread-local)."""
    monkeypatch.setattr(page_run, "_local", threading.local())


class TestOneBudgetPerRun:
    def test_the_second_call_of_a_run_gets_only_what_the_first_left(self):
        page_run.start(1.0)
        assert compute(time.sleep, 0.61).error is None
        start = time.monotonic()
        second = compute(time.sleep, 0.62)
        assert second.error.code == "too_complex"
        assert second.error.params == {"seconds": "1"}  # the run's limit, as the visitor knows it
        assert time.monotonic() - start < 0.6

    def test_a_new_run_has_the_whole_budget_again(self):
        page_run.start(1.0)
        compute(time.sleep, 0.63)
        page_run.start(1.0)
        assert compute(time.sleep, 0.64).error is None

    def test_a_cached_answer_costs_nothing(self):
        page_run.start(1.0)
        compute(time.sleep, 0.65)
        page_run.start(1.0)
        compute(time.sleep, 0.65)  # served from the cache
        assert page_run.budget().used == 0

    def test_outside_a_page_run_each_call_has_the_default_limit(self):
        assert page_run.budget().seconds == DEFAULT_TIMEOUT
        assert page_run.budget() is not page_run.budget()
