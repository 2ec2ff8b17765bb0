"""The exercises page's notebook: an exercise's right answers derived in sympy.

One notebook per exercise card: the statement in the visitor's language (our text),
the page's right answers derived by sympy from the exercise's function (the catalog's
references, :mod:`calc_core.exercise_derivations`, never a learner's text), each
compared with central differences at a few points, and the function with its
derivative (or tangent line) in the book's plotting style where it has one variable.
"""

from __future__ import annotations

from calc_core.exercise_derivations import Derivations, Step
from lab_ui.notebooks import D2L_HELPERS, Cell


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _step(s: Step) -> str:
    """One entry of the notebook's ``steps`` list, as sympy code."""
    fields = [
        f"part={s.part!r}",
        f"f={s.function}",
        f"wrt=[{', '.join(s.variables)}]",
        f"reference=[{', '.join(s.reference)}]",
    ]
    if s.arguments:
        fields.append(f"args=[{', '.join(s.arguments)}]")
    if s.at is not None:
        at = ", ".join(f"{v}: {_number(p)}" for v, p in zip(s.inputs, s.at, strict=True))
        fields.append(f"at={{{at}}}")
    if s.line:
        fields.append("line=True")
    points = ", ".join("(" + ", ".join(_number(v) for v in p) + ",)" for p in s.points)
    fields.append(f"points=[{points}]")
    return f"    dict({', '.join(fields)}),"


def _derivation(d: Derivations) -> str:
    lines = ["from sympy import *", ""]
    lines += [
        f"{names.replace(' ', ', ')} = symbols({names!r}, {kw})"
        if " " in names
        else f"{names} = Symbol({names!r}, {kw})"
        for names, kw in d.symbols
    ]
    lines += [*d.setup, "", "# what the exercise asks for, and the page's right answer"]
    lines += ["steps = [", *map(_step, d.steps), "]", ""]
    lines += [
        "for step in steps:",
        "    derived = [diff(step['f'], var) for var in step['wrt']]",
        "    if 'at' in step:  # the derivative at a point: a slope",
        "        derived = [d.subs(step['at']) for d in derived]",
        "    if step.get('line'):  # the tangent line there",
        "        (var,) = step['wrt']",
        "        derived = [step['f'].subs(step['at']) + derived[0] * (var - step['at'][var])]",
        "    print(step['part'], ':', derived)",
        "    pairs = zip(derived, step['reference'], strict=True)",
        "    assert all(simplify(d - r) == 0 for d, r in pairs), (step['part'], derived)",
        "print('OK: sympy derives the page\\'s right answers')",
    ]
    return "\n".join(lines)


def _numeric(d: Derivations) -> str:
    values = ", ".join(f"{name}: {v!r}" for name, v in d.values)
    return "\n".join(
        [
            "import numpy as np",
            "",
            f"values = {{{values}}}  # numbers for the constants",
            "for step in steps:",
            "    args = step.get('args', step['wrt'])",
            "    fn = lambdify(args, S(step['f']).subs(values), 'numpy')",
            "    want = [diff(r, var) if step.get('line') else S(r)",
            "            for r, var in zip(step['reference'], step['wrt'], strict=True)]",
            "    want = [lambdify(args, w.subs(values), 'numpy') for w in want]",
            "    for point in step['points']:",
            "        point = np.array(point, dtype=float)",
            "        for var, expected in zip(step['wrt'], want):",
            "            k = args.index(var)",
            "            dh = 1e-6 * max(1.0, abs(point[k]))",
            "            shift = np.zeros_like(point)",
            "            shift[k] = dh",
            "            numeric = (fn(*(point + shift)) - fn(*(point - shift))) / (2 * dh)",
            "            exact = float(expected(*point))",
            "            close = np.isclose(numeric, exact, rtol=1e-6, atol=1e-8)",
            "            assert close, (step['part'], point, numeric, exact)",
            "        if step.get('line'):  # the line touches f there",
            "            line = lambdify(args, S(step['reference'][0]).subs(values), 'numpy')",
            "            assert np.isclose(fn(*point), line(*point)), step['part']",
            "print('OK: central differences agree with the page\\'s right answers at every point')",
        ]
    )


def _plot(d: Derivations) -> str:
    p = d.plot
    assert p is not None
    v = p.variable
    return "\n".join(
        [
            f"fn = lambdify({v}, S({p.function}).subs(values), 'numpy')",
            f"answer = lambdify({v}, S({p.answer}).subs(values), 'numpy')",
            f"xs = np.linspace({p.low!r}, {p.high!r}, 301)",
            "with np.errstate(all='ignore'):",
            "    ys = [fn(xs) + 0 * xs, answer(xs) + 0 * xs]",
            f"d2l.plot(xs, ys, {v!r}, 'f', legend=['f({v})', {p.answer_label!r}], figsize=(5, 3))",
        ]
    )


def exercise_cells(d: Derivations, words: dict[str, str]) -> list[Cell]:
    """The notebook of one exercise: statement, sympy's derivation, the numeric check
    and, for a function of one variable, the plot."""
    cells: list[Cell] = [
        ("markdown", words["title"]),
        ("markdown", words["statement"]),
        ("markdown", words["book"]),
        ("code", _derivation(d)),
        ("markdown", words["check"]),
        ("code", _numeric(d)),
    ]
    if d.plot is not None:
        cells += [("code", D2L_HELPERS), ("markdown", words["plot"]), ("code", _plot(d))]
    return cells
