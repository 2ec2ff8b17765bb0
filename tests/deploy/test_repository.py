"""The repository itself: no file carries what an unfinished merge leaves behind."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def _tracked() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.decode().split("\0") if name]


def test_no_tracked_text_file_has_merge_conflict_markers():
    found = []
    for path in _tracked():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue  # binary (screenshots) or gone
        found += [
            f"{path.relative_to(ROOT)}:{i}" for i, s in enumerate(lines, 1) if s.startswith(MARKERS)
        ]
    assert not found, found
