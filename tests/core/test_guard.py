"""Specification of the killable worker pool (:mod:`calc_core.guard`).

The backstop behind the parser's bounds: a job that overruns its time limit has
its worker process killed and raises ``InputError("too_complex")``, while other
sessions keep being served by other workers.
"""

from __future__ import annotations

import operator
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sympy as sp

from calc_core.errors import InputError
from calc_core.guard import FORK_BY_DEFAULT, WorkerPool
from calc_core.parser import parse, symbol

x = symbol("x")

#: Far more than any limit here: 9^(9^9) has about 370 million digits.
SLOW_JOB = (pow, 9, 9**9)


@pytest.fixture(scope="module")
def pool():
    workers = WorkerPool(size=2, max_workers=4, timeout=5.0)
    workers.warm()
    yield workers
    workers.close()


def two_warm_workers(pool: WorkerPool) -> None:
    """Leave two warm idle workers (a kill replaces its worker in the background).

    Two overlapping calls take two different workers, waiting for any cold one to
    start; both are then handed back idle.
    """
    with ThreadPoolExecutor(2) as executor:
        for future in [executor.submit(pool.run, time.sleep, 0.2) for _ in range(2)]:
            future.result()


class TestResults:
    def test_returns_the_result(self, pool):
        assert pool.run(operator.add, 2, 3) == 5

    def test_returns_sympy_objects(self, pool):
        assert pool.run(parse, "3x^2 - 4x") == 3 * x**2 - 4 * x

    def test_passes_keyword_arguments(self, pool):
        x1, x2 = symbol("x1"), symbol("x2")
        assert pool.run(parse, "x1 x2", variables=("x1", "x2")) == x1 * x2

    def test_input_error_arrives_intact(self, pool):
        with pytest.raises(InputError) as info:
            pool.run(parse, "2 + xy", ("x", "y"))
        err = info.value
        assert err.code == "unknown_name"
        assert err.column == 4
        assert err.params == {"name": "xy", "suggestion": "x*y"}
        assert "x*y" in str(err)

    def test_other_exceptions_are_reported_as_bugs(self, pool):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            pool.run(operator.truediv, 1, 0)


class TestTimeLimit:
    def test_slow_job_is_killed_within_its_limit(self, pool):
        two_warm_workers(pool)
        kills = pool.kills
        start = time.perf_counter()
        with pytest.raises(InputError) as info:
            pool.run(*SLOW_JOB, timeout=1.0)
        elapsed = time.perf_counter() - start
        assert info.value.code == "too_complex"
        assert info.value.params == {"seconds": "1"}
        assert 1.0 <= elapsed < 2.0
        assert pool.kills == kills + 1

    def test_pool_still_serves_after_a_kill(self, pool):
        with pytest.raises(InputError):
            pool.run(*SLOW_JOB, timeout=0.5)
        assert pool.run(operator.add, 1, 1) == 2
        assert pool.run(parse, "sin(x)") == sp.sin(x)

    def test_second_session_renders_while_a_slow_job_runs(self, pool):
        """The time-limit backstop kills a deliberately slow job while a second session
        still renders: quick calls from another thread are not held up by it."""
        two_warm_workers(pool)
        outcome: list[BaseException] = []

        def slow_session() -> None:
            try:
                pool.run(*SLOW_JOB, timeout=3.0)
            except InputError as err:
                outcome.append(err)

        slow = threading.Thread(target=slow_session)
        slow.start()
        time.sleep(0.3)  # the slow job is now computing in its worker
        latencies = []
        for _ in range(5):
            for fn, args in ((operator.add, (2, 3)), (parse, ("3x^2-4x",))):
                start = time.perf_counter()
                pool.run(fn, *args)
                latencies.append(time.perf_counter() - start)
        assert slow.is_alive(), "the slow job should still be running"
        # held up, a call would wait for the 3 s job; 1.5 s leaves room for a loaded machine
        assert max(latencies) < 1.5, latencies
        slow.join(timeout=10)
        assert not slow.is_alive()
        assert [err.code for err in outcome] == ["too_complex"]

    @pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space cap: Linux")
    def test_memory_bomb_is_too_complex(self, pool):
        with pytest.raises(InputError) as info:
            pool.run(bytearray, 3 * 1024**3)
        assert info.value.code == "too_complex"
        assert pool.run(operator.add, 1, 2) == 3


class TestClose:
    @pytest.mark.skipif(os.name != "posix", reason="probes the worker's pid with signal 0")
    def test_close_stops_the_workers_and_is_idempotent(self):
        workers = WorkerPool(size=1)
        pid = workers.run(os.getpid)
        assert pid != os.getpid()
        workers.close()
        workers.close()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

    def test_close_on_a_pool_that_never_ran(self):
        workers = WorkerPool(size=1)
        workers.close()
        workers.close()


def first_spare(workers: WorkerPool):
    """Start ``workers.warm()`` in the background; the spare it offers first."""
    threading.Thread(target=workers.warm, daemon=True).start()
    deadline = time.monotonic() + 10
    while not workers._idle and time.monotonic() < deadline:
        time.sleep(0.01)
    return workers._idle[0]


@pytest.mark.skipif(not FORK_BY_DEFAULT, reason="workers are forked on Linux only")
class TestStartUp:
    """Right after a server starts, the first visitor does not wait for the fork server."""

    def test_the_first_call_is_served_by_a_light_worker_while_the_fork_server_starts(self):
        workers = WorkerPool(size=1)
        try:
            spare = first_spare(workers)
            assert spare.light and spare.server is None  # spawned, numpy and sympy only
            assert workers.run(os.getpid) == spare.pid
        finally:
            workers.close()

    def test_the_light_worker_retires_once_forks_exist(self):
        workers = WorkerPool(size=1)
        try:
            spare = first_spare(workers)
            workers.warm()  # returns once the fork server is up and its spares exist
            assert spare.process.wait(timeout=10) is not None  # stopped, not left running
            assert workers.run(os.getpid) != spare.pid
        finally:
            workers.close()
