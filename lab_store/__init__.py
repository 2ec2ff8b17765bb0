"""Calculus Lab's storage room: classes, their attempts, and learners' progress.

It sits beside :mod:`calc_core` (which stays pure) and knows nothing of Streamlit.
SQLite in a per-user data directory by default (``CALCLAB_DATA``), PostgreSQL when
``CALCLAB_DATABASE_URL`` names one; one schema, versioned by Alembic
(``lab_store/migrations``). Writes go through a background writer
(:mod:`lab_store.writer`) so a page rerun never waits for the database, and every read
degrades to "unavailable" instead of raising (:class:`lab_store.store.Store`).
"""
