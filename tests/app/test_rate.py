"""The per-session rate limit (lab_ui.rate): never more than ``limit`` in any window, and
a refusal only when the window really is full."""

from hypothesis import given
from hypothesis import strategies as st

from lab_ui.rate import allow

gaps = st.lists(st.floats(0, 30), max_size=60)


@given(gaps, st.integers(1, 10), st.floats(1, 100))
def test_no_window_ever_holds_more_than_the_limit(steps, limit, window):
    kept, now, allowed = (), 0.0, []
    for step in steps:
        now += step
        ok, kept = allow(kept, now, limit, window)
        if ok:
            allowed.append(now)
    for start in allowed:
        assert sum(start <= t < start + window for t in allowed) <= limit


@given(gaps, st.integers(1, 10), st.floats(1, 100))
def test_an_event_is_refused_only_when_the_last_window_is_full(steps, limit, window):
    kept, now, allowed = (), 0.0, []
    for step in steps:
        now += step
        ok, kept = allow(kept, now, limit, window)
        if ok:
            allowed.append(now)
        else:
            assert sum(now - window < t <= now for t in allowed) == limit
