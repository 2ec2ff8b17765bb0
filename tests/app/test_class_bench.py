"""``python -m bench.load --class-mode`` runs: a small class, both phases, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_small_class_mode_run_records_every_answer_checked_in_class(tmp_path):
    out = tmp_path / "class.json"
    cmd = [sys.executable, "-m", "bench.load", "--class-mode", "--sessions", "3"]
    cmd += ["--duration", "6", "--think", "1", "--json", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(out.read_text())["class_mode"]
    assert result["quiet"]["answers"]["n"] > 0 and result["class"]["answers"]["n"] > 0
    assert result["class"]["teacher_refresh"]["n"] > 0
    assert result["class"]["error_count"] == 0
    assert result["recorded"] == result["checked_in_class"]
    assert result["students_seen"] == 3
    assert "Class mode: 3 students answering" in done.stdout
