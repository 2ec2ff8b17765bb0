"""The message for a name the parser does not know, with a guess at what was meant.

A run of letters made of known names is split longest first and offered back as a
product, a function swallowing what follows it (``xsinx`` -> ``x*sin(x)``); a word
made of no known name (``import``) gets no guess.

Examples
--------
>>> from calc_core.tokens import Token
>>> print(unknown_name_error(Token("name", "xsinx", 0), False, ("x",)))
Unknown name 'xsinx' at column 1. Did you mean x*sin(x)?
>>> print(unknown_name_error(Token("name", "foo", 4), True, ("x",)))
Unknown function 'foo' at column 5.
>>> split_name("xy", ("x", "y"))
['x', 'y']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from calc_core.errors import InputError
from calc_core.names import CONSTANTS, FUNCTIONS
from calc_core.tokens import Token


def unknown_name_error(t: Token, before_paren: bool, variables: Sequence[str]) -> InputError:
    """The error for the unknown name ``t``; ``before_paren`` when a ``(`` follows it."""
    name = t.text
    if before_paren and name.isalpha():
        return InputError(
            "unknown_function",
            f"Unknown function '{name}' at column {t.col + 1}.",
            column=t.col,
            name=name,
        )
    allowed = ", ".join(variables)
    if len(name) == 1 or name[-1].isdigit():
        return InputError(
            "variable_not_allowed",
            f"Variable '{name}' at column {t.col + 1} is not available here; use {allowed}.",
            column=t.col,
            name=name,
            allowed=allowed,
        )
    pieces = split_name(name, variables)
    known = {*variables, *FUNCTIONS, *CONSTANTS}
    if pieces and any(p in known for p in pieces):  # not 'import' -> 'i*m*p*o*r*t'
        suggestion = suggest(pieces)
        return InputError(
            "unknown_name",
            f"Unknown name '{name}' at column {t.col + 1}. Did you mean {suggestion}?",
            column=t.col,
            name=name,
            suggestion=suggestion,
        )
    return InputError(
        "unknown_name_plain",
        f"Unknown name '{name}' at column {t.col + 1}; the variables here are {allowed}.",
        column=t.col,
        name=name,
        allowed=allowed,
    )


def suggest(pieces: list[str]) -> str:
    """``['x', 'sin', 'x']`` -> ``x*sin(x)``: a function swallows what follows it."""
    for k, piece in enumerate(pieces):
        if piece in FUNCTIONS and k + 1 < len(pieces):
            return "*".join([*pieces[:k], f"{piece}({suggest(pieces[k + 1 :])})"])
    return "*".join(pieces)


def split_name(name: str, variables: Sequence[str]) -> list[str] | None:
    """Split a run of letters into known names, longest first (``xy`` -> ``x, y``)."""
    known = sorted(set(variables) | set(FUNCTIONS) | set(CONSTANTS), key=len, reverse=True)

    @cache
    def split(rest: str) -> tuple[str, ...] | None:
        if not rest:
            return ()
        for k in (*known, rest[0]):  # a lone letter is a likely variable the student meant
            if rest.startswith(k):
                tail = split(rest[len(k) :])
                if tail is not None:
                    return (k, *tail)
        return None

    result = split(name)
    return list(result) if result is not None else None
