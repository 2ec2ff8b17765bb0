"""Both back ends: SQLite always; PostgreSQL started by the tests (tests/postgres.py).

Locally a missing PostgreSQL skips its half, with the reason; under CI (``CI=true``) it
fails, because .ci/run installs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from lab_store.config import Settings, database_url
from lab_store.store import Store
from tests import postgres

IN_CI = os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} — under CI=true PostgreSQL must be tested", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if postgres.find_bin() is None:
        unavailable("PostgreSQL not found (initdb): apt-get install postgresql")
    with postgres.server() as url:
        yield url


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
