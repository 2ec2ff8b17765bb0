"""The last line of defence: run work on user input in a killable worker process.

The parser's structural bounds refuse the known bombs in microseconds, but sympy
can still be slow on input that passes them. A thread cannot be stopped (Streamlit
runs each script in a thread, ``signal.alarm`` only works in the main thread, and
big-integer arithmetic holds the GIL so it would starve every other session). So
work on user input runs in a small pool of *processes*: a call that overruns its
time limit has its worker killed and replaced, and raises
:class:`~calc_core.errors.InputError` with code ``"too_complex"``. Other callers
meanwhile use other workers and are not slowed.

Workers (:mod:`calc_core.workers`) are ``python -m calc_core.worker`` processes
that talk to the pool over an authenticated loopback connection, pre-import
numpy, sympy and calc_core, and on POSIX cap their address space so a memory bomb
fails inside the worker instead of taking the server down; on POSIX they are
forked from a warm fork server. Which call runs when is decided by
:mod:`calc_core.schedule`: one call in flight per session, and a fresh call never
waits behind one that has already computed for half a second.

Examples
--------
>>> import operator
>>> pool = WorkerPool(size=1)
>>> pool.run(operator.add, 2, 3)
5
>>> pool.close()
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from calc_core.errors import InputError
from calc_core.schedule import Schedule
from calc_core.worker import WORKER_NICENESS
from calc_core.workers import ForkServer, WorkerProcess

T = TypeVar("T")

DEFAULT_TIMEOUT = 3.0
#: Seconds between checks of a waiting or computing call (cancelled? demoted? interrupted?).
_POLL = 0.05
#: The lowest CPU priority (POSIX niceness), for demoted calls.
LOWEST = 19
#: Seconds a cancelled call's worker has to stop its job before it is killed.
CANCEL_GRACE = 0.25
#: Seconds between interrupt checks of a slow-lane call (see :class:`_Throttled`).
SLOW_INTERRUPT_EVERY = 1.0
FORK_BY_DEFAULT = sys.platform.startswith("linux") and hasattr(os, "fork")


class Cancelled(Exception):
    """The call was superseded by a newer call of the same session and was stopped."""


class Budget:
    """One time limit shared by several calls: a page rerun's computations.

    Each call may compute for what is left; its computing time (not its wait for
    a turn) is then used up. A call with nothing left is refused at once.

    Examples
    --------
    >>> budget = Budget(3.0)
    >>> budget.used = 2.5
    >>> budget.left()
    0.5
    """

    def __init__(self, seconds: float = DEFAULT_TIMEOUT) -> None:
        self.seconds = seconds
        self.used = 0.0

    def left(self) -> float:
        return max(0.0, self.seconds - self.used)


class WorkerPool:
    """A small pool of killable worker processes, scheduled fairly between sessions.

    The policy (:class:`calc_core.schedule.Schedule`): each session has at most one
    call in flight, and a newer call from the same session cancels it; a fresh call
    never waits behind one that has used its first slice of CPU (that one moves to
    a slow lane at the lowest CPU priority); a session that used a slice recently
    starts in the slow lane. Workers are forked from a warm fork server where the
    platform allows, so a cancelled or killed call's worker is replaced at once.

    Parameters
    ----------
    size : int
        Workers kept warm and idle.
    max_workers : int
        Fresh calls running at once; further fresh callers wait their turn, except
        that calls of light sessions (little unanswered use) may start up to
        ``extra_workers`` more, so a student's call gets a worker at once.
        The wait does not count against a call's time limit, which measures the
        computation alone: under a class's load an ordinary input must not be
        refused as "too complex" because others were computing.
    slow_workers : int
        Demoted calls running at once. A call that uses its slice while the slow
        lane is full is refused (``too_complex``).
    timeout : float
        Default time limit of a call, in seconds.
    queue_timeout : float or None
        How long a caller may wait for its turn before it is refused (as
        ``too_complex``); None means five times the call's own limit.
    demote_after : float
        The slice: a call that has used this many seconds of CPU is demoted. CPU
        time, not wall time: on a busy machine, slow because others compute,
        nothing is demoted. Where CPU time cannot be read (no /proc), nothing is.
    half_life : float
        How fast a session's recent CPU use is forgotten (seconds to halve).
    startup_timeout : float
        How long a fresh worker may take to import numpy and sympy.
    fork : bool or None
        Fork workers from a fork server (default: on Linux; macOS's system
        libraries are not safe to use in a forked child, Windows has no fork).
    """

    def __init__(
        self,
        size: int = 2,
        *,
        max_workers: int = 4,
        extra_workers: int = 0,
        slow_workers: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        startup_timeout: float = 60.0,
        queue_timeout: float | None = None,
        demote_after: float = 0.5,
        half_life: float = 10.0,
        fork: bool | None = None,
    ) -> None:
        self._size = size
        self._timeout = timeout
        self._queue_timeout = queue_timeout
        self._demote_after = demote_after
        self._startup_timeout = startup_timeout
        self._fork = FORK_BY_DEFAULT if fork is None else fork
        self._server: ForkServer | None = None
        self._idle: list[WorkerProcess] = []
        self._busy: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._turn = threading.Condition(self._lock)
        self._schedule = Schedule(
            fresh_slots=max_workers,
            extra_fresh_slots=extra_workers,
            slow_slots=slow_workers,
            slice_seconds=demote_after,
            half_life=half_life,
        )
        self._closed = False
        self.kills = 0  # workers killed for overrunning (for tests and benches)
        self.cancels = 0  # calls cancelled by a newer call or by their caller

    # -- worker bookkeeping
    def _fork_server(self) -> ForkServer | None:
        """The fork server, (re)started when needed; None when forking is off."""
        if not self._fork:
            return None
        with self._lock:
            server = self._server
            if server is None or server.failed():
                if server is not None:
                    server.close()
                server = self._server = None if self._closed else ForkServer()
        return server

    def _new_worker(self) -> WorkerProcess:
        """A forked worker when the fork server is up; else a spawned one (and start it)."""
        server = self._fork_server()
        if server is not None and server.usable():
            return WorkerProcess(server)
        return WorkerProcess()

    def _take(self, niceness: int | None = None) -> WorkerProcess:
        """An idle warm worker; a call at a lower priority forks its own (when it can),
        leaving the spares to fresh calls (a hammering session would drain them)."""
        if niceness is not None:
            server = self._fork_server()
            if server is not None and server.usable():
                return WorkerProcess(server, niceness)
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return self._new_worker()

    def _give_back(self, worker: WorkerProcess) -> None:
        server = self._server
        retire = worker.light and server is not None and server.usable()  # forks exist now
        with self._lock:
            if not retire and not self._closed and len(self._idle) < self._size:
                self._idle.append(worker)
                return
        if retire:
            worker.stop()
        else:
            worker.kill()

    def _replenish(self) -> None:
        """Start a replacement worker in the background after a kill."""

        def start() -> None:
            worker = self._new_worker()
            if worker.wait_ready(self._startup_timeout):
                self._give_back(worker)
            else:
                worker.kill()

        threading.Thread(target=start, daemon=True, name="calc-core-replenish").start()

    def warm(self) -> None:
        """Start the idle workers now, so the first visitor does not wait for imports.

        Where workers are forked, a light spawned worker (numpy and sympy only) starts
        first and is the spare for a visitor arriving right after a start; the fork
        server, which imports everything and runs the book's examples before it forks
        (seconds, on a busy machine), starts once that worker is up: one at a time, they
        leave the CPU to the first page's own imports. The light worker retires once
        forks exist.
        """
        if self._fork and self._server is None and not self._idle:
            bridge = WorkerProcess(light=True)
            with self._lock:
                self._idle.append(bridge)
            bridge.wait_ready(self._startup_timeout)  # a caller that took it waits as well
        server = self._fork_server()
        if server is not None:
            server.ready.wait(self._startup_timeout)
            if server.usable():
                with self._lock:
                    bridges = [w for w in self._idle if w.light]
                    self._idle = [w for w in self._idle if not w.light]
                for bridge in bridges:
                    bridge.stop()
        workers = [self._new_worker() for _ in range(self._size)]
        for worker in workers:
            if worker.wait_ready(self._startup_timeout):
                self._give_back(worker)
            else:
                worker.kill()

    # -- the call
    def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        timeout: float | None = None,
        session: str | None = None,
        interrupt: Callable[[], None] | None = None,
        budget: Budget | None = None,
        **kw: Any,
    ) -> T:
        """Run ``fn(*args, **kw)`` in a worker; raise ``InputError('too_complex')`` on overrun.

        ``fn`` and its arguments must be picklable (module-level functions of
        calc_core and plain values). ``session`` names the caller's session: its
        previous call still in flight is cancelled (that caller gets
        :class:`Cancelled`). ``interrupt`` is called about every 50 ms while the
        call waits or computes; if it raises, the call is stopped (its worker
        killed) and the exception propagates. ``budget`` replaces ``timeout`` with
        what is left of a shared :class:`Budget` (a refusal names its full limit).
        """
        limit = self._timeout if timeout is None else timeout
        wait = 5 * limit if self._queue_timeout is None else self._queue_timeout
        if budget is not None:
            limit, wait = budget.left(), 5 * budget.seconds
            if limit <= 0:
                raise _too_complex(budget.seconds)
        shown = limit if budget is None else budget.seconds  # the limit a refusal names
        with self._turn:
            call = self._schedule.submit(session, time.monotonic())
            self._schedule.start_next(time.monotonic())
            self._turn.notify_all()
        worker = None
        answered = False
        if interrupt is not None:
            interrupt = _Throttled(interrupt, call)
        try:
            self._wait_turn(call, wait, shown, interrupt)
            niceness = self._niceness(call)
            worker = self._take(niceness)
            with self._lock:
                self._busy.add(worker)
            # a cold worker's import time is not the caller's fault: it gets its own budget
            if not worker.wait_ready(self._startup_timeout) and worker.server is not None:
                worker.kill()  # the fork server failed it: a worker of its own instead
                with self._lock:
                    self._busy.discard(worker)
                    worker = WorkerProcess()
                    self._busy.add(worker)
            if not worker.wait_ready(self._startup_timeout):
                worker.kill()
                raise RuntimeError("calc_core worker failed to start")
            if niceness is not None and not worker.on_demand:
                worker.demote(niceness)
            cpu_before = worker.cpu_seconds()
            started = time.monotonic()
            worker.conn.send((fn, args, kw))
            try:
                status, value = self._await_reply(call, worker, cpu_before, limit, interrupt)
                answered = status != "mem"
            except InputError as err:
                if err.code == "too_complex":
                    raise _too_complex(shown) from None
                raise
            finally:
                if budget is not None:
                    budget.used += time.monotonic() - started
                self._measure(call, worker, cpu_before)
            if worker.demoted:
                worker.kill()
                self._replace(worker)
            else:
                self._give_back(worker)
        except BaseException:
            if worker is not None and worker.ready and not worker.alive():
                self._replace(worker)
            raise
        finally:
            with self._turn:
                self._busy.discard(worker)
                self._schedule.end(call, call.cpu, time.monotonic(), answered)
                self._schedule.start_next(time.monotonic())
                self._turn.notify_all()
        if status == "ok":
            return value
        if status == "err":
            raise value
        if status == "mem":
            raise _too_complex(shown)
        raise RuntimeError(f"calc_core worker failed:\n{value}")

    def _wait_turn(self, call, wait: float, limit: float, interrupt) -> None:
        give_up = time.monotonic() + wait
        with self._turn:
            while self._schedule.waiting(call):
                if call.cancelled:
                    raise Cancelled()
                left = give_up - time.monotonic()
                if left <= 0:
                    raise _too_complex(limit)
                self._turn.wait(min(_POLL, left))
                if interrupt is not None:
                    self._turn.release()
                    try:
                        interrupt()
                    finally:
                        self._turn.acquire()
        if call.cancelled:
            raise Cancelled()

    def _niceness(self, call) -> int | None:
        """The worker priority for a call: None (the usual) for a session that computed
        little lately, lower the more it computed, the lowest in the slow lane."""
        if call.demoted:
            return LOWEST
        with self._lock:
            share = self._schedule.heaviness(call.session, time.monotonic())
        if share <= 0:
            return None
        return min(LOWEST, WORKER_NICENESS + max(1, round(share * (LOWEST - WORKER_NICENESS))))

    @staticmethod
    def _measure(call, worker: WorkerProcess, cpu_before: float | None) -> None:
        """Record the CPU the call has used so far (kept when the worker is gone)."""
        used = worker.cpu_seconds()
        if cpu_before is not None and used is not None:
            call.cpu = max(call.cpu, used - cpu_before)

    def _await_reply(self, call, worker: WorkerProcess, cpu_before, limit: float, interrupt):
        deadline = time.monotonic() + limit
        ready = worker.conn.poll(min(_POLL, limit))
        while not ready:
            self._measure(call, worker, cpu_before)
            if time.monotonic() >= deadline:
                worker.kill()
                self.kills += 1
                self._replace(worker)
                raise _too_complex(limit)
            if call.cancelled:
                self._cancel(worker)
                raise Cancelled()
            if interrupt is not None:
                try:
                    interrupt()
                except BaseException:
                    self._cancel(worker)
                    raise
            # Most calls take milliseconds; one that has *computed* (not merely waited
            # for a busy CPU) for a slice leaves the fresh lane to the others.
            if not worker.demoted and call.cpu >= self._demote_after:
                with self._turn:
                    moved = self._schedule.demote(call, time.monotonic())
                    self._schedule.start_next(time.monotonic())
                    self._turn.notify_all()
                if not moved:  # the slow lane is full
                    self._cancel(worker)
                    raise _too_complex(limit)
                worker.demote()
            try:
                ready = worker.conn.poll(min(_POLL, max(0.0, deadline - time.monotonic())))
            except OSError:  # the pool was closed under it
                break
        try:
            return worker.conn.recv()
        except (EOFError, OSError):  # the worker died (e.g. out of memory)
            worker.kill()
            self._replace(worker)
            raise _too_complex(limit) from None

    def _cancel(self, worker: WorkerProcess) -> None:
        """Stop a cancelled call: interrupt its job and keep the worker when it answers
        within ``CANCEL_GRACE`` (most of sympy is Python code that sees the signal at
        once); else, or for a demoted worker, kill it and start a spare. Killing every
        cancelled call's worker cost a fork and its copy-on-write faults per press of
        Enter: with ten sessions pressing twice a second, most of the machine."""
        self.cancels += 1
        if not worker.demoted and worker.interrupt():
            try:
                if worker.conn.poll(CANCEL_GRACE):
                    worker.conn.recv()  # "cancelled", or an answer that just made it
                    self._give_back(worker)
                    return
            except (EOFError, OSError):
                pass
        worker.kill()
        self._replace(worker)

    def _replace(self, worker: WorkerProcess) -> None:
        """Refill the spares after losing ``worker`` (a slow-lane worker was never one)."""
        if not worker.on_demand and not worker.replaced:
            worker.replaced = True
            self._replenish()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            busy, self._busy = list(self._busy), set()
            server, self._server = self._server, None
        for worker in idle:
            worker.stop()
        for worker in busy:  # their callers get too_complex
            worker.kill()
        if server is not None:
            server.close()


class _Throttled:
    """A caller's interrupt check, at most once per ``SLOW_INTERRUPT_EVERY`` s in the slow lane.

    Each check that fires reruns the caller's page on the server; a session pressing
    Enter twice a second on slow input would otherwise cost the server a page run per
    press. Fresh calls are checked every poll, so a student's new input replaces the
    old one at once.
    """

    def __init__(self, check: Callable[[], None], call) -> None:
        self.check, self.call, self.last = check, call, time.monotonic()

    def __call__(self) -> None:
        now = time.monotonic()
        if self.call.demoted and now - self.last < SLOW_INTERRUPT_EVERY:
            return
        self.last = now
        self.check()


def _too_complex(seconds: float) -> InputError:
    return InputError(
        "too_complex",
        f"This input is too complex to finish within {seconds:g} seconds; try a simpler one.",
        seconds=f"{seconds:g}",
    )


_default: WorkerPool | None = None
_default_lock = threading.Lock()


def default_pool() -> WorkerPool:
    """The process-wide pool (created on first use, closed at exit).

    ``CALCLAB_WORKERS`` (default 4) fresh computations run at once, and
    ``CALCLAB_SLOW_WORKERS`` (default 2) demoted ones beside them at the lowest
    CPU priority. Fresh calls take milliseconds, so more slots than cores cost
    nothing in a quiet class; when strangers' copies of slow input fill them, a
    light session's call may start in as many extra slots, at once. Three
    warm spares are kept, so no visitor waits for a worker to start (measured with
    ``python -m bench.load --hostile N``).
    """
    global _default
    with _default_lock:
        if _default is None:
            slots = max(1, int(os.environ.get("CALCLAB_WORKERS", "4")))
            slow = max(1, int(os.environ.get("CALCLAB_SLOW_WORKERS", "2")))
            _default = WorkerPool(size=3, max_workers=slots, extra_workers=slots, slow_workers=slow)
            atexit.register(_default.close)
        return _default


def run_limited(fn: Callable[..., T], *args: Any, timeout: float | None = None, **kw: Any) -> T:
    """Run ``fn`` on the default pool under the time limit (see :class:`WorkerPool`)."""
    return default_pool().run(fn, *args, timeout=timeout, **kw)
