"""The last line of defence: run work on user input in a killable worker process.

The parser's structural bounds refuse the known bombs in microseconds, but sympy
can still be slow on input that passes them. A thread cannot be stopped (Streamlit
runs each script in a thread, ``signal.alarm`` only works in the main thread, and
big-integer arithmetic holds the GIL so it would starve every other session). So
work on user input runs in a small pool of *processes*: a call that overruns its
time limit has its worker killed and replaced, and raises
:class:`~calc_core.errors.InputError` with code ``"too_complex"``. Other callers
meanwhile use other workers and are not slowed.

Workers are fresh ``python -m calc_core.worker`` processes on every platform
(Windows and macOS have no ``fork``; forking a threaded server is unsafe anyway)
that talk to the pool over an authenticated loopback connection, pre-import
numpy, sympy and calc_core, and on POSIX cap their address space so a memory bomb
fails inside the worker instead of taking the server down.

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
import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path
from typing import Any, TypeVar

from calc_core.errors import InputError

T = TypeVar("T")

DEFAULT_TIMEOUT = 3.0
_ROOT = Path(__file__).resolve().parent.parent


class _Worker:
    """One ``python -m calc_core.worker`` process and the connection to it.

    A plain subprocess rather than ``multiprocessing.Process``: spawn-mode
    multiprocessing re-imports the parent's ``__main__`` in the child, which under
    Streamlit or an unguarded script means re-running a page inside the worker.
    """

    def __init__(self) -> None:
        self.key = secrets.token_bytes(32)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "calc_core.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=_ROOT,
        )
        self.conn = None
        self.ready = False
        self.demoted = False

    def wait_ready(self, timeout: float) -> bool:
        """Hand the worker its key, read the port it listens on, connect (once)."""
        if self.ready:
            return True
        try:
            self.process.stdin.write(self.key.hex().encode() + b"\n")
            self.process.stdin.close()
            line = _readline(self.process.stdout, timeout)
            port = int(line)
            self.conn = Client(("127.0.0.1", port), authkey=self.key)
            self.ready = True
        except (OSError, ValueError, EOFError, AuthenticationError):
            self.kill()
        return self.ready

    def alive(self) -> bool:
        return self.process.poll() is None

    def cpu_seconds(self) -> float | None:
        """CPU time the worker has used (Linux /proc); None where it cannot be read."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, AttributeError):
            return None

    def demote(self) -> None:
        """Lowest CPU priority from now on (POSIX): a long computation yields to the rest.

        Priorities can be lowered but not raised again without privileges, so a
        demoted worker is replaced after its call.
        """
        self.demoted = True
        setpriority = getattr(os, "setpriority", None)
        if setpriority is not None:
            with contextlib.suppress(OSError):
                setpriority(os.PRIO_PROCESS, self.process.pid, 19)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait(timeout=2)
        with contextlib.suppress(Exception):
            if self.conn is not None:
                self.conn.close()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(Exception):
                stream.close()


def _readline(stream, timeout: float) -> bytes:
    """``stream.readline()`` that gives up after ``timeout`` seconds (portable: a thread)."""
    box: list[bytes] = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not box or not box[0].strip():
        raise OSError("worker did not start")
    return box[0]


class WorkerPool:
    """A small pool of killable worker processes with a per-call time limit.

    Parameters
    ----------
    size : int
        Workers kept warm and idle.
    max_workers : int
        At most this many calls run at once; further callers wait their turn.
        The wait does not count against a call's time limit, which measures the
        computation alone: under a class's load an ordinary input must not be
        refused as "too complex" because others were computing.
    timeout : float
        Default time limit of a call, in seconds.
    queue_timeout : float or None
        How long a caller may wait for its turn before it is refused (as
        ``too_complex``); None means five times the call's own limit.
    demote_after : float
        A call that has used this many seconds of CPU has its worker set to the
        lowest CPU priority for the rest of the call, so that a stranger's slow
        input takes CPU only when nobody else needs it; the worker is then
        replaced. CPU time, not wall time: on a busy machine, slow because others
        compute, nothing is demoted (and so nothing respawned). Ordinary calls take
        milliseconds. Where CPU time cannot be read (no /proc), nothing is demoted.
    startup_timeout : float
        How long a fresh worker may take to import numpy and sympy.
    """

    def __init__(
        self,
        size: int = 2,
        *,
        max_workers: int = 4,
        timeout: float = DEFAULT_TIMEOUT,
        startup_timeout: float = 60.0,
        queue_timeout: float | None = None,
        demote_after: float = 0.5,
    ) -> None:
        self._size = size
        self._timeout = timeout
        self._queue_timeout = queue_timeout
        self._demote_after = demote_after
        self._startup_timeout = startup_timeout
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_workers)
        self._closed = False
        self.kills = 0  # how many workers were killed for overrunning (for tests and benches)

    # -- worker bookkeeping
    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker()

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self._size:
                self._idle.append(worker)
                return
        worker.kill()

    def _replenish(self) -> None:
        """Start a replacement worker in the background after a kill."""

        def start() -> None:
            worker = _Worker()
            if worker.wait_ready(self._startup_timeout):
                self._give_back(worker)
            else:
                worker.kill()

        threading.Thread(target=start, daemon=True, name="calc-core-replenish").start()

    def warm(self) -> None:
        """Start the idle workers now, so the first visitor does not wait for imports."""
        workers = [_Worker() for _ in range(self._size)]
        for worker in workers:
            if worker.wait_ready(self._startup_timeout):
                self._give_back(worker)
            else:
                worker.kill()

    # -- the call
    def run(self, fn: Callable[..., T], *args: Any, timeout: float | None = None, **kw: Any) -> T:
        """Run ``fn(*args, **kw)`` in a worker; raise ``InputError('too_complex')`` on overrun.

        ``fn`` and its arguments must be picklable (module-level functions of
        calc_core and plain values).
        """
        limit = self._timeout if timeout is None else timeout
        wait = 5 * limit if self._queue_timeout is None else self._queue_timeout
        if not self._slots.acquire(timeout=wait):
            raise _too_complex(limit)
        try:
            worker = self._take()
            # a cold worker's import time is not the caller's fault: it gets its own budget
            if not worker.wait_ready(self._startup_timeout):
                worker.kill()
                raise RuntimeError("calc_core worker failed to start")
            deadline = time.monotonic() + limit
            cpu_before = worker.cpu_seconds()
            worker.conn.send((fn, args, kw))
            ready = worker.conn.poll(min(self._demote_after, limit))
            while not ready and time.monotonic() < deadline:
                # Most calls take milliseconds; one that has *computed* (not merely
                # waited for a busy CPU) for demote_after seconds yields the CPU to them.
                used = worker.cpu_seconds()
                if (
                    not worker.demoted
                    and cpu_before is not None
                    and used is not None
                    and used - cpu_before >= self._demote_after
                ):
                    worker.demote()
                ready = worker.conn.poll(min(0.25, max(0.0, deadline - time.monotonic())))
            if not ready:
                worker.kill()
                self.kills += 1
                self._replenish()
                raise _too_complex(limit)
            try:
                status, value = worker.conn.recv()
            except (EOFError, OSError):  # the worker died (e.g. out of memory)
                worker.kill()
                self._replenish()
                raise _too_complex(limit) from None
            if worker.demoted:
                worker.kill()
                self._replenish()
            else:
                self._give_back(worker)
        finally:
            self._slots.release()
        if status == "ok":
            return value
        if status == "err":
            raise value
        if status == "mem":
            raise _too_complex(limit)
        raise RuntimeError(f"calc_core worker failed:\n{value}")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            with contextlib.suppress(Exception):
                worker.conn.send(None)
            worker.kill()


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

    ``CALCLAB_WORKERS`` (default 2) computations run at once, and one more worker is
    kept warm as a spare: a worker killed for overrunning is replaced in the
    background while the spare serves the next caller, so no visitor pays a cold
    start (measured: otherwise one stranger's slow input made everyone's reruns
    seconds slower, see ``python -m bench.load``). More concurrent computations
    than cores would only share the same CPU.
    """
    global _default
    with _default_lock:
        if _default is None:
            slots = max(1, int(os.environ.get("CALCLAB_WORKERS", "2")))
            _default = WorkerPool(size=slots + 1, max_workers=slots)
            atexit.register(_default.close)
        return _default


def run_limited(fn: Callable[..., T], *args: Any, timeout: float | None = None, **kw: Any) -> T:
    """Run ``fn`` on the default pool under the time limit (see :class:`WorkerPool`)."""
    return default_pool().run(fn, *args, timeout=timeout, **kw)
