"""Who computes next: the worker pool's fair-scheduling policy, as pure bookkeeping.

A class shares one server. Most computations take milliseconds; a few students
paste something that keeps sympy busy, and some press Enter again and again. The
policy that keeps everyone else's page quick:

- **One call in flight per session.** A session's new submission supersedes its
  queued or running call, which the pool then cancels.
- **Two lanes.** A *fresh* call runs in the fresh lane. A call that has used its
  first slice of CPU (``slice_seconds``) is *demoted*: it leaves the fresh lane for
  the slow lane (and the pool drops its worker to the lowest CPU priority), so it
  never holds up a fresh call. A full slow lane refuses the newcomer.
- **Memory of unanswered use.** The CPU of a session's calls that ended without
  an answer (replaced by its next submission, timed out, refused) is remembered,
  decaying with a half-life (``half_life``) while the session is idle; a session
  whose memory reaches a slice starts its next call in the slow lane, so pressing
  Enter on a new copy of a slow input every half second does not make each copy
  "fresh" again. It stays slow
  until its use has decayed to half a slice (hysteresis: otherwise a hammering
  session would win a fresh slice back every time its use dipped under one).
- In the fresh lane, a session that used more than a quarter slice lately runs at
  a lower CPU priority the more it used (see :meth:`Schedule.heaviness`).
- A light session's call (under a quarter slice of unanswered use) may start
  beyond the fresh slots, up to ``extra_fresh_slots`` more: fresh calls get a
  worker at once.
- Within a lane, the session that used the least CPU recently goes first (first
  come, first served among equals). Waiting does not count against a call's time
  limit; the pool bounds it separately.

This module only decides; :class:`calc_core.guard.WorkerPool` runs the processes.
Times are passed in (``now``), so the policy is deterministic and testable.

Examples
--------
>>> s = Schedule(fresh_slots=1, slow_slots=1)
>>> a = s.submit("alice", now=0.0)
>>> s.start_next(now=0.0) == [a] and a.lane == "fresh"
True
>>> b = s.submit("bob", now=0.1)
>>> s.start_next()  # the fresh lane is full: bob waits
[]
>>> s.demote(a, now=0.6)  # alice's call used its slice: bob starts at once
True
>>> s.start_next() == [b]
True
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

FRESH = "fresh"
SLOW = "slow"

QUEUED = "queued"
RUNNING = "running"
ENDED = "ended"


@dataclass(eq=False)
class Call:
    """One submitted computation (mutable bookkeeping, identity-compared)."""

    id: int
    session: str | None
    lane: str
    state: str = QUEUED
    cancelled: bool = False
    demoted: bool = False
    submitted: float = 0.0
    cpu: float = 0.0  # CPU seconds used so far (the pool measures it)


@dataclass
class _Usage:
    cpu: float = 0.0
    at: float = 0.0


@dataclass
class Schedule:
    """The policy's state: queues, lanes and each session's recent CPU use.

    Parameters
    ----------
    fresh_slots : int
        Fresh calls running at once.
    extra_fresh_slots : int
        Beyond ``fresh_slots``, how many more calls of *light* sessions (under a
        quarter slice of unanswered use) may start at once: a student's call gets a
        worker at once even while copies of slow input fill the fresh lane.
    slow_slots : int
        Demoted calls running at once (each holds a worker at the lowest priority).
    slice_seconds : float
        CPU a call or a session may use before it counts as slow.
    half_life : float
        Seconds in which a session's recorded CPU use halves.
    max_sessions : int
        Sessions remembered at most (the least recently seen are forgotten first).
    """

    fresh_slots: int = 2
    extra_fresh_slots: int = 0
    slow_slots: int = 2
    slice_seconds: float = 0.5
    half_life: float = 10.0
    max_sessions: int = 4096
    _ids: itertools.count = field(default_factory=itertools.count, repr=False)
    _queues: dict[str, list[Call]] = field(default_factory=lambda: {FRESH: [], SLOW: []})
    _running: dict[str, list[Call]] = field(default_factory=lambda: {FRESH: [], SLOW: []})
    _in_flight: dict[str, Call] = field(default_factory=dict)
    _usage: dict[str, _Usage] = field(default_factory=dict)
    _slow: set[str] = field(default_factory=set)

    # -- what a session has used
    def usage(self, session: str | None, now: float) -> float:
        """The session's recent unanswered CPU seconds, decayed to ``now``.

        Use decays only while the session has nothing in flight: a session that
        keeps replacing its running call with a new one never becomes fresh again.
        """
        record = self._usage.get(session) if session is not None else None
        if record is None:
            return 0.0
        if session in self._in_flight:
            return record.cpu
        return record.cpu * math.exp2(-max(0.0, now - record.at) / self.half_life)

    def _settle(self, session: str | None, now: float) -> None:
        """Fix the session's use at ``now`` (call when it turns busy or idle)."""
        record = self._usage.get(session) if session is not None else None
        if record is not None:
            record.cpu, record.at = self.usage(session, now), now

    def charge(self, session: str | None, cpu: float, now: float) -> None:
        """Add ``cpu`` seconds to the session's recent use."""
        if session is None or cpu <= 0:
            return
        total = self.usage(session, now) + cpu
        self._usage.pop(session, None)  # re-inserted last: dicts keep insertion order
        self._usage[session] = _Usage(total, now)
        self._bound()

    def _bound(self) -> None:
        while len(self._usage) > self.max_sessions:
            oldest = next(iter(self._usage))
            del self._usage[oldest]
            self._slow.discard(oldest)

    def heaviness(self, session: str | None, now: float) -> float:
        """0 for a session that used under a quarter slice lately, rising to 1 at a slice.

        The pool runs a heavier session's fresh calls at a lower CPU priority, so
        that many sessions each just under their slice (copies of slow input,
        each replaced before it used a slice) cannot crowd out a student's call.
        """
        if session is None:
            return 0.0
        quarter = self.slice_seconds / 4
        return min(1.0, max(0.0, (self.usage(session, now) - quarter) / (3 * quarter)))

    def is_slow(self, session: str | None, now: float, running: float = 0.0) -> bool:
        """Whether the session's next call belongs in the slow lane.

        ``running`` is CPU its call still in flight has used (not yet charged).
        """
        if session is None:
            return False
        used = self.usage(session, now) + running
        if session in self._slow and used < self.slice_seconds / 2:
            self._slow.discard(session)
        elif used >= self.slice_seconds:
            self._slow.add(session)
        return session in self._slow

    # -- the life of a call
    def submit(self, session: str | None, now: float) -> Call:
        """Queue a new call; the session's previous one (if any) is marked cancelled.

        The caller cancels a superseded call that was already running (see
        :meth:`superseded`) and ends it with :meth:`end`.
        """
        previous = self._in_flight.get(session) if session is not None else None
        if previous is None:
            self._settle(session, now)  # idle until now: decayed; busy from now on
        else:
            del self._in_flight[session]
            previous.cancelled = True
            if previous.state == QUEUED:
                self._remove_queued(previous)
            # a running one is ended (and charged) by the pool once it has stopped it
        running = previous.cpu if previous is not None and previous.state == RUNNING else 0.0
        lane = SLOW if self.is_slow(session, now, running) else FRESH
        call = Call(next(self._ids), session, lane, submitted=now, demoted=lane == SLOW)
        self._queues[lane].append(call)
        if session is not None:
            self._in_flight[session] = call
            self._usage.setdefault(session, _Usage(0.0, now))
            self._bound()
        return call

    def start_next(self, now: float | None = None) -> list[Call]:
        """Move queued calls into free slots; return them.

        The call whose session has used the least CPU recently goes first, first
        come first served among equals (fair queueing: a student who has computed
        nothing yet never waits behind copies from a session pressing Enter on slow
        input). With ``now``, a queued fresh call whose session has meanwhile used
        a slice (its superseded call was charged) moves to the slow lane first.
        """
        if now is not None:
            for call in [c for c in self._queues[FRESH] if self.is_slow(c.session, now)]:
                self._queues[FRESH].remove(call)
                call.lane, call.demoted = SLOW, True
                self._queues[SLOW].append(call)
        started = []
        at = 0.0 if now is None else now
        for lane, slots in ((FRESH, self.fresh_slots), (SLOW, self.slow_slots)):
            queue, running = self._queues[lane], self._running[lane]
            while queue:
                call = min(queue, key=lambda c: (self.usage(c.session, at), c.id))
                if len(running) >= slots and not (
                    lane == FRESH
                    and len(running) < self.fresh_capacity
                    and self.heaviness(call.session, at) == 0
                ):
                    break
                queue.remove(call)
                call.state = RUNNING
                running.append(call)
                started.append(call)
        return started

    @property
    def fresh_capacity(self) -> int:
        """The most fresh calls ever running at once (light sessions may use the extra)."""
        return self.fresh_slots + self.extra_fresh_slots

    def demote(self, call: Call, now: float) -> bool:
        """A running fresh call has used its slice: move it to the slow lane.

        Returns False when the slow lane is full: the call must then be refused
        (and ended). Either way its fresh slot is free for the next fresh call.
        """
        if call.state != RUNNING or call.demoted:
            return call.demoted and call.state == RUNNING
        self._running[call.lane].remove(call)
        call.demoted = True
        if call.session is not None:
            self._slow.add(call.session)
        if len(self._running[SLOW]) >= self.slow_slots:
            call.lane = SLOW
            call.state = ENDED
            self._forget(call, now)
            return False
        call.lane = SLOW
        self._running[SLOW].append(call)
        return True

    def end(self, call: Call, cpu: float, now: float, answered: bool = False) -> None:
        """The call is over (answered, refused, timed out or cancelled): free its place.

        The CPU of a call that ended without an answer is charged to its session;
        an answered call's is not: a student who asks for many quick answers (or
        one slow one) has used the server as meant, while copies of slow input,
        each replaced or timed out, are what the session memory is there to catch.
        """
        if call.state == QUEUED:
            self._remove_queued(call)
        elif call.state == RUNNING:
            self._running[call.lane].remove(call)
        call.state = ENDED
        if not answered:
            self.charge(call.session, cpu, now)
        self._forget(call, now)

    # -- reading the state
    def waiting(self, call: Call) -> bool:
        return call.state == QUEUED

    def queued(self, lane: str) -> list[Call]:
        return list(self._queues[lane])

    def running(self, lane: str) -> list[Call]:
        return list(self._running[lane])

    def in_flight(self) -> list[Call]:
        """Every call queued or running, at most one per session."""
        return [c for lane in (FRESH, SLOW) for c in self._queues[lane] + self._running[lane]]

    # -- internals
    def _remove_queued(self, call: Call) -> None:
        queue = self._queues[call.lane]
        if call in queue:
            queue.remove(call)
        call.state = ENDED

    def _forget(self, call: Call, now: float) -> None:
        if call.session is not None and self._in_flight.get(call.session) is call:
            self._settle(call.session, now)
            del self._in_flight[call.session]  # idle from now: its use starts to decay
