"""Named definitions typed by a student: ``x=a+b; y=a*b; z=b^2`` and points ``a=0.5, b=1.5``.

The chain-rule page lets a learner declare a whole composition. This module splits
that text with our own code -- on ``;``, new lines and top-level commas (a comma
inside brackets belongs to ``log(x, 2)``), then on the first ``=`` -- validates
each name as an identifier of the expression grammar and parses each right-hand
side with :func:`calc_core.parser.parse`. Every error carries the column *in the
whole text*, so the page can put a caret under the culprit. Full-width ``；，＝``
typed by Chinese input methods count as their ASCII forms.

:func:`to_text` goes the other way: a sympy expression printed in the grammar, so
the page can hand a composite to another view (``parse(to_text(e)) == e``).

Examples
--------
>>> [(d.name, str(d.expr)) for d in parse_definitions("x=a+b; y=a*b", ("x", "y", "a", "b"))]
[('x', 'a + b'), ('y', 'a*b')]
>>> parse_point("a=0.5, b=log(8, 2)").values
(0.5, 3.0)
>>> parse_definitions("x=a+b; y a*b", ("x", "y", "a", "b"))
Traceback (most recent call last):
...
calc_core.errors.InputError: Column 8: write each definition as name = expression.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from calc_core import printing
from calc_core.errors import InputError
from calc_core.parser import CONSTANTS, FUNCTIONS, parse

#: Longest definitions text accepted (each right-hand side is also bounded by the parser).
MAX_TEXT = 600
_SEPARATORS = {";", "\n", "\r", "；"}
_COMMAS = {",", "，"}
_EQUALS = {"=", "＝"}
_OPEN = set("([{（［｛")
_CLOSE = set(")]}）］｝")
_IDENTIFIER = re.compile(r"[A-Za-z]+[0-9]*\Z")


@dataclass(frozen=True)
class Piece:
    """One ``name = text`` entry with the columns of its parts in the whole input."""

    name: str
    name_col: int
    rhs: str
    rhs_col: int


@dataclass(frozen=True)
class Definition:
    """A parsed definition ``name = expr``; ``col`` is where its name starts."""

    name: str
    expr: sp.Expr
    col: int


@dataclass(frozen=True)
class Point:
    """Declared inputs and their values: ``a=0.5, b=1.5`` -> names ('a', 'b')."""

    names: tuple[str, ...]
    exprs: tuple[sp.Expr, ...]  # exact values (0.5 -> 1/2, pi/2 stays symbolic)
    values: tuple[float, ...]
    cols: tuple[int, ...]


def _segments(text: str, commas: bool) -> list[tuple[str, int]]:
    """Split on separators (and top-level commas); each segment with its start column."""
    out: list[tuple[str, int]] = []
    depth, start = 0, 0
    for col, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _SEPARATORS or (commas and depth == 0 and ch in _COMMAS):
            out.append((text[start:col], start))
            start = col + 1
    out.append((text[start:], start))
    return [(s, c) for s, c in out if s.strip()]


def check_name(name: str, col: int, field: str, reserved: Sequence[str] = ()) -> str:
    """``name`` folded to ASCII (full-width letters) if it is a usable variable name."""
    folded = unicodedata.normalize("NFKC", name)
    if not _IDENTIFIER.match(folded):
        raise InputError(
            "definition_name",
            f"Column {col + 1}: '{name}' is not a variable name (letters, then digits).",
            column=col,
            field=field,
            name=name,
        )
    if folded in FUNCTIONS or folded in CONSTANTS or folded in reserved:
        raise InputError(
            "reserved_name",
            f"Column {col + 1}: '{folded}' is already taken; choose another name.",
            column=col,
            field=field,
            name=folded,
        )
    return folded


def split_pieces(
    text: str, field: str, reserved: Sequence[str] = (), max_pieces: int = 12
) -> list[Piece]:
    """Split ``text`` into ``name = rhs`` pieces, names checked, duplicates refused."""
    if len(text) > MAX_TEXT:
        raise InputError(
            "too_long",
            f"The input has {len(text)} characters; at most {MAX_TEXT} are allowed.",
            column=MAX_TEXT,
            field=field,
            limit=MAX_TEXT,
            length=len(text),
        )
    pieces: list[Piece] = []
    seen: dict[str, int] = {}
    for segment, start in _segments(text, commas=True):
        eq = next((k for k, ch in enumerate(segment) if ch in _EQUALS), None)
        lead = len(segment) - len(segment.lstrip())
        if eq is None:
            raise InputError(
                "definition_syntax",
                f"Column {start + lead + 1}: write each definition as name = expression.",
                column=start + lead,
                field=field,
            )
        raw_name = segment[:eq].strip()
        name_col = start + lead
        if not raw_name:
            raise InputError(
                "definition_name",
                f"Column {start + eq + 1}: a name is missing before '='.",
                column=start + eq,
                field=field,
                name="",
            )
        name = check_name(raw_name, name_col, field, reserved)
        rhs = segment[eq + 1 :]
        rhs_col = start + eq + 1
        if not rhs.strip():
            raise InputError(
                "definition_empty",
                f"Column {rhs_col}: '{name} =' needs an expression after '='.",
                column=start + eq,
                field=field,
                name=name,
            )
        if name in seen:
            raise InputError(
                "duplicate_name",
                f"Column {name_col + 1}: '{name}' is defined twice.",
                column=name_col,
                field=field,
                name=name,
            )
        seen[name] = name_col
        pieces.append(Piece(name, name_col, rhs, rhs_col))
        if len(pieces) > max_pieces:
            raise InputError(
                "too_many_definitions",
                f"At most {max_pieces} definitions are allowed here.",
                column=name_col,
                field=field,
                limit=max_pieces,
            )
    return pieces


def parse_rhs(piece: Piece, variables: Sequence[str], field: str) -> sp.Expr:
    """Parse a right-hand side; errors point into the whole text; unknown names are undeclared."""
    try:
        return parse(piece.rhs, variables)
    except InputError as err:
        raise shifted(err, piece.rhs_col, field, variables) from None


def shifted(err: InputError, offset: int, field: str, variables: Sequence[str]) -> InputError:
    """``err`` moved by ``offset`` columns; an unavailable variable becomes ``undeclared``."""
    column = None if err.column is None else err.column + offset
    if err.code in ("variable_not_allowed", "unknown_name_plain"):
        name = err.params.get("name", "")
        allowed = ", ".join(variables) or "—"
        return InputError(
            "undeclared_variable",
            f"Column {(column or 0) + 1}: '{name}' is not declared; define it or give it a "
            f"value. Declared: {allowed}.",
            column=column,
            field=field,
            name=name,
            allowed=allowed,
        )
    message = err.message
    if column is not None:  # the parser counted columns in the piece, we count in the whole text
        message = re.sub(r"column \d+", f"column {column + 1}", message, count=1)
    return InputError(err.code, message, column=column, field=field, **err.params)


def parse_definitions(
    text: str, variables: Sequence[str], field: str = "inner", reserved: Sequence[str] = ()
) -> list[Definition]:
    """Parse ``x=a+b; y=a*b`` with ``variables`` allowed on the right-hand sides."""
    pieces = split_pieces(text, field, reserved)
    return [Definition(p.name, parse_rhs(p, variables, field), p.name_col) for p in pieces]


def parse_point(
    text: str, field: str = "at", reserved: Sequence[str] = (), max_names: int = 8
) -> Point:
    """Parse ``a=0.5, b=1.5`` (values may be constant expressions such as ``pi/4``)."""
    pieces = split_pieces(text, field, reserved, max_pieces=max_names)
    exprs, values = [], []
    for p in pieces:
        expr = parse_rhs(p, (), field)
        value = complex(sp.N(expr, 20))
        if abs(value.imag) > 0 or not abs(value.real) < 1e15:
            raise InputError(
                "not_finite",
                f"Column {p.rhs_col + 1}: '{p.rhs.strip()}' is not a finite real number.",
                column=p.rhs_col,
                field=field,
                text=p.rhs.strip(),
            )
        exprs.append(expr)
        values.append(value.real)
    return Point(
        names=tuple(p.name for p in pieces),
        exprs=tuple(exprs),
        values=tuple(values),
        cols=tuple(p.name_col for p in pieces),
    )


class _GrammarPrinter(printing.SafeStrPrinter):
    """sympy's str printer, spelled in our grammar (``abs``, ``e``, ``^``)."""

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Exp1(self, expr):
        return "e"

    def _print_Pow(self, expr, rational=False):
        return super()._print_Pow(expr, rational).replace("**", "^")


def to_text(expr: sp.Expr) -> str:
    """``expr`` as text the parser reads back to the same expression.

    >>> from calc_core.parser import parse
    >>> to_text(parse("|a|^2 + e^b/sqrt(a)", ("a", "b")))
    'a^2 + exp(b)/sqrt(a)'
    """
    return _GrammarPrinter({"order": "none"}).doprint(expr)
