"""One process's door to the database: background writes, bounded reads, graceful outages.

A page never waits for a write: :meth:`Store.write` queues the operation for a writer
thread and returns at once. Reads (:meth:`Store.read`) run on the caller's thread with
short timeouts; when the database fails, the store is "unavailable" for a back-off
period, during which reads return their default at once instead of waiting again, and
queued writes wait for it to come back (up to :data:`QUEUE_LIMIT`, then the oldest
intentions are dropped and counted). Nothing here raises to a page.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from lab_store import classes, config, engine, progress

log = logging.getLogger(__name__)
T = TypeVar("T")

QUEUE_LIMIT = 5000
BACKOFF_S = 10.0
PURGE_EVERY_S = 3600.0
WRITE_TRIES = 3


class Store:
    """The database of one :class:`~lab_store.config.Settings`, opened on first use."""

    def __init__(self, settings: config.Settings) -> None:
        self.settings = settings
        self._engine: sa.Engine | None = None
        self._ready = False
        self._ready_lock = threading.Lock()
        self._down_until = 0.0
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_LIMIT)
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._last_purge = 0.0
        self.dropped = 0
        self.written = 0

    # ------------------------------------------------------------------ state

    @property
    def available(self) -> bool:
        """False for a while after the database failed (reads then return their default)."""
        return time.monotonic() >= self._down_until

    def _failed(self, what: str) -> None:
        """Note a failure (one line; the traceback only at debug level) and back off."""
        error = sys.exc_info()[1]
        log.warning("storage unavailable (%s): %s", what, str(error).splitlines()[0:1])
        log.debug("storage failure", exc_info=True)
        self._down_until = time.monotonic() + BACKOFF_S

    def _open(self) -> sa.Engine:
        """The engine, with the schema migrated to the newest revision (once per process)."""
        with self._ready_lock:
            if self._engine is None:
                self._engine = engine.make_engine(self.settings.url)
            if not self._ready:
                engine.upgrade(self._engine)
                self._ready = True
            return self._engine

    # ------------------------------------------------------------------ reads

    def read(self, fn: Callable[..., T], *args: Any, default: T) -> T:
        """``fn(connection, *args)`` in a read transaction, or ``default`` if storage fails."""
        return self._now(fn, args, default, write=False)

    def transact(self, fn: Callable[..., T], *args: Any, default: T) -> T:
        """``fn(connection, *args)`` in a write transaction now (for a teacher's action)."""
        return self._now(fn, args, default, write=True)

    def _now(self, fn: Callable[..., T], args: tuple, default: T, write: bool) -> T:
        if not self.available:
            return default
        try:
            engine = self._open()
            with engine.begin() if write else engine.connect() as conn:
                return fn(conn, *args)
        except Exception:
            self._failed(getattr(fn, "__name__", "storage call"))
            return default

    # ------------------------------------------------------------------ writes

    def write(self, fn: Callable[..., Any], *args: Any) -> bool:
        """Queue ``fn(connection, *args)`` for the writer thread; never blocks.

        False when the queue is full (the intention is dropped and counted).
        """
        self._start_writer()
        try:
            self._queue.put_nowait((fn, args))
        except queue.Full:
            self.dropped += 1
            return False
        return True

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued write is done (tests and benchmarks); False on time-out."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def _start_writer(self) -> None:
        if self._writer is not None:
            return
        with self._writer_lock:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_forever, daemon=True, name="calclab-store-writer"
                )
                self._writer.start()

    def _write_forever(self) -> None:
        while True:
            fn, args = self._queue.get()
            try:
                self._write_one(fn, args)
                self._purge_now_and_then()
            finally:
                self._queue.task_done()

    def _write_one(self, fn: Callable[..., Any], args: tuple) -> None:
        for attempt in range(WRITE_TRIES):
            wait = self._down_until - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                with self._open().begin() as conn:
                    fn(conn, *args)
                self.written += 1
                return
            except Exception:
                self._failed(f"{getattr(fn, '__name__', 'write')}, try {attempt + 1}")
        self.dropped += 1

    def _purge_now_and_then(self) -> None:
        now = time.time()
        if now - self._last_purge < PURGE_EVERY_S:
            return
        self._last_purge = now
        try:
            with self._open().begin() as conn:
                classes.purge_expired(conn, now)
                progress.purge_stale(conn, now, self.settings.progress_days)
        except Exception:
            self._failed("purge")


_default: Store | None = None
_default_lock = threading.Lock()


def default_store() -> Store:
    """The process's store, from the environment (see :mod:`lab_store.config`)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Store(config.from_env())
        return _default
