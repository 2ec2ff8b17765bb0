"""Expressions to text without Python's 4,300-digit limit: calc_core prints through here.

Python refuses to write an integer of more than 4,300 digits as text
(``sys.get_int_max_str_digits()``, a guard against quadratic-time conversions), and
sympy's printers write every Integer and Rational they meet with ``str``: an exact
``2**-30000``, or ``log(5**15625)`` from simplifying the tangent of x^x at 5, made
``sympy.latex`` raise. The printers here write a *long* integer (at least
``10**MAX_DIGITS``) as a power of a small base when it is one (``2^{30000}``),
else by its leading digits and its decimal exponent
(``1.23456\\ldots \\times 10^{9030}``: the dots say digits were cut); a fraction with a
long part as a fraction of such powers, else in the same scientific form. Every
other number prints exactly as sympy prints it.

calc_core turns sympy objects into text only through :func:`latex`, :func:`sstr`,
:func:`pycode` and :func:`numpy_code` (ruff bans sympy's own printers there).

Examples
--------
>>> import sympy as sp
>>> latex(sp.Rational(1, 2**30000))
'\\\\frac{1}{2^{30000}}'
>>> latex(sp.Integer(3) ** 9000 + 1)
'1.23393\\\\ldots \\\\times 10^{4294}'
>>> sstr(sp.Symbol("x") * sp.Integer(7) ** 100)
'7**100*x'
>>> latex(sp.Rational(3, 4)), sstr(sp.Integer(10) ** 49)
('\\\\frac{3}{4}', '10000000000000000000000000000000000000000000000000')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pycode import PythonCodePrinter
from sympy.printing.str import StrPrinter

#: Integers with more digits than this are written as a power or in scientific form.
MAX_DIGITS = 50
_LONG = 10**MAX_DIGITS
#: Bases tried when writing a long integer as a power.
POWER_BASES = range(2, 100)


def is_long(n: int) -> bool:
    """Whether the integer ``n`` has more than :data:`MAX_DIGITS` digits."""
    return abs(n) >= _LONG


def _is_long_number(expr: object) -> bool:
    if isinstance(expr, int):
        return is_long(expr)
    return isinstance(expr, sp.Rational) and (is_long(expr.p) or is_long(expr.q))


@dataclass(frozen=True)
class Power:
    """A positive integer written as ``base ** exponent``."""

    base: int
    exponent: int


@dataclass(frozen=True)
class Scientific:
    """A positive number written as ``mantissa × 10 ** exponent``.

    ``digits`` are the leading significant digits (``"123456"`` means 1.23456...);
    ``exact`` is False when further non-zero digits were cut.
    """

    digits: str
    exponent: int
    exact: bool

    @property
    def mantissa(self) -> str:
        digits = self.digits.rstrip("0") if self.exact else self.digits
        return digits[0] + ("." + digits[1:] if len(digits) > 1 else "")


def as_power(n: int) -> Power | None:
    """``n > 1`` as a power of a base in :data:`POWER_BASES`, if it is one.

    >>> as_power(10**60), as_power(2**60 + 1)
    (Power(base=10, exponent=60), None)
    """
    log_n = math.log(n)
    for base in POWER_BASES:
        if n % base:
            continue
        exponent = round(log_n / math.log(base))
        if exponent > 1 and abs(log_n / math.log(base) - exponent) < 1e-6 and base**exponent == n:
            return Power(base, exponent)
    return None


def scientific(p: int, q: int = 1, digits: int = 6) -> Scientific:
    """``p/q > 0`` by its first ``digits`` significant digits (cut, not rounded).

    Only integers of about ``digits`` digits are ever written as text.

    >>> scientific(2**30000)
    Scientific(digits='794090', exponent=9030, exact=False)
    >>> scientific(3, 4 * 10**70).mantissa
    '7.5'
    """
    exponent = math.floor(math.log10(p) - math.log10(q))
    while True:
        shift = digits - 1 - exponent
        num, den = (p * 10**shift, q) if shift >= 0 else (p, q * 10**-shift)
        lead, rest = divmod(num, den)
        if lead >= 10**digits:  # the float logarithm was one decade off
            exponent += 1
        elif lead < 10 ** (digits - 1):
            exponent -= 1
        else:
            return Scientific(str(lead), exponent, rest == 0)


class _SafeNumbers:
    """Printer mix-in: long integers and fractions never reach ``str(int)``."""

    #: significant digits of the scientific form
    digits = 6

    def _power_text(self, power: Power) -> str:
        return f"{power.base}**{power.exponent}"

    def _scientific_text(self, sci: Scientific) -> str:
        return f"{sci.mantissa}e{sci.exponent}"

    def _wrap(self, text: str) -> str:
        return f"({text})"

    def _long_positive(self, p: int, q: int = 1) -> str:
        if q == 1:
            power = as_power(p)
            if power is not None:
                return self._power_text(power)
        elif not is_long(p) or as_power(p) is not None:
            top = self._long_positive(p) if is_long(p) else str(p)
            bottom = str(q) if not is_long(q) else None
            if bottom is None and as_power(q) is not None:
                bottom = self._long_positive(q)
            if bottom is not None:
                return self._fraction_text(top, bottom)
        return self._scientific_text(scientific(p, q, self.digits))

    def _fraction_text(self, top: str, bottom: str) -> str:
        return f"{top}/{self._wrap(bottom) if '*' in bottom else bottom}"

    def _long_text(self, p: int, q: int = 1) -> str:
        return ("-" if p < 0 else "") + self._long_positive(abs(p), q)

    def _print_int(self, expr):
        return self._long_text(expr) if is_long(expr) else super()._print_int(expr)

    def _print_Integer(self, expr):
        if is_long(expr.p):
            return self._long_text(int(expr.p))
        parent = getattr(super(), "_print_Integer", None) or super()._print_Rational
        return parent(expr)

    def _print_Rational(self, expr):
        if expr.q == 1:
            return self._print_Integer(expr)
        if is_long(expr.p) or is_long(expr.q):
            return self._long_text(int(expr.p), int(expr.q))
        return super()._print_Rational(expr)

    def parenthesize(self, item, level, *args, **kwargs):
        # a long number prints as a product or a power: bracket it as the base of a power
        if _is_long_number(item) and level > PRECEDENCE["Mul"]:
            return self._wrap(self._print(item))
        return super().parenthesize(item, level, *args, **kwargs)


class SafeLatexPrinter(_SafeNumbers, LatexPrinter):
    """sympy's LaTeX printer with long numbers written as powers or in scientific form."""

    def _power_text(self, power: Power) -> str:
        return f"{power.base}^{{{power.exponent}}}"

    def _scientific_text(self, sci: Scientific) -> str:
        dots = "" if sci.exact else r"\ldots"
        return rf"{sci.mantissa}{dots} \times 10^{{{sci.exponent}}}"

    def _wrap(self, text: str) -> str:
        return rf"\left({text}\right)"

    def _fraction_text(self, top: str, bottom: str) -> str:
        return rf"\frac{{{top}}}{{{bottom}}}"

    def _long_text(self, p: int, q: int = 1) -> str:
        return ("- " if p < 0 else "") + self._long_positive(abs(p), q)

    def _print_Pow(self, expr):
        # sympy writes a rational exponent's parts with %d (x^(1/q) as a q-th root)
        if expr.exp.is_Rational and (_is_long_number(expr.exp) or _is_long_number(expr.base)):
            return self._helper_print_standard_power(expr, "%s^{%s}")
        return super()._print_Pow(expr)


class SafeStrPrinter(_SafeNumbers, StrPrinter):
    """sympy's str printer with long numbers written as powers or in scientific form."""


class SafePythonCodePrinter(_SafeNumbers, PythonCodePrinter):
    """sympy's Python code printer; a long number that is no power becomes a float literal."""

    digits = 17


class SafeNumPyPrinter(_SafeNumbers, NumPyPrinter):
    """sympy's NumPy code printer; a long number that is no power becomes a float literal."""

    digits = 17


def latex(expr: sp.Basic, **settings) -> str:
    """LaTeX of ``expr`` (the settings of ``sympy.latex``), long numbers shortened."""
    return SafeLatexPrinter(settings).doprint(expr)


def sstr(expr: sp.Basic, **settings) -> str:
    """``str`` of ``expr`` (the settings of ``sympy.sstr``), long numbers shortened."""
    return SafeStrPrinter(settings).doprint(expr)


def pycode(expr: sp.Basic, **settings) -> str:
    """Python source of ``expr`` (the settings of ``sympy.pycode``), long numbers shortened."""
    return SafePythonCodePrinter(settings).doprint(expr)


def numpy_code(expr: sp.Basic, **settings) -> str:
    """NumPy source of ``expr`` (the settings of sympy's ``NumPyPrinter``)."""
    return SafeNumPyPrinter(settings).doprint(expr)
