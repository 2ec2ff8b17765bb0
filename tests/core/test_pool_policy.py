"""The default worker pool's policy for a class-sized server (found by ``bench.load``).

``CALCLAB_WORKERS`` computations run at once and one more worker is kept warm, so a
worker killed for overrunning (a stranger's slow input) never makes the next caller
wait for a cold start; and workers run at a lower CPU priority than the web server.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from calc_core import guard
from calc_core.errors import InputError
from calc_core.worker import WORKER_NICENESS


@pytest.fixture
def fresh_default_pool(monkeypatch):
    monkeypatch.setenv("CALCLAB_WORKERS", "2")
    monkeypatch.setattr(guard, "_default", None)
    pool = guard.default_pool()
    yield pool
    pool.close()


class TestDefaultPool:
    def test_one_warm_spare_beyond_the_concurrent_slots(self, fresh_default_pool):
        pool = fresh_default_pool
        pool.warm()
        assert len(pool._idle) == 3  # 2 slots + 1 spare

    def test_after_a_kill_the_next_caller_gets_an_already_running_worker(self, fresh_default_pool):
        pool = fresh_default_pool
        pool.warm()
        before = {w.process.pid for w in pool._idle}
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
        import operator
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
            pid = pool._idle[0].process.pid
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
            pid = pool._idle[0].process.pid
            pool.run(time.sleep, 1.0)
            assert pool.run(os.getpid) == pid
            assert niceness(pid) < 19
        finally:
            pool.close()
