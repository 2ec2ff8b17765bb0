"""A page never waits for a write, and a database outage is "unavailable", never an error."""

from __future__ import annotations

import sqlite3
import time

from lab_store import progress
from lab_store.config import Settings, database_url, from_env
from lab_store.store import Store
from tests.postgres import free_port


def test_writes_return_at_once_while_the_database_is_locked_and_land_afterwards(tmp_path):
    path = tmp_path / "calclab.db"
    store = Store(Settings(f"sqlite:///{path.as_posix()}"))
    store.read(lambda conn: None, default=None)  # migrated
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long writer would
    started = time.perf_counter()
    for k in range(50):
        assert store.write(progress.solve, "a" * 32, "en.x", f"p{k}", time.time())
    queued_in = time.perf_counter() - started
    blocker.execute("ROLLBACK")
    blocker.close()
    assert queued_in < 0.5  # 50 writes queued while a write would wait up to 3 s
    assert store.flush(timeout=60)
    assert len(store.read(progress.solved, "a" * 32, default={})["en.x"]) == 50


def test_an_unreachable_postgresql_makes_reads_return_their_default_quickly():
    url = database_url(f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    store = Store(Settings(url))
    started = time.perf_counter()
    assert store.read(progress.solved, "a" * 32, default=None) is None
    first = time.perf_counter() - started
    assert not store.available
    started = time.perf_counter()
    assert store.read(progress.solved, "a" * 32, default="later") == "later"
    assert store.write(progress.solve, "a" * 32, "en.x", "main", 1.0)
    again = time.perf_counter() - started
    assert first < 5
    assert again < 0.5  # no connect attempt (3 s time-out) while it is known to be down


def test_the_data_directory_is_created_on_first_use(tmp_path):
    folder = tmp_path / "nested" / "data"
    settings = from_env({"CALCLAB_DATA": str(folder), "CALCLAB_RETENTION_DAYS": "7"})
    assert not folder.exists()
    assert Store(settings).read(progress.solved, "a" * 32, default=None) == {}
    assert folder.is_dir()
    assert settings.backend == "sqlite" and settings.retention_days == 7


def test_an_unwritable_data_directory_means_unavailable_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = Store(from_env({"CALCLAB_DATA": str(blocker / "data")}))
    assert store.read(progress.solved, "a" * 32, default="unavailable") == "unavailable"
    assert not store.available
    assert from_env({"CALCLAB_DATABASE_URL": "postgresql://x@h/db"}).backend == "postgresql"
