"""A guard worker never outlives a parent that did not connect to it.

A pool warming up in a daemon thread can start a worker and exit before
connecting; such a worker must exit by itself instead of waiting in ``accept``
forever (holding memory and any pipe it inherited).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(code: list[str]) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, *code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
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
