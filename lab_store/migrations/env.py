"""Alembic's entry: run the migrations on the connection :func:`lab_store.engine.upgrade` gives."""

from alembic import context

from lab_store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
