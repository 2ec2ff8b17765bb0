"""Turn what a student types into a sympy expression -- without ``eval``.

``sympify``/``parse_expr`` run Python ``eval`` on their input and cannot be made
safe for text typed by strangers, and their implicit-multiplication transform
splits ``x1`` into ``x*1``. This module owns the grammar instead: a tokenizer and
a Pratt parser that build sympy objects directly, checking cheap structural
bounds *while building* (length, nesting, literal size, constant sub-expression
size, constant exponents), so that inputs such as ``9^9^9``, ``(x+1)^100000`` or
``sin(exp(3^99))`` are refused in microseconds instead of hanging sympy.

Beside it: :mod:`calc_core.tokens` (the tokenizer), :mod:`calc_core.names` (the
functions and constants a student may type), :mod:`calc_core.bounds` (the bounds and
the size checks of constants), :mod:`calc_core.suggestions` (the message for an
unknown name) and :mod:`calc_core.norms` (what ``norm(x, p)`` expands to).

Grammar (what students type)::

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/' | <juxtaposition>) unary)*
    unary   := ('-' | '+') unary | power
    power   := atom ('^' | '**') unary          (right-associative)
    atom    := number | name | name '(' args ')' | '(' expr ')' | '|' expr '|'

so ``-x^2 = -(x^2)``, ``2^3^2 = 2^9``, ``3x = 3*x``, ``(x+1)(x-1)`` multiplies,
and ``x1`` is one variable. ``e`` is Euler's number, ``log`` is the natural log.

Vectors and norms (only when ``parse`` is given ``vectors``, e.g. ``{"x": ("x1", "x2")}``)::

    atom    := ... | 'norm' '(' vector [',' order] ')'
    order   := 'inf' | <constant rational p, 1 <= p <= MAX_NORM_ORDER>

``norm(x)`` is the Euclidean norm, ``norm(x, 1)``, ``norm(x, inf)`` and ``norm(x, p)``
expand over the coordinates (see :func:`calc_core.norms.norm_expr`); the vector's own
name may appear nowhere else, and ``inf`` nowhere but as a norm's order.

Examples
--------
>>> parse("3x^2 - 4x")
3*x**2 - 4*x
>>> parse("x1^2 + 5exp(x2)", variables=("x1", "x2"))
x1**2 + 5*exp(x2)
>>> parse("-x^2")
-x**2
>>> parse("xy", variables=("x", "y"))
Traceback (most recent call last):
...
calc_core.errors.InputError: Unknown name 'xy' at column 1. Did you mean x*y?
>>> parse("norm(x, 1) + norm(x)^2", ("x1", "x2"), vectors={"x": ("x1", "x2")})
x1**2 + x2**2 + Abs(x1) + Abs(x2)
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence

import sympy as sp

from calc_core.bounds import (
    MAX_CONSTANT_LOG10,
    MAX_DEPTH,
    MAX_EXACT_DIGITS,
    MAX_EXP_ARGUMENT,
    MAX_EXPONENT_DENOMINATOR,
    MAX_LENGTH,
    MAX_LITERAL_DIGITS,
    MAX_NORM_ORDER,
    MAX_SYMBOLIC_EXPONENT,
    Node,
    approx_or_refuse,
    exact_digits,
    log10_size,
    real_pow,
    refuse_size,
    safe_float,
)
from calc_core.errors import InputError
from calc_core.names import (
    CONSTANTS,
    FUNCTIONS,
    GROWING,
    INF_NAME,
    NORM_NAME,
    REAL_DOMAIN,
    symbol,
)
from calc_core.norms import norm_expr
from calc_core.suggestions import unknown_name_error
from calc_core.tokens import Token, tokenize

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "INF_NAME",
    "MAX_CONSTANT_LOG10",
    "MAX_DEPTH",
    "MAX_EXACT_DIGITS",
    "MAX_EXPONENT_DENOMINATOR",
    "MAX_EXP_ARGUMENT",
    "MAX_LENGTH",
    "MAX_LITERAL_DIGITS",
    "MAX_NORM_ORDER",
    "MAX_SYMBOLIC_EXPONENT",
    "NORM_NAME",
    "parse",
    "symbol",
]

_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_INFIX_BP = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 30}
_IMPLICIT_BP = 20
_UNARY_BP = 25


class _Parser:
    def __init__(
        self,
        text: str,
        variables: Sequence[str],
        max_depth: int,
        vectors: Mapping[str, Sequence[str]] | None = None,
        functions: Sequence[str] = (),
    ):
        self.text = text
        self.functions = tuple(functions)
        self.tokens = tokenize(text)
        self.pos = 0
        self.variables = tuple(variables)
        self.vectors = {k: tuple(v) for k, v in (vectors or {}).items()}
        self.max_depth = max_depth
        self.depth = 0
        self.abs_depth = 0

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self) -> Token:
        """The token after the current one (the end token at the end)."""
        return self.tokens[min(self.pos + 1, len(self.tokens) - 1)]

    def advance(self) -> Token:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def _starts_operand(self, t: Token) -> bool:
        if t.kind in ("num", "name", "("):
            return True
        return t.kind == "|" and self.abs_depth == 0

    def _unexpected(self, t: Token) -> InputError:
        if t.kind == "end":
            return InputError(
                "unexpected_end",
                "The expression ends too early: something is missing.",
                column=t.col,
            )
        if t.kind == ")":
            return InputError(
                "unmatched_paren",
                f"Closing bracket at column {t.col + 1} has no opening bracket.",
                column=t.col,
            )
        return InputError(
            "unexpected_token",
            f"Unexpected '{t.text}' at column {t.col + 1}.",
            column=t.col,
            token=t.text,
        )

    # -- Pratt core
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise InputError("empty", "Type an expression first.", column=0)
        node = self.expression(0)
        if self.tok.kind != "end":
            raise self._unexpected(self.tok)
        return node

    def expression(self, rbp: int) -> Node:
        self.depth += 1
        if self.depth > self.max_depth:
            raise InputError(
                "too_deep",
                f"The expression is nested more than {self.max_depth} levels deep "
                f"(column {self.tok.col + 1}).",
                column=self.tok.col,
                limit=self.max_depth,
            )
        left = self.prefix(self.advance())
        while True:
            t = self.tok
            if t.kind == "op":
                bp = _INFIX_BP[t.text]
                if bp <= rbp:
                    break
                self.advance()
                right_col = self.tok.col
                # '^' is right-associative and binds its right side like a unary operand
                right = self.expression(_UNARY_BP - 1 if t.text == "^" else bp)
                left = self.infix(t, left, right, right_col)
            elif self._starts_operand(t):
                if rbp >= _IMPLICIT_BP:
                    break
                right = self.expression(_IMPLICIT_BP)
                left = self.infix(Token("op", "*", t.col), left, right, t.col)
            else:
                break
        self.depth -= 1
        return left

    def prefix(self, t: Token) -> Node:
        if t.kind == "num":
            return self.number(t)
        if t.kind == "name":
            return self.name(t)
        if t.kind == "(":
            outer, self.abs_depth = self.abs_depth, 0  # '|' inside brackets starts afresh
            inner = self.expression(0)
            self.abs_depth = outer
            self.expect_close(t)
            return inner
        if t.kind == "|":
            self.abs_depth += 1
            inner = self.expression(0)
            self.abs_depth -= 1
            if self.tok.kind != "|":
                raise InputError(
                    "unclosed_paren",
                    f"The '|' at column {t.col + 1} is never closed.",
                    column=t.col,
                )
            self.advance()
            return self.apply("abs", t, [inner])
        if t.kind == "op" and t.text in "+-":
            operand = self.expression(_UNARY_BP)
            if t.text == "+":
                return operand
            approx = None if operand.approx is None else -operand.approx
            return Node(-operand.expr, approx)
        raise self._unexpected(t)

    def expect_close(self, opener: Token) -> None:
        if self.tok.kind != ")":
            if self.tok.kind == "end":
                raise InputError(
                    "unclosed_paren",
                    f"The bracket opened at column {opener.col + 1} is never closed.",
                    column=opener.col,
                )
            raise self._unexpected(self.tok)
        self.advance()

    # -- leaves
    def number(self, t: Token) -> Node:
        digits = sum(c.isdigit() for c in t.text.split("e")[0].split("E")[0])
        if digits > MAX_LITERAL_DIGITS:
            raise InputError(
                "number_too_long",
                f"The number at column {t.col + 1} has more than {MAX_LITERAL_DIGITS} digits.",
                column=t.col,
                limit=MAX_LITERAL_DIGITS,
            )
        mantissa, _, exponent = t.text.lower().partition("e")
        if mantissa.count(".") > 1 or mantissa in (".",):
            raise InputError(
                "bad_number",
                f"'{t.text}' at column {t.col + 1} is not a number.",
                column=t.col,
                text=t.text,
            )
        exp10 = int(exponent) if exponent else 0
        if abs(exp10) > MAX_CONSTANT_LOG10:
            raise InputError(
                "number_too_large",
                f"The number at column {t.col + 1} is out of range (at most 10^"
                f"{MAX_CONSTANT_LOG10:.0f} in size).",
                column=t.col,
                limit=f"10^{MAX_CONSTANT_LOG10:.0f}",
            )
        value = sp.Rational(mantissa) * sp.Integer(10) ** exp10
        approx = approx_or_refuse(float(value), t.col, value)
        return Node(value, approx)

    def name(self, t: Token) -> Node:
        name = t.text
        if name in FUNCTIONS:
            return self.call(t)
        if name in self.functions:
            return self.abstract_call(t)
        if name in CONSTANTS:
            expr, approx = CONSTANTS[name]
            return Node(expr, approx)
        if name in self.variables:
            return Node(symbol(name), None)
        if self.vectors:
            if name == NORM_NAME:
                return self.norm_call(t)
            if name in self.vectors:
                coords = ", ".join(self.vectors[name])
                raise InputError(
                    "vector_not_scalar",
                    f"'{name}' at column {t.col + 1} is a vector here: write its coordinates "
                    f"({coords}) or use it inside norm({name}).",
                    column=t.col,
                    name=name,
                    coordinates=coords,
                )
            if name == INF_NAME:
                raise InputError(
                    "inf_only_in_norm",
                    f"'inf' at column {t.col + 1} may only be the order of a norm, "
                    "as in norm(x, inf).",
                    column=t.col,
                )
        raise unknown_name_error(t, self.tok.kind == "(", self.variables)

    def norm_call(self, t: Token) -> Node:
        """``norm(v)``, ``norm(v, p)`` or ``norm(v, inf)`` for a declared vector ``v``."""
        if self.tok.kind != "(":
            raise InputError(
                "function_needs_parens",
                f"Write norm(...) with brackets around its argument (column {t.col + 1}).",
                column=t.col,
                name=NORM_NAME,
            )
        opener = self.advance()
        arg = self.tok
        after = self.peek()
        if not (
            arg.kind == "name" and arg.text in self.vectors and after.kind in (",", ")", "end")
        ):
            names = ", ".join(self.vectors)
            raise InputError(
                "norm_needs_vector",
                f"norm() at column {t.col + 1} takes the vector {names} as its argument, "
                "as in norm(x) or norm(x, 1).",
                column=arg.col,
                vectors=names,
            )
        self.advance()
        order: sp.Expr = sp.Integer(2)
        if self.tok.kind == ",":
            self.advance()
            order = self.norm_order()
        self.expect_close(opener)
        coords = [symbol(c) for c in self.vectors[arg.text]]
        return self._checked(Node(norm_expr(coords, order), None), t)

    def norm_order(self) -> sp.Expr:
        start = self.tok
        if start.kind == "name" and start.text == INF_NAME and self.peek().kind == ")":
            self.advance()
            return sp.oo
        outer, self.abs_depth = self.abs_depth, 0
        node = self.expression(0)
        self.abs_depth = outer
        p = node.expr
        if not (
            node.approx is not None
            and isinstance(p, sp.Rational)
            and 1 <= p <= MAX_NORM_ORDER
            and p.q <= MAX_NORM_ORDER
        ):
            raise InputError(
                "norm_order",
                f"The order of the norm at column {start.col + 1} must be inf or a rational "
                f"number p with 1 <= p <= {MAX_NORM_ORDER}, such as 1, 3/2, 2 or 3.",
                column=start.col,
                limit=MAX_NORM_ORDER,
            )
        return p

    def abstract_call(self, t: Token) -> Node:
        """``f(u)`` for a declared abstract function name: sympy's ``Function("f")(u)``."""
        args = self.arguments(t, (1,))
        return Node(sp.Function(t.text)(args[0].expr), None)

    def arguments(self, t: Token, arity: tuple[int, ...]) -> list[Node]:
        """The bracketed, comma-separated arguments of the function named by ``t``."""
        if self.tok.kind != "(":
            raise InputError(
                "function_needs_parens",
                f"Write {t.text}(...) with brackets around its argument (column {t.col + 1}).",
                column=t.col,
                name=t.text,
            )
        opener = self.advance()
        outer, self.abs_depth = self.abs_depth, 0
        args = [self.expression(0)]
        while self.tok.kind == ",":
            self.advance()
            args.append(self.expression(0))
        self.abs_depth = outer
        self.expect_close(opener)
        if len(args) not in arity:
            expected = " or ".join(str(a) for a in arity)
            raise InputError(
                "wrong_arg_count",
                f"{t.text}() at column {t.col + 1} takes {expected} argument(s), not {len(args)}.",
                column=t.col,
                name=t.text,
                expected=expected,
                got=len(args),
            )
        return args

    def call(self, t: Token) -> Node:
        return self.apply(t.text, t, self.arguments(t, FUNCTIONS[t.text].arity))

    def apply(self, name: str, t: Token, args: list[Node]) -> Node:
        spec = FUNCTIONS[name]
        approx = None
        if all(a.approx is not None for a in args):
            values = [a.approx for a in args]
            if name in GROWING and abs(values[0]) > MAX_EXP_ARGUMENT:
                approx_or_refuse(math.inf, t.col)
            if name in REAL_DOMAIN and not REAL_DOMAIN[name](values[0]):
                raise InputError(
                    "undefined_constant",
                    f"{name}() at column {t.col + 1} is undefined here: its argument is "
                    "outside its real domain.",
                    column=t.col,
                )
            approx = safe_float(spec.approx, *values)
        expr = spec.build(*(a.expr for a in args))
        if approx is not None:
            approx = approx_or_refuse(approx, t.col, expr)
        return self._checked(Node(expr, approx), t)

    # -- operators
    def infix(self, t: Token, left: Node, right: Node, right_col: int) -> Node:
        op = t.text
        both = left.approx is not None and right.approx is not None
        if op == "^":
            return self.power(t, left, right, right_col)
        # constant operands are within 10^-50 .. 10^50 in size: sympy's exact result is cheap
        operation = _ARITHMETIC[op]
        expr = operation(left.expr, right.expr)
        approx = None
        if both:
            approx = approx_or_refuse(safe_float(operation, left.approx, right.approx), t.col, expr)
        return self._checked(Node(expr, approx), t)

    def power(self, t: Token, base: Node, exponent: Node, exponent_col: int) -> Node:
        symbolic_base = exponent.approx is not None and base.approx is None
        if symbolic_base and abs(exponent.approx) > MAX_SYMBOLIC_EXPONENT:
            raise InputError(
                "exponent_too_large",
                f"The exponent at column {exponent_col + 1} is larger than "
                f"{MAX_SYMBOLIC_EXPONENT} in size.",
                column=exponent_col,  # where the exponent starts: 'x ** 201' -> 5
                limit=MAX_SYMBOLIC_EXPONENT,
            )
        approx = None
        if base.approx is not None and exponent.approx is not None:
            approx = self._constant_power(base, exponent, t.col)
        if base.expr == sp.E:
            return self._checked(Node(sp.exp(exponent.expr), approx), t)
        self._check_denominator(exponent.expr, exponent_col)
        node = self._checked(Node(sp.Pow(base.expr, exponent.expr), approx), t)
        if node.expr.is_Pow:  # sympy multiplies exponents: (x^(1/100))^(1/100) = x^(1/10000)
            self._check_denominator(node.expr.exp, exponent_col)
        return node

    @staticmethod
    def _check_denominator(exponent: sp.Expr, col: int) -> None:
        if exponent.is_Rational and exponent.q > MAX_EXPONENT_DENOMINATOR:
            raise InputError(
                "exponent_denominator",
                f"The exponent at column {col + 1} is a fraction with a denominator larger "
                f"than {MAX_EXPONENT_DENOMINATOR}; use a simpler exponent.",
                column=col,
                limit=MAX_EXPONENT_DENOMINATOR,
            )

    def _constant_power(self, base: Node, exponent: Node, col: int) -> float:
        """The float estimate of a constant power, refused *before* sympy computes it.

        Sizes are compared in log space, both ways: in floats 0.25^1e40 is 0 and
        (2/7)^88888888 is 0, yet sympy would compute their exact fractions (minutes,
        gigabytes). A power of a rational near 1, small in size but long in digits,
        is refused by its digit count.
        """
        e = exponent.approx
        size = log10_size(base)
        known = not (math.isnan(e) or math.isnan(size) or e == 0 or size == -math.inf)
        if known:
            refuse_size(e * size, col)
        if exponent.expr.is_Rational and exact_digits(base.expr, e) > MAX_EXACT_DIGITS:
            raise InputError(
                "constant_too_long",
                f"The exact value of the constant starting at column {col + 1} would have "
                f"more than {MAX_EXACT_DIGITS} digits; use a smaller exponent.",
                column=col,
                limit=MAX_EXACT_DIGITS,
            )
        approx = real_pow(base.approx, e)
        return approx if known else approx_or_refuse(approx, col)

    def _checked(self, node: Node, t: Token) -> Node:
        # also symbolic nodes: x/0 and log(x, 1) build zoo*x and zoo*log(x)
        if node.expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise InputError(
                "undefined_constant",
                f"The constant part ending near column {t.col + 1} is undefined "
                "(for example a division by zero).",
                column=t.col,
            )
        return node


def parse(
    text: str,
    variables: Sequence[str] = ("x",),
    *,
    max_length: int = MAX_LENGTH,
    max_depth: int = MAX_DEPTH,
    vectors: Mapping[str, Sequence[str]] | None = None,
    functions: Sequence[str] = (),
) -> sp.Expr:
    """Parse ``text`` into a sympy expression in the given real ``variables``.

    Parameters
    ----------
    text : str
        What the student typed, e.g. ``"3x^2 - 4x"``.
    variables : sequence of str
        The names allowed as variables (``("x",)``, ``("x1", "x2")``, ...).
    max_length, max_depth : int
        Structural bounds; longer or deeper input is refused before any work.
    vectors : mapping of str to sequence of str, optional
        Vector names and their coordinates, e.g. ``{"x": ("x1", "x2", "x3")}``. When
        given, ``norm(x)``, ``norm(x, p)`` and ``norm(x, inf)`` are understood and
        expanded over the coordinates; without it the grammar is unchanged.
    functions : sequence of str, optional
        Names of abstract functions, e.g. ``("f", "g")``: ``f(g(x))`` then builds
        sympy's ``Function("f")(Function("g")(x))`` (the steps view derives the
        general product, quotient and chain rules with them).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    InputError
        With a code, an English message and the column of the problem.

    Examples
    --------
    >>> parse("(x+1)(x-1)")
    (x - 1)*(x + 1)
    >>> parse("9^9^9")
    Traceback (most recent call last):
    ...
    calc_core.errors.InputError: The constant starting at column 2 is larger than 10^50; ...
    """
    if not isinstance(text, str):
        raise InputError("empty", "Type an expression first.", column=0)
    if len(text) > max_length:
        raise InputError(
            "too_long",
            f"The expression has {len(text)} characters; at most {max_length} are allowed.",
            column=max_length,
            limit=max_length,
            length=len(text),
        )
    if not text.strip():
        raise InputError("empty", "Type an expression first.", column=0)
    node = _Parser(text, variables, max_depth, vectors, functions).parse()
    return node.expr
