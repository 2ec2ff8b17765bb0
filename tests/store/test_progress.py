"""A browser's solved parts: kept per browser, forgotten after the progress retention."""

from __future__ import annotations

from lab_store import progress
from lab_store.store import Store

DAY = 86400.0


def test_solved_parts_are_read_back_per_browser(store: Store):
    a, b = "1" * 32, "2" * 32
    for part in ("pow3", "main"):
        store.transact(progress.solve, a, "en.rules", part, 10.0, default=None)
    store.transact(progress.solve, b, "zh.norm", "main", 10.0, default=None)
    assert store.read(progress.solved, a, default=None) == {"en.rules": {"pow3", "main"}}
    assert store.read(progress.solved, b, default=None) == {"zh.norm": {"main"}}
    assert store.read(progress.solved, "3" * 32, default=None) == {}


def test_parts_not_solved_again_within_the_retention_are_forgotten(store: Store):
    old, recent = "4" * 32, "5" * 32
    store.transact(progress.solve, old, "en.x", "main", 1000 * DAY, default=None)
    store.transact(progress.solve, recent, "en.x", "main", 1170 * DAY, default=None)
    store.transact(progress.purge_stale, 1181 * DAY, 180, default=None)
    assert store.read(progress.solved, old, default=None) == {}
    assert store.read(progress.solved, recent, default=None) == {"en.x": {"main"}}
