"""The first schema: classes, attempts, progress.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("ended_at", sa.Float, nullable=True),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_classes_expires_at", "classes", ["expires_at"])
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "class_id",
            sa.Integer,
            sa.ForeignKey("classes.id", ondelete="CASCADE"),
            nullable=False,
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
    )
    op.create_index("attempts_by_part", "attempts", ["class_id", "exercise", "part"])
    op.create_table(
        "progress",
        sa.Column("browser", sa.String(32), primary_key=True),
        sa.Column("exercise", sa.String(40), primary_key=True),
        sa.Column("part", sa.String(40), primary_key=True),
        sa.Column("solved_at", sa.Float, nullable=False),
    )
    op.create_index("ix_progress_solved_at", "progress", ["solved_at"])


def downgrade() -> None:
    op.drop_table("progress")
    op.drop_table("attempts")
    op.drop_table("classes")
