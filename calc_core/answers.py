"""Check a learner's answer -- a number, a formula or a vector -- against the right one.

Learners write the same answer in many ways: ``[6*x1, 5*exp(x2)]``, ``(6x1, 5e^(x2))``,
``6x1, 5e^x2``, ``y = 4x - 4``, ``x₁``, ``x_1``, a column vector as ``[...]^T``. We read
them all, each component through the eval-free grammar of :mod:`calc_core.parser`, and
judge them the way answer-checking systems such as STACK and WeBWorK do, *both*:

* **numerically**, at a dozen random points of a domain where the right answer is
  defined (30 significant digits with ``evalf``, so cancellation cannot fake a
  difference), which also tells *what* differs: the sign, a constant factor, a constant
  offset, or simply "it differs at x = 0.7";
* **symbolically**, cheapest test first (``expand``, ``simplify``, then ``equals``), with
  the variables that are positive on the domain made positive so logarithm rules apply.

An answer that agrees everywhere is right (``proof="symbolic"`` when sympy proved it,
``"numeric"`` when only the numbers agree); it can still be "right but not simplified"
when the exercise asks for a simplified form or for ``h`` to be cancelled from a
difference quotient. Callers run :func:`check` in the killable worker (3 s limit), so
an answer that makes sympy slow ends as ``InputError("too_complex")``, never a hang.

Examples
--------
>>> spec = AnswerSpec(("6*x1", "5*exp(x2)"), Notation(("x1", "x2")))
>>> check("(6x1, 5e^(x2))", spec).status
'right'
>>> fb = check("[6x1, -5e^x2]", spec)
>>> fb.status, fb.components[1].status
('wrong', 'wrong_sign')
>>> check("6x1", spec).status
'wrong_count'
>>> c = check("x^3", AnswerSpec(("3x^2",), Notation(("x",)))).components[0]
>>> c.status, c.point, c.got, c.expected
('differs', (('x', '1.8'),), '5.832', '9.72')
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from calc_core.errors import InputError
from calc_core.parser import MAX_LENGTH, parse, symbol
from calc_core.tokens import _normalize

#: Longest answer (a vector of several components) accepted, in characters.
MAX_ANSWER_LENGTH = 400
#: Most components a vector answer may have.
MAX_COMPONENTS = 8
#: Random points at which answers are compared; the first half are "nice" (one decimal).
POINTS = 12
#: Significant digits of the numerical comparison.
DIGITS = 30
#: Relative tolerance of the numerical comparison.
TOLERANCE = 1e-10
#: How many more operations than the reference a "simplified" answer may have.
OPS_SLACK = 4
#: Sampling box of a variable the spec does not mention.
DEFAULT_RANGE = (-2.0, 2.0)

#: What a component's verdict can be (the page translates each).
STATUSES = (
    "right",
    "unsimplified",
    "wrong_sign",
    "factor",
    "offset",
    "close",
    "undefined",
    "differs",
)


@dataclass(frozen=True)
class Notation:
    """How to read an answer: its variables and the notations rewritten before parsing.

    ``aliases`` are ``(regex, replacement)`` pairs applied to the typed text (after
    full-width folding), e.g. ``(r"f'\\(x\\)", "fp")`` lets a learner write ``f'(x)``
    for the variable ``fp``. They are fixed by the exercise, never typed by a user.
    ``latex`` names how each variable is shown in formulas (``fp`` as ``f'(x)``),
    ``plain`` how it is named in messages (``fp`` as ``f′(x)``).
    """

    variables: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    latex: tuple[tuple[str, str], ...] = ()
    plain: tuple[tuple[str, str], ...] = ()

    def shown(self, name: str) -> str:
        return dict(self.plain).get(name, name)


@dataclass(frozen=True)
class AnswerSpec:
    """The right answer and how to compare with it.

    Parameters
    ----------
    answer : tuple of str
        The right components, in the grammar of :mod:`calc_core.parser`.
    notation : Notation
    domain : tuple of (name, low, high)
        Where to sample each variable (the right answer must be defined there);
        others use :data:`DEFAULT_RANGE`.
    simplified : bool
        Refuse a correct but much longer form as "right but not simplified".
    cancel : str or None
        A variable the answer must allow to be set to 0 (``"h"`` for a difference
        quotient whose ``h`` should be cancelled before taking the limit).
    """

    answer: tuple[str, ...]
    notation: Notation
    domain: tuple[tuple[str, float, float], ...] = ()
    simplified: bool = False
    cancel: str | None = None


@dataclass(frozen=True)
class ComponentCheck:
    """The verdict on one component.

    ``point`` is where it was seen to differ (``(("x", "0.7"),)``), ``got`` and
    ``expected`` the two values there, ``factor``/``offset`` the constant ratio or
    difference, ``reason`` why a right answer is not simplified (``"cancel"`` or
    ``"form"``), ``proof`` how a right answer was confirmed.
    """

    status: str
    latex: str
    proof: str = ""
    point: tuple[tuple[str, str], ...] = ()
    got: str = ""
    expected: str = ""
    factor: str = ""
    offset: str = ""
    reason: str = ""

    @property
    def right(self) -> bool:
        return self.status == "right"


@dataclass(frozen=True)
class Feedback:
    """The verdict on a whole answer.

    ``status`` is ``right``, ``unsimplified`` (every component right, some not in the
    wanted form), ``wrong_count``, ``swapped`` (right components in the wrong order)
    or ``wrong``. ``latex`` is the answer as it was read.
    """

    status: str
    expected_count: int
    got_count: int
    components: tuple[ComponentCheck, ...]
    latex: str
    points: int

    @property
    def solved(self) -> bool:
        return self.status == "right"

    @property
    def issues(self) -> tuple[tuple[int, ComponentCheck], ...]:
        """``(1-based index, check)`` of every component that is not right."""
        return tuple((k + 1, c) for k, c in enumerate(self.components) if not c.right)


# ----------------------------------------------------------------------------- reading


class _Mapped:
    """Text being rewritten, remembering for each character its column in the original."""

    def __init__(self, text: str, cols: list[int], end: int) -> None:
        self.text, self.cols, self.end = text, cols, end

    def col(self, index: int) -> int:
        return self.cols[index] if 0 <= index < len(self.cols) else self.end

    def sub(self, pattern: str, repl: str | Callable[[re.Match], str]) -> _Mapped:
        out: list[str] = []
        cols: list[int] = []
        last = 0
        for m in re.finditer(pattern, self.text):
            out.append(self.text[last : m.start()])
            cols.extend(self.cols[last : m.start()])
            new = repl(m) if callable(repl) else repl
            out.append(new)
            cols.extend([self.col(m.start())] * len(new))
            last = m.end()
        out.append(self.text[last:])
        cols.extend(self.cols[last:])
        return _Mapped("".join(out), cols, self.end)


_SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)}
#: "y = ...", "f'(x) = ...", "du/da = ...", "∇f(x) = ...": a label before one '='.
_LABEL = r"^\s*[A-Za-z0-9_'′∇∂()/,\s]{1,30}=(?![=<>])"
#: A transposed row vector "[...]^T" is the same column vector.
_TRANSPOSE = r"(?<=[)\]}])\s*(\^\s*\(?\s*T\s*\)?|T|ᵀ|'|′)\s*$"  # ᵀ folds to T
_OPEN, _CLOSE = "([{", ")]}"


def _prepare(text: str, notation: Notation) -> _Mapped:
    if len(text) > MAX_ANSWER_LENGTH:
        raise InputError(
            "too_long",
            f"The answer has {len(text)} characters; at most {MAX_ANSWER_LENGTH} are allowed.",
            column=MAX_ANSWER_LENGTH,
            field="answer",
            limit=MAX_ANSWER_LENGTH,
            length=len(text),
        )
    folded, cols = _normalize(text)
    m = _Mapped(folded, cols, len(text))
    m = m.sub("[₀-₉]", lambda k: _SUBSCRIPTS[k.group()])
    m = m.sub("[、；]", ",")
    m = m.sub(_LABEL, "")
    for pattern, name in notation.aliases:  # padded: "2f'(x)" -> "2 fp "
        m = m.sub(pattern, lambda k, name=name: f" {k.expand(name)} ")
    m = m.sub(r"(?<=[A-Za-z0-9])_(?=[A-Za-z0-9])", "")  # x_1 -> x1, u_x -> ux
    return m.sub(_TRANSPOSE, "")


def _balance(m: _Mapped) -> None:
    """Refuse an unclosed or unmatched bracket before splitting (the parser's codes)."""
    stack: list[int] = []
    for i, ch in enumerate(m.text):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE:
            if not stack:
                raise InputError(
                    "unmatched_paren",
                    f"Closing bracket at column {m.col(i) + 1} has no opening bracket.",
                    column=m.col(i),
                    field="answer",
                )
            stack.pop()
    if stack:
        raise InputError(
            "unclosed_paren",
            f"The bracket opened at column {m.col(stack[0]) + 1} is never closed.",
            column=m.col(stack[0]),
            field="answer",
        )


def _split(m: _Mapped) -> list[tuple[int, int]]:
    """``(start, end)`` of each top-level component, outer brackets removed."""
    _balance(m)
    text = m.text
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and text[start] in _OPEN:
        depth = 0
        for i in range(start, end):
            depth += (text[i] in _OPEN) - (text[i] in _CLOSE)
            if depth == 0:
                if i == end - 1:  # the first bracket closes at the very end: it wraps all
                    start, end = start + 1, end - 1
                break
    pieces: list[tuple[int, int]] = []
    depth, begin = 0, start
    for i in range(start, end):
        ch = text[i]
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if depth == 0 and ch in ",;":
            pieces.append((begin, i))
            begin = i + 1
    pieces.append((begin, end))
    if len(pieces) > 1 and not text[pieces[-1][0] : pieces[-1][1]].strip():
        pieces.pop()  # a trailing separator: "6x1, 5e^x2,"
    return pieces


def read(text: str, notation: Notation) -> tuple[sp.Expr, ...]:
    """Parse an answer into its components (one for a number or a formula).

    Raises
    ------
    InputError
        The parser's error (``field="answer"``), its column pointing into ``text``.

    Examples
    --------
    >>> read("[6*x1, 5*exp(x2)]", Notation(("x1", "x2")))
    (6*x1, 5*exp(x2))
    >>> read("6x_1, 5e^x₂", Notation(("x1", "x2")))
    (6*x1, 5*exp(x2))
    >>> read("y = 4(x - 1)", Notation(("x",)))
    (4*x - 4,)
    >>> read("(x+1)(x-1)", Notation(("x",)))
    ((x - 1)*(x + 1),)
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty", "Type an answer first.", column=0, field="answer")
    m = _prepare(text, notation)
    pieces = _split(m)
    if len(pieces) > MAX_COMPONENTS:
        start = pieces[MAX_COMPONENTS][0]
        raise InputError(
            "too_many_components",
            f"The answer has {len(pieces)} components; at most {MAX_COMPONENTS} are allowed.",
            column=m.col(start),
            field="answer",
            limit=MAX_COMPONENTS,
            got=len(pieces),
        )
    out = []
    for start, end in pieces:
        try:
            out.append(parse(m.text[start:end], notation.variables, max_length=MAX_LENGTH))
        except InputError as err:
            col = m.col(start + err.column) if err.column is not None else None
            params = dict(err.params)
            if "allowed" in params:  # the notation's names, not the internal ones (fp -> f′(x))
                params["allowed"] = ", ".join(notation.shown(v) for v in notation.variables)
            raise InputError(err.code, err.message, column=col, field="answer", **params) from None
    return tuple(out)


def latex(exprs: Sequence[sp.Expr], notation: Notation) -> str:
    """LaTeX of an answer as read, with the notation's names (``fp`` as ``f'(x)``)."""
    names = {symbol(k): v for k, v in notation.latex}
    parts = [sp.latex(e, symbol_names=names) for e in exprs]
    if len(parts) == 1:
        return parts[0]
    return r"\begin{bmatrix}" + r" \\ ".join(parts) + r"\end{bmatrix}"


# ----------------------------------------------------------------------------- numbers


def _points(variables: Sequence[str], spec: AnswerSpec) -> list[dict[str, sp.Rational]]:
    """Deterministic sample points: first "nice" ones (one decimal, not 0 or ±1), then rough."""
    box = {name: (low, high) for name, low, high in spec.domain}
    rng = random.Random("|".join((*spec.answer, *variables)))
    points: list[dict[str, sp.Rational]] = []
    for k in range(POINTS):
        scale = 10 if k < POINTS // 2 else 1000
        point: dict[str, sp.Rational] = {}
        for name in variables:
            low, high = box.get(name, DEFAULT_RANGE)
            for _ in range(50):
                value = sp.Rational(rng.randint(math.ceil(low * scale), math.floor(high * scale)))
                value /= scale
                if value not in (0, 1, -1) and value not in point.values():
                    break
            point[name] = value
        points.append(point)
    return points


def _value(expr: sp.Expr, subs: dict) -> float | None:
    """``expr`` at a point as a real float; None where undefined or not real."""
    try:
        v = expr.evalf(DIGITS, subs=subs)
        if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return None
        c = complex(v)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not (math.isfinite(c.real) and math.isfinite(c.imag)):
        return None
    if abs(c.imag) > 1e-12 * max(1.0, abs(c.real)):
        return None
    return c.real


def _close(a: float, b: float, tol: float = TOLERANCE) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _fmt(value: float) -> str:
    """A number for a message: 4 -> '4', 0.7 -> '0.7', 2/3 -> '2/3', else 6 digits."""
    short = f"{value:.6g}"
    if _close(float(short), value, 1e-12):
        return short
    frac = Fraction(value).limit_denominator(12)
    if _close(float(frac), value, 1e-12):
        return str(frac)
    return short


def _point_text(
    point: dict, names: Sequence[str], notation: Notation
) -> tuple[tuple[str, str], ...]:
    return tuple((notation.shown(n), _fmt(float(point[n]))) for n in names)


def _constant(values: list[float]) -> float | None:
    first = values[0]
    return first if all(_close(v, first, 1e-8) for v in values) else None


# ----------------------------------------------------------------------------- symbols


def _symbolically_equal(a: sp.Expr, b: sp.Expr, positive: Sequence[str]) -> bool | None:
    """True if proved equal, False if proved different, None if undecided (cheap tests first)."""
    d = a - b
    if d == 0:
        return True
    swap = {symbol(n): sp.Dummy(n, positive=True) for n in positive}
    d = d.xreplace(swap)
    for method in (sp.expand, sp.cancel, sp.simplify):
        if method(d) == 0:
            return True
    return d.equals(0)


def _needs_cancel(expr: sp.Expr, name: str) -> bool:
    """Whether ``expr`` still breaks down at ``name = 0`` (an uncancelled h in a denominator)."""
    s = symbol(name)
    if s not in expr.free_symbols:
        return False
    at_zero = expr.xreplace({s: sp.Integer(0)})
    return bool(at_zero.has(sp.zoo, sp.nan, sp.oo, -sp.oo))


# ----------------------------------------------------------------------------- checking


def _compare(
    got: sp.Expr, want: sp.Expr, spec: AnswerSpec, points: list[dict], names: list[str]
) -> ComponentCheck:
    shown = latex([got], spec.notation)
    syms = {n: symbol(n) for n in names}
    rows = []
    for p in points:
        subs = {syms[n]: v for n, v in p.items()}
        b = _value(want, subs)
        if b is not None:
            rows.append((p, _value(got, subs), b))
    used = sorted({str(s) for s in got.free_symbols | want.free_symbols}, key=names.index)
    bad = [(p, a, b) for p, a, b in rows if a is None or not _close(a, b)]
    if bad:
        p, a, b = bad[0]
        where = _point_text(p, used, spec.notation)
        if a is None:
            return ComponentCheck("undefined", shown, point=where, expected=_fmt(b))
        if not used:  # two numbers
            return ComponentCheck("differs", shown, got=_fmt(a), expected=_fmt(b))
        defined = [(a, b) for _, a, b in rows if a is not None]
        if len(defined) == len(rows) and all(abs(b) > 1e-12 for _, b in defined):
            ratio = _constant([a / b for a, b in defined])
            if ratio is not None and _close(ratio, -1.0, 1e-8):
                return ComponentCheck("wrong_sign", shown, point=where)
            if ratio is not None and abs(ratio - 1) < 1e-4:
                return ComponentCheck("close", shown, point=where, got=_fmt(a), expected=_fmt(b))
            if ratio is not None and abs(ratio) > 1e-12:
                return ComponentCheck("factor", shown, point=where, factor=_fmt(ratio))
        if len(defined) == len(rows):
            shift = _constant([a - b for a, b in defined])
            if shift is not None and abs(shift) > 1e-12 and want.free_symbols:
                return ComponentCheck("offset", shown, point=where, offset=_fmt(shift))
        return ComponentCheck("differs", shown, point=where, got=_fmt(a), expected=_fmt(b))
    positive = [n for n, low, _ in spec.domain if low >= 0]
    proof = _symbolically_equal(got, want, positive)
    if proof is False:
        return ComponentCheck("close", shown)
    how = "symbolic" if proof else "numeric"
    if spec.cancel and _needs_cancel(got, spec.cancel):
        return ComponentCheck("unsimplified", shown, proof=how, reason="cancel")
    if spec.simplified and sp.count_ops(got) > sp.count_ops(want) + OPS_SLACK:
        return ComponentCheck("unsimplified", shown, proof=how, reason="form")
    return ComponentCheck("right", shown, proof=how)


def _matches_numerically(got: sp.Expr, want: sp.Expr, points: list[dict], names) -> bool:
    syms = {n: symbol(n) for n in names}
    for p in points:
        subs = {syms[n]: v for n, v in p.items()}
        a, b = _value(got, subs), _value(want, subs)
        if b is not None and (a is None or not _close(a, b)):
            return False
    return True


def _is_permutation(got, want, points, names) -> bool:
    """Whether the components match the right ones in another order."""
    free = list(range(len(want)))
    for g in got:
        match = next((j for j in free if _matches_numerically(g, want[j], points, names)), None)
        if match is None:
            return False
        free.remove(match)
    return True


def check(text: str, spec: AnswerSpec) -> Feedback:
    """Judge ``text`` against ``spec``; see the module docstring.

    Raises
    ------
    InputError
        When ``text`` cannot be read (the parser's errors, ``field="answer"``).
    """
    got = read(text, spec.notation)
    names = list(spec.notation.variables)
    want = tuple(parse(a, names) for a in spec.answer)
    shown = latex(got, spec.notation)
    points = _points(names, spec)
    if len(got) != len(want):
        return Feedback("wrong_count", len(want), len(got), (), shown, 0)
    checks = tuple(_compare(g, w, spec, points, names) for g, w in zip(got, want, strict=True))
    statuses = {c.status for c in checks}
    if statuses == {"right"}:
        status = "right"
    elif statuses <= {"right", "unsimplified"}:
        status = "unsimplified"
    elif len(want) > 1 and _is_permutation(got, want, points, names):
        status = "swapped"
    else:
        status = "wrong"
    return Feedback(status, len(want), len(got), checks, shown, len(points))


__all__ = [
    "STATUSES",
    "AnswerSpec",
    "ComponentCheck",
    "Feedback",
    "Notation",
    "check",
    "latex",
    "read",
]
