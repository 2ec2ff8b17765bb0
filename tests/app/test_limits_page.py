"""Specification of the limits page (``pages/limits.py``) and of the app shell around it.

Every test drives the page as a visitor would -- URL parameters before the first run,
widgets by key afterwards -- and reads what the page shows: the book's table, the LaTeX,
the charts' data, warnings and error boxes. Numbers are checked against the book's
printed table and against difference quotients computed here independently.
"""

from __future__ import annotations

import itertools
import math
import re
import string
import subprocess
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core import limits
from calc_core.differences import SCHEMES, quotient
from calc_core.errors import InputError
from calc_core.numeric import compile_expr
from calc_core.parser import parse
from lab_ui.i18n import catalog, error_message, t
from lab_ui.i18n import literal as as_text
from tests.app.conftest import (
    LIMITS_PAGE,
    ROOT,
    assert_no_exception,
    build,
    chart_data,
    chart_spec,
    charts,
    latex_texts,
    layer_scales,
    open_book_code,
    tables,
)

#: What the URL holds after a plain visit: the book's example, in English.
DEFAULT_URL = {
    "lang": "en",
    "f": "3x^2 - 4x",
    "x0": "1",
    "h0": "0.1",
    "steps": "5",
    "shrink": "10",
    "scheme": "forward",
    "dtype": "float64",
    "secant_h": "0.5",
}
#: The book's table (D2L 2.4.1), exactly as printed.
BOOK_H = ["0.10000", "0.01000", "0.00100", "0.00010", "0.00001"]
BOOK_LIMITS = ["2.30000", "2.03000", "2.00300", "2.00030", "2.00003"]


def book_f(x):
    return 3 * x**2 - 4 * x


def column(at, key: str, lang: str = "en", table: int = 0) -> list[str]:
    """One column of a page table, found by its translated header."""
    return tables(at)[table][t(key, lang)].tolist()


def quotients(at, lang: str = "en") -> list[float]:
    return [float(v) for v in column(at, "limits.col.quotient", lang)]


def steps(at, lang: str = "en") -> list[float]:
    return [float(v) for v in column(at, "limits.col.h", lang)]


def match_message(key: str, text: str, lang: str = "en") -> dict[str, str]:
    """Check ``text`` is the catalog message ``key`` and return its fields' values."""
    pattern, seen = "", set()
    for literal, field, _, _ in string.Formatter().parse(catalog(lang)[key]):
        pattern += re.escape(literal)
        if field is not None:
            pattern += f"(?P={field})" if field in seen else f"(?P<{field}>.+?)"
            seen.add(field)
    found = re.fullmatch(pattern, text, flags=re.DOTALL)
    assert found, f"{text!r} is not the message {key!r}"
    return found.groupdict()


def number(text: str) -> float:
    """A number as the page prints it (``−`` minus and ``∞`` included)."""
    return float(text.replace("−", "-").replace("∞", "inf"))


def parse_error(text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse(text)
    return caught.value.with_field("f")


# ----------------------------------------------------------------------------- defaults


class TestBookExampleByDefault:
    """A plain visit shows D2L's example f(x) = 3x^2 - 4x at x = 1, as the book prints it."""

    def test_title_and_no_warning_or_error(self, limits_app):
        at = limits_app()
        assert [el.value for el in at.title] == [catalog("en")["limits.title"]]
        assert not at.warning
        assert not at.error

    def test_h_column_is_the_books(self, limits_app):
        assert column(limits_app(), "limits.col.h_book") == BOOK_H

    def test_numerical_limits_are_the_books(self, limits_app):
        assert column(limits_app(), "limits.col.quotient_book") == BOOK_LIMITS

    def test_all_digits_are_the_books_loop_in_float64(self, limits_app):
        at = limits_app()
        h, expected = 0.1, []
        for _ in range(5):  # the book's loop, verbatim
            expected.append((book_f(1.0 + h) - book_f(1.0)) / h)
            h *= 0.1
        assert all(
            math.isclose(a, b, rel_tol=1e-12) for a, b in zip(quotients(at), expected, strict=True)
        )

    def test_error_column_is_distance_to_two(self, limits_app):
        at = limits_app()
        errors = [number(v) for v in column(at, "limits.col.error")]
        for err, q in zip(errors, quotients(at), strict=True):
            assert math.isclose(err, abs(q - 2), rel_tol=1e-2)

    def test_exact_derivative_in_latex(self, limits_app):
        latex = latex_texts(limits_app())
        assert r"f(x) = 3 x^{2} - 4 x \qquad f'(x) = 6 x - 4" in latex
        assert "f'(1) = 2" in latex

    def test_url_holds_every_input(self, limits_app):
        assert dict(limits_app().query_params) == DEFAULT_URL


class TestErrorChart:
    """The error-against-h chart: every scheme, log scales on both axes."""

    def test_data_has_all_five_schemes(self, limits_app):
        lines = chart_data(charts(limits_app())[0])[0]
        assert set(lines["scheme"]) == {t(f"scheme.{s}", "en") for s in SCHEMES}

    def test_both_axes_are_logarithmic(self, limits_app):
        spec = chart_spec(charts(limits_app())[0])
        assert {s["type"] for s in layer_scales(spec, "x")} == {"log"}
        assert {s.get("type") for s in layer_scales(spec, "y") if s} == {"log"}

    def test_h_spans_book_range_down_to_round_off(self, limits_app):
        lines = chart_data(charts(limits_app())[0])[0]
        assert lines["h"].max() == pytest.approx(0.1)
        assert lines["h"].min() == pytest.approx(1e-16)

    def test_forward_errors_match_independent_quotients(self, limits_app):
        lines = chart_data(charts(limits_app())[0])[0]
        forward = lines[lines["scheme"] == t("scheme.forward", "en")]
        big = forward[forward["h"] >= 1e-4]  # truncation-dominated: error = 3h exactly
        for h, err in zip(big["h"], big["exact_error"], strict=True):
            assert err == pytest.approx(abs((book_f(1 + h) - book_f(1)) / h - 2), rel=1e-6)
            assert err == pytest.approx(3 * h, rel=1e-6)

    def test_labels_follow_the_language(self, limits_app):
        lines = chart_data(charts(limits_app(lang="zh"))[0])[0]
        assert set(lines["scheme"]) == {t(f"scheme.{s}", "zh") for s in SCHEMES}


class TestSecantView:
    """The secant-to-tangent chart and its two slopes."""

    def test_chart_shows_f_secant_and_tangent(self, limits_app):
        at = limits_app()
        assert len(charts(at)) == 2
        data = chart_data(charts(at)[1])[0]
        names = {t(f"limits.series.{k}", "en") for k in ("f", "secant", "tangent")}
        assert set(data["series"]) == names

    def test_slopes_are_secant_and_derivative(self, limits_app):
        at = limits_app()
        secant, tangent = (number(m.value) for m in at.metric)
        assert secant == pytest.approx((book_f(1.5) - book_f(1.0)) / 0.5)  # 2 + 3h = 3.5
        assert tangent == pytest.approx(2.0)

    def test_smaller_secant_step_moves_slope_towards_two(self, limits_app):
        at = limits_app()
        at.select_slider(key="secant_h").set_value(0.01).run()
        assert_no_exception(at)
        assert number(at.metric[0].value) == pytest.approx(2.03)
        assert at.query_params["secant_h"] == "0.01"


class TestRoundOffNote:
    def test_tiny_step_collapses_forward_quotient_to_zero(self, limits_app):
        (note,) = limits_app().info
        assert note.value == (
            "At h = 1e-16 the forward quotient (f(x₀ + h) − f(x₀))/h is 0.0. In float64, "
            "x₀ + h == x₀ here, so f(x₀ + h) − f(x₀) is exactly 0. Shrinking h first reduces "
            "the truncation error, then round-off takes over. The error chart shows it for "
            "every scheme."
        )

    def test_note_is_translated(self, limits_app):
        (note,) = limits_app(lang="zh").info
        assert note.value.startswith("当 h = 1e-16 时，前向差商 (f(x₀ + h) − f(x₀))/h 等于 0.0。")

    @pytest.mark.parametrize("scheme", SCHEMES)
    def test_the_note_speaks_of_the_selected_scheme(self, limits_app, scheme):
        (note,) = limits_app(scheme=scheme, f="sin(x)").info
        assert t(f"limits.quotient.{scheme}", "en") in note.value
        others = [s for s in SCHEMES if s != scheme]
        assert not any(t(f"limits.quotient.{s}", "en") in note.value for s in others)
        fn = compile_expr(parse("sin(x)"), ("x",))
        q = float(quotient(fn, 1.0, 1e-16, scheme))  # that scheme's quotient, not forward's
        assert f" is {q!r}." in note.value
        absorbed = (
            t(f"limits.absorbed.{scheme}", "en", dtype="float64") if scheme != "complex" else "\0"
        )
        assert (absorbed in note.value) == limits.step_absorbed(1.0, 1e-16, scheme)

    def test_no_chart_no_pointer_to_it(self, limits_app):
        at = limits_app(f="abs(x)", x0="0")
        assert not at.get("vega_lite_chart") or len(at.get("vega_lite_chart")) == 1  # secant
        (note,) = at.info
        assert "chart" not in note.value.lower() and "below" not in note.value


class TestBookCode:
    """The expander holds the book's cell for the current inputs and what it prints."""

    def test_code_defines_numerical_lim(self, limits_app):
        at = open_book_code(limits_app())
        (expander,) = at.expander
        assert expander.label == catalog("en")["shell.book_code"]
        code, output = (el.value for el in expander.code)
        assert "def numerical_lim" in code
        assert "h=0.10000, numerical limit=2.30000" in output.splitlines()

    def test_printed_lines_are_the_books_table(self, limits_app):
        output = open_book_code(limits_app()).expander[0].code[1].value.splitlines()
        assert output == [
            f"h={h}, numerical limit={q}" for h, q in zip(BOOK_H, BOOK_LIMITS, strict=True)
        ]

    @pytest.mark.parametrize("scheme", SCHEMES)
    def test_the_code_prints_what_the_page_says(self, limits_app, scheme):
        at = open_book_code(limits_app(f="sin(x) + x^2", scheme=scheme))
        code, output = (el.value for el in at.expander[0].code)
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines() == output.splitlines()


# ----------------------------------------------------------------------------- schemes


#: What each scheme's quotient is for 3x^2 - 4x at 1, worked out by hand.
SCHEME_QUOTIENT = {
    "forward": lambda h: 2 + 3 * h,  # (f(1+h) - f(1))/h
    "backward": lambda h: 2 - 3 * h,
    "central": lambda h: 2.0,  # exact for a quadratic
    "complex": lambda h: 2.0,  # Im f(1+ih)/h = Im(-1 - 3h^2 + 2ih)/h
    "richardson": lambda h: 2.0,
}


class TestSchemes:
    """Every scheme renders, and its quotients approach f'(1) = 2 as the theory says."""

    @pytest.mark.parametrize("scheme", SCHEMES)
    def test_selecting_scheme_renders_its_table(self, limits_app, scheme):
        at = limits_app()
        at.selectbox(key="scheme").select(scheme).run()
        assert_no_exception(at)
        assert at.query_params["scheme"] == scheme
        assert catalog("en")[f"limits.scheme_note.{scheme}"] in [c.value for c in at.caption]
        for h, q in zip(steps(at), quotients(at), strict=True):
            assert q == pytest.approx(SCHEME_QUOTIENT[scheme](h), abs=1e-9)

    @pytest.mark.parametrize("scheme", ["forward", "backward"])
    def test_first_order_errors_shrink_tenfold_per_step(self, limits_app, scheme):
        errors = [abs(q - 2) for q in quotients(limits_app(scheme=scheme))]
        for bigger, smaller in itertools.pairwise(errors):
            assert smaller == pytest.approx(bigger / 10, rel=1e-4)

    @pytest.mark.parametrize("scheme", ["central", "complex", "richardson"])
    def test_exact_for_a_quadratic(self, limits_app, scheme):
        at = limits_app(scheme=scheme)
        assert column(at, "limits.col.quotient_book") == ["2.00000"] * 5
        assert max(abs(q - 2) for q in quotients(at)) < 1e-10

    def test_complex_step_has_no_cancellation(self, limits_app):
        at = limits_app(scheme="complex", h0="1e-20", steps="3")
        assert quotients(at) == pytest.approx([2.0, 2.0, 2.0], abs=1e-15)

    def test_sin_reaches_cos_with_central(self, limits_app):
        at = limits_app(f="sin(x)", scheme="central", h0="0.001", steps="1")
        assert quotients(at)[0] == pytest.approx(math.cos(1.0), abs=1e-6)
        assert r"f'(1) = \cos{\left(1 \right)} \approx 0.5403023059" in latex_texts(at)


# ----------------------------------------------------------------------------- URL state


ROUND_TRIP = {
    "f": "sin(x) + x^3",
    "x0": "0.5",
    "h0": "0.2",
    "steps": "7",
    "shrink": "2",
    "scheme": "central",
    "dtype": "float64",
    "secant_h": "0.1",
    "lang": "zh",
}


class TestShareableLinks:
    """Every input lives in the URL: a link restores the view, a change rewrites the link."""

    def test_link_sets_every_widget(self, limits_app):
        at = limits_app(**ROUND_TRIP)
        assert at.text_input(key="f").value == "sin(x) + x^3"
        assert at.number_input(key="x0").value == 0.5
        assert at.number_input(key="h0").value == 0.2
        assert at.number_input(key="steps").value == 7
        assert at.number_input(key="shrink").value == 2.0
        assert at.selectbox(key="scheme").value == "central"
        assert at.select_slider(key="secant_h").value == 0.1
        assert at.radio(key="lang").value == "zh"
        assert not at.warning

    def test_link_drives_the_computation(self, limits_app):
        at = limits_app(**ROUND_TRIP)
        assert steps(at, "zh") == pytest.approx([0.2 / 2**k for k in range(7)], rel=1e-6)
        exact = math.cos(0.5) + 3 * 0.25
        assert quotients(at, "zh")[-1] == pytest.approx(exact, abs=1e-5)
        assert at.title[0].value == catalog("zh")["limits.title"]

    def test_link_survives_the_round_trip_unchanged(self, limits_app):
        assert dict(limits_app(**ROUND_TRIP).query_params) == ROUND_TRIP

    @pytest.mark.parametrize(
        ("kind", "key", "value", "encoded"),
        [
            ("text_input", "f", "x^3", "x^3"),
            ("number_input", "x0", 2.5, "2.5"),
            ("number_input", "h0", 0.5, "0.5"),
            ("number_input", "steps", 8, "8"),
            ("number_input", "shrink", 2.0, "2"),
            ("selectbox", "scheme", "richardson", "richardson"),
            ("select_slider", "secant_h", 0.001, "0.001"),
            ("radio", "lang", "zh", "zh"),
        ],
    )
    def test_changing_a_widget_writes_the_url(self, limits_app, kind, key, value, encoded):
        at = limits_app()
        getattr(at, kind)(key=key).set_value(value).run()
        assert_no_exception(at)
        assert dict(at.query_params) == {**DEFAULT_URL, key: encoded}

    def test_changed_inputs_reach_the_page(self, limits_app):
        at = limits_app()
        at.text_input(key="f").input("x^3").run()
        at.number_input(key="x0").set_value(2.0).run()
        assert_no_exception(at)
        assert "f'(2) = 12" in latex_texts(at)
        assert quotients(at)[0] == pytest.approx((2.1**3 - 8) / 0.1)


BAD_PARAMS = [
    ("x0", "abc"),
    ("x0", "nan"),
    ("x0", "inf"),
    ("x0", "2e6"),
    ("h0", "0"),
    ("h0", "-1"),
    ("steps", "999"),
    ("steps", "2.5"),
    ("shrink", "1"),
    ("scheme", "evil"),
    ("scheme", "__import__('os')"),
    ("secant_h", "0.3"),
    ("lang", "xx"),
    ("f", "x" * 250),
]
BAD_IDS = [f"{name}={raw if len(raw) <= 20 else f'<{len(raw)} chars>'}" for name, raw in BAD_PARAMS]


class TestBadLinkParameters:
    """A bad URL value is named in a warning and replaced by its default; never a crash."""

    @pytest.mark.parametrize(("name", "raw"), BAD_PARAMS, ids=BAD_IDS)
    def test_warns_naming_the_param(self, limits_app, name, raw):
        at = limits_app(**{name: raw})
        assert [w.value for w in at.warning] == [t("shell.bad_param", "en", name=as_text(name))]
        assert f"`{name}`" in at.warning[0].value  # as text, never Markdown

    @pytest.mark.parametrize(("name", "raw"), BAD_PARAMS, ids=BAD_IDS)
    def test_falls_back_to_the_default(self, limits_app, name, raw):
        at = limits_app(**{name: raw})
        assert dict(at.query_params) == DEFAULT_URL
        assert column(at, "limits.col.quotient_book") == BOOK_LIMITS
        assert not at.error

    def test_several_bad_params_each_get_a_warning(self, limits_app):
        at = limits_app(x0="abc", steps="999", scheme="evil", lang="xx")
        names = {w.value for w in at.warning}
        assert names == {
            t("shell.bad_param", "en", name=as_text(n)) for n in ("x0", "steps", "scheme", "lang")
        }
        assert dict(at.query_params) == DEFAULT_URL

    def test_good_params_beside_a_bad_one_are_kept(self, limits_app):
        at = limits_app(x0="abc", f="x^2", scheme="central")
        assert at.text_input(key="f").value == "x^2"
        assert at.selectbox(key="scheme").value == "central"
        assert at.number_input(key="x0").value == 1.0


# ----------------------------------------------------------------------------- input ranges


def near_the_ends(bounds: limits.Bounds) -> st.SearchStrategy[float]:
    """Each end, the floats just past it, and anything else (nan and inf included)."""
    ends = [bounds.low, bounds.high]
    ends += [math.nextafter(bounds.low, -math.inf), math.nextafter(bounds.high, math.inf)]
    ends += [math.nextafter(bounds.low, math.inf), math.nextafter(bounds.high, -math.inf)]
    return st.one_of(st.sampled_from(ends), st.floats())


class TestOneRangePerInput:
    """The core's ``limits.BOUNDS`` are the widgets' limits and the link parser's: a value
    is accepted by all three or refused by all three (h0 = 1e-300 was once accepted by a
    link and the widget, then refused by the core with an error box)."""

    @pytest.mark.parametrize("key", ["x0", "h0", "steps", "shrink"])
    def test_each_widget_has_the_cores_limits(self, limits_app, key):
        widget = limits_app().number_input(key=key)
        bounds = limits.BOUNDS[key]
        assert (widget.proto.min, widget.proto.max) == (bounds.low, bounds.high)

    @settings(max_examples=30, deadline=None)
    @given(
        field_value=st.one_of(
            *(
                st.tuples(st.just(k), near_the_ends(limits.BOUNDS[k]))
                for k in ("x0", "h0", "shrink")
            ),
            st.tuples(st.just("steps"), st.integers(-2, 20)),
        )
    )
    def test_a_link_value_is_accepted_exactly_when_the_core_accepts_it(self, field_value):
        field, value = field_value
        at = build(LIMITS_PAGE, lang="en", **{field: repr(value)}).run()
        assert_no_exception(at)
        refused = [w.value for w in at.warning] == [t("shell.bad_param", "en", name=as_text(field))]
        assert refused == (not limits.BOUNDS[field].admits(value))
        if not refused:
            assert at.number_input(key=field).value == value
            assert not at.error, [e.value for e in at.error]


# ----------------------------------------------------------------------------- bad functions


MALFORMED = ["3x^^2", "xy", "__import__('os')", "9^9^9", "sin(", "x)", "x，1", "(x+1)^100000"]


class TestMalformedFunction:
    """A function the parser refuses gives an error box with a caret, and nothing else."""

    @pytest.mark.parametrize("text", MALFORMED)
    def test_error_box_shows_the_parsers_message(self, limits_app, text):
        at = limits_app(f=text)
        (box,) = at.error
        assert error_message(parse_error(text), "en") in box.value
        assert box.value.startswith(f"**{catalog('en')['field.f']}**")

    @pytest.mark.parametrize("text", MALFORMED)
    def test_caret_points_at_the_column(self, limits_app, text):
        at = limits_app(f=text)
        column_ = parse_error(text).column
        (block,) = at.code
        assert block.value == f"{text}\n{' ' * column_}^"

    @pytest.mark.parametrize("text", MALFORMED)
    def test_nothing_is_computed(self, limits_app, text):
        at = limits_app(f=text)
        assert not tables(at)
        assert not charts(at)
        assert not at.expander

    def test_link_keeps_the_text_so_the_error_can_be_shared(self, limits_app):
        assert limits_app(f="3x^^2").query_params["f"] == "3x^^2"

    def test_error_is_translated(self, limits_app):
        at = limits_app(f="xy", lang="zh")
        assert error_message(parse_error("xy"), "zh") in at.error[0].value
        assert at.error[0].value.startswith(f"**{catalog('zh')['field.f']}**")

    def test_fixing_the_text_recovers(self, limits_app):
        at = limits_app()
        at.text_input(key="f").input("3x^^2").run()
        assert at.error
        at.text_input(key="f").input("3x^2 - 4x").run()
        assert_no_exception(at)
        assert not at.error
        assert column(at, "limits.col.quotient_book") == BOOK_LIMITS

    def test_empty_text_asks_for_an_expression(self, limits_app):
        at = limits_app()
        at.text_input(key="f").input("").run()
        assert_no_exception(at)
        assert catalog("en")["error.empty"] in at.error[0].value

    def test_overlong_link_text_warns_and_falls_back(self, limits_app):
        at = limits_app(f="x+" * 125)
        assert [w.value for w in at.warning] == [t("shell.bad_param", "en", name=as_text("f"))]
        assert at.text_input(key="f").value == DEFAULT_URL["f"]
        assert not at.error

    def test_overlong_typed_text_never_reaches_the_parser(self, limits_app):
        at = limits_app()
        at.text_input(key="f").input("x+" * 125).run()
        assert_no_exception(at)
        assert len(at.text_input(key="f").value) <= 200
        assert len(at.query_params["f"]) <= 200


# ----------------------------------------------------------------------------- languages


class TestLanguages:
    """English and Simplified Chinese, from the URL or the sidebar switch."""

    def test_chinese_title_and_table_headers(self, limits_app):
        at = limits_app(lang="zh")
        zh = catalog("zh")
        assert at.title[0].value == zh["limits.title"] == "极限：差商"
        headers = list(tables(at)[0].columns)
        assert headers == [
            zh[f"limits.col.{k}"] for k in ("h_book", "h", "quotient_book", "quotient", "error")
        ]

    def test_numbers_do_not_depend_on_language(self, limits_app):
        at = limits_app(lang="zh")
        assert column(at, "limits.col.quotient_book", "zh") == BOOK_LIMITS

    def test_switch_changes_the_text(self, limits_app):
        at = limits_app()
        at.radio(key="lang").set_value("zh").run()
        assert_no_exception(at)
        assert at.title[0].value == catalog("zh")["limits.title"]
        assert at.text_input(key="f").label == catalog("zh")["field.f"]
        assert at.query_params["lang"] == "zh"
        at.radio(key="lang").set_value("en").run()
        assert at.title[0].value == catalog("en")["limits.title"]
        assert at.query_params["lang"] == "en"

    def test_switch_keeps_the_inputs(self, limits_app):
        at = limits_app(f="x^3", scheme="central", x0="2")
        at.radio(key="lang").set_value("zh").run()
        assert at.text_input(key="f").value == "x^3"
        assert at.selectbox(key="scheme").value == "central"
        assert at.number_input(key="x0").value == 2.0

    def test_widgets_keep_working_after_a_switch(self, limits_app):
        at = limits_app()
        at.radio(key="lang").set_value("zh").run()
        at.selectbox(key="scheme").select("complex").run()
        assert_no_exception(at)
        assert catalog("zh")["limits.scheme_note.complex"] in [c.value for c in at.caption]
        assert at.selectbox(key="scheme").options[3] == catalog("zh")["scheme.complex"]


# ----------------------------------------------------------------------------- kinks and poles


class TestNonDifferentiablePoints:
    """Where f'(x0) does not exist the page says why instead of printing a derivative."""

    def test_abs_at_zero_names_both_one_sided_slopes(self, limits_app):
        at = limits_app(f="|x|", x0="0")
        (warning,) = at.warning
        fields = match_message("derivative.not_differentiable", warning.value)
        assert (fields["x0"], fields["left"], fields["right"]) == ("0", "-1", "1")

    def test_abs_quotients_depend_on_the_scheme(self, limits_app):
        expected = {"forward": "1.00000", "backward": "-1.00000", "central": "0.00000"}
        for scheme, value in expected.items():
            at = limits_app(f="|x|", x0="0", scheme=scheme)
            assert column(at, "limits.col.quotient_book") == [value] * 5

    def test_reciprocal_at_zero_is_undefined(self, limits_app):
        at = limits_app(f="1/x", x0="0")
        (warning,) = at.warning
        assert match_message("derivative.undefined", warning.value) == {"x0": "0"}

    def test_cube_root_at_zero_has_a_vertical_tangent(self, limits_app):
        at = limits_app(f="x^(1/3)", x0="0")
        (warning,) = at.warning
        fields = match_message("derivative.vertical", warning.value)
        assert number(fields["right"]) == math.inf

    @pytest.mark.parametrize(("f", "x0"), [("|x|", "0"), ("1/x", "0"), ("x^(1/3)", "0")])
    def test_no_derivative_value_and_no_error_chart(self, limits_app, f, x0):
        at = limits_app(f=f, x0=x0)
        assert not any(text.startswith(f"f'({x0}) =") for text in latex_texts(at))
        assert len(charts(at)) == 1  # the secant view only: no exact value to measure against
        assert len(tables(at)) == 1

    def test_explanation_is_translated(self, limits_app):
        at = limits_app(f="|x|", x0="0", lang="zh")
        fields = match_message("derivative.not_differentiable", at.warning[0].value, "zh")
        assert (number(fields["left"]), number(fields["right"])) == (-1, 1)


# ----------------------------------------------------------------------------- the entry


class TestDashboard:
    """The limits page through the entry (``dashboard.py``), as a browser opens ``/limits``."""

    def test_opens_the_limits_page(self, dashboard_app):
        at = dashboard_app()
        assert at.title[0].value == catalog("en")["limits.title"]
        assert column(at, "limits.col.quotient_book") == BOOK_LIMITS
        assert "f'(1) = 2" in latex_texts(at)

    def test_sidebar_has_tagline_and_one_language_switch(self, dashboard_app):
        at = dashboard_app()
        assert catalog("en")["app.tagline"] in [c.value for c in at.sidebar.caption]
        assert [r.key for r in at.radio] == ["lang"]

    def test_lang_param_works_there_too(self, dashboard_app):
        at = dashboard_app(lang="zh")
        assert at.title[0].value == catalog("zh")["limits.title"]
        assert at.sidebar.caption[0].value == catalog("zh")["app.tagline"]

    def test_switch_changes_the_text(self, dashboard_app):
        at = dashboard_app()
        at.radio(key="lang").set_value("zh").run()
        assert_no_exception(at)
        assert at.title[0].value == catalog("zh")["limits.title"]
        assert at.query_params["lang"] == "zh"

    def test_bad_lang_warns_once(self, dashboard_app):
        at = dashboard_app(lang="xx")
        assert [w.value for w in at.warning] == [t("shell.bad_param", "en", name=as_text("lang"))]
        assert at.query_params["lang"] == "en"

    def test_page_params_work_through_the_entry(self, dashboard_app):
        at = dashboard_app(f="x^3", x0="2", scheme="central")
        assert "f'(2) = 12" in latex_texts(at)
        assert at.selectbox(key="scheme").value == "central"


@pytest.fixture
def overrunning(monkeypatch) -> list:
    """Every computation times out; returns the list of calls made."""
    from calc_core.errors import InputError
    from lab_ui import page_run, shell

    calls = []

    def overrun(fn, args):
        calls.append(args)
        raise InputError("too_complex", "slow", seconds="3")

    monkeypatch.setattr(page_run, "run", overrun)
    monkeypatch.setattr(page_run, "_local", threading.local())  # no page run's budget left over
    shell._overruns.clear()
    return calls


class TestTimeOutsAreNotCachedForGood:
    def test_a_time_out_is_remembered_for_a_while_then_retried(self, overrunning):
        from lab_ui import shell

        calls = overrunning
        first = shell.compute(_noop, "x-unique-input")
        again = shell.compute(_noop, "x-unique-input")
        assert first.error.code == again.error.code == "too_complex"
        assert len(calls) == 1  # remembered, not recomputed on the next rerun
        key = next(iter(shell._overruns))
        shell._overruns[key] = (0.0, first.error)  # the memory expires
        shell.compute(_noop, "x-unique-input")
        assert len(calls) == 2  # and then it is tried again, not served from the cache

    def test_a_time_out_on_what_a_run_had_left_is_not_remembered(self, overrunning):
        """The page's first call used most of the run's budget: the second call's
        time-out says nothing about its own input, which gets a whole budget next run."""
        from lab_ui import page_run, shell

        calls = overrunning
        page_run.start()
        page_run.budget().used = 2.9
        assert shell.compute(_noop, "x-second-call").error.code == "too_complex"
        assert not shell._overruns
        page_run.start()
        shell.compute(_noop, "x-second-call")
        assert len(calls) == 2


def _noop(*args):
    return args
