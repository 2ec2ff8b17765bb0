"""Give an optional, pure-Python step (such as ``sympy.simplify``) a time budget.

``simplify`` has no timeout and its cost does not follow the size of its input:
measured here (2 cores, sympy 1.14), the gradient of ``tanh(x1 + 2x2 - x3)^2`` has 12
operations and takes 0.7 s per component, the gradient of a dense degree-8 polynomial
in 3 variables 1.1-1.9 s, while most 50-operation expressions take under 50 ms. A size
threshold would either refuse easy cases or let hard ones eat the worker's whole
3-second limit. :func:`within` runs the step in the calling thread and, when the
budget runs out, stops it by raising an exception *inside that thread* at its next
bytecode (CPython's ``PyThreadState_SetAsyncExc``); the caller then uses a cheaper
form. The killable worker (:mod:`calc_core.guard`) stays the backstop for anything
stuck in C code, where the exception cannot arrive.

The exception derives from ``BaseException`` so that sympy's many ``except Exception``
blocks cannot swallow it; sympy's global evaluation flags, which an interrupted
``with evaluate(False)`` block might leave changed, are restored afterwards.

Examples
--------
>>> within(lambda: 6 * 7, 1.0)
(True, 42)
>>> import time
>>> within(lambda: time.sleep(0.01) or "never", 0.0)
(False, None)
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class BudgetExpired(BaseException):
    """Raised inside a step whose time budget ran out (never escapes :func:`within`)."""


def _set_async(thread_id: int, exc: type[BaseException] | None) -> int:
    """CPython's ``PyThreadState_SetAsyncExc``: 0 if unavailable (not CPython)."""
    try:
        set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except AttributeError:  # no interruption: the worker's own time limit still holds
        return 0
    return set_async(ctypes.c_ulong(thread_id), None if exc is None else ctypes.py_object(exc))


def _interrupt(thread_id: int) -> bool:
    """Ask CPython to raise :class:`BudgetExpired` in thread ``thread_id``."""
    hit = _set_async(thread_id, BudgetExpired)
    if hit > 1:  # cannot happen for a valid id; undo as the C-API docs ask
        _set_async(thread_id, None)
        return False
    return hit == 1


def restore_sympy_flags() -> None:
    """Undo what an interrupted ``with evaluate(False)`` block may have left changed."""
    try:
        from sympy.core.parameters import global_parameters
    except ImportError:  # pragma: no cover - sympy always present in calc_core
        return
    global_parameters.evaluate = True
    global_parameters.distribute = True
    global_parameters.exp_is_pow = False


def within(step: Callable[[], T], seconds: float) -> tuple[bool, T | None]:
    """Run ``step()``; return ``(True, result)``, or ``(False, None)`` if it overran ``seconds``.

    Only for optional work: an interrupted step leaves no result. ``seconds <= 0``
    skips the step.
    """
    if seconds <= 0:
        return False, None
    lock = threading.Lock()
    state = {"done": False, "fired": False}
    target = threading.get_ident()

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = _interrupt(target)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    try:
        timer.start()
        try:
            result = step()
        finally:
            with lock:
                state["done"] = True  # from now on the timer does nothing
                if state["fired"]:  # raised but maybe not yet delivered: never deliver it
                    _set_async(target, None)
            timer.cancel()
    except BudgetExpired:
        restore_sympy_flags()
        return False, None
    return True, result
