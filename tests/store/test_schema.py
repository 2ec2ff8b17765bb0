"""The schema comes from migrations, identical on both back ends, and is brought up once."""

from __future__ import annotations

import sqlalchemy as sa

from lab_store import engine as eng
from lab_store.schema import metadata
from lab_store.store import Store


def test_an_empty_database_is_migrated_to_the_newest_revision_on_first_use(store: Store):
    assert store.read(lambda conn: 1, default=None) == 1
    assert eng.current(store._engine) == eng.head()


def test_the_migrations_build_exactly_the_tables_the_code_declares(store: Store):
    store.read(lambda conn: None, default=None)
    inspector = sa.inspect(store._engine)
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.columns.keys()), table.name


def test_upgrading_an_up_to_date_database_changes_nothing(store: Store):
    store.read(lambda conn: None, default=None)
    eng.upgrade(store._engine)
    assert eng.current(store._engine) == eng.head()


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = eng.make_engine(f"sqlite:///{(tmp_path / 'x.db').as_posix()}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
