"""Specification of :mod:`calc_core.printing`: any sympy number prints, briefly and truly.

Python refuses ``str`` of an integer over 4,300 digits; sympy's printers call it on
every number. Ours write a long integer as an exact power or by its leading digits,
checked here against mpmath (an independent reference), and never fail.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from calc_core import printing
from calc_core.printing import MAX_DIGITS, as_power, latex, numpy_code, pycode, scientific, sstr

x = sp.Symbol("x", real=True)
LIMIT = sys.get_int_max_str_digits()
PRINTERS = (latex, sstr, pycode, numpy_code)
CORE = Path(printing.__file__).parent

#: Positive integers of every length up to well past Python's limit, powers among them.
longs = st.one_of(
    st.integers(1, 10**80),
    st.builds(lambda b, k: b**k, st.integers(2, 99), st.integers(1, 30_000)),
    st.builds(lambda b, k: b**k + 1, st.integers(2, 99), st.integers(1, 30_000)),
    st.builds(lambda k: 10**k, st.integers(1, 20_000)),
)


def leading_digits(value: mpmath.mpf, digits: int = 6) -> tuple[str, int]:
    """The first ``digits`` digits (cut) and decimal exponent of value > 0, by mpmath."""
    with mpmath.workdps(digits + 40):
        exponent = int(mpmath.floor(mpmath.log10(value)))
        lead = int(mpmath.floor(value / mpmath.mpf(10) ** (exponent - digits + 1)))
    return str(lead), exponent


class TestLongIntegers:
    def test_python_refuses_them(self):
        with pytest.raises(ValueError, match="4300"):
            str(2**30000)

    @pytest.mark.parametrize("printer", PRINTERS)
    def test_sympy_printers_refuse_them_ours_do_not(self, printer):
        value = sp.Rational(1, 2**30000) * x + sp.Integer(3) ** 9000 + 1
        with pytest.raises(ValueError):
            sp.latex(value)  # sympy's own printer
        assert len(printer(value)) < 200

    def test_short_numbers_print_exactly_as_sympy_prints_them(self):
        value = sp.Rational(10**MAX_DIGITS - 1, 7) * x + 3
        assert latex(value) == sp.latex(value)
        assert sstr(value) == sp.sstr(value)
        assert pycode(value) == sp.pycode(value)

    def test_a_power_prints_as_a_power(self):
        assert latex(sp.Integer(5) ** 15625) == "5^{15625}"
        assert sstr(sp.Integer(5) ** 15625) == "5**15625"
        assert latex(x / sp.Integer(3) ** 10000) == r"\frac{x}{3^{10000}}"

    def test_a_long_base_is_bracketed_under_an_exponent(self):
        power = sp.Pow(sp.Integer(2) ** 300, x, evaluate=False)
        assert latex(power) == r"\left(2^{300}\right)^{x}"
        assert sstr(power) == "(2**300)**x"

    def test_a_long_rational_exponent_is_no_root(self):
        assert latex(x ** sp.Rational(1, 2**300)) == r"x^{\frac{1}{2^{300}}}"

    def test_cut_digits_are_marked(self):
        assert latex(sp.Integer(3) ** 9000 + 1) == r"1.23393\ldots \times 10^{4294}"
        assert latex(3 * sp.Integer(10) ** 60 * 7) == r"2.1 \times 10^{61}"

    @settings(max_examples=60, deadline=None)
    @given(n=longs, negative=st.booleans())
    def test_every_printer_writes_every_integer(self, n, negative):
        value = sp.Integer(-n if negative else n)
        for printer in PRINTERS:
            text = printer(value)
            assert len(text) <= max(60, MAX_DIGITS + 2), text

    @settings(max_examples=60, deadline=None)
    @given(n=longs)
    def test_a_power_is_exact(self, n):
        power = as_power(n)
        if power is not None:
            assert power.base**power.exponent == n
        text = sstr(sp.Integer(n))
        if n >= 10**MAX_DIGITS and (match := re.fullmatch(r"(\d+)\*\*(\d+)", text)):
            assert int(match[1]) ** int(match[2]) == n

    @settings(max_examples=60, deadline=None)
    @given(p=longs, q=longs)
    @example(p=1, q=10**190)  # an exact power of ten: float references read 99999...
    def test_scientific_digits_are_the_leading_digits_cut(self, p, q):
        sci = scientific(p, q)
        lead, shift = int(sci.digits), sci.exponent - len(sci.digits) + 1
        assert 10 ** (len(sci.digits) - 1) <= lead < 10 ** len(sci.digits)
        # lead * 10^shift <= p/q < (lead + 1) * 10^shift, decided in exact integers
        low, high = (
            (lead * 10**shift * q, (lead + 1) * 10**shift * q)
            if shift >= 0
            else (
                lead * q,
                (lead + 1) * q,
            )
        )
        scaled = p if shift >= 0 else p * 10**-shift
        assert low <= scaled < high
        assert sci.exact == (scaled == low)

    @settings(max_examples=60, deadline=None)
    @given(p=longs, q=longs)
    def test_scientific_digits_agree_with_mpmath_away_from_a_cut(self, p, q):
        sci = scientific(p, q)
        with mpmath.workdps(max(60, 2 * len(sci.digits))):
            digits, exponent = leading_digits(mpmath.mpf(p) / mpmath.mpf(q), digits=12)
        if digits[6:] in ("000000", "999999"):  # within 1e-6 of a cut: decided exactly above
            return
        assert (sci.digits, sci.exponent) == (digits[:6], exponent)


class TestExpressions:
    @settings(max_examples=40, deadline=None)
    @given(p=longs, q=longs, k=st.integers(-3, 3))
    def test_expressions_with_long_numbers_print(self, p, q, k):
        c = sp.Rational(p, q)
        for value in (c * x, x + c, c * x**2 + 1 / c, sp.log(c) * x, sp.Pow(c, x), x**k * c):
            for printer in PRINTERS:
                text = printer(value)
                assert isinstance(text, str)
                assert len(text) < 400, text

    def test_generated_python_code_is_python(self):
        code = pycode(
            x / sp.Integer(3) ** 10000 + sp.Integer(7) ** 400 * x**2 + sp.Integer(3) ** 9000 + 1
        )
        ast.parse(code)
        assert "3**10000" in code and "7**400" in code and "1.2339355511857352e4294" in code


class TestNothingElsePrints:
    def test_calc_core_calls_no_sympy_printer_of_its_own(self):
        """Ruff bans sympy's printers in calc_core; this checks the ban is configured."""
        config = (CORE / "ruff.toml").read_text()
        for name in ("sympy.latex", "sympy.sstr", "sympy.pycode", "sympy.printing"):
            assert f'"{name}"' in config, name
