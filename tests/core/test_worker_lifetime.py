"""A guard worker never outlives a parent that did not connect to it, and ends quietly.

A pool warming up in a daemon thread can start a worker and exit before
connecting; such a worker must exit by itself instead of waiting in ``accept``
forever (holding memory and any pipe it inherited). Stopping the server (Ctrl+C
reaches every process in the terminal's group) prints no worker traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start(code: list[str], stderr=subprocess.DEVNULL) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, *code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=ROOT,
        env=env,
    )


class TestWorkerLifetime:
    def test_a_worker_given_no_key_exits_at_once(self):
        worker = _start(["-m", "calc_core.worker"])
        worker.stdin.close()  # the parent died before writing the key
        assert worker.wait(timeout=30) == 0
        worker.stdout.close()

    def test_a_worker_nobody_connects_to_exits_after_its_accept_timeout(self):
        code = "import calc_core.worker as w; w.ACCEPT_TIMEOUT = 0.5; w.main()"
        worker = _start(["-c", code])
        worker.stdin.write(b"ab" * 32 + b"\n")
        worker.stdin.close()
        port = int(worker.stdout.readline())  # it listens, then nobody comes
        assert port > 0
        assert worker.wait(timeout=30) == 0
        worker.stdout.close()


class TestWorkerShutdownIsQuiet:
    def test_a_parent_that_stopped_reading_gets_no_broken_pipe_traceback(self):
        worker = _start(["-m", "calc_core.worker"], stderr=subprocess.PIPE)
        worker.stdin.write(b"ab" * 32 + b"\n")
        worker.stdin.close()
        worker.stdout.close()  # the server stopped before reading the port
        assert worker.wait(timeout=60) == 0
        err = worker.stderr.read()
        worker.stderr.close()
        assert err.decode(errors="replace") == ""

    @pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
    @pytest.mark.parametrize("moment", ["while importing", "while waiting for its parent"])
    def test_ctrl_c_ends_a_worker_without_a_traceback(self, moment):
        worker = _start(["-m", "calc_core.worker"], stderr=subprocess.PIPE)
        worker.stdin.write(b"ab" * 32 + b"\n")
        worker.stdin.close()
        if moment == "while importing":
            time.sleep(0.3)  # numpy and sympy take over a second to import
        else:
            assert int(worker.stdout.readline()) > 0
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=60) == -signal.SIGINT
        err = worker.stderr.read()
        worker.stdout.close()
        assert err.decode(errors="replace") == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server runs on Linux")
class TestForkServerLifetime:
    def test_it_exits_quietly_when_the_pool_closes_its_requests(self):
        server = _start(["-m", "calc_core.worker", "--fork-server"], stderr=subprocess.PIPE)
        assert server.stdout.readline().strip() == b"ready"
        server.stdin.close()  # the pool is gone
        assert server.wait(timeout=60) == 0
        err = server.stderr.read()
        server.stdout.close()
        server.stderr.close()
        assert err.decode(errors="replace") == ""

    def test_ctrl_c_ends_it_without_a_traceback(self):
        server = _start(["-m", "calc_core.worker", "--fork-server"], stderr=subprocess.PIPE)
        assert server.stdout.readline().strip() == b"ready"
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == -signal.SIGINT
        err = server.stderr.read()
        server.stdout.close()
        server.stderr.close()
        assert err.decode(errors="replace") == ""

    def test_a_forked_worker_nobody_connects_to_exits_after_its_accept_timeout(self):
        code = (
            "import calc_core.worker as w; w.ACCEPT_TIMEOUT = 0.5; "
            "import sys; sys.argv[1:] = []; w.fork_server()"
        )
        server = _start(["-c", code])
        assert server.stdout.readline().strip() == b"ready"
        server.stdin.write(b"7 " + b"ab" * 32 + b" -\n")
        server.stdin.flush()
        request, pid, port = server.stdout.readline().split()
        assert request == b"7" and int(port) > 0
        deadline = time.monotonic() + 30
        while Path(f"/proc/{int(pid)}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{int(pid)}").exists()
        server.stdin.close()
        assert server.wait(timeout=60) == 0
        server.stdout.close()
