"""The tokenizer of the expression grammar (see :mod:`calc_core.parser`).

It folds what Chinese and other IMEs type (full-width ``（ ）＋``, ``×``, ``π``, ``x²``)
to ASCII, keeps each token's column in the original text for error messages, and
refuses every character outside the grammar, so nothing like ``;``, ``.``, ``_`` or
quotes ever reaches the parser.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from calc_core.errors import InputError


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "(", ")", ",", "|", "end"
    text: str
    col: int


_ALIASES = {
    "−": "-",
    "–": "-",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "÷": "/",
    "π": " pi ",
    "²": "^2",
    "³": "^3",
}


def _normalize(text: str) -> tuple[str, list[int]]:
    """Fold typed characters to ASCII where unambiguous (full-width IME input, π, x²).

    Returns the folded text and, for each of its characters, the column it came from.
    """
    out: list[str] = []
    cols: list[int] = []
    for col, ch in enumerate(text):
        folded = _ALIASES.get(ch)
        if folded is None:
            nfkc = unicodedata.normalize("NFKC", ch)
            # full-width letters, digits and brackets fold; superscript digits do not
            keep = len(nfkc) == 1 and nfkc.isascii() and (not nfkc.isdigit() or ch.isdecimal())
            folded = nfkc if keep else ch
        out.append(folded)
        cols.extend([col] * len(folded))
    return "".join(out), cols


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, refusing anything outside the grammar.

    >>> [t.text for t in tokenize("2sin(x1)^2")]
    ['2', 'sin', '(', 'x1', ')', '^', '2', '']
    """
    src, cols = _normalize(text)
    tokens: list[Token] = []
    i, n = 0, len(src)

    def isdigit(c: str) -> bool:
        return "0" <= c <= "9"

    def isletter(c: str) -> bool:
        return ("a" <= c <= "z") or ("A" <= c <= "Z")

    while i < n:
        ch = src[i]
        col = cols[i]
        if ch.isspace():
            i += 1
        elif isdigit(ch) or (ch == "." and i + 1 < n and isdigit(src[i + 1])):
            j = i
            while j < n and (isdigit(src[j]) or src[j] == "."):
                j += 1
            # scientific notation: 1e-5, 2.5E3 (but 2e alone or 2e^x is 2*e)
            if j < n and src[j] in "eE":
                k = j + 1
                if k < n and src[k] in "+-":
                    k += 1
                if k < n and isdigit(src[k]):
                    while k < n and isdigit(src[k]):
                        k += 1
                    j = k
            tokens.append(Token("num", src[i:j], col))
            i = j
        elif isletter(ch):
            j = i
            while j < n and isletter(src[j]):
                j += 1
            while j < n and isdigit(src[j]):
                j += 1
            tokens.append(Token("name", src[i:j], col))
            i = j
        elif ch == "*" and i + 1 < n and src[i + 1] == "*":
            tokens.append(Token("op", "^", col))
            i += 2
        elif ch in "+-*/^":
            tokens.append(Token("op", ch, col))
            i += 1
        elif ch in "(),|":
            tokens.append(Token(ch, ch, col))
            i += 1
        elif ch in "[]{}":
            tokens.append(Token("(" if ch in "[{" else ")", ch, col))
            i += 1
        elif ch in "=<>!":
            j = i + 1
            while j < n and src[j] in "=<>":
                j += 1
            raise InputError(
                "comparison_not_allowed",
                f"'{src[i:j]}' at column {col + 1}: type an expression, not an equation "
                "or comparison.",
                column=col,
                token=src[i:j],
            )
        else:
            shown = ch if ch.isprintable() else repr(ch)
            raise InputError(
                "unexpected_char",
                f"Character '{shown}' at column {col + 1} is not allowed in an expression.",
                column=col,
                char=shown,
            )
    tokens.append(Token("end", "", len(text)))
    return tokens
