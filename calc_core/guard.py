"""The last line of defence: run work on user input in a killable worker process.

The parser's structural bounds refuse the known bombs in microseconds, but sympy
can still be slow on input that passes them. A thread cannot be stopped (Streamlit
runs each script in a thread, ``signal.alarm`` only works in the main thread, and
big-integer arithmetic holds the GIL so it would starve every other session). So
work on user input runs in a small pool of *processes*: a call that overruns its
time limit has its worker killed and replaced, and raises
:class:`~calc_core.errors.InputError` with code ``"too_complex"``. Other callers
meanwhile use other workers and are not slowed.

Workers are started with the ``spawn`` method on every platform (Windows and
macOS have no ``fork``; forking a threaded server is unsafe anyway), pre-import
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
import multiprocessing as mp
import os
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from calc_core.errors import InputError

T = TypeVar("T")

DEFAULT_TIMEOUT = 3.0
#: Address-space cap for a worker on POSIX systems (bytes).
WORKER_MEMORY_LIMIT = 2 * 1024**3


def _limit_memory() -> None:
    try:
        import resource  # POSIX only; Windows simply has no cap
    except ImportError:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_LIMIT, WORKER_MEMORY_LIMIT))


def _serve(conn) -> None:
    """Worker main loop: receive ``(fn, args, kwargs)``, send back ``(ok, value)``."""
    _limit_memory()
    import numpy  # noqa: F401  - pay the imports once, before the first job
    import sympy  # noqa: F401

    import calc_core  # noqa: F401

    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args, kwargs = job
        try:
            reply = ("ok", fn(*args, **kwargs))
        except InputError as err:
            reply = ("err", err)
        except MemoryError:
            reply = ("mem", None)
        except Exception:
            reply = ("crash", traceback.format_exc(limit=8))
        try:
            conn.send(reply)
        except Exception:  # an unpicklable result is a bug in calc_core, not user error
            conn.send(("crash", traceback.format_exc(limit=8)))


class _Worker:
    def __init__(self, ctx) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.conn.poll(timeout):
            try:
                self.ready = self.conn.recv()[0] == "ready"
            except (EOFError, OSError):
                return False
        return self.ready

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(timeout=2)
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """A small pool of killable worker processes with a per-call time limit.

    Parameters
    ----------
    size : int
        Workers kept warm and idle.
    max_workers : int
        At most this many calls run at once; further callers wait their turn
        (the wait counts against their own time limit).
    timeout : float
        Default time limit of a call, in seconds.
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
    ) -> None:
        self._ctx = mp.get_context("spawn")
        self._size = size
        self._timeout = timeout
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
                if worker.process.is_alive():
                    return worker
                worker.kill()
        return _Worker(self._ctx)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self._size:
                self._idle.append(worker)
                return
        worker.kill()

    def _replenish(self) -> None:
        """Start a replacement worker in the background after a kill."""

        def start() -> None:
            worker = _Worker(self._ctx)
            if worker.wait_ready(self._startup_timeout):
                self._give_back(worker)
            else:
                worker.kill()

        threading.Thread(target=start, daemon=True, name="calc-core-replenish").start()

    def warm(self) -> None:
        """Start the idle workers now, so the first visitor does not wait for imports."""
        workers = [_Worker(self._ctx) for _ in range(self._size)]
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
        if not self._slots.acquire(timeout=limit):
            raise _too_complex(limit)
        try:
            worker = self._take()
            # a cold worker's import time is not the caller's fault: it gets its own budget
            if not worker.wait_ready(self._startup_timeout):
                worker.kill()
                raise RuntimeError("calc_core worker failed to start")
            deadline = time.monotonic() + limit
            worker.conn.send((fn, args, kw))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
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
    """The process-wide pool (created on first use, closed at exit)."""
    global _default
    with _default_lock:
        if _default is None:
            size = int(os.environ.get("CALCLAB_WORKERS", "2"))
            _default = WorkerPool(size=size, max_workers=max(4, size))
            atexit.register(_default.close)
        return _default


def run_limited(fn: Callable[..., T], *args: Any, timeout: float | None = None, **kw: Any) -> T:
    """Run ``fn`` on the default pool under the time limit (see :class:`WorkerPool`)."""
    return default_pool().run(fn, *args, timeout=timeout, **kw)
