"""Take it away: every view as a Jupyter notebook that runs as it is.

A notebook holds the book's code cell for the current inputs (the one the page
shows), a plot in the book's style (``d2l.plot``, with the book's helpers written
out in a few lines so that neither the ``d2l`` package nor PyTorch is needed), and
the check the page made, as assertions that fail loudly if the numbers differ.
Every text cell goes through ``t()``; what the visitor typed appears only inside
code (``def f(x): return ...`` printed from the parsed tree, never the raw text).

The files are built on the click (``st.download_button`` with a callable), so a
page's first paint pays for one button.

Examples
--------
>>> from calc_core.limits import analyze
>>> words = {"title": "T", "book": "B", "plot": "P", "check": "C"}
>>> cells = limits_cells(analyze("3x^2 - 4x", 1.0), words)
>>> [kind for kind, _ in cells]
['markdown', 'code', 'markdown', 'code', 'markdown', 'code', 'markdown', 'code']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import streamlit as st

from lab_ui.i18n import t

if TYPE_CHECKING:  # the records only; this module imports nothing a page does not
    from calc_core.backprop import BackpropResult
    from calc_core.chain import ChainResult
    from calc_core.diffsteps import StepsResult
    from calc_core.gradcheck import GradCheck
    from calc_core.gradients import GradientResult
    from calc_core.limits import LimitsResult
    from calc_core.matrix_rules import RuleCheck

Cell = tuple[str, str]  # ("markdown" | "code", source)

#: The book's plotting helpers (d2l.set_axes and d2l.plot), in our own few lines.
D2L_HELPERS = '''\
from types import SimpleNamespace

import numpy as np
from matplotlib import pyplot as plt


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Label the axes, set their limits and scales, and draw the legend and grid."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
         xscale="linear", yscale="linear", fmts=("-", "m--", "g-.", "r:"),
         figsize=(3.5, 2.5), axes=None):
    """Plot one or several curves, as d2l.plot does."""

    def one_axis(v):
        return getattr(v, "ndim", None) == 1 or (
            isinstance(v, list) and not hasattr(v[0], "__len__"))

    if one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    if axes is None:
        axes = plt.figure(figsize=figsize).gca()
    for x, y, fmt in zip(X, Y, fmts):
        axes.plot(x, y, fmt) if len(x) else axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


d2l = SimpleNamespace(plot=plot, set_axes=set_axes, plt=plt)
'''


def _without_d2l_import(code: str) -> str:
    """The book's cell, its ``from d2l import torch as d2l`` served by the helpers above."""
    return "\n".join(line for line in code.splitlines() if not line.startswith("from d2l "))


def _literal(value: float) -> str:
    """A float as Python source (``nan`` and ``inf`` are not literals)."""
    return repr(value) if math.isfinite(value) else f"float({str(value)!r})"


def _standard_cells(words: dict[str, str], book_code: str, plot_code: str) -> list[Cell]:
    """How a plotted view's notebook opens: its title, the book's plotting helpers, the
    code for these inputs, and the plot."""
    return [
        ("markdown", words["title"]),
        ("code", D2L_HELPERS),
        ("markdown", words["book"]),
        ("code", book_code),
        ("markdown", words["plot"]),
        ("code", plot_code),
    ]


def _with_check(cells: list[Cell], check: str | None, words: dict[str, str]) -> list[Cell]:
    return cells + ([("markdown", words["check"]), ("code", check)] if check else [])


def limits_cells(r: LimitsResult, words: dict[str, str]) -> list[Cell]:
    """The limits page: the ``numerical_lim`` cell, the error against h, and the check.

    In a narrower format the cell computes as the page does (``r.book_dtype``) and the
    check asks for the page's quotients exactly; where f has no such code the cell runs
    in float64 and the notebook says so instead of checking.
    """
    narrow = r.book_dtype != "float64"
    quotients = [_literal(row.quotient) for row in r.rows]
    hs = [repr(row.h) for row in r.rows]
    exact = r.derivative.value if r.derivative.exists else None
    at = "float(numerical_lim(f, x, dtype(h))[0])" if narrow else "numerical_lim(f, x0, h)"
    plot = [
        f"x0 = np.float64({r.x0!r})",
        "hs = 10.0 ** -np.arange(1, 17)",
        "with np.errstate(all='ignore'):  # h below the format's reach: 0/0",
        f"    quotients = np.array([{at} for h in hs])",
    ]
    if exact is not None:
        plot += [
            f"exact = {exact!r}  # f'(x0)",
            "d2l.plot(hs, [np.abs(quotients - exact) + 1e-17], 'h', 'error',",
            "         xscale='log', yscale='log', figsize=(5, 3))",
        ]
    else:
        plot += ["d2l.plot(hs, [quotients], 'h', 'quotient', xscale='log', figsize=(5, 3))"]
    check = [f"page_h = [{', '.join(hs)}]", f"page_quotients = [{', '.join(quotients)}]"]
    if narrow:
        check += [
            "for h, shown in zip(page_h, page_quotients):",
            "    with np.errstate(all='ignore'):",
            "        got = float(numerical_lim(f, x, dtype(h))[0])",
            "    assert got == shown or (got != got and shown != shown), (h, got, shown)",
            f"print('OK: the page\\'s {r.book_dtype} quotients are reproduced exactly')",
        ]
    else:
        check += [
            f"x0 = np.float64({r.x0!r})",
            "with np.errstate(all='ignore'):",
            "    f0 = abs(f(x0)) if np.isfinite(f(x0)) else 1.0",
            "for h, shown in zip(page_h, page_quotients):",
            "    with np.errstate(all='ignore'):",
            "        got = numerical_lim(f, x0, h)",
            "    # f's last bit may differ from the page's (a power on one number, not an array),",
            "    # and the quotient divides it by h",
            "    tolerance = 1e-12 * max(1.0, abs(shown)) + 1e-14 * max(1.0, f0) / h",
            "    close = abs(got - shown) <= tolerance",
            "    assert got == shown or (got != got and shown != shown) or close, (h, got, shown)",
            "print('OK: the page\\'s quotients are reproduced')",
        ]
    cells = _standard_cells(words, r.book_code, "\n".join(plot))
    if r.book_dtype != r.dtype:
        # f has no code computing as the page does: the cell above runs in float64, so
        # the page's quotients are not what it prints; say so instead of checking them
        return [*cells, ("markdown", words["dtype"])]
    return _with_check(cells, "\n".join(check), words)


def tangent_cells(book: str, f_def: str, x0: float, slope: float | None, words) -> list[Cell]:
    """The tangent page: the book's ``d2l.plot`` cell, and the slope checked numerically."""
    cells = [
        ("markdown", words["title"]),
        ("code", D2L_HELPERS),
        ("markdown", words["plot"]),
        ("code", _without_d2l_import(book)),
    ]
    if slope is not None:
        check = [
            "import numpy as np",
            "",
            f_def,
            "",
            f"x0, slope = {x0!r}, {slope!r}",
            "h = 1e-5 * max(1.0, abs(x0))",
            "central = (f(x0 + h) - f(x0 - h)) / (2 * h)",
            "assert abs(central - slope) <= 1e-6 * max(1.0, abs(slope)), (central, slope)",
            "print('OK: the central difference gives the tangent slope', slope)",
        ]
        return _with_check(cells, "\n".join(check), words)
    return cells


def _along_axes(point: Sequence[float], names: Sequence[str]) -> str:
    """A d2l-style plot of f along each coordinate axis through the point."""
    legend = [f"{name} + t" for name in names]
    return "\n".join(
        [
            f"x = np.array([{', '.join(repr(float(v)) for v in point)}])",
            "t = np.linspace(-1, 1, 201)",
            "curves = []",
            "for i in range(len(x)):",
            "    e = np.zeros_like(x)",
            "    e[i] = 1.0",
            "    curves.append(np.array([f(x + s * e) for s in t]))",
            f"d2l.plot(t, curves, 't', 'f', legend={legend!r}, figsize=(5, 3))",
        ]
    )


def _gradient_check(values: Sequence[float | None]) -> str | None:
    """Assert that central differences give the page's gradient (None if it has none)."""
    if not all(v is not None and math.isfinite(v) for v in values):
        return None
    return "\n".join(
        [
            f"exact = np.array([{', '.join(repr(float(v)) for v in values)}])  # the page's",
            "numeric = numerical_grad(f, x)",
            "assert np.allclose(numeric, exact, rtol=1e-6, atol=1e-8), (numeric, exact)",
            "print('OK: central differences give the gradient', exact)",
        ]
    )


def gradients_cells(r: GradientResult, words: dict[str, str]) -> list[Cell]:
    """The gradients page: the numerical gradient cell, f along each axis, and the check."""
    cells = _standard_cells(words, r.book_code, _along_axes(r.point, r.names))
    values = [p.value for p in r.partials] if r.status == "ok" else [None]
    return _with_check(cells, _gradient_check(values), words)


def graph_cells(r: BackpropResult, gradient: Sequence[float], words: dict[str, str]) -> list[Cell]:
    """The chain rule's graph view: f in numpy, f along each input, and the AD gradient
    (backward pass or forward mode, ``gradient``) checked by central differences."""
    cells = _standard_cells(words, r.book_code, _along_axes(r.point, r.variables))
    return _with_check(cells, _gradient_check(gradient), words)


def steps_cells(r: StepsResult, words: dict[str, str]) -> list[Cell]:
    """The steps view: f and the rules' result in sympy, a plot of both, and the check."""
    setup = ["from sympy import *", "", "x = Symbol('x', real=True)"]
    if r.abstract:
        setup.append("f, g = Function('f'), Function('g')")
    if "_xi" in r.derivative_code:
        setup.append("_xi = Dummy('xi')")
    setup += [
        f"F = {r.f_code}",
        f"ours = {r.derivative_code}  # the last line of the steps",
        "print('dF/dx =', ours)",
    ]
    if r.check == "symbolic":
        check = [
            "difference = ours - diff(F, x)",
            "assert any(step(difference) == 0 for step in (expand, cancel, simplify)), difference",
            "print('OK: the steps end in sympy\\'s derivative (proved)')",
        ]
    else:
        check = [
            "difference = ours - diff(F, x)",
            "for p in (0.3, 0.7, 1.3, 2.1, -0.4, -1.7):",
            "    v = N(difference.subs(x, p))",
            "    if v.is_real and v.is_finite:",
            "        assert abs(v) < 1e-9, (p, v)",
            "print('OK: the steps agree with sympy\\'s derivative at the test points')",
        ]
    cells = [("markdown", words["title"]), ("code", "\n".join(setup))]
    if not r.abstract:
        plot = [
            "import numpy as np",
            "",
            "fn, dfn = lambdify(x, F, 'numpy'), lambdify(x, ours, 'numpy')",
            "xs = np.linspace(-3, 3, 601)",
            "with np.errstate(all='ignore'):",
            "    ys = [np.real_if_close(fn(xs) + 0 * xs), np.real_if_close(dfn(xs) + 0 * xs)]",
            "    ys = [np.where(np.isreal(y), np.real(y), np.nan) for y in ys]",
            "d2l.plot(xs, ys, 'x', 'f(x)', legend=['f(x)', \"f'(x)\"], figsize=(5, 3))",
        ]
        cells += [("code", D2L_HELPERS), ("markdown", words["plot"]), ("code", "\n".join(plot))]
    return _with_check(cells, "\n".join(check), words)


def rules_cells(c: RuleCheck, formula: str, words: dict[str, str]) -> list[Cell]:
    """One of the book's matrix rules on the page's random example: the page's code cell
    (central differences in denominator layout), f along the first coordinate beside the
    rule's linear approximation, and the page's numbers and the rule checked."""
    name = "X" if c.rule == "frobenius" else "x"
    plot = [
        f"G = {formula}  # the rule: row i of G is d f / d {name}[i] (denominator layout)",
        f"first = (0,) * {name}.ndim",
        f"e = np.zeros_like({name})",
        "e[first] = 1.0",
        "t = np.linspace(-1, 1, 101)",
        f"along = np.array([np.ravel(f({name} + s * e))[0] for s in t])",
        f"linear = np.ravel(f({name}))[0] + t * np.ravel(G[first])[0]",
        "d2l.plot(t, [along, linear], 't', 'f', figsize=(5, 3),",
        f"         legend=['f({name} + t e1)', 'f({name}) + t (df/d{name}1 by the rule)'])",
    ]
    check = [
        f"page = np.array({c.numeric.tolist()!r})  # the page's central differences",
        "assert np.allclose(grad.reshape(page.shape), page, rtol=1e-12, atol=1e-12), grad",
        f"assert np.allclose(grad.reshape(np.shape({formula})), {formula}, atol=1e-6)",
        f"print('OK: central differences give {formula}, as the page showed')",
    ]
    return _with_check(_standard_cells(words, c.code, "\n".join(plot)), "\n".join(check), words)


def _format_lines(dtype: str) -> list[str]:
    """The cell's first lines: numpy, and the format every number below is stored in."""
    if dtype == "bfloat16":
        return ["import numpy as np", "from ml_dtypes import bfloat16", "", "dtype = bfloat16"]
    return ["import numpy as np", "", f"dtype = np.{dtype}"]


def gradcheck_cells(r: GradCheck, grid: Sequence[float], words: dict[str, str]) -> list[Cell]:
    """The gradient check view: f and the gradient under test in the page's format,
    central differences as ``torch.autograd.gradcheck`` takes them, its rule per
    component, the error against h, and the page's numbers and verdicts reproduced.
    None of it where f or a component has no code computing as the page does."""
    if r.f_code is None or None in r.gradient_code:
        return [("markdown", words["title"]), ("markdown", words["dtype"])]
    names = [c.name for c in r.components]
    args = ", ".join(names)
    code = _format_lines(r.dtype)
    code[-1] += f"  # every number below is stored and computed in {r.dtype}"
    code += ["", f"def f({args}):", f"    return {r.f_code}", "", "gradient = ["]
    code += [
        f"    lambda {args}: {g},  # d f / d {n}"
        for n, g in zip(names, r.gradient_code, strict=True)
    ]
    code += [
        "]",
        "",
        "def central(f, point, h):",
        '    """d f / d x_i by central differences, every operation in the format."""',
        "    x = point.astype(dtype)",
        "    out = []",
        "    for i in range(len(x)):",
        "        plus = [x[k:k + 1] for k in range(len(x))]",
        "        minus = list(plus)",
        "        plus[i], minus[i] = x[i:i + 1] + dtype(h), x[i:i + 1] - dtype(h)",
        "        out.append(float(((f(*plus) - f(*minus)) / (2 * dtype(h)))[0]))",
        "    return np.array(out)",
        "",
        f"point = np.array([{', '.join(repr(v) for v in r.point)}])",
        f"h, atol, rtol = {r.h!r}, {r.atol!r}, {r.rtol!r}  # torch.autograd.gradcheck's rule",
        "x = [point.astype(dtype)[k:k + 1] for k in range(len(point))]",
        "with np.errstate(all='ignore'):",
        "    analytic = np.array([float(g(*x)[0]) for g in gradient])",
        "    numeric = central(f, point, h)",
        "passed = np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)",
        f"for name, a, n, ok in zip({names!r}, analytic, numeric, passed):",
        "    print(f'{name}: analytic {a:.8g}  numeric {n:.8g}  pass {ok}')",
    ]
    plot = [
        f"hs = np.array({list(grid)!r})",
        "with np.errstate(all='ignore'):",
        "    errors = np.array([np.abs(analytic - central(f, point, s)) for s in hs]).T",
        "tolerance = atol + rtol * np.abs(numeric)",
        "d2l.plot(hs, [*errors, np.full_like(hs, tolerance.min())], 'h', '|analytic - numeric|',",
        f"         legend=[*{names!r}, 'atol + rtol |numeric|'], xscale='log', yscale='log',",
        "         fmts=('-', 'm--', 'g-.', 'c-', 'y--', 'b-.', 'k-', 'r:'), figsize=(5, 3))",
    ]
    page = [(c.analytic, c.numeric, c.passed) for c in r.components]
    check = [
        f"page = {page!r}  # (analytic, numeric, passed) per component, as the page showed",
        "for (a, n, ok), want in zip(zip(analytic, numeric, passed), page):",
        "    got = (a if np.isfinite(a) else None, n if np.isfinite(n) else None,",
        "           bool(ok) if np.isfinite(a) and np.isfinite(n) else None)",
        "    assert got == want, (got, want)",
        "print('OK: the page\\'s numbers and verdicts are reproduced exactly')",
    ]
    cells = _standard_cells(words, "\n".join(code), "\n".join(plot))
    return _with_check(cells, "\n".join(check), words)


def chain_cells(r: ChainResult, words: dict[str, str]) -> list[Cell]:
    """The book's exercise: u of intermediates of the inputs; the chain rule's sum for each
    input proved equal to the composite's derivative, and the page's values reproduced."""
    inputs, inner = r.inputs, [name for name, _ in r.definition_code]
    code = [
        "import sympy as sp",
        "from sympy import *  # the functions; every name below is a Symbol",
        "",
        f"{', '.join(inputs)}, = sp.symbols({' '.join(inputs)!r}, real=True)",
        f"{', '.join(inner)}, = sp.symbols({' '.join(inner)!r}, real=True)",
        "defs = {" + ", ".join(f"{n}: {c}" for n, c in r.definition_code) + "}",
        f"u = {r.output_code}",
        "",
        "def composite(e):",
        "    for _ in range(len(defs)):  # a definition may use an earlier one",
        "        e = e.subs(defs)",
        "    return e",
        "",
        f"for wrt in ({', '.join(inputs)},):",
        "    chain = sp.diff(u, wrt) + sum(sp.diff(u, v) * sp.diff(composite(d), wrt)",
        "                                  for v, d in defs.items())",
        "    print(f'du/d{wrt} =', composite(chain))",
    ]
    point = ", ".join(f"{name}: {value!r}" for name, value in r.point)
    check = [
        f"at = {{{point}}}",
        "for wrt in (" + ", ".join(inputs) + ",):",
        "    chain = composite(sp.diff(u, wrt) + sum(sp.diff(u, v) * sp.diff(composite(d), wrt)",
        "                                            for v, d in defs.items()))",
        "    direct = sp.diff(composite(u), wrt)",
        "    assert any(step(chain - direct) == 0 for step in (sp.expand, sp.simplify)) or all(",
        "        abs(sp.N((chain - direct).subs({wrt: p}).subs(at))) < 1e-9 for p in (0.3, 1.1)",
        "    ), wrt",
    ]
    for w in r.walkthroughs:
        if w.value is not None and math.isfinite(w.value):
            check += [
                f"value = float(sp.N(composite(sp.diff(u, {w.wrt}) + sum(sp.diff(u, v) * "
                f"sp.diff(composite(d), {w.wrt}) for v, d in defs.items())).subs(at)))",
                f"assert abs(value - {w.value!r}) <= 1e-9 * max(1.0, abs(value)), value",
            ]
    check.append("print('OK: the chain rule gives the derivative of the composite')")
    cells = [("markdown", words["title"]), ("code", "\n".join(code))]
    return _with_check(cells, "\n".join(check), words)


def chain_abstract_cells(r: ChainResult, words: dict[str, str]) -> list[Cell] | None:
    """The book's exercise in general: u = f of the intermediates, each a function of the
    inputs; sympy's derivative of u is the chain rule's sum, term by term as the page
    wrote it. None unless every term runs input → intermediate → u."""
    terms = {w.wrt: [term.path for term in w.terms] for w in r.walkthroughs}
    paths = [p for ps in terms.values() for p in ps]
    if not paths or any(len(p) != 3 or p[2] != r.output for p in paths):
        return None
    inputs, inner = r.inputs, r.intermediates
    code = [
        "import sympy as sp",
        "",
        f"{', '.join(inputs)}, = sp.symbols({' '.join(inputs)!r}, real=True)",
        f"inner = {{name: sp.Function(name)({', '.join(inputs)}) for name in {inner!r}}}",
        "f = sp.Function('f')",
        f"u = f(*inner.values())  # {r.output} = f({', '.join(inner)})",
        f"for wrt in ({', '.join(inputs)},):",
        f"    print(f'd{r.output}/d{{wrt}} =', sp.diff(u, wrt))",
    ]
    through = {wrt: [p[1] for p in ps] for wrt, ps in terms.items()}
    check = [
        f"plain = sp.symbols({' '.join(inner)!r}, real=True)  # the intermediates as variables",
        "at_inner = dict(zip(plain, inner.values()))",
        f"terms = {{{', '.join(f'{w}: {v!r}' for w, v in through.items())}}}  # the page's",
        "for wrt, names in terms.items():",
        "    rule = sum(",
        "        sp.diff(f(*plain), plain[list(inner).index(v)]).subs(at_inner, simultaneous=True)",
        "        * sp.diff(inner[v], wrt)",
        "        for v in names",
        "    )",
        "    assert sp.simplify(sp.diff(u, wrt) - rule) == 0, wrt",
        "print('OK: sympy\\'s derivative of u is the chain rule\\'s sum, term by term')",
    ]
    cells = [("markdown", words["title"]), ("code", "\n".join(code))]
    return _with_check(cells, "\n".join(check), words)


def notebook(cells: Sequence[Cell]) -> bytes:
    """The cells as an ``.ipynb`` file (nbformat 4, a Python 3 kernel)."""
    import nbformat  # only when a visitor asks for a file

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells = [make[kind](source) for kind, source in cells if source]
    nbformat.validate(nb)
    return nbformat.writes(nb).encode("utf-8")


def words(page: str, plot: bool = True, **params: str) -> dict[str, str]:
    """A notebook's text cells in the visitor's language (looked up now, during the run)."""
    found = {"title": t(f"export.{page}_title", **params), "check": t("export.check")}
    found["book"] = t("export.book")
    if plot:
        found["plot"] = t(f"export.{page}_plot")
    return found


def download(
    make_cells: Callable[[], list[Cell]], name: str, help_key: str = "export.notebook_help"
) -> None:
    """A button that builds the notebook only when clicked."""
    st.download_button(
        t("export.notebook"),
        help=t(help_key),
        data=lambda: notebook(make_cells()),
        file_name=f"{name}.ipynb",
        mime="application/x-ipynb+json",
        key=f"notebook_{name}",
        on_click="ignore",
        icon=":material/download:",
    )
