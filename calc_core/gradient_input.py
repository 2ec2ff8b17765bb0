"""f, the point and n as typed on the gradients page (and its check view), read or refused.

:func:`parse_function` reads f over ``x1..xn`` (norms written ``norm(x)``, ...),
:func:`parse_point` the point (``"1, 0"``, brackets optional, constants allowed), and
:func:`dimension_of` the n that f needs. Every refusal is an
:class:`~calc_core.errors.InputError` tagged with its field (``f``, ``at`` or ``n``).

Examples
--------
>>> parse_function("3x1^2 + 5e^{x2}", 2)
3*x1**2 + 5*exp(x2)
>>> parse_point("1, pi/4", 2)[1]
(1.0, 0.7853981633974483)
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import sympy as sp

from calc_core.derivative import real_value
from calc_core.errors import InputError
from calc_core.parser import parse
from calc_core.tokens import tokenize

#: Largest n (coordinates x1..xn).
MAX_N = 6
#: Largest |coordinate| of the point.
COORD_LIMIT = 1e6
VECTOR = "x"


def variables(n: int) -> tuple[str, ...]:
    """The coordinate names ``x1 .. xn``."""
    return tuple(f"x{i}" for i in range(1, n + 1))


def check_n(n: int) -> int:
    if not (isinstance(n, int | np.integer) and 1 <= n <= MAX_N):
        raise InputError(
            "out_of_range",
            f"n must be a whole number between 1 and {MAX_N}.",
            field="n",
            low="1",
            high=str(MAX_N),
        )
    return int(n)


def dimension_of(f_text: str) -> int | None:
    """The highest coordinate ``f`` names: ``x1*x2*x3`` -> 3; None if it names none.

    A norm of the vector ``x`` names no particular coordinate, and text that does not
    parse names none either (its error is told when f is analysed).

    Examples
    --------
    >>> dimension_of("x1*x2*x3"), dimension_of("3x1^2 + 5e^{x2}"), dimension_of("norm(x)")
    (3, 2, None)
    """
    try:
        expr = parse(f_text, variables(MAX_N), vectors={VECTOR: ()})
    except InputError:
        return None
    named = [int(s.name[1:]) for s in expr.free_symbols if re.fullmatch(r"x[1-9]", s.name)]
    return max(named, default=None)


def parse_function(f_text: str, n: int) -> sp.Expr:
    """f over ``x1..xn`` with the vector ``x`` usable in norms; errors tagged ``f``."""
    names = variables(check_n(n))
    try:
        return parse(f_text, names, vectors={VECTOR: names})
    except InputError as err:
        match = re.fullmatch(r"x([1-9][0-9]?)", str(err.params.get("name", "")))
        if err.code == "variable_not_allowed" and match and n < int(match[1]) <= MAX_N:
            raise InputError(
                "dimension_too_small",
                f"f uses {match[0]}, but n = {n}: choose n of at least {match[1]}.",
                column=err.column,
                field="f",
                name=match[0],
                n=n,
                needed=int(match[1]),
            ) from None
        raise err.with_field("f") from None


def _not_a_number(text: str, column: int) -> InputError:
    return InputError(
        "not_a_number", f"'{text}' is not a number.", column=column, field="at", text=text
    )


def parse_point(at_text: str, n: int) -> tuple[tuple[sp.Expr, ...], tuple[float, ...]]:
    """The point typed as ``"1, 0"`` (brackets optional, constants such as ``pi/4`` allowed).

    Returns the exact coordinates (sympy numbers) and their floats.

    >>> parse_point("(1, pi/2)", 2)[1]
    (1.0, 1.5707963267948966)
    """
    n = check_n(n)
    text = at_text if isinstance(at_text, str) else ""
    if len(text) > 200:
        raise InputError(
            "too_long",
            f"The point has {len(text)} characters; at most 200 are allowed.",
            field="at",
            limit=200,
            length=len(text),
        )
    body, offset = text, 0
    stripped = text.strip()
    if stripped[:1] in "([" and stripped[-1:] in ")]" and len(stripped) >= 2:
        offset = text.index(stripped) + 1
        body = stripped[1:-1]
    parts: list[tuple[str, int]] = []
    start = 0
    for k, ch in enumerate(body + ","):
        if ch in ",，、":
            parts.append((body[start:k], offset + start))
            start = k + 1
    if len(parts) == 1 and not parts[0][0].strip():
        parts = []
    exact, floats = [], []
    for part, col in parts:
        shown = part.strip()
        col += len(part) - len(part.lstrip())
        if not shown:
            raise _not_a_number(shown, col)
        try:
            kinds = [tok.kind for tok in tokenize(shown)]
            if any(a == b == "num" for a, b in itertools.pairwise(kinds)):
                raise _not_a_number(shown, col)  # "1 0": two numbers, a comma is missing
            value = parse(shown, ())
        except InputError:
            raise _not_a_number(shown, col) from None
        approx = real_value(value)
        if approx is None:
            raise _not_a_number(shown, col)
        if abs(approx) > COORD_LIMIT:
            raise InputError(
                "out_of_range",
                f"Coordinates must be between {-COORD_LIMIT:g} and {COORD_LIMIT:g}.",
                column=col,
                field="at",
                low=f"{-COORD_LIMIT:g}",
                high=f"{COORD_LIMIT:g}",
            )
        exact.append(value)
        floats.append(approx)
    if len(exact) != n:
        raise InputError(
            "wrong_point_size",
            f"The point needs {n} coordinate(s), one per variable; it has {len(exact)}.",
            field="at",
            expected=n,
            got=len(exact),
        )
    return tuple(exact), tuple(floats)
