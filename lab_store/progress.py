"""A browser's solved exercise parts, kept across reloads and server restarts.

>>> import sqlalchemy as sa
>>> from lab_store.schema import metadata
>>> engine = sa.create_engine("sqlite://")
>>> metadata.create_all(engine)
>>> with engine.begin() as conn:
...     solve(conn, "b" * 32, "en.tangent", "main", now=10.0)
...     solve(conn, "b" * 32, "en.tangent", "main", now=20.0)  # again: still one row
...     solved(conn, "b" * 32)
{'en.tangent': {'main'}}
"""

from __future__ import annotations

import sqlalchemy as sa

from lab_store.schema import progress

DAY = 86400.0


def solve(conn: sa.Connection, browser: str, exercise: str, part: str, now: float) -> None:
    """Mark a part solved (again: only its time moves)."""
    where = (
        progress.c.browser == browser,
        progress.c.exercise == exercise,
        progress.c.part == part,
    )
    moved = conn.execute(progress.update().where(*where).values(solved_at=now)).rowcount
    if not moved:
        row = {"browser": browser, "exercise": exercise, "part": part, "solved_at": now}
        conn.execute(progress.insert().values(**row))


def solved(conn: sa.Connection, browser: str) -> dict[str, set[str]]:
    """``{exercise: {part, ...}}`` for one browser."""
    out: dict[str, set[str]] = {}
    rows = conn.execute(
        sa.select(progress.c.exercise, progress.c.part).where(progress.c.browser == browser)
    )
    for exercise, part in rows:
        out.setdefault(exercise, set()).add(part)
    return out


def purge_stale(conn: sa.Connection, now: float, keep_days: int) -> int:
    """Forget parts solved longer ago than ``keep_days``; how many rows went."""
    stale = progress.c.solved_at < now - keep_days * DAY
    return conn.execute(progress.delete().where(stale)).rowcount
