"""The book's ``d2l.plot`` cell for the tangent page: its sampling step and its call.

D2L 2.4 plots with ``x = np.arange(0, 3, 0.1)`` and ``d2l.plot(x, [f(x), 2 * x - 3],
'x', 'f(x)', legend=[...])``. :func:`book_step` picks the step of that grid for any
interval (about :data:`BOOK_POINTS` points, a round number), and :func:`book_code`
writes the call for what the page draws, leaving out arguments equal to the book's
defaults as the book does.

Examples
--------
>>> book_step(0, 3)
0.1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calc_core.tangent import Curves

#: How the book samples its plot: np.arange(xmin, xmax, step) with about this many points.
BOOK_POINTS = 30
#: The book's line formats, in order: plot()'s ``fmts=('-', 'm--', 'g-.', 'r:')``.
BOOK_FMTS = ("-", "m--", "g-.", "r:")


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is at least ``raw``.

    >>> nice_step(0.1), nice_step(0.667), nice_step(0.03), nice_step(0.0151)
    (0.1, 1.0, 0.05, 0.02)
    """
    exponent = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10.0**exponent >= raw * 0.999:
            return float(f"{m * 10.0**exponent:.12g}")
    return raw  # pragma: no cover - the loop always returns


def book_step(xmin: float, xmax: float) -> float:
    """The step of the book's ``np.arange(xmin, xmax, step)``: 0.1 on [0, 3], ~30 points.

    >>> book_step(0, 3), book_step(-10, 10), book_step(0, 1)
    (0.1, 1.0, 0.05)
    """
    return nice_step((xmax - xmin) / BOOK_POINTS)


def _py_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def book_code(
    curves: Curves,
    series: Sequence[tuple[str, str, str]],
    *,
    xlabel: str = "x",
    ylabel: str = "f(x)",
    legend: bool = True,
    ylim: tuple[float, float] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    grid: bool = True,
) -> str:
    """The book's ``d2l.plot`` cell drawing ``series`` on the current interval.

    ``series`` holds ``(python expression in x, legend label, matplotlib fmt)`` in
    plotting order, e.g. ``[("f(x)", "f(x)", "-"), ("2 * x - 3", "Tangent line (x=1)",
    "m--")]``. Arguments equal to the book's defaults are left out, as the book does.

    Examples
    --------
    >>> from calc_core.tangent import curves
    >>> c = curves("3x^2 - 4x", 0, 3)
    >>> print(book_code(c, [("f(x)", "f(x)", "-"), ("2 * x - 3", "Tangent line (x=1)", "m--")]))
    from d2l import torch as d2l
    import numpy as np
    <BLANKLINE>
    def f(x):
        return 3*x**2 - 4*x
    <BLANKLINE>
    x = np.arange(0, 3, 0.1)
    d2l.plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])
    """
    start, stop = (_short(v) for v in (curves.xmin, curves.xmax))
    ys = ", ".join(s[0] for s in series)
    args = [f"x, [{ys}]", repr(xlabel), repr(ylabel)]
    if legend:
        args.append(f"legend={_py_list([s[1] for s in series])}")
    if ylim is not None:
        args.append(f"ylim=[{_short(ylim[0])}, {_short(ylim[1])}]")
    if xscale != "linear":
        args.append(f"xscale={xscale!r}")
    if yscale != "linear":
        args.append(f"yscale={yscale!r}")
    fmts = tuple(s[2] for s in series)
    if fmts != BOOK_FMTS[: len(fmts)] or len(fmts) > len(BOOK_FMTS):
        args.append(f"fmts={fmts!r}")
    lines = [
        "from d2l import torch as d2l",
        "import numpy as np",
        "",
        *(curves.f_def or f"def f(x):\n    return {curves.f_python}").splitlines(),
        "",
        f"x = np.arange({start}, {stop}, {_short(curves.book_step)})",
        f"d2l.plot({', '.join(args)})",
    ]
    if not grid:
        lines.append("d2l.plt.grid(False)")
    return "\n".join(lines)


def _short(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.12g}"
