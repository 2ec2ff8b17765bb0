"""Specification of the fair-scheduling policy (:mod:`calc_core.schedule`).

A hypothesis state machine submits, starts, demotes and ends calls of a few
sessions in any order, with time passing, and checks after every step: at most
one live call per session; no lane over its slots; a queued fresh call never
waits while a demoted call holds a fresh slot; no lane idles while calls wait.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from calc_core.schedule import FRESH, QUEUED, RUNNING, SLOW, Schedule

SESSIONS = ["s0", "s1", "s2", "s3", "s4", None]


class SchedulingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.schedule = Schedule(
            fresh_slots=2, extra_fresh_slots=1, slow_slots=1, slice_seconds=0.5, half_life=5.0
        )
        self.now = 0.0
        self.calls = []  # every call ever submitted

    @rule(session=st.sampled_from(SESSIONS))
    def submit(self, session):
        self.calls.append(self.schedule.submit(session, self.now))

    @rule()
    def start(self):
        self.schedule.start_next(self.now)

    @rule(seconds=st.floats(0, 10))
    def time_passes(self, seconds):
        self.now += seconds

    @precondition(lambda self: self.schedule.running(FRESH))
    @rule(data=st.data())
    def a_running_call_uses_its_slice(self, data):
        call = data.draw(st.sampled_from(self.schedule.running(FRESH)))
        self.schedule.demote(call, self.now)

    @precondition(lambda self: self.schedule.in_flight())
    @rule(data=st.data(), cpu=st.floats(0, 3), answered=st.booleans())
    def a_call_ends(self, data, cpu, answered):
        call = data.draw(st.sampled_from(self.schedule.in_flight()))
        self.schedule.end(call, cpu, self.now, answered)

    @invariant()
    def at_most_one_live_call_per_session(self):
        live = [c.session for c in self.schedule.in_flight() if not c.cancelled]
        named = [s for s in live if s is not None]
        assert len(named) == len(set(named))

    @invariant()
    def a_superseded_call_is_never_started_later(self):
        for call in self.calls:
            if call.cancelled:
                assert call not in self.schedule.queued(FRESH) + self.schedule.queued(SLOW)

    @invariant()
    def lanes_hold_at_most_their_slots(self):
        assert len(self.schedule.running(FRESH)) <= self.schedule.fresh_capacity
        assert len(self.schedule.running(SLOW)) <= self.schedule.slow_slots

    @invariant()
    def the_fresh_lane_holds_no_demoted_call(self):
        assert not any(c.demoted for c in self.schedule.running(FRESH))
        assert not any(c.demoted for c in self.schedule.queued(FRESH))

    @invariant()
    def a_fresh_call_waits_only_while_fresh_calls_fill_the_lane(self):
        self.schedule.start_next(self.now)  # what the pool does after every change
        fresh, slow = self.schedule.running(FRESH), self.schedule.running(SLOW)
        if self.schedule.queued(SLOW):
            assert len(slow) == self.schedule.slow_slots
        for call in self.schedule.queued(FRESH):
            assert len(fresh) >= self.schedule.fresh_slots
            if self.schedule.heaviness(call.session, self.now) == 0:  # a light session
                assert len(fresh) == self.schedule.fresh_capacity

    @invariant()
    def states_match_places(self):
        for lane in (FRESH, SLOW):
            assert all(c.state == QUEUED and c.lane == lane for c in self.schedule.queued(lane))
            assert all(c.state == RUNNING and c.lane == lane for c in self.schedule.running(lane))


TestSchedulingMachine = SchedulingMachine.TestCase
TestSchedulingMachine.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)


class TestLanes:
    def test_a_new_session_starts_in_the_fresh_lane(self):
        schedule = Schedule()
        assert schedule.submit("a", now=0.0).lane == FRESH

    def test_answered_calls_are_not_held_against_a_session(self):
        """Many quick answers, or one slow answer, are the server used as meant."""
        schedule = Schedule(slice_seconds=0.5, half_life=5.0)
        for i in range(20):
            call = schedule.submit("a", now=float(i))
            schedule.start_next(float(i))
            schedule.end(call, cpu=0.3, now=float(i) + 0.5, answered=True)
        assert schedule.submit("a", now=20.0).lane == FRESH

    def test_a_session_whose_unanswered_calls_used_a_slice_starts_in_the_slow_lane(self):
        schedule = Schedule(slice_seconds=0.5, half_life=5.0)
        first = schedule.submit("a", now=0.0)
        schedule.start_next(0.0)
        schedule.end(first, cpu=2.0, now=1.0)
        assert schedule.submit("a", now=2.0).lane == SLOW

    def test_recent_use_is_forgotten_with_its_half_life(self):
        schedule = Schedule(slice_seconds=0.5, half_life=5.0)
        schedule.charge("a", 2.0, now=0.0)
        assert schedule.usage("a", now=5.0) == pytest.approx(1.0)
        assert schedule.submit("a", now=15.0).lane == FRESH  # 2 s -> 0.25 s

    def test_cancelled_copies_add_up(self):
        """Pressing Enter on a new copy every half second: each copy's CPU counts."""
        schedule = Schedule(slice_seconds=0.5, half_life=5.0)
        lanes = []
        for i in range(4):
            call = schedule.submit("a", now=0.5 * i)
            lanes.append(call.lane)
            schedule.start_next(0.5 * i)
            schedule.end(call, cpu=0.2, now=0.5 * i + 0.4)
        assert lanes[0] == FRESH and lanes[-1] == SLOW

    def test_a_demoted_call_frees_its_fresh_slot_at_once(self):
        schedule = Schedule(fresh_slots=1, slow_slots=1)
        slow = schedule.submit("a", now=0.0)
        fresh = schedule.submit("b", now=0.0)
        assert schedule.start_next(0.0) == [slow]
        assert schedule.demote(slow, now=0.6)
        assert schedule.start_next(0.6) == [fresh]

    def test_a_full_slow_lane_refuses_the_next_demotion(self):
        schedule = Schedule(fresh_slots=2, slow_slots=1)
        a, b = schedule.submit("a", now=0.0), schedule.submit("b", now=0.0)
        schedule.start_next(0.0)
        assert schedule.demote(a, now=0.6)
        assert not schedule.demote(b, now=0.7)
        assert schedule.running(FRESH) == [] and schedule.running(SLOW) == [a]


class TestFairQueueing:
    def test_a_light_session_starts_at_once_beyond_the_fresh_slots(self):
        schedule = Schedule(fresh_slots=1, extra_fresh_slots=1, slice_seconds=0.5)
        schedule.charge("hammer", 0.3, now=0.0)
        schedule.submit("hammer", now=0.0)
        schedule.start_next(0.0)
        heavy = schedule.submit("other-hammer", now=0.1)
        schedule.charge("other-hammer", 0.3, now=0.1)
        student = schedule.submit("student", now=0.2)
        assert schedule.start_next(0.2) == [student]
        assert schedule.queued(FRESH) == [heavy]

    def test_the_session_that_used_least_goes_first(self):
        schedule = Schedule(fresh_slots=1, slice_seconds=0.5)
        schedule.submit("busy", now=0.0)
        schedule.start_next(0.0)
        schedule.charge("hammer", 0.3, now=0.0)
        hammer = schedule.submit("hammer", now=0.1)
        student = schedule.submit("student", now=0.2)
        schedule.end(schedule.running(FRESH)[0], cpu=0.01, now=0.3)
        assert schedule.start_next(0.3) == [student]
        assert schedule.queued(FRESH) == [hammer]

    def test_equals_are_served_in_order_of_arrival(self):
        schedule = Schedule(fresh_slots=1)
        calls = [schedule.submit(f"s{i}", now=0.0) for i in range(4)]
        started = []
        for _ in calls:
            started += schedule.start_next(0.0)
            schedule.end(started[-1], cpu=0.0, now=0.0)
        assert started == calls


class TestOneCallPerSession:
    def test_a_new_submission_cancels_the_queued_one(self):
        schedule = Schedule(fresh_slots=1)
        schedule.submit("other", now=0.0)
        schedule.start_next(0.0)
        old = schedule.submit("a", now=0.1)
        new = schedule.submit("a", now=0.2)
        assert old.cancelled and not new.cancelled
        assert schedule.queued(FRESH) == [new]

    def test_a_new_submission_cancels_the_running_one(self):
        schedule = Schedule(fresh_slots=1)
        old = schedule.submit("a", now=0.0)
        schedule.start_next(0.0)
        new = schedule.submit("a", now=0.1)
        assert old.cancelled and old.state == RUNNING  # the pool stops it and ends it
        schedule.end(old, cpu=0.05, now=0.15)
        assert schedule.start_next(0.15) == [new]

    def test_calls_without_a_session_never_cancel_each_other(self):
        schedule = Schedule()
        first, second = schedule.submit(None, now=0.0), schedule.submit(None, now=0.0)
        assert not first.cancelled and not second.cancelled


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30), st.floats(0.1, 20))
def test_usage_never_grows_while_nothing_is_charged(charges, later):
    schedule = Schedule(half_life=5.0)
    for i, cpu in enumerate(charges):
        schedule.charge("a", cpu, now=float(i))
    now = float(len(charges))
    assert schedule.usage("a", now + later) <= schedule.usage("a", now) + 1e-12
    assert schedule.usage("a", now) <= sum(charges) + 1e-9
