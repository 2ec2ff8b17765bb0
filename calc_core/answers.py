"""Check a learner's answer -- a number, a formula or a vector -- against the right one.

Learners write the same answer in many ways: ``[6*x1, 5*exp(x2)]``, ``(6x1, 5e^(x2))``,
``6x1, 5e^x2``, ``y = 4x - 4``, ``x₁``, ``x_1``, ``‖x‖₂``, a column vector as ``[...]^T``.
We read them all, each component through the eval-free grammar of
:mod:`calc_core.parser`, and judge each component in two independent ways:

* **numerically**, at points covering the reference's whole natural domain (magnitudes
  1e-3 to 1e3, both signs, integers and irrationals) and at the special points of both
  formulas -- zeros of denominators and of the arguments of ``|.|``, ``sqrt``, ``log``
  -- with their neighbours (:mod:`calc_core.probe`, mpmath at 40 digits, a difference
  confirmed at 80). A point where the reference is defined and the answer differs, or
  is undefined, *proves* the answer wrong, and tells what differs: the sign, a
  constant factor, a constant offset, a hole ("undefined at x = 0"), or simply "it
  differs at x = 0.7";
* **symbolically** (:func:`calc_core.equivalence.prove_equal`): only a proof makes an
  answer right. An answer that agrees at every point but cannot be proved within the
  time budget is ``undecided`` ("could not be proved; agrees at N points"), never right.

A right answer can still be "right but not simplified" when the exercise asks for a
simplified form or for ``h`` to be cancelled from a difference quotient. Callers run
:func:`check` in the killable worker (3 s limit); the proofs are bounded well inside it.

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
('differs', (('x', '-1'),), '-1', '3')
>>> check("(x^2 + x)/x", AnswerSpec(("x + 1",), Notation(("x",)))).components[0].point
(('x', '0'),)
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from calc_core import equivalence, printing, probe
from calc_core.errors import InputError
from calc_core.parser import MAX_LENGTH, parse, symbol
from calc_core.tokens import _normalize

#: Longest answer (a vector of several components) accepted, in characters.
MAX_ANSWER_LENGTH = 400
#: Most components a vector answer may have.
MAX_COMPONENTS = 8
#: How many more operations than the reference a "simplified" answer may have.
OPS_SLACK = 4
#: Seconds after which no new proof starts (the worker's limit is 3 s).
CHECK_BUDGET = 2.0
#: Points at which a pair of components is screened before checking it fully for "swapped".
SWAP_SCREEN = 6
#: Seconds to look for the exact zeros of an answer's denominators (holes sampling misses).
HOLE_BUDGET = 0.4

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
    "undecided",
)


@dataclass(frozen=True)
class Notation:
    """How to read an answer: its variables and the notations rewritten before parsing.

    ``aliases`` are ``(regex, replacement)`` pairs applied to the typed text (after
    full-width folding), e.g. ``(r"f'\\(x\\)", "fp")`` lets a learner write ``f'(x)``
    for the variable ``fp``. They are fixed by the exercise, never typed by a user.
    ``latex`` names how each variable is shown in formulas (``fp`` as ``f'(x)``),
    ``plain`` how it is named in messages (``fp`` as ``f′(x)``). ``vectors`` names
    vectors of coordinates, so that ``norm(x)``, ``norm(x, 1)`` read as their norms.
    """

    variables: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    latex: tuple[tuple[str, str], ...] = ()
    plain: tuple[tuple[str, str], ...] = ()
    vectors: tuple[tuple[str, tuple[str, ...]], ...] = ()

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
        The open interval a variable lives in, when not the whole real line
        (``("x", 0, math.inf)`` for the x of log x); a variable with ``low >= 0`` is
        positive in the proofs.
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
    ``"form"``), ``agree`` at how many points the two values agreed (the evidence
    quoted with an ``undecided`` verdict).
    """

    status: str
    latex: str
    point: tuple[tuple[str, str], ...] = ()
    got: str = ""
    expected: str = ""
    factor: str = ""
    offset: str = ""
    reason: str = ""
    agree: int = 0

    @property
    def right(self) -> bool:
        return self.status == "right"


@dataclass(frozen=True)
class Feedback:
    """The verdict on a whole answer.

    ``status`` is ``right``, ``unsimplified`` (every component right, some not in the
    wanted form), ``undecided`` (no component wrong, some not proved equal),
    ``wrong_count``, ``swapped`` (right components in the wrong order, each pair
    proved) or ``wrong``. ``latex`` is the answer as it was read; ``points`` the fewest
    points at which a component's values were compared and agreed.
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
_TRANSPOSE = r"(?<=[)\]}])\s*(\^\s*\(?\s*T\s*\)?|T|ᵀ)\s*$"  # ᵀ folds to T
#: A prime after a closing bracket: a transpose only on a bracketed vector ("[a, b]'").
_PRIME = r"(?<=[)\]}])\s*['′]\s*$"
_OPEN, _CLOSE = "([{", ")]}"


def _wraps_a_vector(text: str) -> bool:
    """Whether ``text`` (ending in a closing bracket) is one bracket around a, b, ..."""
    body = text.strip()
    depth, top_separator = 0, False
    for i in range(len(body) - 1, -1, -1):
        depth += (body[i] in _CLOSE) - (body[i] in _OPEN)
        if depth == 1 and body[i] in ",;":
            top_separator = True
        if depth == 0:
            return i == 0 and top_separator
    return False


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
    m = m.sub(_TRANSPOSE, "")
    prime = re.search(_PRIME, m.text)
    if prime and _wraps_a_vector(m.text[: prime.start()]):
        m = m.sub(_PRIME, "")
    return m  # any other trailing prime is left for the parser to refuse: never dropped


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
            out.append(
                parse(
                    m.text[start:end],
                    notation.variables,
                    max_length=MAX_LENGTH,
                    vectors=dict(notation.vectors) or None,
                )
            )
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
    parts = [printing.latex(e, symbol_names=names) for e in exprs]
    if len(parts) == 1:
        return parts[0]
    return r"\begin{bmatrix}" + r" \\ ".join(parts) + r"\end{bmatrix}"


# ----------------------------------------------------------------------------- numbers


def _undefined_as_typed(typed: sp.Expr, point) -> bool:
    """The answer as typed has no value at ``point`` (astronomical size is not "no value")."""
    try:
        return probe.value(typed, point) is None
    except probe.TooLarge:
        return False


def _expected_at(want: sp.Expr, point) -> str:
    try:
        v = probe.value(want, point)
    except probe.TooLarge:
        v = None
    return "" if v is None else _fmt(v)


def _fmt(value) -> str:
    """A number for a message: 4 -> '4', 0.7 -> '0.7', 2/3 -> '2/3', else 6 digits."""
    if not math.isfinite(float(value)):
        return mpmath.nstr(value, 6)
    value = float(value)
    short = f"{value:.6g}"
    if _close(float(short), value, 1e-12):
        return short
    frac = Fraction(value).limit_denominator(12)
    if _close(float(frac), value, 1e-12):
        return str(frac)
    return short


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _nice(point: dict) -> tuple:
    """Sort key: integers and short decimals of moderate size first (for messages)."""

    def rank(v: sp.Expr) -> int:
        if v.is_Integer:
            return 0
        if v.is_Rational and v.q <= 10:
            return 1
        return 2 if v.is_Rational else 3

    return (max(map(rank, point.values()), default=0), sum(abs(float(v)) for v in point.values()))


def _point_text(point: dict, used: Sequence[sp.Symbol], notation: Notation):
    return tuple((notation.shown(s.name), _fmt(float(point[s]))) for s in used)


def _constant(values: list):
    """The common value of nonzero ``values`` to 8 digits (relative: values span 1e-3..1e3)."""
    first = values[0] if values else 0
    if first == 0:
        return None
    return first if all(abs(v - first) <= 1e-8 * abs(first) for v in values) else None


def _needs_cancel(expr: sp.Expr, name: str) -> bool:
    """Whether ``expr`` still breaks down at ``name = 0`` (an uncancelled h in a denominator)."""
    s = symbol(name)
    if s not in expr.free_symbols:
        return False
    at_zero = expr.xreplace({s: sp.Integer(0)})
    return bool(at_zero.has(sp.zoo, sp.nan, sp.oo, -sp.oo))


# ----------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class _Context:
    spec: AnswerSpec
    symbols: tuple[sp.Symbol, ...]
    bounds: dict
    positive: tuple[str, ...]
    deadline: float


def _diagnose(got, want, shown, where, rows, a, b, all_defined) -> ComponentCheck:
    """What kind of wrong: the sign, a factor, an offset, close, or simply differs."""
    if not (got.free_symbols | want.free_symbols):  # two numbers
        return ComponentCheck("differs", shown, got=_fmt(a), expected=_fmt(b))
    if all_defined and all(y != 0 for _, y in rows):
        ratio = _constant([x / y for x, y in rows])
        if ratio is not None and _close(ratio, -1.0, 1e-8):
            return ComponentCheck("wrong_sign", shown, point=where)
        if ratio is not None and abs(ratio - 1) < 1e-4:
            return ComponentCheck("close", shown, point=where, got=_fmt(a), expected=_fmt(b))
        if ratio is not None and ratio != 0:
            return ComponentCheck("factor", shown, point=where, factor=_fmt(ratio))
    if all_defined and want.free_symbols:  # where they agree to 30 digits, |b| hides a shift
        shift = _constant([x - y for x, y in rows if x != y])
        if shift is not None and shift != 0:
            return ComponentCheck("offset", shown, point=where, offset=_fmt(shift))
    if abs(a - b) <= 1e-6 * max(1.0, abs(b)):
        return ComponentCheck("close", shown, point=where, got=_fmt(a), expected=_fmt(b))
    return ComponentCheck("differs", shown, point=where, got=_fmt(a), expected=_fmt(b))


def _undefined(hole, used, shown: str, notation: Notation) -> ComponentCheck:
    p, b, _ = hole
    where = _point_text(p, used, notation)
    return ComponentCheck("undefined", shown, point=where, expected=_fmt(b))


def _as_typed(text: str, notation: Notation) -> tuple[sp.Expr, ...] | None:
    """The answer exactly as typed, without sympy's automatic simplification.

    sympy builds ``x(x - 1)/(x - 1)`` as ``x``, ``exp(log(x))`` as ``x`` and
    ``sqrt(x)^2`` as ``x``: what was typed is undefined at 1, or for x <= 0, and that
    must be seen. Best effort: None when the unevaluated tree cannot be built.
    """
    try:
        with sp.evaluate(False):
            return read(text, notation)
    except (InputError, ArithmeticError, TypeError, ValueError, AttributeError, RecursionError):
        return None


def _compare(
    got: sp.Expr, want: sp.Expr, ctx: _Context, typed: sp.Expr | None = None
) -> ComponentCheck:
    spec = ctx.spec
    shown = latex([got], spec.notation)
    exprs = (got, want) if typed is None else (got, want, typed)
    free = set().union(*(e.free_symbols for e in exprs))
    used = tuple(s for s in ctx.symbols if s in free)
    seed = "|".join((*spec.answer, *spec.notation.variables))
    pts = probe.points(ctx.symbols, exprs, ctx.bounds, seed)
    cancel = symbol(spec.cancel) if spec.cancel else None
    rows, holes, differ, uncancelled = [], [], [], False
    for k, p in enumerate(pts):
        verdict, a, b = probe.compare(got, want, p)
        if verdict == "agree" and typed is not None and _undefined_as_typed(typed, p):
            verdict = "undefined"  # defined only after sympy simplified what was typed
        if verdict == "undefined":
            if cancel is not None and p[cancel] == 0:
                uncancelled = True
            else:
                holes.append((p, b, k >= probe.RANDOM_POINTS))
        elif verdict in ("agree", "differ"):
            rows.append((a, b))
            if verdict == "differ":
                differ.append((p, a, b))
    # undefined on a stretch of the domain, then a difference, then a hole at a special point
    holes.sort(key=lambda h: (h[2], _nice(h[0])))
    if holes and not holes[0][2]:
        return _undefined(holes[0], used, shown, spec.notation)
    if differ:
        p, a, b = min(differ, key=lambda d: _nice(d[0]))
        where = _point_text(p, used, spec.notation)
        return _diagnose(got, want, shown, where, rows, a, b, not (holes or uncancelled))
    if holes:
        return _undefined(holes[0], used, shown, spec.notation)
    agree = len(rows)
    budget = min(equivalence.BUDGET, ctx.deadline - time.monotonic())
    if not equivalence.prove_equal(got, want, ctx.positive, budget=budget):
        return ComponentCheck("undecided", shown, agree=agree)
    budget = min(HOLE_BUDGET, ctx.deadline - time.monotonic())
    hole, complete = equivalence.hidden_hole(
        got if typed is None else typed, want, pts[0], ctx.bounds, cancel, budget
    )
    if not complete:  # where it divides by zero could not be settled: no proof of right
        return ComponentCheck("undecided", shown, agree=agree)
    if hole is not None:
        where = _point_text(hole, used, spec.notation)
        return ComponentCheck("undefined", shown, point=where, expected=_expected_at(want, hole))
    if cancel is not None and (uncancelled or _needs_cancel(got, spec.cancel)):
        return ComponentCheck("unsimplified", shown, reason="cancel", agree=agree)
    if spec.simplified and sp.count_ops(got) > sp.count_ops(want) + OPS_SLACK:
        return ComponentCheck("unsimplified", shown, reason="form", agree=agree)
    return ComponentCheck("right", shown, agree=agree)


def _swapped(got, want, checks, ctx: _Context) -> bool:
    """Whether the components are right in another order (each pair proved, not guessed)."""
    n = len(want)
    memo: dict[tuple[int, int], bool] = {}
    seed = "|".join(ctx.spec.answer)
    screen = probe.points(ctx.symbols, (), ctx.bounds, seed, count=SWAP_SCREEN)

    def fits(i: int, j: int) -> bool:
        if i == j:
            return checks[i].status in ("right", "unsimplified")
        if (i, j) not in memo:  # a few points rule most pairs out before a full check
            near = all(probe.compare(got[i], want[j], p)[0] != "differ" for p in screen)
            memo[i, j] = near and _compare(got[i], want[j], ctx).status in (
                "right",
                "unsimplified",
            )
        return memo[i, j]

    def assign(i: int, free: tuple[int, ...], moved: bool) -> bool:
        if i == n:
            return moved
        return any(
            fits(i, j) and assign(i + 1, free[:k] + free[k + 1 :], moved or j != i)
            for k, j in enumerate(free)
        )

    return assign(0, tuple(range(n)), False)


def check(text: str, spec: AnswerSpec) -> Feedback:
    """Judge ``text`` against ``spec``; see the module docstring.

    Raises
    ------
    InputError
        When ``text`` cannot be read (the parser's errors, ``field="answer"``).
    """
    start = time.monotonic()
    got = read(text, spec.notation)
    names = list(spec.notation.variables)
    want = tuple(parse(a, names) for a in spec.answer)
    shown = latex(got, spec.notation)
    if len(got) != len(want):
        return Feedback("wrong_count", len(want), len(got), (), shown, 0)
    ctx = _Context(
        spec,
        tuple(symbol(n) for n in names),
        {symbol(n): (low, high) for n, low, high in spec.domain},
        tuple(n for n, low, _ in spec.domain if low >= 0),
        start + CHECK_BUDGET,
    )
    typed = _as_typed(text, spec.notation)
    if typed is None or len(typed) != len(got):
        typed = (None,) * len(got)
    checks = tuple(_compare(*pair, ctx, raw) for *pair, raw in zip(got, want, typed, strict=True))
    statuses = {c.status for c in checks}
    if statuses == {"right"}:
        status = "right"
    elif statuses <= {"right", "unsimplified"}:
        status = "unsimplified"
    elif statuses <= {"right", "unsimplified", "undecided"}:
        status = "undecided"
    elif len(want) > 1 and _swapped(got, want, checks, ctx):
        status = "swapped"
    else:
        status = "wrong"
    agree = min((c.agree for c in checks), default=0)
    return Feedback(status, len(want), len(got), checks, shown, agree)


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
