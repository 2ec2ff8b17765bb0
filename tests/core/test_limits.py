"""calc_core.limits.analyze: the record behind the limits page."""

import contextlib
import io
import itertools
import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core.differences import SCHEMES, quotient
from calc_core.errors import InputError
from calc_core.limits import analyze, secant_view, step_absorbed
from calc_core.numeric import compile_expr
from calc_core.parser import parse


class TestBookDefaults:
    def test_table_matches_the_book_to_five_decimals(self):
        r = analyze("3x^2 - 4x", 1.0, 0.1, 5, 10.0, "forward")
        assert [f"{row.h:.5f}" for row in r.rows] == [
            "0.10000", "0.01000", "0.00100", "0.00010", "0.00001"
        ]  # fmt: skip
        assert [f"{row.quotient:.5f}" for row in r.rows] == [
            "2.30000", "2.03000", "2.00300", "2.00030", "2.00003"
        ]  # fmt: skip

    def test_errors_shrink_tenfold_per_step(self):
        r = analyze("3x^2 - 4x", 1.0)
        errors = [row.error for row in r.rows]
        assert all(a / b == pytest.approx(10, rel=1e-3) for a, b in itertools.pairwise(errors))

    def test_book_code_prints_the_books_lines(self):
        r = analyze("3x^2 - 4x", 1.0)
        assert "def numerical_lim(f, x, h):" in r.book_code
        assert "return 3*x**2 - 4*x" in r.book_code
        assert r.book_output[0] == "h=0.10000, numerical limit=2.30000"
        assert r.book_output[-1] == "h=0.00001, numerical limit=2.00003"

    def test_book_code_runs_and_prints_what_we_show(self, capsys):
        r = analyze("sin(x)*x", 0.5, 0.1, 4, 10.0, "central")
        exec(r.book_code, {})  # our own generated code, not user text
        assert tuple(capsys.readouterr().out.splitlines()) == r.book_output

    @pytest.mark.parametrize("f", ["|x - 1| + 0.1x", "sin(abs(x - 1))", "abs(x)^3", "x |x|"])
    @pytest.mark.parametrize("dtype", ["float64", "float32"])
    def test_the_complex_step_cell_continues_abs_as_the_page_does(self, capsys, f, dtype):
        """Python's abs(z) is the modulus: its imaginary part would make every slope 0."""
        r = analyze(f, 0.5, 0.1, 4, 10.0, "complex", dtype)
        exec(r.book_code, {})  # our own generated code, not user text
        assert "def cabs(z)" in r.book_code
        assert tuple(capsys.readouterr().out.splitlines()) == r.book_output

    def test_collapse_at_tiny_h_is_reported(self):
        r = analyze("3x^2 - 4x", 1.0)
        assert r.tiny_h_absorbed and r.tiny_h_quotient == 0.0


#: Parts of f whose value numpy's or Python's arithmetic makes complex (or an exception)
#: where the page's real evaluation gives nan or inf: complex constants (log(cos(2)) is
#: log(-cos(2)) + iπ, sqrt(-2) is √2·i), powers of negative numbers, poles.
_CONSTANTS = ["log(cos(2))", "sqrt(-2)", "log(-3)", "(-8)^(1/3)", "sqrt(cos(2))", "asin(x)",
              "(-2)^(1/2)", "log(-1)/2", "2"]  # fmt: skip
_TERMS = ["x", "x^(1/3)", "x^(2/3)", "x^1.5", "x^x", "(-2)^x", "sqrt(x)", "log(x)", "1/x",
          "sin(x)", "x^2"]  # fmt: skip


@st.composite
def complex_in_python(draw) -> str:
    c, u, v = (
        draw(st.sampled_from(_CONSTANTS)),
        draw(st.sampled_from(_TERMS)),
        draw(st.sampled_from(_TERMS)),
    )
    return draw(st.sampled_from([c, f"{c}*{u}", f"{u} + {c}", f"{u}*{v} - {c}", f"{u}/{v}"]))


def run_cell(code: str) -> tuple[str, ...]:
    """What the cell prints, run here (numpy's warnings silenced, as the page is)."""
    out = io.StringIO()
    with np.errstate(all="ignore"), contextlib.redirect_stdout(out):
        exec(code, {})  # our own generated code, not user text
    return tuple(out.getvalue().splitlines())


class TestTheBookCellPrintsThePagesNumbers:
    """The cell runs on numpy's float64 as the page does: where the page shows nan
    (a complex value at a real x, a power of a negative number) the cell prints nan,
    never a complex number, and never raises (1/0.0, 1e200**2 in Python floats)."""

    @pytest.mark.parametrize(("f", "x0"), [("log(cos(2))", 1.0), ("x^(1/3)", -1.0),
                                           ("1/x", 0.0), ("x^60", 1e6)])  # fmt: skip
    def test_where_the_page_shows_nan_or_inf_the_cell_prints_it(self, f, x0):
        r = analyze(f, x0)
        printed = run_cell(r.book_code)
        assert printed == r.book_output
        assert all(line.endswith(("nan", "inf")) for line in printed)

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(
        f=complex_in_python(),
        x0=st.sampled_from([-1.5, -1.0, -0.3, 0.0, 0.5, 2.0]),
        scheme=st.sampled_from(SCHEMES),
        dtype=st.sampled_from(["float64", "float32"]),
    )
    def test_for_values_complex_in_python_the_cell_prints_the_pages_table(
        self, f, x0, scheme, dtype
    ):
        r = analyze(f, x0, scheme=scheme, dtype=dtype)
        assert run_cell(r.book_code) == r.book_output, r.book_code


class TestNoDerivative:
    def test_kink_has_no_sweep_and_no_errors(self):
        r = analyze("|x|", 0.0)
        assert r.derivative.status == "not_differentiable"
        assert r.sweep is None and all(row.error is None for row in r.rows)


class TestBadInput:
    def test_malformed_f_is_tagged_with_its_field(self):
        with pytest.raises(InputError) as info:
            analyze("3x^^2", 1.0)
        assert info.value.field == "f" and info.value.column == 3

    @pytest.mark.parametrize(
        "kwargs, field",
        [({"x0": float("nan")}, "x0"), ({"x0": 1e9}, "x0"), ({"h0": 0.0}, "h0"),
         ({"steps": 0}, "steps"), ({"steps": 99}, "steps"), ({"shrink": 1.0}, "shrink"),
         ({"scheme": "evil"}, "scheme")],
    )  # fmt: skip
    def test_out_of_range_numbers_are_refused(self, kwargs, field):
        args = {"f_text": "x^2", "x0": 1.0} | kwargs
        with pytest.raises(InputError) as info:
            analyze(**args)
        assert info.value.code == "out_of_range" and info.value.field == field


class TestSecant:
    def test_secant_slope_of_the_book_example(self):
        v = secant_view("3x^2 - 4x", 1.0, 0.5)
        assert v.secant_slope == pytest.approx(3.5) and v.tangent_slope == 2.0

    def test_pole_leaves_gaps_not_infinities(self):
        v = secant_view("1/x", 0.5, 1.0)
        assert not any(abs(y) == float("inf") for y in v.y)

    @pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
    @pytest.mark.parametrize("h", [0.5, 0.05, 0.001])
    def test_in_a_format_the_secant_is_the_tables_forward_quotient(self, dtype, h):
        v = secant_view("sin(x) + x^2/3", 0.7, h, dtype=dtype)
        row = analyze("sin(x) + x^2/3", 0.7, h, 1, 10.0, "forward", dtype).rows[0]
        assert v.secant_slope == row.quotient and v.dtype == dtype

    def test_in_bfloat16_a_step_below_its_reach_gives_a_flat_secant(self):
        kind = ml_dtypes.bfloat16
        x, h = kind(1.0), kind(0.001)
        assert kind(x + h) == x  # ml_dtypes' own arithmetic: 1 + 0.001 rounds back to 1
        assert secant_view("3x^2 - 4x", 1.0, 0.001, dtype="bfloat16").secant_slope == 0.0

    def test_in_float16_the_secant_slope_is_numpys_float16_arithmetic(self):
        x, h = np.float16(1.0), np.float16(0.001)

        def f(v):
            return np.float16(np.float16(-4) * v) + np.float16(np.float16(3) * np.float16(v * v))

        by_hand = float(np.float16(np.float16(f(np.float16(x + h)) - f(x)) / h))
        assert secant_view("3x^2 - 4x", 1.0, 0.001, dtype="float16").secant_slope == by_hand


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-300, 1e-12),
    st.sampled_from(SCHEMES),
)
def test_an_absorbed_step_makes_the_quotient_exactly_zero(x0, h, scheme):
    """Where float64 loses h, every point the scheme evaluates is x0: f(x0) − f(x0) = 0."""
    fn = compile_expr(parse("sin(x) + x^2"), ("x",))
    if step_absorbed(x0, h, scheme):
        assert float(quotient(fn, x0, h, scheme)) == 0.0
    elif scheme != "complex":  # some evaluated point differs from x0
        assert x0 + h != x0 or x0 - h != x0


@given(st.floats(-1e3, 1e3, allow_nan=False), st.sampled_from(SCHEMES))
def test_the_collapse_note_is_about_the_selected_scheme(x0, scheme):
    r = analyze("sin(x)", x0, scheme=scheme)
    fn = compile_expr(parse("sin(x)"), ("x",))
    expected = float(quotient(fn, x0, r.tiny_h, scheme))
    assert r.tiny_h_quotient == expected or (math.isnan(expected) and math.isnan(r.tiny_h_quotient))
    assert r.tiny_h_absorbed == step_absorbed(x0, r.tiny_h, scheme)
