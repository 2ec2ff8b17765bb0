"""Worker processes for :mod:`calc_core.guard`: started, measured, demoted, killed.

A worker is a ``python -m calc_core.worker`` process the pool talks to over an
authenticated loopback connection. On Linux workers are forked from a
*fork server* (``python -m calc_core.worker --fork-server``) that imported numpy,
sympy and calc_core once: a new worker costs milliseconds, so the pool can kill a
cancelled or overrunning call's worker and replace it at once. Where ``fork`` is
missing (Windows), or while the fork server itself is starting, a worker is a
fresh process that pays the imports (about a second). (macOS's system libraries
are not safe to use in a forked child; it spawns.)

A plain subprocess rather than ``multiprocessing``: spawn-mode multiprocessing
re-imports the parent's ``__main__`` in the child, which under Streamlit or an
unguarded script means re-running a page inside the worker; and a fork of the
threaded web server itself would be unsafe. The fork server is single-threaded.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import signal
import subprocess
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
#: Numerical libraries must not start thread pools in the fork server (a fork copies
#: only the forking thread) nor oversubscribe a small server's cores.
_SINGLE_THREADED = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    env.update(_SINGLE_THREADED)
    return env


def _popen(*extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "calc_core.worker", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_environment(),
        cwd=_ROOT,
    )


def _readline(stream, timeout: float) -> bytes:
    """``stream.readline()`` that gives up after ``timeout`` seconds (portable: a thread)."""
    box: list[bytes] = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not box or not box[0].strip():
        raise OSError("worker did not start")
    return box[0]


class ForkServer:
    """The parent's side of ``python -m calc_core.worker --fork-server``."""

    def __init__(self) -> None:
        self.process = _popen("--fork-server")
        self.ready = threading.Event()
        self._failed = False
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self._waiting: dict[str, tuple[threading.Event, list[str]]] = {}
        threading.Thread(target=self._read, daemon=True, name="calc-core-fork-server").start()

    def usable(self) -> bool:
        return self.ready.is_set() and not self._failed and self.process.poll() is None

    def failed(self) -> bool:
        return self._failed or self.process.poll() is not None

    def _read(self) -> None:
        try:
            for raw in self.process.stdout:
                line = raw.decode(errors="replace").split()
                if line == ["ready"]:
                    self.ready.set()
                elif len(line) == 3:
                    with self._lock:
                        waiter = self._waiting.pop(line[0], None)
                    if waiter is not None:
                        waiter[1].extend(line[1:])
                        waiter[0].set()
        except (OSError, ValueError):
            pass
        self._failed = True
        with self._lock:
            waiting, self._waiting = self._waiting, {}
        for event, _ in waiting.values():
            event.set()

    def fork(self, key: bytes, timeout: float, niceness: int | None = None) -> tuple[int, int]:
        """A new worker listening for ``key``: its (pid, port). Raises OSError on failure.

        ``niceness``: the worker starts at this lower CPU priority (None: the server's).
        """
        request = str(next(self._ids))
        event, box = threading.Event(), []
        with self._lock:
            self._waiting[request] = (event, box)
        try:
            with self._lock:  # one writer at a time on the request pipe
                line = f"{request} {key.hex()} {'-' if niceness is None else niceness}\n"
                self.process.stdin.write(line.encode())
                self.process.stdin.flush()
        except (OSError, ValueError) as err:
            raise OSError("fork server gone") from err
        if not event.wait(timeout) or len(box) != 2:
            with self._lock:
                self._waiting.pop(request, None)
            raise OSError("fork server did not answer")
        return int(box[0]), int(box[1])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.process.stdin.close()  # the server exits; its workers end with their calls
        with contextlib.suppress(Exception):
            self.process.wait(timeout=2)
        with contextlib.suppress(Exception):
            self.process.kill()


class WorkerProcess:
    """One worker and the connection to it: spawned, or forked from a :class:`ForkServer`.

    ``niceness`` (forked only): the worker is made for one call at that lower CPU
    priority, not kept as a spare (``on_demand``). ``light`` (spawned only): the worker
    imports numpy and sympy but not every topic, so it is up in about half the time;
    the pool uses one while its fork server starts, and retires it once forks exist.
    """

    def __init__(
        self, server: ForkServer | None = None, niceness: int | None = None, light: bool = False
    ) -> None:
        self.key = secrets.token_bytes(32)
        self.server = server
        self.niceness = niceness if server is not None else None
        self.on_demand = self.niceness is not None
        self.light = light and server is None
        self.process = None if server is not None else _popen(*(["--light"] if self.light else []))
        self.pid = self.process.pid if self.process is not None else None
        if self.process is not None:  # the key first: the worker imports once it has it
            with contextlib.suppress(OSError):
                self.process.stdin.write(self.key.hex().encode() + b"\n")
                self.process.stdin.close()
        self.conn = None
        self.ready = False
        self._connecting = threading.Lock()
        self.demoted = self.on_demand  # a lowered priority cannot be raised again
        self.replaced = False  # the pool has started a spare in its place

    def wait_ready(self, timeout: float) -> bool:
        """Learn the worker's port and connect (once; other callers wait for it)."""
        with self._connecting:
            return self._connect(timeout)

    def _connect(self, timeout: float) -> bool:
        if self.ready:
            return True
        try:
            if self.server is not None:
                self.pid, port = self.server.fork(self.key, timeout, self.niceness)
            else:
                port = int(_readline(self.process.stdout, timeout))
            self.conn = Client(("127.0.0.1", port), authkey=self.key)
            self.ready = True
        except (OSError, ValueError, EOFError, AuthenticationError):
            self.kill()
        return self.ready

    def alive(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        if self.pid is None:
            return not self.ready
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return self.conn is not None and not self.conn.closed

    def cpu_seconds(self) -> float | None:
        """CPU time the worker has used (Linux /proc); None where it cannot be read."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, AttributeError, TypeError):
            return None

    def demote(self, niceness: int = 19) -> None:
        """A lower CPU priority from now on (POSIX): a long computation yields to the rest.

        Priorities can be lowered but not raised again without privileges, so a
        demoted worker is replaced after its call.
        """
        self.demoted = True
        setpriority = getattr(os, "setpriority", None)
        if setpriority is not None and self.pid is not None:
            with contextlib.suppress(OSError):
                setpriority(os.PRIO_PROCESS, self.pid, niceness)

    def interrupt(self) -> bool:
        """Ask the worker to stop its job (``SIGUSR1``, POSIX); False where it cannot."""
        if self.pid is None or not hasattr(signal, "SIGUSR1") or not self.ready:
            return False
        try:
            os.kill(self.pid, signal.SIGUSR1)
        except OSError:
            return False
        return True

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(Exception):
                self.process.kill()
                self.process.wait(timeout=2)
            for stream in (self.process.stdin, self.process.stdout):
                with contextlib.suppress(Exception):
                    stream.close()
        elif self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        with contextlib.suppress(Exception):
            if self.conn is not None:
                self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit, then make sure it does."""
        with contextlib.suppress(Exception):
            if self.conn is not None:
                self.conn.send(None)
        self.kill()
