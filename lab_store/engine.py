"""Engines for both back ends, and the schema brought up to date on first use.

SQLite runs in WAL mode (readers never wait for the writer, ``synchronous=NORMAL``) with
a busy timeout;
PostgreSQL connects through psycopg 3 with short connect and statement timeouts, so an
outage is noticed in seconds, not minutes. Replicas starting together take an advisory
lock before migrating, so only one of them runs a migration.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
#: An arbitrary constant naming the advisory lock taken while migrating PostgreSQL.
MIGRATION_LOCK = 7_415_021
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL's usual pairing: a commit survives a crash of the app; only a power cut may lose
    # the last few commits (SQLite's docs), and no commit waits for an fsync.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=3000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url`` (an SQLAlchemy URL) with this module's timeouts."""
    if url.startswith("sqlite"):
        database = sa.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)  # the data directory
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 3})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=4,
        max_overflow=4,
        pool_timeout=CONNECT_TIMEOUT_S,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        },
    )


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest schema revision in ``lab_store/migrations``."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: sa.Engine) -> str | None:
    """The schema revision the database is at (None: empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Run every migration the database lacks, in one transaction."""
    if current(engine) == head():
        return
    config = _config()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
