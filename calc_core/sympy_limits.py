"""sympy's one-sided limits, bounded in time, with its own failures read as "undecided".

``sp.limit`` raises where the Gruntz algorithm cannot decide (``NotImplementedError:
Result depends on the sign of sign(zoo)`` for ``(x - x)^sin(x)``), on poles it cannot
expand (``PoleError``) and, for some inputs, with ``ValueError`` or ``TypeError`` from
its series code. None of that says anything about the function: the caller falls back
to its numeric route, exactly as when the time runs out.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import PoleError

from calc_core.budget import within

#: What sympy's limit raises when it cannot decide (not a property of the function).
UNDECIDED = (NotImplementedError, PoleError, ValueError, TypeError, RecursionError)


def limit_from_above(expr: sp.Expr, h: sp.Symbol, seconds: float) -> tuple[bool, sp.Expr | None]:
    """``(True, lim)`` for the limit of ``expr`` as ``h -> 0+``; ``(False, None)`` if undecided.

    Examples
    --------
    >>> h = sp.Symbol("h", positive=True)
    >>> limit_from_above(sp.sin(h) / h, h, 5.0)
    (True, 1)
    >>> limit_from_above(sp.Integer(0) ** sp.sin(1 + h) / h, h, 5.0)  # (x - x)^sin(x) at 1
    (False, None)
    """

    def step():
        try:
            return True, sp.limit(expr, h, 0, "+")
        except UNDECIDED:
            return False, None

    done, found = within(step, seconds)
    return found if done else (False, None)
