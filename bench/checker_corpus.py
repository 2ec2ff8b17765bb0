"""Generated answers for the exercise checker: wrong ones built to fool sampling, right ones
in the notations learners use.

Every formula part of every exercise (the norm in each dimension) has a reference
answer. From it:

* :func:`wrong_answer` adds to one component a term that vanishes on part of the
  domain -- ``c(|v - a| - (v - a))`` for a of any sign and scale (zero for v >= a),
  ``sqrt((v - a)^2) + (v - a)`` (zero for v <= a), ``max``-like ``((v - a) + |v - a|)/2``,
  sign-like ``(v - a)(1 - |v - a|/(v - a))``, ``acos(cos(v))`` for ``v`` (equal on
  [0, pi] only), ``sin(10 pi v)`` (zero on every one-decimal point), a bump far away,
  a hole ``(w (v - a))/(v - a)`` expanded, or at an irrational point (``x^2 - 2``,
  ``sin(x) - 1/2`` as the factor), or ``w (v - a)/(v - a)`` as typed (sympy cancels it
  while building the tree) -- or makes a plain slip (sign, factor,
  offset). Each comes with a *witness*: a point where the answer is provably not the
  right one (checked by :func:`is_wrong_at` with ``evalf`` at 50 digits, or undefined
  there while the reference is defined), so the corpus is wrong by construction and
  by an independent check, not by the checker's word.
* :func:`right_answer` rewrites the reference (expanded, factored, over a common
  denominator, simplified) and prints it in a random notation: ``^`` or ``**``,
  implicit, ``*``, ``·`` or ``×`` products, ``π``, ``x²``, full-width brackets, ``e^x``
  or ``exp(x)``, ``ln``/``log``, ``x_1``, ``x₁``, ``‖x‖``/``||x||_2``/``norm(x)``,
  ``f'(x)``, ``du/dx``, ``[...]^T``, ``y = ...``.

Variables a learner may not take negative (x in log x, x^x, x^n; y in 1/y) are in
:data:`POSITIVE`; every other variable ranges over the real line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from calc_core import exercises as ex
from calc_core.answers import AnswerSpec, read
from calc_core.parser import parse, symbol

#: Variables that live on (0, inf) in a part's own mathematics (not in the checker's spec).
POSITIVE: dict[tuple[str, str], tuple[str, ...]] = {
    ("first_principles", "pow"): ("x",),
    ("first_principles", "log"): ("x",),
    ("first_principles", "log_inside"): ("x",),
    ("power_tower", "main"): ("x",),
    ("inverse", "log"): ("y",),
}

#: The families of generated wrong answers (see the module docstring).
WRONG_FAMILIES = (
    "abs_one_side",
    "abs_other_side",
    "sqrt_square",
    "max_like",
    "sign_like",
    "periodic_inverse",
    "decimal_grid",
    "far_bump",
    "hole",
    "irrational_hole",
    "cancelled_hole",
    "slip",
)


@dataclass(frozen=True)
class Part:
    exercise: str
    part: str
    dim: int
    spec: AnswerSpec
    want: tuple[sp.Expr, ...]

    @property
    def name(self) -> str:
        suffix = f"[{self.dim}]" if self.exercise == "norm" else ""
        return f"{self.exercise}.{self.part}{suffix}"

    @property
    def positive(self) -> tuple[str, ...]:
        return POSITIVE.get((self.exercise, self.part), ())


def parts() -> list[Part]:
    """Every formula part, the norm once per dimension."""
    out = []
    for e in ex.EXERCISES.values():
        for p in e.parts:
            if p.kind != "formula":
                continue
            for dim in e.dims or (2,):
                spec = ex.answer_spec(e.id, p.id, dim)
                names = list(spec.notation.variables)
                want = tuple(parse(a, names) for a in spec.answer)
                out.append(Part(e.id, p.id, dim, spec, want))
    return out


# ----------------------------------------------------------------------------- printing


@dataclass(frozen=True)
class Style:
    power: str = "^"
    times: str = "*"  # "*", " ", "·" or "" (juxtaposition where safe)
    exp: str = "exp"  # "exp" or "e^"
    log: str = "log"  # "log" or "ln"
    abs: str = "abs"  # "abs" or "bars"
    sqrt: str = "sqrt"  # "sqrt" or "pow" (^(1/2))
    names: tuple[tuple[str, str], ...] = ()
    norm: str = ""  # how sqrt(x1^2 + ... + xn^2) is written, "" to expand it
    ime: bool = False  # what a Chinese IME types: π, x², ×, full-width brackets


def _norm_of(expr: sp.Expr) -> bool:
    return bool(
        expr.is_Pow
        and expr.exp == sp.Rational(1, 2)
        and expr.base.is_Add
        and all(t.is_Pow and t.exp == 2 and t.base.is_Symbol for t in expr.base.args)
    )


def to_text(expr: sp.Expr, style: Style = Style()) -> str:
    """``expr`` in our grammar, written in ``style`` (the parser reads it back as ``expr``)."""
    names = dict(style.names)

    def wrap(e: sp.Expr) -> str:
        s = go(e)
        if e.is_Atom and not (e.is_Rational and not e.is_Integer) and not e.is_negative:
            return s
        if (isinstance(e, sp.Function) and not isinstance(e, sp.exp)) or _norm_of(e):
            return s
        return f"({s})"

    def times(a: str, b: str) -> str:
        if style.times == "" and not b[:1].isdigit() and not a.endswith(tuple("+-*/^")):
            return a + b if b[:1] in "(|" or a.endswith(")") else f"{a} {b}"
        return f"{a}{style.times}{b}" if style.times != " " else f"{a} {b}"

    def go(e: sp.Expr) -> str:
        if e.is_Symbol:
            return names.get(e.name, e.name)
        if e is sp.pi:
            return "π" if style.ime else "pi"
        if e is sp.E:
            return "e"
        if e.is_Integer:
            return str(e)
        if e.is_Rational:
            return f"{e.p}/{e.q}"
        if style.norm and _norm_of(e):
            return style.norm
        if e.is_Add:
            terms = list(e.as_ordered_terms())
            out = go(terms[0])
            for t in terms[1:]:
                if t.could_extract_minus_sign():
                    out += " - " + wrap(-t) if (-t).is_Add else " - " + go(-t)
                else:
                    out += " + " + go(t)
            return out
        if e.is_Mul:
            if e.could_extract_minus_sign():
                return "-" + wrap(-e)
            num, den = [], []
            for f in e.args:
                if f.is_Pow and f.exp.is_negative and f.exp.is_Rational:
                    den.append(f.base if f.exp == -1 else sp.Pow(f.base, -f.exp))
                elif f.is_Rational and not f.is_Integer:
                    if f.p != 1:
                        num.append(sp.Integer(f.p))
                    den.append(sp.Integer(f.q))
                else:
                    num.append(f)
            top = "1"
            if num:
                top = wrap(num[0])
                for f in num[1:]:
                    top = times(top, wrap(f))
            if not den:
                return top
            bottom = go(sp.Mul(*den, evaluate=False)) if len(den) > 1 else go(den[0])
            return f"{top}/({bottom})"
        if e.is_Pow:
            if e.exp == sp.Rational(1, 2) and style.sqrt == "sqrt":
                return f"sqrt({go(e.base)})"
            if e.exp.is_negative and e.exp.is_Rational:
                return f"1/({go(sp.Pow(e.base, -e.exp))})"
            if style.ime and e.exp == 2 and e.base.is_Symbol:
                return f"{go(e.base)}²"
            return f"{wrap(e.base)}{style.power}({go(e.exp)})"
        if isinstance(e, sp.exp):
            return f"e^({go(e.args[0])})" if style.exp == "e^" else f"exp({go(e.args[0])})"
        if isinstance(e, sp.log):
            return f"{style.log}({go(e.args[0])})"
        if isinstance(e, sp.Abs):
            return f"|{go(e.args[0])}|" if style.abs == "bars" else f"abs({go(e.args[0])})"
        if isinstance(e, sp.Function):
            return f"{type(e).__name__}({', '.join(go(a) for a in e.args)})"
        raise ValueError(f"cannot print {e!r}")

    return go(expr)


def _names(part: Part, rng: random.Random) -> tuple[tuple[str, str], ...]:
    """A random notation for the part's variables (x_1, f'(x), du/dx, f'(g(y)), ...)."""
    out = []
    for v in part.spec.notation.variables:
        options = [v]
        if len(v) == 2 and v[0] == "x" and v[1].isdigit():
            options += [f"x_{v[1]}", "x" + chr(0x2080 + int(v[1]))]
        elif v in ("f", "g", "c"):
            options += [f"{v}(x)"] if v != "c" else []
        elif v in ("fp", "gp", "cp"):
            options = [f"{v[0]}'", f"{v[0]}'(x)", f"{v[0]}′"] if v != "cp" else ["c'"]
        elif v in ("F", "G"):
            options = [f"{v.lower()}(x+h)", f"{v.lower()}(x + h)"]
        elif part.exercise == "chain" and v.startswith("u"):
            options = [f"u_{v[1]}", f"du/d{v[1]}", f"∂u/∂{v[1]}"]
        elif part.exercise == "chain":
            options = [f"{v[0]}_{v[1]}", f"d{v[0]}/d{v[1]}", f"∂{v[0]}/∂{v[1]}"]
        elif v == "fpg":
            options = ["f'(g(y))", "f'(x)"]
        elif v == "fpy":
            options = ["f'(y)"]
        out.append((v, rng.choice(options)))
    return tuple(out)


def random_style(part: Part, rng: random.Random) -> Style:
    norm = ""
    if part.exercise == "norm":
        norm = rng.choice(["", "||x||", "‖x‖", "‖x‖₂", "||x||_2", "norm(x)", "norm(x, 2)"])
    return Style(
        power=rng.choice(["^", "**"]),
        times=rng.choice(["*", " ", "·", "", "×"]),
        exp=rng.choice(["exp", "e^"]),
        log=rng.choice(["log", "ln"]),
        abs=rng.choice(["abs", "bars"]),
        sqrt=rng.choice(["sqrt", "sqrt", "pow"]),
        names=_names(part, rng),
        norm=norm,
        ime=rng.random() < 0.25,
    )


def _vector(components: list[str], rng: random.Random) -> str:
    if len(components) == 1:
        return rng.choice(["{}", "{}", "y = {}"]).format(components[0])
    body = rng.choice([", ", ",", "; "]).join(components)
    return rng.choice(["[{}]", "({})", "{}", "[{}]^T", "{{{}}}"]).format(body)


# ----------------------------------------------------------------------------- wrong


@dataclass(frozen=True)
class Generated:
    text: str
    family: str
    component: int  # which component was changed
    witness: tuple[tuple[str, sp.Expr], ...]  # a point where the changed component is wrong


def _magnitude(rng: random.Random, low: int = -3, high: int = 6) -> sp.Rational:
    """A nonzero value 10^U(low, high) with three significant digits, sometimes an integer."""
    exponent = rng.uniform(low, high)
    value = sp.Rational(round(10 ** (exponent - int(exponent) + 2)), 100) * sp.Integer(10) ** int(
        exponent
    )
    if rng.random() < 0.3:
        value = sp.Integer(max(1, round(value)))
    return value


def _shift(rng: random.Random, positive: bool) -> sp.Rational:
    a = _magnitude(rng)
    return a if positive or rng.random() < 0.5 else -a


def _coefficient(rng: random.Random) -> sp.Rational:
    return sp.Rational(rng.choice([1, 2, 3, 5, -1, -2, -7]), rng.choice([1, 1, 2, 3, 10]))


def wrong_answer(part: Part, rng: random.Random, family: str | None = None) -> Generated:
    """A wrong answer to ``part`` built by ``family`` (random when None), with a witness."""
    family = family or rng.choice(WRONG_FAMILIES)
    k = rng.randrange(len(part.want))
    w = part.want[k]
    names = list(part.spec.notation.variables)
    used = sorted((s.name for s in w.free_symbols), key=names.index)
    v = rng.choice(used or names)
    s = symbol(v)
    positive = v in part.positive
    style = random_style(part, rng)
    show = dict(style.names).get(v, v)
    a = _shift(rng, positive)
    c = _coefficient(rng)
    base = to_text(w, style)
    at: sp.Expr  # the witness value of v
    if family == "abs_one_side":  # c(|v - a| - (v - a)): zero for v >= a
        term = f"({c})*(|{show} - ({a})| - ({show} - ({a})))"
        at = a / 2 if positive else a - abs(a) - 1
    elif family == "abs_other_side":  # c(sqrt((v-a)^2) + (v - a)) written with abs: zero v <= a
        term = f"({c})*(abs({show} - ({a})) + ({show} - ({a})))"
        at = a + abs(a) + 1
    elif family == "sqrt_square":
        term = f"({c})*(sqrt(({show} - ({a}))^2) - ({show} - ({a})))"
        at = a / 2 if positive else a - abs(a) - 1
    elif family == "max_like":  # c max(v - a, 0)
        term = f"({c})*(({show} - ({a})) + |{show} - ({a})|)/2"
        at = a + abs(a) + 1
    elif family == "sign_like":  # c(v - a)(1 - sign(v - a)): zero for v > a, undefined at a
        term = f"({c})*({show} - ({a}))*(1 - |{show} - ({a})|/({show} - ({a})))"
        at = a / 2 if positive else a - abs(a) - 1
    elif family == "periodic_inverse":
        inverse = rng.choice([("acos", "cos", 4), ("asin", "sin", 2), ("atan", "tan", 2)])
        outer, inner, where = inverse
        if s in w.free_symbols and rng.random() < 0.7:
            wrapped = sp.Function(outer)(sp.Function(inner)(s))
            fake = sp.Symbol("ZZ")
            text = to_text(w.xreplace({s: fake}), style).replace("ZZ", f"{outer}({inner}({show}))")
            at = sp.Rational(where * 10 + 3, 10) if inner != "tan" else sp.Rational(22, 10)
            del wrapped
            return _finish(part, rng, style, k, text, family, v, at)
        term = f"({c})*({outer}({inner}({show})) - {show})"
        at = sp.Rational(where * 10 + 3, 10) if inner != "tan" else sp.Rational(22, 10)
    elif family == "decimal_grid":  # zero at every point with one (or three) decimals
        grid = rng.choice([10, 1000])
        term = f"({c})*sin({grid}*pi*{show})"
        at = sp.Rational(1, 2 * grid) + (sp.Integer(1) if positive else sp.Integer(0))
    elif family == "far_bump":
        a = _magnitude(rng, 2, 5) * (1 if positive or rng.random() < 0.5 else -1)
        term = f"({c})*exp(-({show} - ({a}))^2)"
        at = a
    elif family == "hole":
        a = _magnitude(rng, -1, 2) * (1 if positive or rng.random() < 0.5 else -1)
        top = to_text(sp.expand(w * (s - a)), style)
        text = f"({top})/({show} - ({a}))"
        return _finish(part, rng, style, k, text, family, v, a)
    elif family == "cancelled_hole":  # sympy cancels (v - a)/(v - a) while building it
        a = _magnitude(rng, -1, 2) * (1 if positive or rng.random() < 0.5 else -1)
        text = f"({base})*({show} - ({a}))/({show} - ({a}))"
        return _finish(part, rng, style, k, text, family, v, a)
    elif family == "irrational_hole":  # a hole at sqrt(k) or at asin(c): no sample hits it
        if rng.random() < 0.5:
            square = rng.choice([2, 3, 5, 7, 10])
            factor, at = s**2 - square, sp.sqrt(square)
        else:
            denominator = rng.choice([2, 3, 4, 5])
            q = sp.Rational(rng.randrange(1, denominator), denominator)  # in (0, 1): sin hits it
            factor, at = sp.sin(s) - q, sp.asin(q)
        top = to_text(sp.expand(w * factor), style)
        text = f"({top})/({to_text(factor, style)})"
        return _finish(part, rng, style, k, text, family, v, at)
    else:  # a plain slip: sign, factor, offset
        slip = rng.choice(["sign", "factor", "offset"])
        if slip == "sign" and w != 0:
            text = f"-({base})"
        elif slip == "factor" and w != 0:
            text = f"({c + 3 if c == -2 else c * 2})*({base})"
        else:
            text = f"{base} + ({c})"
        return _finish(part, rng, style, k, text, family, v, sp.Rational(3, 2))
    text = f"{base} + {term}" if w != 0 else term
    return _finish(part, rng, style, k, text, family, v, at)


def _finish(part, rng, style, k, text, family, v, at) -> Generated:
    comps = [to_text(w, style) for w in part.want]
    comps[k] = text
    return Generated(_vector(comps, rng), family, k, ((v, sp.nsimplify(at)),))


def _value(expr: sp.Expr, subs: dict) -> sp.Expr | None:
    try:
        value = sp.N(expr.xreplace(subs), 50)
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not value.is_number:
        return None
    re, im = value.as_real_imag()
    if abs(im) > sp.Float(10) ** -40 * max(1, abs(re)):
        return None
    return re


def as_typed(text: str, part: Part) -> tuple[sp.Expr, ...]:
    """The answer as typed, without sympy's automatic simplification (``(x-1)/(x-1)`` kept)."""
    with sp.evaluate(False):
        return read(text, part.spec.notation)


def is_wrong_at(part: Part, got: sp.Expr, k: int, witness, rng: random.Random) -> bool:
    """Whether component ``k`` of ``got`` is wrong at the witness (other variables random).

    ``got`` is best read by :func:`as_typed`: substituting the witness into it divides
    by zero where the typed answer does.
    """
    w = part.want[k]
    for _ in range(5):
        subs = {}
        for name in part.spec.notation.variables:
            value = sp.Rational(rng.randint(3, 29), 10) * (
                1 if name in part.positive or rng.random() < 0.5 else -1
            )
            subs[symbol(name)] = value
        for name, value in witness:
            if not value.is_real:  # a generator's slip: no real point to witness
                return False
            subs[symbol(name)] = value
        b = _value(w, subs)
        if b is None:
            continue
        a = _value(got, subs)
        if a is None or abs(a - b) > sp.Float(10) ** -30 * max(1, abs(b)):
            return True
    return False


# ----------------------------------------------------------------------------- right


def _forms(w: sp.Expr) -> list[sp.Expr]:
    forms = [w]
    for rewrite in (sp.expand, sp.factor, sp.together, sp.cancel, sp.powsimp, sp.expand_log):
        try:
            f = rewrite(w)
        except (TypeError, ValueError, sp.PolynomialError, NotImplementedError):
            continue
        if f not in forms and sp.count_ops(f) <= 3 * sp.count_ops(w) + 8:
            forms.append(f)
    return forms


def right_answer(part: Part, rng: random.Random) -> str:
    """The reference answer rewritten (a random equal form) in a random notation."""
    style = random_style(part, rng)
    comps = [to_text(rng.choice(_forms(w)), style) for w in part.want]
    text = _vector(comps, rng)
    return text.translate(_FULL_WIDTH) if style.ime else text


_FULL_WIDTH = str.maketrans("(),+", "（），＋")


__all__ = [
    "POSITIVE",
    "WRONG_FAMILIES",
    "Generated",
    "Part",
    "Style",
    "as_typed",
    "is_wrong_at",
    "parts",
    "right_answer",
    "to_text",
    "wrong_answer",
]
