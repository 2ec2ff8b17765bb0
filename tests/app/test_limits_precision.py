"""Specification of the limits page's precision control (``dtype``), from shared links.

The page computes f and every quotient in the chosen format; here the numbers it
shows are recomputed independently with numpy's float32/float16 arithmetic and
ml_dtypes' bfloat16, and the true derivative with mpmath.
"""

from __future__ import annotations

import contextlib
import io
import math

import ml_dtypes
import mpmath
import numpy as np
import pytest

from lab_ui.i18n import catalog, t
from lab_ui.i18n import literal as as_text
from tests.app.conftest import chart_data, charts, open_book_code, tables

NUMPY = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}


def column(at, key: str, lang: str = "en") -> list[str]:
    return tables(at)[0][t(key, lang)].tolist()


def facts_text(at) -> str:
    (text,) = [m.value for m in at.markdown if "ε =" in m.value]
    return text


class TestDefault:
    def test_float64_is_the_default_and_lives_in_the_url(self, limits_app):
        at = limits_app()
        assert at.selectbox(key="dtype").value == "float64"
        assert at.query_params["dtype"] == "float64"


class TestFromASharedLink:
    @pytest.mark.parametrize("name", ["float32", "float16", "bfloat16"])
    def test_the_book_table_is_computed_in_that_format(self, limits_app, name):
        at = limits_app(dtype=name)
        kind = NUMPY[name]

        def fl(v):
            return np.asarray(v).astype(kind)

        def f(v):  # 3x^2 - 4x, one rounded operation at a time
            return fl(fl(fl(3) * fl(v * v)) - fl(fl(4) * v))

        x, expected, h = fl(1.0), [], 0.1
        for _ in range(5):  # the book's loop: h *= 0.1 in Python floats
            step = fl(h)
            expected.append(float(fl(fl(f(fl(x + step)) - f(x)) / step)))
            h *= 0.1
        shown = [float(v) for v in column(at, "limits.col.quotient")]
        assert [float(np.asarray(v).astype(kind)) for v in shown] == expected

    def test_float32_says_where_x0_plus_h_equals_x0(self, limits_app):
        text = facts_text(limits_app(dtype="float32"))
        eps = float(np.finfo(np.float32).eps)
        assert f"ε = {eps:.2e}" in text
        assert f"{2.0**-24:.2e}" in text  # 1 + 2^-24 rounds back to 1 in float32: h ≈ 6e-8
        assert f"{eps**0.5:.1e}" in text and f"{eps ** (1 / 3):.1e}" in text

    def test_the_chart_is_measured_in_that_format(self, limits_app):
        at = limits_app(dtype="float16", f="sin(x)")
        lines = chart_data(charts(at)[0])[0]
        forward = lines[lines["scheme"] == t("scheme.forward", "en")]
        truth = float(mpmath.cos(1))
        for h, err in zip(forward["h"], forward["exact_error"], strict=True):
            x, step = np.float16(1), np.float16(h)
            q = (np.sin(np.float16(x + step)) - np.sin(x)) / step
            assert err == pytest.approx(abs(float(q) - truth), rel=1e-9, abs=1e-12)
        assert t("scheme.complex", "en") not in set(lines["scheme"])  # no complex float16

    def test_the_advice_is_grounded_in_the_measurement(self, limits_app):
        at = limits_app(dtype="float32", f="sin(x)")
        (advice,) = at.success
        x, h = np.float32(1), np.float32(1e-6)
        central = (np.sin(x + h) - np.sin(x - h)) / (np.float32(2) * h)
        assert f"{abs(float(central) - math.cos(1)):.1e}" in advice.value
        assert "float64" in advice.value and "float32" in advice.value

    def test_a_function_that_shows_no_difference_is_said_to(self, limits_app):
        (advice,) = limits_app(x0="0").success  # 3x^2 - 4x at 0: exact in both formats
        assert advice.value.startswith(catalog("en")["limits.precision.advice_same"].split("{")[0])

    def test_the_page_reads_in_chinese(self, limits_app):
        at = limits_app(dtype="bfloat16", lang="zh")
        assert at.selectbox(key="dtype").value == "bfloat16"
        assert "在 bfloat16 中" in facts_text(at)
        assert t("limits.precision.advice", "zh").split("：")[0] in at.success[0].value


class TestBadLinks:
    def test_an_unknown_format_is_named_and_float64_is_used(self, limits_app):
        at = limits_app(dtype="float8")
        assert [w.value for w in at.warning] == [t("shell.bad_param", "en", name=as_text("dtype"))]
        assert at.selectbox(key="dtype").value == "float64"

    def test_complex_step_in_float16_says_why_not(self, limits_app):
        at = limits_app(dtype="float16", scheme="complex")
        (error,) = at.error
        assert catalog("en")["error.no_complex_dtype"].split("{dtype}")[0] in error.value
        assert "float16" in error.value

    def test_x0_beyond_float16_is_refused_in_chinese(self, limits_app):
        at = limits_app(dtype="float16", x0="100000", lang="zh")
        (error,) = at.error
        assert "65504" in error.value and "float16" in error.value


class TestLanguageSwitch:
    def test_the_format_survives_a_language_switch(self, limits_app):
        at = limits_app(dtype="float16")
        at.radio(key="lang").set_value("zh").run()
        assert at.selectbox(key="dtype").value == "float16"
        assert at.query_params["dtype"] == "float16"
        assert "在 float16 中" in facts_text(at)


class TestTheBooksCellInThatFormat:
    @pytest.mark.parametrize("name", ["float32", "float16", "bfloat16"])
    def test_the_cell_computes_in_that_format_and_prints_the_pages_table(self, limits_app, name):
        at = open_book_code(limits_app(dtype=name, f="sin(x)/pi + x^1.5", scheme="central"))
        (code,) = [c.value for c in at.code if "def numerical_lim" in c.value]
        assert ("dtype = bfloat16" if name == "bfloat16" else f"dtype = np.{name}") in code
        (output,) = [c.value for c in at.code if c.value.startswith("h=")]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
            exec(code, {})  # the page's own generated cell, not a visitor's text
        assert printed.getvalue().splitlines() == output.splitlines()
        kind = NUMPY[name]  # the table shows the shortest text that is the format's number
        table = [f"{float(kind(float(v))):.5f}" for v in column(at, "limits.col.quotient")]
        assert [line.rsplit("=", 1)[1] for line in output.splitlines()] == table

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_where_f_has_no_such_code_the_page_says_the_cell_is_float64s(self, limits_app, lang):
        at = limits_app(dtype="float32", scheme="complex", f="sin(abs(x - 1))", lang=lang)
        at = open_book_code(at)
        assert t("limits.book_float64", lang, dtype="float32") in [c.value for c in at.caption]
        (code,) = [c.value for c in at.code if "def numerical_lim" in c.value]
        assert "dtype" not in code


class TestTheSecantInThatFormat:
    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_a_step_bfloat16_cannot_hold_gives_a_flat_secant_and_says_why(self, limits_app, lang):
        at = limits_app(dtype="bfloat16", secant_h="0.001", lang=lang)
        assert float(at.metric[0].value) == 0.0  # 1 + 0.001 rounds back to 1 in bfloat16
        assert t("limits.secant_dtype", lang, dtype="bfloat16") in [c.value for c in at.caption]

    def test_in_float32_the_secant_slope_is_the_tables_forward_quotient(self, limits_app):
        at = limits_app(dtype="float32", secant_h="0.01", h0="0.01", steps="1")
        kind = np.float32
        x, h = kind(1.0), kind(0.01)

        def f(v):  # 3x^2 - 4x in float32, one rounded operation at a time
            return kind(kind(-4) * v) + kind(kind(3) * kind(v * v))

        by_hand = float(kind(kind(f(kind(x + h)) - f(x)) / h))
        assert float(at.metric[0].value) == pytest.approx(by_hand, rel=1e-6)
        assert float(column(at, "limits.col.quotient")[0]) == pytest.approx(by_hand, rel=1e-6)

    def test_in_float64_no_format_note_is_shown(self, limits_app):
        at = limits_app()
        assert t("limits.secant_dtype", "en", dtype="float64") not in [c.value for c in at.caption]
