"""A guard worker process: ``python -m calc_core.worker`` (started by :mod:`calc_core.guard`).

Protocol: the parent writes a hex auth key and a newline on stdin; the worker
listens on a free loopback port, prints the port on stdout and accepts one
authenticated connection. It then answers ``(fn, args, kwargs)`` jobs with
``("ok", value)``, ``("err", InputError)``, ``("mem", None)`` or
``("crash", traceback)`` until it receives ``None`` or the connection closes.

A worker ends quietly: Ctrl+C in the server's terminal (which reaches the whole
process group), a parent that exits before reading the port, or a connection
that closes while a job runs all end it without a traceback on the terminal.

``python -m calc_core.worker --light`` imports numpy and sympy only (each topic's
module comes with its first job): the pool's stand-in while the fork server starts.

``python -m calc_core.worker --fork-server`` (Linux) pays the imports once, prints
``ready`` and then forks a worker for each ``<request id> <hex key> <niceness or ->``
line on stdin; each child prints ``<request id> <pid> <port>`` and serves as above.
A worker killed for overrunning or cancelled is then replaced in milliseconds
instead of a second of imports (which, for a class pressing Enter on slow input,
was a second of CPU per press).
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import signal
import sys
import threading
import traceback
from multiprocessing.connection import Listener

#: Address-space cap for a worker on POSIX systems (bytes).
MEMORY_LIMIT = 2 * 1024**3
#: Lower CPU priority of a worker (POSIX): pages keep rendering while sympy grinds.
WORKER_NICENESS = 5
#: Seconds to wait for the parent to connect after printing the port; then exit.
ACCEPT_TIMEOUT = 60.0


def limit_memory(limit: int = MEMORY_LIMIT) -> None:
    try:
        import resource  # POSIX only; on Windows the worker simply has no cap
    except ImportError:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class JobCancelled(BaseException):
    """Raised inside a job the pool cancelled (``SIGUSR1``); sympy's ``except Exception``
    blocks cannot swallow it."""


_job = {"running": False}


def _on_cancel(signum, frame) -> None:
    """``SIGUSR1``: stop the running job at its next bytecode; between jobs, nothing.

    The pool cancels a call that its session replaced this way, so the worker (and
    its warm caches) serves the next call instead of being killed and replaced.
    Work stuck in C code does not see it; the pool then kills the worker.
    """
    if _job["running"]:
        _job["running"] = False
        raise JobCancelled()


def serve(conn) -> None:
    from calc_core.budget import restore_sympy_flags
    from calc_core.errors import InputError

    if hasattr(signal, "SIGUSR1"):
        with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
            signal.signal(signal.SIGUSR1, _on_cancel)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args, kwargs = job
        try:
            _job["running"] = True
            try:
                reply = ("ok", fn(*args, **kwargs))
            except InputError as err:
                reply = ("err", err)
            except MemoryError:
                reply = ("mem", None)
            except Exception:
                reply = ("crash", traceback.format_exc())  # the server logs it, whole
            finally:
                _job["running"] = False
        except JobCancelled:
            restore_sympy_flags()
            reply = ("cancelled", None)
        try:
            conn.send(reply)
        except OSError:  # the parent is gone (it stopped, or killed us as too slow)
            return
        except Exception:  # an unpicklable result is a bug in calc_core, not user error
            conn.send(("crash", traceback.format_exc(limit=8)))


def _preload_topics() -> None:
    """Import every calc_core module now, so a visitor's first request pays no imports."""
    import importlib
    import pkgutil

    import calc_core

    for info in pkgutil.iter_modules(calc_core.__path__, "calc_core."):
        if info.name != __name__:
            with contextlib.suppress(Exception):  # a broken module must not stop the worker
                importlib.import_module(info.name)


def _announce(port: int) -> bool:
    """Tell the parent our port on stdout; False when the parent stopped reading."""
    try:
        print(port, flush=True)
    except OSError:
        # Nobody will connect. Point stdout at devnull, or Python's exit-time flush
        # reports the same broken pipe again.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return False
    sys.stdout = sys.stderr  # nothing else may write to the pipe the parent stopped reading
    return True


def _quiet_interrupt() -> None:
    # Ctrl+C reaches the whole process group: the server stops, so do we, silently
    # (the default action ends the process without a KeyboardInterrupt traceback).
    with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def prepare(preload: bool = True) -> None:
    """What every worker does before its first job: cap memory, lower priority, import.

    ``preload=False`` (a *light* worker) imports numpy and sympy only; each topic's
    module is imported by its first job.
    """
    limit_memory()
    if hasattr(os, "nice"):  # POSIX: user input's mathematics yields the CPU to the web server
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)
    import numpy  # noqa: F401  - pay the imports before the first job
    import sympy  # noqa: F401

    if preload:
        _preload_topics()


def listen_and_serve(key: bytes, announce) -> None:
    """Listen on a free loopback port; if ``announce(port)`` succeeds, serve one connection."""
    with Listener(("127.0.0.1", 0), authkey=key) as listener:
        if not announce(listener.address[1]):
            return
        # A parent that exits between starting us and connecting (say, while its pool is
        # still warming up in a daemon thread) must not leave us waiting in accept forever.
        watchdog = threading.Timer(ACCEPT_TIMEOUT, os._exit, (0,))
        watchdog.daemon = True
        watchdog.start()
        with listener.accept() as conn:
            watchdog.cancel()
            serve(conn)


def main(light: bool = False) -> None:
    _quiet_interrupt()
    key = bytes.fromhex(sys.stdin.readline().strip())
    if not key:  # the parent exited before handing over a key
        return
    prepare(preload=not light)
    listen_and_serve(key, _announce)


#: The book's examples, run once by the fork server before it forks anything: a
#: forked worker inherits what they warmed (sympy's caches, lazily built printers and
#: evaluators) instead of paying for it on its first call (measured: a fresh fork's
#: first ``limits.analyze`` took 0.14-0.9 s, its second 6-170 ms, at load 10).
WARM_UP = (
    ("calc_core.limits", "analyze", ("3x^2 - 4x", 1.0)),
    ("calc_core.limits", "secant_view", ("3x^2 - 4x", 1.0, 0.5)),
    ("calc_core.tangent", "curves", ("x^3 - 1/x", 0.0, 3.0)),
    ("calc_core.tangent", "tangent_at", ("x^3 - 1/x", 1.0, 0.0, 3.0)),
    ("calc_core.gradients", "analyze", ("3x1^2 + 5e^(x2)", "1, 2", 2)),
    ("calc_core.diffsteps", "steps", ("sin(x^2)",)),
    ("calc_core.exercises", "check_answer", ("tangent", "main", "y = 4(x - 1)")),
)


def warm_up() -> None:
    """Run :data:`WARM_UP`, then wait for any helper thread it started (a fork copies
    only the forking thread, so none may be running, or holding a lock, then)."""
    import importlib

    for module, name, args in WARM_UP:
        with contextlib.suppress(Exception):  # a failing example must not stop the server
            getattr(importlib.import_module(module), name)(*args)
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=5)
    # Objects that exist now are left out of the workers' garbage collections: a
    # collection writes to every object it visits, copying the pages a fork shares.
    gc.collect()
    gc.freeze()


def fork_server() -> None:
    """Import once, then fork one worker per request line until stdin closes (POSIX)."""
    _quiet_interrupt()
    prepare()
    warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr
    if not _announce_to(out, "ready"):
        return
    for line in sys.stdin:
        try:
            request, key_hex, priority = line.split()
            key = bytes.fromhex(key_hex)
            niceness = None if priority == "-" else int(priority)
        except ValueError:
            continue
        if os.fork() == 0:
            _become_worker(request, key, out, niceness)  # never returns
    # stdin closed: the pool is gone; the workers end when their connections close


def _announce_to(out, line: str) -> bool:
    """Write one line to the pool; False (quietly) when it stopped reading."""
    try:
        out.write(line + "\n")
        out.flush()
    except OSError:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return False
    return True


def _become_worker(request: str, key: bytes, out, niceness: int | None) -> None:
    code = 0
    try:
        if niceness is not None:  # a call from a session that computed a lot lately
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        random.seed()  # not the fork server's sequence
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # the request pipe belongs to the fork server

        def announce(port: int) -> bool:
            ok = _announce_to(out, f"{request} {os.getpid()} {port}")
            with contextlib.suppress(OSError):
                out.close()  # the pool's reader sees end of file once the server is gone
            return ok

        listen_and_serve(key, announce)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:] == ["--fork-server"]:
        fork_server()
    else:
        main(light=sys.argv[1:] == ["--light"])
