"""The book's gradient rules, checked on random small matrices: symbolically and numerically.

D2L 2.4.3 lists, for A in R^{m x n} and x of matching size,

* ∇x (Ax) = Aᵀ and ∇x (xᵀA) = A,
* for square A: ∇x (xᵀAx) = (A + Aᵀ)x,
* ∇x ||x||² = ∇x (xᵀx) = 2x, and for a matrix X: ∇X ||X||_F² = 2X.

These are written in the *denominator layout*: the derivative of y with respect to x
has one row per entry of x, ``D[i, j] = ∂y_j / ∂x_i`` (so a gradient is a column like
x, and ∇X has the shape of X). The *numerator layout* -- the Jacobian, one row per entry
of y, as matrixcalculus.org prints it -- is the transpose: there ∂(Ax)/∂x = A. Both
describe the same derivative (d2l-en issue 2532 asks about exactly this).

:func:`check_rule` draws A and x from a seed, differentiates the expression entry by
entry with sympy on matrices of symbols (``a_ij``, ``x_i``), confirms the result equals
the rule's formula exactly, plugs in the numbers, and compares with central
differences computed by numpy.

Examples
--------
>>> r = check_rule("Ax", seed=0, m=2, n=3)
>>> r.symbolic_matches, r.max_error < 1e-6, r.denominator_shape, r.numerator_shape
(True, True, (3, 2), (2, 3))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from calc_core import printing
from calc_core.errors import InputError

RULES = ("Ax", "xTA", "xTAx", "norm_sq", "frobenius")
#: Entries of A and x are integers in [-ENTRY, ENTRY] (readable, exact).
ENTRY_A = 5
ENTRY_X = 3
MAX_SIZE = 4
SEED_LIMIT = 10**6
#: Central-difference step (the functions are polynomials of degree <= 2: exact up to rounding).
STEP = 1e-4

_FORMULA = {
    "Ax": (
        r"\nabla_{\mathbf{x}} (\mathbf{A}\mathbf{x}) = \mathbf{A}^\top",
        r"\frac{\partial (\mathbf{A}\mathbf{x})}{\partial \mathbf{x}} = \mathbf{A}",
    ),
    "xTA": (
        r"\nabla_{\mathbf{x}} (\mathbf{x}^\top\mathbf{A}) = \mathbf{A}",
        r"\frac{\partial (\mathbf{x}^\top\mathbf{A})}{\partial \mathbf{x}} = \mathbf{A}^\top",
    ),
    "xTAx": (
        r"\nabla_{\mathbf{x}} (\mathbf{x}^\top\mathbf{A}\mathbf{x}) = "
        r"(\mathbf{A} + \mathbf{A}^\top)\mathbf{x}",
        r"\frac{\partial (\mathbf{x}^\top\mathbf{A}\mathbf{x})}{\partial \mathbf{x}} = "
        r"\mathbf{x}^\top(\mathbf{A} + \mathbf{A}^\top)",
    ),
    "norm_sq": (
        r"\nabla_{\mathbf{x}} \|\mathbf{x}\|^2 = \nabla_{\mathbf{x}} "
        r"\mathbf{x}^\top\mathbf{x} = 2\mathbf{x}",
        r"\frac{\partial \|\mathbf{x}\|^2}{\partial \mathbf{x}} = 2\mathbf{x}^\top",
    ),
    "frobenius": (
        r"\nabla_{\mathbf{X}} \|\mathbf{X}\|_F^2 = 2\mathbf{X}",
        r"\frac{\partial \|\mathbf{X}\|_F^2}{\partial \mathbf{X}} = 2\mathbf{X}^\top",
    ),
}

_CODE_F = {
    "Ax": ("A @ x", "A.T"),
    "xTA": ("x @ A", "A"),
    "xTAx": ("x @ A @ x", "(A + A.T) @ x"),
    "norm_sq": ("x @ x", "2 * x"),
    "frobenius": ("np.sum(X ** 2)", "2 * X"),
}


@dataclass(frozen=True)
class RuleCheck:
    """One rule on one random example: formula, symbolic result, numbers and their check."""

    rule: str
    seed: int
    m: int
    n: int
    formula_latex: str  # denominator layout, as the book writes it
    numerator_latex: str  # the same derivative in numerator layout (the transpose)
    shapes_latex: str
    symbolic_latex: str  # sympy's entry-by-entry derivative on symbols, denominator layout
    symbolic_matches: bool  # ... equals the formula applied to the symbols, exactly
    a: np.ndarray | None  # the random A (None for the rules without A)
    x: np.ndarray  # the random x (or X)
    a_latex: str | None
    x_latex: str  # the random x (or X)
    value_latex: str  # the formula's value for these numbers (denominator layout)
    numerator_value_latex: str  # its transpose (numerator layout)
    numeric: np.ndarray  # central differences, denominator layout
    max_error: float  # max |central difference - formula|
    denominator_shape: tuple[int, int]
    numerator_shape: tuple[int, int]
    code: str
    output: tuple[str, ...]


def sizes(rule: str, seed: int) -> tuple[int, int]:
    """The (m, n) a seed gives a rule: 2 or 3 each (square rules use n only)."""
    rng = np.random.default_rng([seed, RULES.index(rule)])
    m, n = (int(v) for v in rng.integers(2, 4, size=2))
    return (n, n) if rule in ("xTAx", "norm_sq") else (m, n)


def _symbols(prefix: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{prefix}{i + 1}{j + 1}", real=True))


def _vector(prefix: str, size: int) -> sp.Matrix:
    return sp.Matrix(size, 1, lambda i, _: sp.Symbol(f"{prefix}{i + 1}", real=True))


def _jacobian_denominator(y: sp.Matrix, x: sp.Matrix) -> sp.Matrix:
    """``D[i, j] = ∂y_j / ∂x_i`` for vectors (or a scalar y: a column like x)."""
    ys, xs = list(y), list(x)
    return sp.Matrix(len(xs), len(ys), lambda i, j: sp.diff(ys[j], xs[i]))


def _numeric(rule: str, a: np.ndarray | None, x: np.ndarray) -> np.ndarray:
    """Central differences of the rule's function at x, in denominator layout."""
    functions = {
        "Ax": lambda v: a @ v,
        "xTA": lambda v: v @ a,
        "xTAx": lambda v: np.atleast_1d(v @ a @ v),
        "norm_sq": lambda v: np.atleast_1d(v @ v),
        "frobenius": lambda v: np.atleast_1d(np.sum(v**2)),
    }
    f = functions[rule]
    out = np.zeros(x.shape + f(x).shape)
    for index in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[index] = STEP
        out[index] = (f(x + e) - f(x - e)) / (2 * STEP)
    if rule == "frobenius":
        return out[..., 0]
    return out  # (n, m) for vector y, (n, 1) for scalar y


def check_rule(rule: str, seed: int, m: int | None = None, n: int | None = None) -> RuleCheck:
    """Check one rule on a random A and x drawn from ``seed`` (sizes from the seed unless given).

    Raises
    ------
    ValueError
        For an unknown rule or sizes outside 1..MAX_SIZE (programming errors: the page
        only passes known rules and a validated seed).
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    dm, dn = sizes(rule, seed)
    m = dm if m is None else m
    n = dn if n is None else n
    if rule in ("xTAx", "norm_sq"):
        m = n
    if not (1 <= m <= MAX_SIZE and 1 <= n <= MAX_SIZE):
        raise ValueError(f"sizes must be between 1 and {MAX_SIZE}")
    rng = np.random.default_rng([seed, RULES.index(rule), m, n])
    a_num = rng.integers(-ENTRY_A, ENTRY_A + 1, size=(m, n))
    x_size = {"Ax": (n,), "xTA": (m,), "xTAx": (n,), "norm_sq": (n,), "frobenius": (m, n)}[rule]
    x_num = rng.integers(-ENTRY_X, ENTRY_X + 1, size=x_size).astype(float)

    a_sym = _symbols("a", m, n)
    if rule == "frobenius":
        x_sym = _symbols("x", m, n)
        y = sum(v**2 for v in x_sym)
        derived = sp.Matrix(m, n, lambda i, j: sp.diff(y, x_sym[i, j]))
        formula = 2 * x_sym
    else:
        x_sym = _vector("x", x_size[0])
        y = {
            "Ax": lambda: a_sym * x_sym,
            "xTA": lambda: x_sym.T * a_sym,
            "xTAx": lambda: x_sym.T * a_sym * x_sym,
            "norm_sq": lambda: x_sym.T * x_sym,
        }[rule]()
        derived = _jacobian_denominator(y, x_sym).applyfunc(sp.expand)
        formula = {
            "Ax": lambda: a_sym.T,
            "xTA": lambda: a_sym,
            "xTAx": lambda: (a_sym + a_sym.T) * x_sym,
            "norm_sq": lambda: 2 * x_sym,
        }[rule]()
    matches = (derived - formula).applyfunc(sp.expand).is_zero_matrix is True

    numbers = {s: int(v) for s, v in zip(a_sym, a_num.ravel(), strict=True)}
    numbers.update({s: sp.Integer(int(v)) for s, v in zip(x_sym, x_num.ravel(), strict=True)})
    value = formula.xreplace(numbers)
    value_np = np.array(value.tolist(), dtype=float)
    numeric = _numeric(rule, a_num if rule != "frobenius" else None, x_num)
    numeric = numeric.reshape(value_np.shape)
    max_error = float(np.max(np.abs(numeric - value_np)))
    uses_a = rule not in ("norm_sq", "frobenius")
    code, output = _code(rule, a_num if uses_a else None, x_num, numeric, value_np)
    return RuleCheck(
        rule=rule,
        seed=seed,
        m=m,
        n=n,
        formula_latex=_FORMULA[rule][0],
        numerator_latex=_FORMULA[rule][1],
        shapes_latex=_shapes(rule, m, n),
        symbolic_latex=printing.latex(derived),
        symbolic_matches=matches,
        a=a_num if uses_a else None,
        x=x_num,
        a_latex=printing.latex(sp.Matrix(a_num.tolist())) if uses_a else None,
        x_latex=printing.latex(sp.Matrix(x_num.astype(int).tolist())),
        value_latex=printing.latex(value),
        numerator_value_latex=printing.latex(value.T),
        numeric=numeric,
        max_error=max_error,
        denominator_shape=tuple(value.shape),
        numerator_shape=tuple(value.T.shape),
        code=code,
        output=output,
    )


def formula_code(rule: str) -> str:
    """The rule's gradient as numpy code on the names of :attr:`RuleCheck.code`.

    >>> formula_code("xTAx")
    '(A + A.T) @ x'
    """
    return _CODE_F[rule][1]


def _shapes(rule: str, m: int, n: int) -> str:
    r = r"\mathbb{R}"
    if rule == "frobenius":
        return rf"\mathbf{{X}} \in {r}^{{{m} \times {n}}}"
    if rule in ("xTAx", "norm_sq"):
        a = rf"\mathbf{{A}} \in {r}^{{{n} \times {n}}},\ " if rule == "xTAx" else ""
        return rf"{a}\mathbf{{x}} \in {r}^{{{n}}}"
    size = n if rule == "Ax" else m
    return rf"\mathbf{{A}} \in {r}^{{{m} \times {n}}},\ \mathbf{{x}} \in {r}^{{{size}}}"


def _array(values: np.ndarray, floats: bool) -> str:
    rows = values.tolist()

    def fmt(v):
        return f"{v:.1f}" if floats else str(int(v))

    if values.ndim == 1:
        return "np.array([" + ", ".join(fmt(v) for v in rows) + "])"
    return "np.array([" + ", ".join("[" + ", ".join(fmt(v) for v in r) + "]" for r in rows) + "])"


def _code(rule, a, x, numeric, expected) -> tuple[str, tuple[str, ...]]:
    """numpy code that checks the rule by central differences, and what it prints."""
    body, formula = _CODE_F[rule]
    name = "X" if rule == "frobenius" else "x"
    lines = ["import numpy as np", ""]
    if a is not None:
        lines.append(f"A = {_array(a, floats=False)}")
    lines += [f"{name} = {_array(x, floats=True)}", "", f"def f({name}):", f"    return {body}", ""]
    lines += [
        f"h = {STEP!r}",
        f"grad = np.zeros({name}.shape + np.shape(f({name})))",
        f"for i in np.ndindex({name}.shape):  # row i holds d f / d {name}[i]: denominator layout",
        f"    e = np.zeros_like({name})",
        "    e[i] = h",
        f"    grad[i] = (f({name} + e) - f({name} - e)) / (2 * h)",
        f"print(np.allclose(grad, {formula}))",
    ]
    agrees = bool(np.allclose(numeric, expected))
    return "\n".join(lines), (str(agrees),)


@dataclass(frozen=True)
class RulesResult:
    seed: int
    checks: tuple[RuleCheck, ...]


def check_all(seed: int) -> RulesResult:
    """Every rule for one seed (what the page's rules panel shows)."""
    seed = int(seed)
    if not 0 <= seed < SEED_LIMIT:
        raise InputError(
            "out_of_range",
            f"The seed must be between 0 and {SEED_LIMIT - 1}.",
            field="seed",
            low="0",
            high=str(SEED_LIMIT - 1),
        )
    return RulesResult(seed, tuple(check_rule(rule, seed) for rule in RULES))
