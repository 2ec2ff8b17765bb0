"""Classes and their attempts: start, find, check the teacher's key, record, end, delete.

Every function takes an open SQLAlchemy connection (the caller owns the transaction) and
returns plain values or small frozen records. A teacher key is shown once and stored
only as its SHA-256 (it is 192 random bits, so no slow hash is needed); it is compared
in constant time.

>>> import sqlalchemy as sa
>>> from lab_store.schema import metadata
>>> engine = sa.create_engine("sqlite://")
>>> metadata.create_all(engine)
>>> with engine.begin() as conn:
...     started = start(conn, now=1000.0, retention_days=30)
...     found = find(conn, started.code, now=1001.0)
...     right_key = check_key(found, started.key)
...     wrong_key = check_key(found, "not the key")
>>> len(started.code), found.id == started.id, right_key, wrong_key
(6, True, True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from lab_store.schema import attempts, classes

#: Join-code letters: no 0/O, 1/I/L, so a code read off a projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
DAY = 86400.0


@dataclass(frozen=True)
class Started:
    """A new class: its join code and the teacher key (the only time the key is known)."""

    id: int
    code: str
    key: str


@dataclass(frozen=True)
class ClassRow:
    """A class as stored (the key only as its hash)."""

    id: int
    code: str
    key_hash: str
    created_at: float
    ended_at: float | None
    expires_at: float

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


@dataclass(frozen=True)
class Attempt:
    """One checked answer of one anonymous browser in a class."""

    class_id: int
    browser: str
    exercise: str
    part: str
    answer: str
    verdict: str
    reason: str
    detail: str
    at: float


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def check_key(row: ClassRow | None, key: str | None) -> bool:
    """Whether ``key`` is the teacher key of ``row``, compared in constant time."""
    if row is None or not key:
        return False
    return hmac.compare_digest(hash_key(key), row.key_hash)


def normal_code(text: str | None) -> str | None:
    """A join code as typed (any case, spaces) in canonical form, or None if it cannot be one.

    >>> normal_code(" ab3 k7q "), normal_code("AB3K7"), normal_code("ab3k7o")
    ('AB3K7Q', None, None)
    """
    code = "".join((text or "").split()).upper()
    return code if CODE_PATTERN.fullmatch(code) else None


def start(conn: sa.Connection, now: float, retention_days: int) -> Started:
    """Create a class with a fresh join code and teacher key."""
    key = secrets.token_urlsafe(24)
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = conn.execute(sa.select(classes.c.id).where(classes.c.code == code)).first()
        if taken is None:
            break
    else:  # pragma: no cover - 31^6 codes; twenty collisions in a row mean a broken RNG
        raise RuntimeError("no free join code")
    row = {
        "code": code,
        "key_hash": hash_key(key),
        "created_at": now,
        "ended_at": None,
        "expires_at": now + retention_days * DAY,
    }
    new_id = conn.execute(classes.insert().values(**row).returning(classes.c.id)).scalar_one()
    return Started(new_id, code, key)


def find(conn: sa.Connection, code: str, now: float) -> ClassRow | None:
    """The unexpired class with this join code, or None."""
    row = (
        conn.execute(sa.select(classes).where(classes.c.code == code, classes.c.expires_at > now))
        .mappings()
        .first()
    )
    return ClassRow(**row) if row else None


def record(conn: sa.Connection, attempt: Attempt) -> bool:
    """Store an attempt if its class is still open (not ended, not expired, not deleted)."""
    open_class = conn.execute(
        sa.select(classes.c.id).where(
            classes.c.id == attempt.class_id,
            classes.c.ended_at.is_(None),
            classes.c.expires_at > attempt.at,
        )
    ).first()
    if open_class is None:
        return False
    values = {**attempt.__dict__, "minute": int(attempt.at // 60)}
    for name in ("answer", "detail"):  # PostgreSQL text cannot hold NUL
        values[name] = values[name].replace("\x00", "")[:400]
    conn.execute(attempts.insert().values(**values))
    return True


def end(conn: sa.Connection, class_id: int, now: float) -> None:
    """Make a class read-only: its statistics stay, new attempts are not recorded."""
    conn.execute(
        classes.update()
        .where(classes.c.id == class_id, classes.c.ended_at.is_(None))
        .values(ended_at=now)
    )


def delete(conn: sa.Connection, class_id: int) -> None:
    """Remove a class and every attempt recorded in it."""
    conn.execute(attempts.delete().where(attempts.c.class_id == class_id))
    conn.execute(classes.delete().where(classes.c.id == class_id))


def purge_expired(conn: sa.Connection, now: float) -> int:
    """Delete every class past its retention, with its attempts; how many classes went."""
    expired = sa.select(classes.c.id).where(classes.c.expires_at <= now)
    conn.execute(attempts.delete().where(attempts.c.class_id.in_(expired)))
    return conn.execute(classes.delete().where(classes.c.expires_at <= now)).rowcount
