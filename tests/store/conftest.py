"""Both back ends: SQLite always; PostgreSQL started by the tests (``postgres_url``,
tests/conftest.py), a fresh database per test module."""

from __future__ import annotations

import pytest

from lab_store.config import Settings, database_url
from lab_store.store import Store
from tests import postgres


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def settings(request, tmp_path_factory) -> Settings:
    """A fresh, empty database of each back end (one per test module)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "calclab.db"
        return Settings(f"sqlite:///{path.as_posix()}")
    url = postgres.fresh_database(request.getfixturevalue("postgres_url"))
    return Settings(database_url(url))


@pytest.fixture(scope="module")
def store(settings: Settings) -> Store:
    return Store(settings)
