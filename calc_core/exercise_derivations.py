"""Each exercise's right answers as sympy can derive them: the exercises page's notebooks.

An exercise's notebook derives, in sympy, what the exercise asks for and compares it
with the page's right answer -- the reference in :data:`calc_core.exercises.EXERCISES`,
read in its part's notation and printed back as sympy code, never a learner's text.
A proof about any f and g (the product rule, the chain rule) is derived on an
instance: its names (``f``, ``fp``, ``ux``, ...) are bound to concrete functions and
their derivatives, so the reference ``f*gp + fp*g`` is the expression sympy must get.
The numeric check compares the reference with central differences at a few points.

This is not a second answer checker: it only holds the catalog's own answers.

Examples
--------
>>> d = derivations("tangent")
>>> [(s.part, s.reference) for s in d.steps]
[('slope', ('4',)), ('main', ('4*x - 4',))]
>>> derivations("rules").steps[1].reference, derivations("rules").steps[1].function
(('f*gp + fp*g',), 'f*g')
"""

from __future__ import annotations

from dataclasses import dataclass

from calc_core import printing
from calc_core.answers import read
from calc_core.exercises import NORM_DIMENSIONS, answer_spec
from calc_core.parser import parse, symbol


@dataclass(frozen=True)
class Step:
    """One thing the exercise asks for: the derivative of ``function`` by ``variables``.

    ``reference`` is the page's right answer of ``part`` as sympy code (one per
    variable: a gradient). With ``at`` the answer is the derivative there (a slope);
    with ``line`` too, the tangent line there. ``points`` are where the numeric check
    compares it with central differences, as values of ``arguments`` (f's variables,
    by default those it is differentiated by).
    """

    part: str
    function: str
    variables: tuple[str, ...]
    reference: tuple[str, ...]
    points: tuple[tuple[float, ...], ...]
    at: tuple[float, ...] | None = None
    line: bool = False
    arguments: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.arguments or self.variables


@dataclass(frozen=True)
class Plot:
    """f and the answer (its derivative, or the tangent line) on ``[low, high]``, its
    constants at the numeric check's ``values``."""

    function: str
    answer: str
    answer_label: str
    low: float
    high: float
    variable: str = "x"


@dataclass(frozen=True)
class Derivations:
    """An exercise's notebook: its symbols, the instance it binds, its steps, its plot.

    ``symbols`` are ``(names, assumptions)`` for ``sympy.symbols``; ``setup`` the
    sympy lines binding the names of an instance (``f = sin(x)``); ``values`` the
    numbers free constants take in the numeric check (``n = 2.5``).
    """

    exercise: str
    symbols: tuple[tuple[str, str], ...]
    setup: tuple[str, ...]
    steps: tuple[Step, ...]
    values: tuple[tuple[str, float], ...] = ()
    plot: Plot | None = None


def _code(text: str, variables: tuple[str, ...]) -> str:
    """Our grammar's text (a catalog string, never a learner's) as sympy code."""
    return printing.sstr(parse(text, variables))


def _answer(exercise: str, part: str, dim: int = 2) -> tuple[str, ...]:
    """The page's right answer of a formula part, as sympy code."""
    spec = answer_spec(exercise, part, dim)
    return tuple(printing.sstr(c) for text in spec.answer for c in read(text, spec.notation))


_X = ("x",)
_POSITIVE = ("x", "positive=True")
_REAL = ("x", "real=True")
_LINE = (0.3, 0.8, 1.7, 2.9)
_INSTANCE_FG = ("f = sin(x)", "g = x**2 + 1", "fp, gp = diff(f, x), diff(g, x)")


def _tangent(dim: int) -> Derivations:
    f = _code("x^3 - 1/x", _X)
    return Derivations(
        "tangent",
        (_REAL,),
        (),
        (
            Step("slope", f, _X, _answer("tangent", "slope"), ((1.0,),), at=(1.0,)),
            Step("main", f, _X, _answer("tangent", "main"), ((1.0,),), at=(1.0,), line=True),
        ),
        plot=Plot(f, _answer("tangent", "main")[0], "tangent line (x=1)", 0.2, 3.0),
    )


def _gradient(dim: int) -> Derivations:
    names = ("x1", "x2")
    f = _code("3x1^2 + 5e^x2", names)
    points = ((1.0, 0.0), (-0.5, 1.2), (2.0, -1.0))
    step = Step("main", f, names, _answer("gradient", "main"), points)
    return Derivations("gradient", (("x1 x2", "real=True"),), (), (step,))


def _norm(dim: int) -> Derivations:
    names = tuple(f"x{i}" for i in range(1, dim + 1))
    f = f"sqrt({' + '.join(f'{v}**2' for v in names)})"
    points = ((3.0, 4.0, 1.0, 2.0)[:dim], (-1.0, 0.5, 2.0, -3.0)[:dim])
    step = Step("main", f, names, _answer("norm", "main", dim), points)
    return Derivations("norm", ((" ".join(names), "real=True"),), (), (step,))


def _chain(dim: int) -> Derivations:
    setup = (
        "u = x*y + z**2  # an instance: u of x, y, z, each a function of a and b",
        "inner = {x: a + b, y: a*b, z: b**2}",
        "ux, uy, uz = (diff(u, v).subs(inner) for v in (x, y, z))",
        "xa, ya, za = (diff(inner[v], a) for v in (x, y, z))",
        "xb, yb, zb = (diff(inner[v], b) for v in (x, y, z))",
    )
    points = ((0.5, 1.5), (-1.0, 2.0))
    ab = ("a", "b")
    return Derivations(
        "chain",
        (("a b x y z", "real=True"),),
        setup,
        (
            Step("main", "u.subs(inner)", ("a",), _answer("chain", "main"), points, arguments=ab),
            Step("db", "u.subs(inner)", ("b",), _answer("chain", "db"), points, arguments=ab),
        ),
    )


def _first_principles(dim: int) -> Derivations:
    pos = ((0.5,), (1.3,), (2.7,))
    return Derivations(
        "first_principles",
        (_POSITIVE, ("c n", "real=True")),
        (),
        (
            Step("const", "c", _X, _answer("first_principles", "const"), pos),
            Step("pow", "x**n", _X, _answer("first_principles", "pow"), pos),
            Step("exp", "exp(x)", _X, _answer("first_principles", "exp"), pos),
            Step("log", "log(x)", _X, _answer("first_principles", "log"), pos),
        ),
        values=(("c", 3.0), ("n", 2.5)),
        plot=Plot("log(x)", _answer("first_principles", "log")[0], "f'(x)", 0.2, 3.0),
    )


def _rules(dim: int) -> Derivations:
    pts = tuple((p,) for p in _LINE)
    return Derivations(
        "rules",
        (_REAL,),
        _INSTANCE_FG,
        (
            Step("sum", "f + g", _X, _answer("rules", "sum"), pts),
            Step("product", "f*g", _X, _answer("rules", "product"), pts),
            Step("quotient", "f/g", _X, _answer("rules", "quotient"), pts),
        ),
        plot=Plot("f*g", _answer("rules", "product")[0], "f'(x) by the product rule", -3, 3),
    )


def _constant_multiple(dim: int) -> Derivations:
    return Derivations(
        "constant_multiple",
        (_REAL, ("c", "real=True")),
        ("f = sin(x)  # an instance", "fp = diff(f, x)"),
        (Step("main", "c*f", _X, _answer("constant_multiple", "main"), ((0.3,), (2.0,))),),
        values=(("c", 3.0),),
        plot=Plot("c*f", _answer("constant_multiple", "main")[0], "c f'(x)", -3.0, 3.0),
    )


def _power_tower(dim: int) -> Derivations:
    answer = _answer("power_tower", "main")
    return Derivations(
        "power_tower",
        (_POSITIVE,),
        (),
        (Step("main", "x**x", _X, answer, ((0.2,), (1.0,), (2.5,))),),
        plot=Plot("x**x", answer[0], "f'(x)", 0.05, 2.0),
    )


def _stationary(dim: int) -> Derivations:
    f, cube = _code("x^2 - 2x", _X), _code("x^3", _X)
    return Derivations(
        "stationary",
        (_REAL,),
        (),
        (
            Step("main", f, _X, ("0",), ((1.0,),), at=(1.0,)),
            Step("main", cube, _X, ("0",), ((0.0,),), at=(0.0,)),
        ),
        plot=Plot(f, printing.sstr(parse(f, _X).subs(symbol("x"), 1)), "tangent line (x=1)", -1, 3),
    )


def _inverse(dim: int) -> Derivations:
    ys = ((0.5,), (1.0,), (2.5,))
    y = ("y",)
    return Derivations(
        "inverse",
        (("y", "positive=True"), ("t", "real=True")),
        (
            "f, g = exp, log  # an instance: g is the inverse of f",
            "fpg = diff(f(t), t).subs(t, g(y))",
        ),
        (
            Step("main", "g(y)", y, _answer("inverse", "main"), ys),
            Step("log", "log(y)", y, _answer("inverse", "log"), ys),
            Step("atan", "atan(y)", y, _answer("inverse", "atan"), ys),
        ),
        plot=Plot("atan(y)", _answer("inverse", "atan")[0], "g'(y)", -3.0, 3.0, "y"),
    )


_BUILDERS = {
    "tangent": _tangent,
    "gradient": _gradient,
    "norm": _norm,
    "chain": _chain,
    "first_principles": _first_principles,
    "rules": _rules,
    "constant_multiple": _constant_multiple,
    "power_tower": _power_tower,
    "stationary": _stationary,
    "inverse": _inverse,
}


def derivations(exercise_id: str, dim: int = 2) -> Derivations:
    """The notebook's derivations for an exercise (the norm's in ``dim`` dimensions).

    >>> from calc_core.exercises import EXERCISES
    >>> sorted(_BUILDERS) == sorted(EXERCISES)
    True
    """
    if dim not in NORM_DIMENSIONS:
        dim = NORM_DIMENSIONS[0]
    return _BUILDERS[exercise_id](dim)


__all__ = ["Derivations", "Plot", "Step", "derivations"]
