"""What the teacher sees of a class: per part, who tried and who got it; common wrong answers.

Counted in the database (grouped queries), so a teacher view costs a few small result
sets however many attempts a class has.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from lab_store.schema import attempts

RIGHT = "right"


@dataclass(frozen=True)
class PartStats:
    """One exercise part: students who tried, right on the first try, right eventually."""

    exercise: str
    part: str
    tried: int
    first_try: int
    eventually: int
    attempts: int


@dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer as read (normalized), how often, by how many, and the checker's reason."""

    exercise: str
    part: str
    answer: str
    count: int
    students: int
    verdict: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Minute:
    """Attempts started in one minute (seconds since the epoch // 60), by verdict."""

    minute: int
    verdict: str
    count: int


def parts(conn: sa.Connection, class_id: int) -> list[PartStats]:
    """Per exercise part, in the order parts were first tried."""
    a = attempts.c
    right_browser = sa.case((a.verdict == RIGHT, a.browser))
    totals = conn.execute(
        sa.select(
            a.exercise,
            a.part,
            sa.func.count(sa.distinct(a.browser)),
            sa.func.count(sa.distinct(right_browser)),
            sa.func.count(),
            sa.func.min(a.id),
        )
        .where(a.class_id == class_id)
        .group_by(a.exercise, a.part)
        .order_by(sa.func.min(a.id))
    ).all()
    first = (
        sa.select(sa.func.min(a.id).label("id"))
        .where(a.class_id == class_id)
        .group_by(a.browser, a.exercise, a.part)
        .subquery()
    )
    first_right = dict(
        ((e, p), n)
        for e, p, n in conn.execute(
            sa.select(a.exercise, a.part, sa.func.count())
            .join(first, first.c.id == a.id)
            .where(a.verdict == RIGHT)
            .group_by(a.exercise, a.part)
        )
    )
    return [
        PartStats(e, p, tried, first_right.get((e, p), 0), eventually, n)
        for e, p, tried, eventually, n, _ in totals
    ]


def wrong_answers(conn: sa.Connection, class_id: int, per_part: int = 5) -> list[WrongAnswer]:
    """The most common wrong answers of each part, grouped by their normalized form."""
    a = attempts.c
    rows = conn.execute(
        sa.select(
            a.exercise,
            a.part,
            a.answer,
            sa.func.count(),
            sa.func.count(sa.distinct(a.browser)),
            sa.func.max(a.verdict),
            sa.func.max(a.reason),
            sa.func.max(a.detail),
        )
        .where(a.class_id == class_id, a.verdict != RIGHT)
        .group_by(a.exercise, a.part, a.answer)
        .order_by(sa.func.count().desc(), a.answer)
    ).all()
    shown: dict[tuple[str, str], int] = {}
    out = []
    for row in rows:
        part = (row[0], row[1])
        if shown.get(part, 0) < per_part:
            shown[part] = shown.get(part, 0) + 1
            out.append(WrongAnswer(*row))
    return out


def over_time(conn: sa.Connection, class_id: int) -> list[Minute]:
    """Attempts per minute and verdict."""
    a = attempts.c
    rows = conn.execute(
        sa.select(a.minute, a.verdict, sa.func.count())
        .where(a.class_id == class_id)
        .group_by(a.minute, a.verdict)
        .order_by(a.minute)
    )
    return [Minute(*row) for row in rows]


def export_rows(conn: sa.Connection, class_id: int) -> list[dict[str, object]]:
    """Every attempt, oldest first; browsers become ``student 1``, ``student 2``... in order.

    The export never carries a browser id, so two exports cannot be joined on it.
    """
    a = attempts.c
    rows = conn.execute(
        sa.select(a.at, a.browser, a.exercise, a.part, a.answer, a.verdict, a.reason, a.detail)
        .where(a.class_id == class_id)
        .order_by(a.id)
    ).mappings()
    names: dict[str, int] = {}
    out = []
    for row in rows:
        student = names.setdefault(row["browser"], len(names) + 1)
        out.append({**{k: v for k, v in row.items() if k != "browser"}, "student": student})
    return out
