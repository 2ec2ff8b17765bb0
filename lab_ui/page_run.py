"""A page run's share of the worker pool: its session, its interruption, one budget.

Every computation a page run asks for goes to :func:`calc_core.guard.default_pool`
with three things the pool cannot know by itself:

- the **session** (Streamlit's session id): the pool keeps one call in flight per
  session, so a student who submits again replaces their own previous call;
- an **interrupt** check: while a call waits or computes, a newer submission from
  the same browser makes Streamlit's run-control check raise its rerun (or stop)
  exception; the pool then kills the call's worker and the page reruns with the
  new input at once, instead of after the old input's 3 s limit;
- one **budget** per page run (:func:`start`, called by ``page_header``): a page
  making two calls shares one 3 s limit between them, instead of 3 s each.

Outside a Streamlit run (tests, scripts) a call gets its own budget and no
session. A call superseded by another thread of the same session ends this run
quietly: the newer run draws the page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from calc_core.guard import DEFAULT_TIMEOUT, Budget, Cancelled, default_pool

try:  # Streamlit's own check for a pending rerun or stop (used by its cache waits)
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        get_run_yield_check,
        get_script_run_ctx,
    )
except ImportError:  # another Streamlit: no interruption, the pool's limits still hold
    get_run_yield_check = None
    get_script_run_ctx = None
    StopException = None

_local = threading.local()


def start(seconds: float = DEFAULT_TIMEOUT) -> None:
    """Begin a page run: its computations share one budget of ``seconds``."""
    _local.budget = Budget(seconds)


def budget() -> Budget:
    """The current run's budget (a fresh one outside a page run)."""
    current = getattr(_local, "budget", None)
    return current if current is not None else Budget()


def run(fn: Callable[..., Any], args: tuple) -> Any:
    """``fn(*args)`` in the pool for this page run (raises ``InputError`` as the pool does)."""
    ctx = get_script_run_ctx(suppress_warning=True) if get_script_run_ctx else None
    session = ctx.session_id if ctx is not None else None
    interrupt = get_run_yield_check() if ctx is not None and get_run_yield_check else None
    try:
        return default_pool().run(fn, *args, session=session, interrupt=interrupt, budget=budget())
    except Cancelled:
        if interrupt is not None:
            interrupt()  # raises Streamlit's rerun/stop when this run has been replaced
        if StopException is not None and ctx is not None:
            raise StopException() from None
        raise
