"""The tables (SQLAlchemy Core). Change them only together with a new migration.

Times are seconds since the epoch (floats): portable across SQLite and PostgreSQL, and
``attempts.minute`` (whole minutes) lets both group attempts over time without a
date function of their own.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

classes = sa.Table(
    "classes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(12), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float, nullable=True),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("browser", sa.String(32), nullable=False),
    sa.Column("exercise", sa.String(40), nullable=False),
    sa.Column("part", sa.String(40), nullable=False),
    sa.Column("answer", sa.String(400), nullable=False),
    sa.Column("verdict", sa.String(20), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("detail", sa.String(400), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("minute", sa.Integer, nullable=False),
    sa.Index("attempts_by_part", "class_id", "exercise", "part"),
)

progress = sa.Table(
    "progress",
    metadata,
    sa.Column("browser", sa.String(32), primary_key=True),
    sa.Column("exercise", sa.String(40), primary_key=True),
    sa.Column("part", sa.String(40), primary_key=True),
    sa.Column("solved_at", sa.Float, nullable=False, index=True),
)
