"""A sliding-window rate limit, kept in a session's state: at most ``limit`` per ``window``.

>>> ok, kept = allow((), now=0.0, limit=2, window=60.0)
>>> ok, kept = allow(kept, now=1.0, limit=2, window=60.0)
>>> allow(kept, now=2.0, limit=2, window=60.0)[0], allow(kept, now=60.5, limit=2, window=60.0)[0]
(False, True)
"""

from __future__ import annotations


def allow(
    times: tuple[float, ...], now: float, limit: int, window: float
) -> tuple[bool, tuple[float, ...]]:
    """Whether one more event may happen at ``now``, and the times to keep for next time.

    ``times`` are the allowed events so far (oldest first); a refused event is not kept,
    so a client that keeps trying is let in again once the window has moved on.
    """
    recent = tuple(t for t in times if now - window < t <= now)
    if len(recent) >= limit:
        return False, recent
    return True, (*recent, now)
