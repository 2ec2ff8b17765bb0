"""f as numpy code that computes in a narrower format exactly as the limits page does.

The page evaluates f in float32, float16 or bfloat16 node by node
(:func:`calc_core.numeric.compile_expr`): every constant, every operation's result
rounded to the format, n-ary sums and products folded left in the tree's order. The
book's cell in such a format must print the page's numbers, so its ``f`` is written
from the same tree in the same order: Python's ``+`` and ``*`` fold left as the page
does; a constant that is not a small integer is written ``dtype(c)`` (numpy would take
a bare float as float32 next to a bfloat16, ml_dtypes' type); powers as ``np.power``
and ``cot``, ``sec``, ... through ``tan``, ``cos``, ... as the page computes them.

What the page computes in another way (``Piecewise``, ``Max``/``Min``, ``sign``,
``Heaviside``, complex constants, ``|.|`` under the complex step) has no such code:
:func:`narrow_source` returns None and the notebook says that its cell runs in float64.

Examples
--------
>>> from calc_core.parser import parse
>>> narrow_source(parse("3x^2 - 4x", ("x",)), "float32")
'-4*x + 3*np.power(x, 2)'
>>> narrow_source(parse("sin(x)/3 + x^(1/3)", ("x",)), "bfloat16")
'np.power(x, dtype(0.3333333333333333)) + dtype(0.3333333333333333)*np.sin(x)'
"""

from __future__ import annotations

import sympy as sp

from calc_core import precision

#: The page's unary functions as numpy code (``{}`` is the argument), as numeric.py has them.
UNARY = {
    sp.sin: "np.sin({})",
    sp.cos: "np.cos({})",
    sp.tan: "np.tan({})",
    sp.cot: "(1/np.tan({}))",
    sp.sec: "(1/np.cos({}))",
    sp.csc: "(1/np.sin({}))",
    sp.asec: "np.arccos(1/{})",
    sp.acsc: "np.arcsin(1/{})",
    sp.acot: "np.arctan(1/{})",
    sp.exp: "np.exp({})",
    sp.log: "np.log({})",
    sp.Abs: "np.abs({})",
    sp.asin: "np.arcsin({})",
    sp.acos: "np.arccos({})",
    sp.atan: "np.arctan({})",
    sp.sinh: "np.sinh({})",
    sp.cosh: "np.cosh({})",
    sp.tanh: "np.tanh({})",
    sp.asinh: "np.arcsinh({})",
    sp.acosh: "np.arccosh({})",
    sp.atanh: "np.arctanh({})",
}
#: Integers written bare: exact in every format offered (bfloat16 holds 256 exactly).
SMALL_INT = 256


class _Unsupported(Exception):
    pass


def narrow_source(
    expr: sp.Expr, dtype: str, complex_step: bool = False, like: str = "x"
) -> str | None:
    """The body of ``def f(x): return ...`` computing ``expr`` as the page does in
    ``dtype`` (x an array of that format, ``dtype`` its numpy type), or None.

    A constant gives one value per entry of the argument named ``like``.
    """
    precision.check_name(dtype)
    try:
        body = _code(expr, dtype, complex_step)
    except _Unsupported:
        return None
    # a constant f still gives one value per x, as the page's evaluator broadcasts it
    return body if expr.free_symbols else f"np.full_like({like}, {body})"


def _constant(c: sp.Expr, dtype: str) -> str:
    if not c.is_extended_real or not c.is_finite:
        raise _Unsupported  # I, zoo, nan: the page's complex or NaN constants
    value = float(c)
    if value.is_integer() and abs(value) <= SMALL_INT:
        return str(int(value))
    names = {float(sp.pi): "np.pi", float(sp.E): "np.e"}
    return f"dtype({names.get(value, repr(value))})"


def _code(e: sp.Expr, dtype: str, complex_step: bool) -> str:
    def sub(a: sp.Expr, wrap: bool) -> str:
        text = _code(a, dtype, complex_step)
        return f"({text})" if wrap and (a.is_Add or a.is_Mul or a.is_Pow) else text

    if e.is_Symbol:
        return str(e)
    if e.is_Number or e.is_NumberSymbol or e in (sp.I, sp.zoo, sp.nan):
        return _constant(e, dtype)
    if e.is_Add:
        return " + ".join(sub(a, wrap=False) for a in e.args)
    if e.is_Mul:
        return "*".join(sub(a, wrap=a.is_Add) for a in e.args)
    if e.is_Pow:
        return _power(e, dtype, sub, complex_step)
    pattern = UNARY.get(type(e))
    if pattern is None or len(e.args) != 1 or (complex_step and type(e) is sp.Abs):
        raise _Unsupported
    arg = e.args[0]
    text = _argument(arg, dtype, complex_step)
    if "1/{}" in pattern and not (arg.is_Symbol or arg.is_Function):
        text = f"({text})"  # 1/(x + 2), not 1/x + 2
    return pattern.format(text)


def _argument(a: sp.Expr, dtype: str, complex_step: bool) -> str:
    """A function's argument: a bare integer there would make numpy compute in float64."""
    text = _code(a, dtype, complex_step)
    return f"dtype({text})" if a.is_Number and not text.startswith("dtype(") else text


def _power(e: sp.Pow, dtype: str, sub, complex_step: bool) -> str:
    # np.power, never **: on numpy scalars ** is libm's pow, and the page's ufunc (SIMD on
    # this kind of machine) can differ from it in the last bit (2**0.9 in float32 did)
    base = _argument(e.base, dtype, complex_step)
    if not e.exp.is_Number:
        return f"np.power({base}, {sub(e.exp, wrap=False)})"
    if not e.exp.is_extended_real:
        raise _Unsupported
    exponent = float(precision.to_dtype(float(e.exp), dtype))  # the page rounds it too
    if exponent == 0.5:
        return f"np.sqrt({base})"
    if exponent.is_integer() and abs(exponent) < 2**31:
        n = int(exponent)
        return f"np.power({base}, {n})" if n >= 0 else f"(1/np.power({base}, {-n}))"
    return f"np.power({base}, dtype({float(e.exp)!r}))"


def numpy_powers(expr: sp.Expr) -> sp.Expr:
    """Powers of a constant that may be negative as ``np.power``, for sympy's printers:
    Python's ``(-1)**(1/3)`` is complex, the page's (numpy's) is nan.

    >>> from calc_core.parser import parse
    >>> numpy_powers(parse("x + (-8)^(1/3)", ("x",)))
    x + 2*np.power(-1, 1/3)
    """
    power = sp.Function("np.power")
    return expr.replace(
        lambda e: e.is_Pow and e.base.is_number and not e.base.is_nonnegative,
        lambda e: e if e.exp.is_integer else power(e.base, e.exp),
    )


def function_lines(body: str, expr: sp.Expr, arg: str = "x") -> list[str]:
    """``def f(arg):`` returning ``body`` (printed from ``expr``) as the page takes f.

    The page evaluates f at a real point and shows nan where its value is not real: a
    complex constant (``log(cos(2))`` is ``log(-cos(2)) + iπ``, ``sqrt(-2)`` is ``√2·i``)
    makes it complex there, so f then keeps its value only where the imaginary part is 0
    (at a complex point, for the complex step, it keeps it all). ``arg`` may be a number
    or an array.
    """
    if not expr.has(sp.I):
        return [f"def f({arg}):", f"    return {body}"]
    return [
        f"def f({arg}):",
        f"    y = {body}",
        f"    if np.iscomplexobj({arg}):  # a complex point (the complex step): all of it",
        "        return y",
        "    # f is real: at a real point, a value that is not real lies outside its domain",
        "    return np.where(np.imag(y) == 0, np.real(y), np.nan)[()]",
    ]


__all__ = ["UNARY", "function_lines", "narrow_source", "numpy_powers"]
