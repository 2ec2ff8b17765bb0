"""The default worker pool's policy for a class-sized server (found by ``bench.load``).

``CALCLAB_WORKERS`` computations run at once and one more worker is kept warm, so a
worker killed for overrunning (a stranger's slow input) never makes the next caller
wait for a cold start; and workers run at a lower CPU priority than the web server.
"""

from __future__ import annotations

import contextlib
import operator
import os
import signal
import time
from pathlib import Path

import pytest

from calc_core import guard
from calc_core.errors import InputError
from calc_core.worker import WORKER_NICENESS


@pytest.fixture
def fresh_default_pool(monkeypatch):
    monkeypatch.setenv("CALCLAB_WORKERS", "4")
    monkeypatch.setattr(guard, "_default", None)
    pool = guard.default_pool()
    yield pool
    pool.close()


class TestDefaultPool:
    def test_three_warm_spares(self, fresh_default_pool):
        pool = fresh_default_pool
        pool.warm()
        assert len(pool._idle) == 3

    def test_after_a_kill_the_next_caller_gets_an_already_running_worker(self, fresh_default_pool):
        pool = fresh_default_pool
        pool.warm()
        before = {w.pid for w in pool._idle}
        with pytest.raises(InputError) as err:
            pool.run(time.sleep, 30, timeout=0.5)
        assert err.value.code == "too_complex" and pool.kills == 1
        assert pool.run(os.getpid) in before

    @pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities here")
    def test_workers_run_at_a_lower_priority_than_the_server(self, fresh_default_pool):
        assert pool_niceness(fresh_default_pool) >= min(19, os.nice(0) + WORKER_NICENESS)


def pool_niceness(pool) -> int:
    return pool.run(os.nice, 0)


class TestWaitingForATurn:
    def test_waiting_does_not_count_against_the_callers_time_limit(self):
        """One slot, busy for 1.5 s: a 1 s-limit call that then takes no time succeeds."""
        import threading

        pool = guard.WorkerPool(size=2, max_workers=1)
        try:
            pool.warm()
            busy = threading.Thread(target=pool.run, args=(time.sleep, 1.5), daemon=True)
            busy.start()
            time.sleep(0.3)  # the slot is taken
            assert pool.run(operator.add, 2, 3, timeout=1.0) == 5
            busy.join()
        finally:
            pool.close()

    def test_a_caller_that_waits_too_long_is_refused(self):
        pool = guard.WorkerPool(size=1, max_workers=1, queue_timeout=0.2)
        try:
            pool.warm()
            busy = threading_run(pool, time.sleep, 1.0)
            time.sleep(0.2)
            with pytest.raises(InputError) as err:
                pool.run(os.getpid, timeout=1.0)
            assert err.value.code == "too_complex"
            busy.join()
        finally:
            pool.close()


def threading_run(pool, fn, *args, **kw):
    import threading

    thread = threading.Thread(target=pool.run, args=(fn, *args), kwargs=kw, daemon=True)
    thread.start()
    return thread


def niceness(pid: int) -> int:
    """A process's nice value from /proc (field 19 of /proc/<pid>/stat)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads priorities from /proc")
class TestLongCallsYield:
    def test_a_call_that_computes_long_drops_to_the_lowest_priority_then_is_replaced(self):
        pool = guard.WorkerPool(size=1, max_workers=1, demote_after=0.2)
        try:
            pool.warm()
            pid = pool._idle[0].pid
            busy = threading_run(pool, sum, range(10**8), timeout=60)
            seen = []
            for _ in range(400):  # up to 20 s on a busy machine
                seen.append(niceness(pid))
                if seen[-1] == 19 or not busy.is_alive():
                    break
                time.sleep(0.05)
            busy.join()
            assert 19 in seen
            assert pool.run(os.getpid) != pid
        finally:
            pool.close()

    def test_a_call_that_only_waits_keeps_its_worker_and_priority(self):
        """Wall time is not CPU time: a machine busy with others demotes nothing."""
        pool = guard.WorkerPool(size=1, max_workers=1, demote_after=0.2)
        try:
            pool.warm()
            pid = pool._idle[0].pid
            pool.run(time.sleep, 1.0)
            assert pool.run(os.getpid) == pid
            assert niceness(pid) < 19
        finally:
            pool.close()


#: Computing (not sleeping) for much longer than any limit here: a stand-in for a slow
#: input. Built-ins only, so a worker does not have to import this test module.
LONG = (sum, range(10**11))
#: About a second of computing.
SECOND = (sum, range(3 * 10**7))


def wait_until(predicate, seconds: float = 20.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def run_in_thread(pool, fn, *args, **kw):
    """Start ``pool.run`` in a thread; return (thread, box) where box gets the outcome."""
    import threading

    box: list = []

    def target() -> None:
        try:
            box.append(pool.run(fn, *args, **kw))
        except BaseException as err:  # the outcome is what the test inspects
            box.append(err)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, box


@contextlib.contextmanager
def warm_pool(**kw):
    """A pool with its spares started, closed afterwards (killing anything still running)."""
    pool = guard.WorkerPool(**kw)
    try:
        pool.warm()
        yield pool
    finally:
        pool.close()


class TestOneCallInFlightPerSession:
    def test_a_new_call_of_the_same_session_cancels_the_running_one(self):
        with warm_pool(size=2, max_workers=2, demote_after=100) as pool:
            old, box = run_in_thread(pool, *LONG, timeout=30, session="a")
            assert wait_until(lambda: pool._schedule.running("fresh"))
            start = time.monotonic()
            assert pool.run(operator.add, 2, 3, session="a") == 5
            old.join(timeout=10)
            assert isinstance(box[0], guard.Cancelled)
            assert time.monotonic() - start < 10  # not the old call's 20 s
            assert pool.cancels == 1

    def test_calls_of_other_sessions_are_not_cancelled(self):
        with warm_pool(size=2, max_workers=2) as pool:
            other, box = run_in_thread(pool, *SECOND, timeout=30, session="a")
            assert wait_until(lambda: pool._schedule.running("fresh"))
            assert pool.run(operator.add, 1, 1, session="b") == 2
            other.join(timeout=30)
            assert isinstance(box[0], int) and pool.cancels == 0

    def test_an_interrupt_stops_the_call_and_propagates(self):
        """Streamlit's check raises when the browser submitted again: the worker is killed."""

        class Rerun(BaseException):
            pass

        asked = []

        def interrupt() -> None:
            asked.append(time.monotonic())
            if len(asked) > 3:
                raise Rerun()

        with warm_pool(size=1, max_workers=1) as pool:
            start = time.monotonic()
            with pytest.raises(Rerun):
                pool.run(*LONG, timeout=30, interrupt=interrupt)
            assert time.monotonic() - start < 10 and pool.cancels == 1
            assert pool.run(operator.add, 2, 2) == 4


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="cancels by signal on POSIX")
class TestACancelledCallKeepsItsWorker:
    def test_a_job_that_sees_the_signal_stops_and_its_worker_serves_the_next_call(self):
        class Rerun(BaseException):
            pass

        def interrupt() -> None:
            if time.monotonic() > start + 0.5:
                raise Rerun()

        with warm_pool(size=1, max_workers=1) as pool:
            pid = pool._idle[0].pid
            start = time.monotonic()
            with pytest.raises(Rerun):
                pool.run(time.sleep, 30, interrupt=interrupt)
            assert time.monotonic() - start < 5
            assert pool.run(os.getpid) == pid  # not killed and replaced

    def test_a_job_stuck_in_c_code_is_killed_after_the_grace(self):
        with warm_pool(size=1, max_workers=1) as pool:
            pid = pool._idle[0].pid
            old, box = run_in_thread(pool, *LONG, timeout=30, session="a")
            assert wait_until(lambda: pool._schedule.running("fresh"))
            assert pool.run(operator.add, 1, 2, session="a") == 3
            old.join(timeout=10)
            assert isinstance(box[0], guard.Cancelled)
            assert pool.run(os.getpid) != pid


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
class TestFreshCallsNeverWaitBehindSlowOnes:
    def test_a_fresh_call_gets_the_only_fresh_slot_once_the_slow_call_is_demoted(self):
        with warm_pool(size=2, max_workers=1, slow_workers=1, demote_after=0.2) as pool:
            slow, _ = run_in_thread(pool, *LONG, timeout=60, session="slow")
            assert wait_until(lambda: pool._schedule.running("slow"), 30)
            start = time.monotonic()
            assert pool.run(operator.add, 2, 3, session="fresh") == 5
            assert time.monotonic() - start < 5  # not the slow call's 30 s
            assert slow.is_alive()

    def test_a_full_slow_lane_refuses_the_next_call_that_uses_its_slice(self):
        with warm_pool(size=2, max_workers=2, slow_workers=1, demote_after=0.2) as pool:
            first, _ = run_in_thread(pool, *LONG, timeout=60, session="a")
            assert wait_until(lambda: pool._schedule.running("slow"), 30)
            with pytest.raises(InputError) as err:
                pool.run(*LONG, timeout=60, session="b")
            assert err.value.code == "too_complex"
            assert first.is_alive()

    @pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities here")
    def test_a_session_whose_input_just_timed_out_starts_its_next_call_at_low_priority(self):
        with warm_pool(size=2, max_workers=2, demote_after=0.2, half_life=60) as pool:
            with pytest.raises(InputError):  # timed out: its CPU is held against "a"
                pool.run(*LONG, timeout=1.5, session="a")
            assert wait_until(lambda: len(pool._idle) == 2)
            assert pool.run(os.nice, 0, session="a") == 19  # the worker's own niceness
            assert pool.run(os.nice, 0, session="b") < 19


class TestOneBudgetPerPageRun:
    def test_two_calls_share_one_limit(self):
        with warm_pool(size=2, max_workers=2) as pool:
            budget = guard.Budget(1.0)
            pool.run(time.sleep, 0.6, budget=budget)
            start = time.monotonic()
            with pytest.raises(InputError) as err:
                pool.run(time.sleep, 0.6, budget=budget)
            assert time.monotonic() - start < 0.55
            assert err.value.params == {"seconds": "1"}  # the page's limit, not what was left
            with pytest.raises(InputError):
                pool.run(operator.add, 1, 1, budget=budget)  # nothing left: refused at once


@pytest.mark.skipif(not guard.FORK_BY_DEFAULT, reason="workers are forked on Linux only")
class TestForkedWorkers:
    def test_workers_are_forked_from_the_fork_server_not_spawned(self):
        with warm_pool(size=1, max_workers=1) as pool:
            server = pool._server.process.pid
            pid = pool.run(os.getpid)
            assert parent_pid(pid) == server

    def test_a_killed_worker_is_replaced_without_paying_the_imports_again(self):
        with warm_pool(size=1, max_workers=1) as pool:
            with pytest.raises(InputError):
                pool.run(time.sleep, 30, timeout=0.3)
            start = time.monotonic()
            assert wait_until(lambda: len(pool._idle) == 1, 10)
            assert time.monotonic() - start < 1.0  # a spawn pays ~1 s of imports here


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(not guard.FORK_BY_DEFAULT, reason="workers are forked on Linux only")
def test_a_dead_fork_server_costs_a_call_nothing_and_is_restarted():
    with warm_pool(size=1, max_workers=1) as pool:
        old = pool._server
        old.process.kill()
        old.process.wait(timeout=10)
        for worker in pool._idle:  # the next call needs a new worker now
            worker.kill()
        pool._idle.clear()
        assert pool.run(operator.add, 2, 2) == 4
        assert wait_until(lambda: pool._server is not old and pool._server.usable(), 60)
        assert pool.run(operator.add, 3, 3) == 6
