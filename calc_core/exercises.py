"""The exercises of D2L section 2.4, both editions, and how each answer is checked.

The Chinese edition (《动手学深度学习》2.4.5 练习) has four exercises, the English edition
(d2l.ai 2.4.7 Exercises) ten; four are shared. This module is the catalog -- which
exercise is which number in which edition, its parts (answer boxes, the steps of a
guided derivation, multiple-choice questions), the right answers in our grammar and
the notation each box accepts -- plus the checks the page runs in the worker. The
statements, prompts, hints and worked solutions are ours (the book is CC BY-SA 4.0)
and live in the translation catalogs under ``exercises.items.<id>``.

Examples
--------
>>> [exercise("zh", n).id for n in range(1, 5)]
['tangent', 'gradient', 'norm', 'chain']
>>> number_in("en", "gradient")
7
>>> check_answer("gradient", "main", "6x1, 5e^x2").status
'right'
>>> check_answer("chain", "main", "du/dx dx/da + du/dy dy/da + du/dz dz/da").status
'right'
>>> check_example("x^3", "0").kind
'neither'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from calc_core import printing
from calc_core.answers import AnswerSpec, Feedback, Notation, check
from calc_core.budget import within
from calc_core.derivative import PointDerivative, derivative_at, real_value
from calc_core.errors import InputError
from calc_core.parser import parse, symbol

#: Dimensions the learner may choose for the gradient of the Euclidean norm.
NORM_DIMENSIONS = (2, 3, 4)
#: Largest |x0| accepted for the example of f'(x0) = 0.
X0_LIMIT = 1e6

# ----------------------------------------------------------------------------- notations


def _abstract(*names: str) -> tuple[tuple[str, str], ...]:
    """Aliases letting a learner write f(x+h), f'(x), f', f(x) for the symbols F, fp, fp, f."""
    out: list[tuple[str, str]] = []
    for f in names:
        big = f.upper()
        at = rf"(?<!lo){f}" if f == "g" else f  # "fg'" is f times g', but log(x) stays log
        out += [
            (rf"{at}\s*\(\s*x\s*\+\s*h\s*\)", big),
            (rf"{at}\s*['′]\s*\(\s*x\s*\)", f"{f}p"),
            (rf"{at}\s*['′]", f"{f}p"),
            (rf"{at}\s*\(\s*x\s*\)", f),
        ]
    return tuple(out)


def _abstract_names(*names: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    latex, plain = [], []
    for f in names:
        big = f.upper()
        latex += [(f, f"{f}(x)"), (f"{f}p", f"{f}'(x)"), (big, f"{f}(x+h)")]
        plain += [(f, f"{f}(x)"), (f"{f}p", f"{f}′(x)"), (big, f"{f}(x+h)")]
    return tuple(latex), tuple(plain)


X = Notation(("x",))
XH = Notation(("x", "h"))
XN = Notation(("x", "n"))
XC = Notation(("x", "c"))
XHC = Notation(("x", "h", "c"))
Y = Notation(("y",))
GRADIENT = Notation(("x1", "x2"))

_FG_LATEX, _FG_PLAIN = _abstract_names("f", "g")
FG = Notation(("f", "g", "fp", "gp", "F", "G", "h"), _abstract("f", "g"), _FG_LATEX, _FG_PLAIN)
_CF_LATEX, _CF_PLAIN = _abstract_names("f")
CF = Notation(
    ("c", "cp", "f", "fp", "x"),
    ((r"(?<![A-Za-z])c\s*['′]", "cp"), *_abstract("f")),  # c' is read, to be judged
    (*_CF_LATEX, ("cp", "c'")),
    (*_CF_PLAIN, ("cp", "c′")),
)

_INNER = ("x", "y", "z")
_OUTER = ("a", "b")
CHAIN = Notation(
    tuple(f"u{v}" for v in _INNER) + tuple(f"{v}{w}" for w in _OUTER for v in _INNER),
    (
        (r"[∂d]\s*u\s*/\s*[∂d]\s*([xyz])", r"u\1"),  # du/dx, ∂u/∂x -> ux
        (r"[∂d]\s*([xyz])\s*/\s*[∂d]\s*([ab])", r"\1\2"),  # dx/da -> xa
    ),
    tuple((f"u{v}", rf"\frac{{\partial u}}{{\partial {v}}}") for v in _INNER)
    + tuple((f"{v}{w}", rf"\frac{{\partial {v}}}{{\partial {w}}}") for w in _OUTER for v in _INNER),
    tuple((f"u{v}", f"∂u/∂{v}") for v in _INNER)
    + tuple((f"{v}{w}", f"∂{v}/∂{w}") for w in _OUTER for v in _INNER),
)
INVERSE = Notation(
    ("fpg", "fpy"),
    (
        (r"f\s*['′]\s*\(\s*g\s*\(\s*y\s*\)\s*\)", "fpg"),  # f'(g(y))
        (r"f\s*['′]\s*\(\s*f\s*\^\s*\(?\s*-\s*1\s*\)?\s*\(\s*y\s*\)\s*\)", "fpg"),  # f'(f^-1(y))
        (r"f\s*['′]\s*\(\s*x\s*\)", "fpg"),  # f'(x) with x = g(y)
        (r"f\s*['′]\s*\(\s*y\s*\)", "fpy"),  # a common slip, read so it can be judged
    ),
    (("fpg", "f'(g(y))"), ("fpy", "f'(y)")),
    (("fpg", "f′(g(y))"), ("fpy", "f′(y)")),
)


#: ‖x‖ or ||x||, and an order written after it: ₁ (folded to 1), _1, 1, _{10}, _∞, inf.
_BARS = r"(?:‖|\|\|)\s*x\s*(?:‖|\|\|)"
_ORDER = r"\s*_?\s*\{?\s*"


def norm_notation(n: int) -> Notation:
    """Coordinates x1..xn; ‖x‖, ||x|| and norm(x) are the Euclidean norm of x.

    An order written after the bars is read as that norm, never as a factor:
    ``‖x‖₁``, ``||x||_1`` and ``||x||1`` are the 1-norm, ``||x||10`` the 10-norm.

    >>> from calc_core.answers import read
    >>> read("x1/||x||1", norm_notation(2))
    (x1/(Abs(x1) + Abs(x2)),)
    """
    coords = tuple(f"x{i}" for i in range(1, n + 1))
    return Notation(
        coords,
        (
            (_BARS + _ORDER + r"(?:∞|inf)\s*\}?", "norm(x, inf)"),
            (_BARS + _ORDER + r"([0-9]+)\s*\}?", r"norm(x, \1)"),
            (_BARS, "norm(x)"),
        ),
        vectors=(("x", coords),),
    )


# ----------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class Link:
    """A page that explores the exercise, opened with these query parameters."""

    page: str  # file under pages/ without .py
    slug: str  # its url_path
    query: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Part:
    """One thing the learner answers: a formula box, a choice or an example.

    ``group`` names the derivation it belongs to (proof exercises have several);
    ``editions`` limits a part to one edition (the English edition alone asks what
    happens to the gradient of ‖x‖₂ at 0).
    """

    id: str
    kind: str  # "formula" | "choice" | "example"
    spec: AnswerSpec | None = None
    group: str = ""
    options: tuple[str, ...] = ()
    correct: str = ""
    editions: tuple[str, ...] = ("zh", "en")


@dataclass(frozen=True)
class Exercise:
    id: str
    parts: tuple[Part, ...]
    links: tuple[Link, ...] = ()
    proof: bool = False  # a guided derivation with a worked proof to reveal
    dims: tuple[int, ...] = ()  # the norm exercise: dimensions to choose from

    def parts_for(self, edition: str) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if edition in p.editions)

    def groups(self, edition: str) -> tuple[str, ...]:
        seen: list[str] = []
        for p in self.parts_for(edition):
            if p.group not in seen:
                seen.append(p.group)
        return tuple(seen)

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)


def _formula(pid, answer, notation, group="", **kw) -> Part:
    answer = (answer,) if isinstance(answer, str) else tuple(answer)
    return Part(pid, "formula", AnswerSpec(answer, notation, **kw), group=group)


def _link(page: str, **query: str) -> Link:
    slug = page.replace("_", "-")
    return Link(page, slug, tuple(query.items()))


#: x of log x, x^x and x^n (n real) lives on (0, inf); every other variable on the real line.
POSITIVE_X = (("x", 0.0, math.inf),)

_CHAIN_A = "ux*xa + uy*ya + uz*za"
_CHAIN_B = "ux*xb + uy*yb + uz*zb"

EXERCISES: dict[str, Exercise] = {
    e.id: e
    for e in (
        Exercise(
            "tangent",
            (
                _formula("slope", "4", X),
                _formula("main", "4x - 4", X, simplified=True),
            ),
            (_link("tangent", f="x^3 - 1/x", x0="1", xmin="0.2", xmax="3"),),
        ),
        Exercise(
            "gradient",
            (_formula("main", ("6x1", "5exp(x2)"), GRADIENT, simplified=True),),
            (_link("gradients", f="3x1^2 + 5e^x2", at="1, 0", n="2"),),
        ),
        Exercise(
            "norm",
            (
                Part("main", "formula"),  # the spec depends on the chosen dimension
                Part(
                    "zero",
                    "choice",
                    options=("zero", "not_differentiable", "infinite", "unit"),
                    correct="not_differentiable",
                    editions=("en",),
                ),
            ),
            (
                _link("gradients", f="norm(x)", at="3, 4", n="2"),
                _link("gradients", f="norm(x)", at="0, 0", n="2"),
            ),
            dims=NORM_DIMENSIONS,
        ),
        Exercise(
            "chain",
            (
                _formula("main", _CHAIN_A, CHAIN),
                _formula("db", _CHAIN_B, CHAIN),
            ),
            (
                _link("chain_rule", mode="multi"),
                _link(
                    "chain_rule",
                    mode="multi",
                    u="x*y + z^2",
                    inner="x=a+b; y=a*b; z=b^2",
                    wrt="a",
                    at="a=0.5,b=1.5",
                ),
            ),
        ),
        Exercise(
            "first_principles",
            (
                _formula("const", "0", XHC, "const"),
                _formula("pow3", "3x^2 + 3x*h + h^2", XH, "pow", cancel="h"),
                _formula(
                    "pow",
                    "n*x^(n-1)",
                    XN,
                    "pow",
                    domain=POSITIVE_X,
                    simplified=True,
                ),
                _formula("exp_factor", "e^h - 1", XH, "exp"),
                _formula("exp_limit", "1", XH, "exp"),
                _formula("exp", "e^x", X, "exp", simplified=True),
                _formula("log_inside", "h/x", XH, "log", domain=POSITIVE_X),
                _formula("log_limit", "1", XH, "log"),
                _formula("log", "1/x", X, "log", domain=POSITIVE_X, simplified=True),
            ),
            (
                _link("limits", f="5", x0="1"),
                _link("limits", f="x^3", x0="2"),
                _link("limits", f="e^x", x0="0"),
                _link("limits", f="log(x)", x0="1"),
            ),
            proof=True,
        ),
        Exercise(
            "rules",
            (
                _formula("sum_split", "(G - g)/h", FG, "sum"),
                _formula("sum", "fp + gp", FG, "sum"),
                _formula("product_split", "F - f", FG, "product"),
                _formula("product", "f*gp + fp*g", FG, "product"),
                _formula("quotient_common", "G*g", FG, "quotient"),
                _formula("quotient_split", "G - g", FG, "quotient"),
                _formula("quotient", "(fp*g - f*gp)/g^2", FG, "quotient"),
            ),
            (
                _link("chain_rule", mode="steps", f="x^2 + sin(x)"),
                _link("chain_rule", mode="steps", f="x^2 sin(x)"),
                _link("chain_rule", mode="steps", f="sin(x)/x"),
            ),
            proof=True,
        ),
        Exercise(
            "constant_multiple",
            (
                _formula("const", "0", XC),
                _formula("main", "c*fp", CF),
            ),
            (_link("chain_rule", mode="steps", f="3sin(x)"),),
            proof=True,
        ),
        Exercise(
            "power_tower",
            (_formula("main", "x^x*(log(x) + 1)", X, domain=POSITIVE_X, simplified=True),),
            (
                _link("chain_rule", mode="steps", f="x^x"),
                _link("tangent", f="x^x", x0="1", xmin="0.05", xmax="2"),
            ),
        ),
        Exercise(
            "stationary",
            (
                Part(
                    "meaning",
                    "choice",
                    options=("flat_tangent", "f_zero", "extremum", "constant"),
                    correct="flat_tangent",
                ),
                Part("main", "example"),
            ),
            (
                _link("tangent", f="x^2 - 2x", x0="1", xmin="-1", xmax="3"),
                _link("tangent", f="x^3", x0="0", xmin="-1.5", xmax="1.5"),
            ),
        ),
        Exercise(
            "inverse",
            (
                _formula("chain", "1", Y),
                _formula("main", "1/fpg", INVERSE),
                _formula("log", "1/y", Y, domain=(("y", 0.0, math.inf),), simplified=True),
                _formula("atan", "1/(1 + y^2)", Y, simplified=True),
            ),
            (
                _link("chain_rule", mode="steps", f="atan(x)"),
                _link("tangent", f="log(x)", x0="1", xmin="0.1", xmax="3"),
            ),
            proof=True,
        ),
    )
}

#: Exercise ids in each edition's order (the number is the position, from 1).
EDITIONS: dict[str, tuple[str, ...]] = {
    "zh": ("tangent", "gradient", "norm", "chain"),
    "en": (
        "first_principles",
        "rules",
        "constant_multiple",
        "power_tower",
        "stationary",
        "tangent",
        "gradient",
        "norm",
        "chain",
        "inverse",
    ),
}


def exercise(edition: str, number: int) -> Exercise:
    """Exercise ``number`` (from 1) of ``edition`` (``"zh"`` or ``"en"``)."""
    return EXERCISES[EDITIONS[edition][number - 1]]


def number_in(edition: str, exercise_id: str) -> int | None:
    """The number of an exercise in an edition, or None if that edition does not have it."""
    ids = EDITIONS[edition]
    return ids.index(exercise_id) + 1 if exercise_id in ids else None


def answer_spec(exercise_id: str, part_id: str, dim: int = 2) -> AnswerSpec:
    """What the right answer of a formula part is (the norm's depends on the dimension)."""
    if (exercise_id, part_id) == ("norm", "main"):
        if dim not in NORM_DIMENSIONS:
            raise InputError(
                "out_of_range",
                f"The dimension must be between {NORM_DIMENSIONS[0]} and {NORM_DIMENSIONS[-1]}.",
                field="n",
                low=str(NORM_DIMENSIONS[0]),
                high=str(NORM_DIMENSIONS[-1]),
            )
        notation = norm_notation(dim)
        norm = "sqrt(" + "+".join(f"{v}^2" for v in notation.variables) + ")"
        return AnswerSpec(tuple(f"{v}/{norm}" for v in notation.variables), notation)
    spec = EXERCISES[exercise_id].part(part_id).spec
    if spec is None:
        raise KeyError(f"{exercise_id}.{part_id} is not a formula part")
    return spec


# ----------------------------------------------------------------------------- checks


def check_answer(exercise_id: str, part_id: str, text: str, dim: int = 2) -> Feedback:
    """Check the learner's ``text`` for one formula part (run it in the worker).

    Raises
    ------
    InputError
        The parser's error when ``text`` cannot be read (``field="answer"``).
    """
    return check(text, answer_spec(exercise_id, part_id, dim))


def check_choice(exercise_id: str, part_id: str, option: str | None) -> bool:
    """Whether ``option`` is the right choice of a multiple-choice part."""
    return option == EXERCISES[exercise_id].part(part_id).correct


@dataclass(frozen=True)
class ExampleCheck:
    """The learner's example of a point where f'(x0) = 0, checked.

    ``status``: ``right`` (f'(x0) is proved to be exactly 0), ``not_zero`` (``value``
    is f'(x0), seen nonzero at 50 and 100 digits), ``undecided`` (neither could be
    shown) or ``no_derivative`` (``point.status`` says why). ``kind`` classifies a right example:
    ``minimum``, ``maximum``, ``neither`` (like x³ at 0) or ``constant``.
    """

    status: str
    f_latex: str
    x0_latex: str
    derivative_latex: str
    value: str
    kind: str
    point: PointDerivative


def _exact_sign(expr: sp.Expr) -> int | None:
    """The sign of a constant, decided exactly: 0 only when proved 0; None if undecided.

    A nonzero value must be seen at 50 digits and again at 100 (so cancellation
    cannot fake one); 0 needs a proof. ``2e-20`` is not 0, whatever a float says.
    """
    if expr == 0:
        return 0
    values = []
    for digits in (50, 100):
        v = expr.evalf(digits)
        if not v.is_number or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return None
        re, im = v.as_real_imag()
        values.append((re, im))
    (r1, _), (r2, i2) = values
    if abs(i2) > sp.Float(10) ** -80 * max(1, abs(r2)):
        return None  # not a real number
    if abs(r2) > sp.Float(10) ** -80 and abs(r1 - r2) <= abs(r2) * sp.Float(10) ** -20:
        return 1 if r2 > 0 else -1
    ok, zero = within(lambda: sp.simplify(expr) == 0 or expr.equals(0), 0.5)
    return 0 if ok and zero else None


def _sign(expr: sp.Expr) -> int:
    return _exact_sign(expr) or 0


def _classify(f: sp.Expr, x: sp.Symbol, x0: sp.Expr) -> str:
    d1 = sp.diff(f, x)
    if sp.simplify(d1) == 0:
        return "constant"
    second = _sign(sp.diff(d1, x).subs(x, x0))
    if second:
        return "minimum" if second > 0 else "maximum"
    step = sp.Rational(1, 1000)
    left, right = _sign(d1.subs(x, x0 - step)), _sign(d1.subs(x, x0 + step))
    if left < 0 < right:
        return "minimum"
    if left > 0 > right:
        return "maximum"
    return "neither"


def check_example(f_text: str, x0_text: str) -> ExampleCheck:
    """Check an example of f and x0 with f'(x0) = 0, exactly (``pi/2`` stays pi/2).

    >>> r = check_example("(x - 1)^2", "1")
    >>> r.status, r.kind
    ('right', 'minimum')
    >>> r = check_example("sin(x)", "pi/2")
    >>> r.status, r.kind
    ('right', 'maximum')
    >>> check_example("x^2", "1").value
    '2'
    >>> check_example("|x|", "0").point.status
    'not_differentiable'
    """
    try:
        f = parse(f_text, ("x",))
    except InputError as err:
        raise err.with_field("f") from None
    try:
        x0 = parse(x0_text, ())
    except InputError as err:
        raise err.with_field("x0") from None
    approx = real_value(x0)
    if approx is None or abs(approx) > X0_LIMIT:
        raise InputError(
            "out_of_range",
            f"x0 must be a real number between {-X0_LIMIT:g} and {X0_LIMIT:g}.",
            field="x0",
            low=f"{-X0_LIMIT:g}",
            high=f"{X0_LIMIT:g}",
        )
    x = symbol("x")
    d1 = sp.diff(f, x)
    point = derivative_at(f, approx)
    common = {
        "f_latex": printing.latex(f),
        "x0_latex": printing.latex(x0),
        "derivative_latex": printing.latex(d1),
        "point": point,
    }
    if point.status != "ok":
        return ExampleCheck("no_derivative", value="", kind="", **common)
    exact = d1.subs(x, x0)  # x0 is exact: "1e-20" is the rational 10^-20
    sign = _exact_sign(exact)
    if sign == 0:
        return ExampleCheck("right", value="0", kind=_classify(f, x, x0), **common)
    if sign is None:  # neither proved 0 nor seen nonzero: say so
        return ExampleCheck("undecided", value="", kind="", **common)
    return ExampleCheck("not_zero", value=_show(exact), kind="", **common)


def _show(value: sp.Expr) -> str:
    """A short exact rational (2, -1/3), else six significant digits (2e-20, 0.841471)."""
    if value.is_Rational and abs(value.p) < 10**6 and value.q < 10**6:
        return str(value)
    return f"{float(value.evalf(20)):.6g}"


__all__ = [
    "EDITIONS",
    "EXERCISES",
    "NORM_DIMENSIONS",
    "ExampleCheck",
    "Exercise",
    "Link",
    "Part",
    "answer_spec",
    "check_answer",
    "check_choice",
    "check_example",
    "exercise",
    "number_in",
]
