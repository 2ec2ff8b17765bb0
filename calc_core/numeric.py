"""Evaluate a sympy expression on numpy arrays by walking its tree (no code generation).

``lambdify`` prints the expression to Python source and ``exec``s it; it also returns
a scalar for a constant, chokes on integers beyond 64 bits and gives NaN for cube
roots of negatives. We walk the tree instead: every node type maps to a numpy
function, errors are silenced (``np.errstate``) and show up as NaN or inf, and
complex input is supported so the complex-step scheme works. For complex input,
``abs`` and ``sign`` use their analytic continuation off the real axis
(``|z| := z * sign(Re z)``), the usual trick that keeps complex-step exact for
``|x|`` away from 0.

Examples
--------
>>> import numpy as np
>>> from calc_core.parser import parse
>>> f = compile_expr(parse("3x^2 - 4x"), ("x",))
>>> f(np.array([0.0, 1.0, 2.0])).tolist()
[0.0, -1.0, 4.0]
>>> compile_expr(parse("7"), ("x",))(np.zeros(3)).tolist()
[7.0, 7.0, 7.0]
>>> import sympy as sp
>>> compile_expr(sp.Max(sp.Abs(symbol("x")), 1), ("x",))(np.array([-3.0, 0.5])).tolist()
[3.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

from calc_core.parser import symbol

ArrayFn = Callable[..., np.ndarray]


def _abs(z):
    if np.iscomplexobj(z):
        return np.where(z.real < 0, -z, z)
    return np.abs(z)


def _sign(z):
    return np.sign(z.real) if np.iscomplexobj(z) else np.sign(z)


def _heaviside(z, *_):
    return np.heaviside(z.real if np.iscomplexobj(z) else z, 0.5)


_UNARY = {
    sp.sin: np.sin,
    sp.cos: np.cos,
    sp.tan: np.tan,
    sp.cot: lambda z: 1 / np.tan(z),
    sp.sec: lambda z: 1 / np.cos(z),
    sp.csc: lambda z: 1 / np.sin(z),
    sp.asec: lambda z: np.arccos(1 / z),
    sp.acsc: lambda z: np.arcsin(1 / z),
    sp.acot: lambda z: np.arctan(1 / z),  # sympy's branch: pi/2 at +0, a jump at 0
    sp.exp: np.exp,
    sp.log: np.log,
    sp.Abs: _abs,
    sp.sign: _sign,
    sp.Heaviside: _heaviside,
    sp.asin: np.arcsin,
    sp.acos: np.arccos,
    sp.atan: np.arctan,
    sp.sinh: np.sinh,
    sp.cosh: np.cosh,
    sp.tanh: np.tanh,
    sp.asinh: np.arcsinh,
    sp.acosh: np.arccosh,
    sp.atanh: np.arctanh,
    sp.re: np.real,
    sp.im: np.imag,
}


def _pow(base, exponent):
    if np.ndim(exponent) == 0 and not np.iscomplexobj(exponent):
        e = float(exponent)
        if e == 0.5:
            return np.sqrt(base)
        if e.is_integer() and abs(e) < 2**31:
            return np.power(base, int(e)) if e >= 0 else 1.0 / np.power(base, -int(e))
    base = np.asarray(base)
    if base.dtype.kind in "biu":  # an integer power of an integer wraps around (2**63)
        base = base.astype(float)
    # a float32 (bfloat16, ...) base stays in its format, as a framework computes x**y
    return np.power(base, exponent)


def _build(expr: sp.Basic, index: dict[sp.Symbol, int], cast=None) -> ArrayFn:
    """The tree as a function of the argument list; ``cast`` rounds every node's value.

    With ``cast`` every operation's result is rounded to the working format, as a
    framework computing in float32 or bfloat16 rounds each op's output.
    """
    node = _node(expr, index, cast)
    if cast is None:
        return node
    return lambda args: cast(node(args))


def _node(expr: sp.Basic, index: dict[sp.Symbol, int], cast) -> ArrayFn:
    if expr.is_Symbol:
        k = index[expr]
        return lambda args: args[k]
    if expr.is_Number or expr.is_NumberSymbol or expr in (sp.I, sp.zoo, sp.nan):
        # sqrt(-1) is I, log(-1) is I*pi: complex, so NaN for real input; zoo/nan -> NaN
        value = float(expr) if expr.is_extended_real else complex(expr)
        return lambda args: value
    if expr.is_Add or expr.is_Mul:  # n-ary: one rounded binary operation at a time
        parts = [_build(a, index, cast) for a in expr.args]
        op = np.add if expr.is_Add else np.multiply
        rnd = cast or (lambda v: v)

        def fold(args):
            out = parts[0](args)
            for p in parts[1:]:
                out = rnd(op(out, p(args)))
            return out

        return fold
    if expr.is_Pow:
        b, e = _build(expr.base, index, cast), _build(expr.exp, index, cast)
        return lambda args: _pow(b(args), e(args))
    if isinstance(expr, (sp.Max, sp.Min)):  # n-ary; compares real parts for complex input
        parts = [_build(a, index, cast) for a in expr.args]
        pick = np.greater_equal if isinstance(expr, sp.Max) else np.less_equal

        def extremum(args):
            out = parts[0](args)
            for p in parts[1:]:
                value = p(args)
                out = np.where(pick(np.real(out), np.real(value)), out, value)
            return out

        return extremum
    fn = _UNARY.get(type(expr))
    if fn is not None and len(expr.args) >= 1:
        inner = _build(expr.args[0], index, cast)
        return lambda args: fn(inner(args))
    if isinstance(expr, sp.Piecewise):
        pieces = [(_build(v, index, cast), _build_condition(c, index, cast)) for v, c in expr.args]

        def piecewise(args):
            out = np.nan
            for value, cond in reversed(pieces):
                out = np.where(cond(args), value(args), out)
            return out

        return piecewise
    raise NotImplementedError(f"cannot evaluate {type(expr).__name__} numerically")


def _build_condition(cond, index, cast=None):
    if cond is sp.true or cond == True:  # noqa: E712 - sympy's true compares equal to True
        return lambda args: True
    if isinstance(cond, sp.core.relational.Relational):
        lhs, rhs = _build(cond.lhs, index, cast), _build(cond.rhs, index, cast)
        ops = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
        op = ops.get(cond.rel_op, np.equal)
        return lambda args: op(np.real(lhs(args)), np.real(rhs(args)))
    raise NotImplementedError(f"cannot evaluate condition {cond}")


def compile_expr(
    expr: sp.Expr,
    variables: Sequence[str | sp.Symbol] = ("x",),
    dtype: np.dtype | None = None,
    complex_dtype: np.dtype | None = None,
) -> ArrayFn:
    """Return ``f(*arrays)`` evaluating ``expr`` element-wise, silently.

    The result always has the broadcast shape of the inputs (a constant becomes an
    array), is float unless an input is complex, and holds NaN/inf where ``expr`` is
    undefined -- numpy's warnings are suppressed, never printed.

    With ``dtype`` (a real numpy dtype such as float32, or ml_dtypes' bfloat16; see
    :mod:`calc_core.precision`) f is evaluated *in that format*, as a framework does:
    the inputs, every constant and every operation's result are rounded to it, and so
    is the output (complex values to ``complex_dtype`` when given).

    >>> from calc_core.parser import parse
    >>> f = compile_expr(parse("x + 1/3"), ("x",), np.dtype(np.float32))
    >>> f(np.array([1.0])).dtype, float(f(np.array([1.0]))[0]) == float(np.float32(4 / 3))
    (dtype('float32'), True)
    """
    syms = [v if isinstance(v, sp.Symbol) else symbol(v) for v in variables]
    index = {s: k for k, s in enumerate(syms)}
    free = expr.free_symbols - set(syms)
    if free:
        raise ValueError(f"expression has unexpected symbols {sorted(map(str, free))}")
    real = np.dtype(float) if dtype is None else np.dtype(dtype)
    cast = None if dtype is None else _rounder(real, complex_dtype)
    tree = _build(expr, index, cast)

    def evaluate(*arrays):
        # real input as float64 (or the working format): int64 would wrap around
        # (2**63) inside np.power
        args = [np.asarray(a) for a in arrays]
        args = [a if np.iscomplexobj(a) else a.astype(real, copy=False) for a in args]
        with np.errstate(all="ignore"):
            out = tree(args)
            shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
            out = np.asarray(out)
            if np.iscomplexobj(out) and not any(np.iscomplexobj(a) for a in args):
                # a real input produced a complex value: outside the real domain
                out = np.where(np.abs(out.imag) > 0, np.nan, out.real)
            if np.iscomplexobj(out):
                kind = complex if complex_dtype is None else complex_dtype
            else:
                kind = real
            return np.broadcast_to(out.astype(kind, copy=False), shape).copy()

    return evaluate


def _rounder(real: np.dtype, complex_dtype: np.dtype | None) -> Callable:
    def cast(value):
        value = np.asarray(value)
        if np.iscomplexobj(value):
            return value if complex_dtype is None else value.astype(complex_dtype)
        return value.astype(real, copy=False)

    return cast
