"""Every chart has a text alternative that says what it shows, in the page's language.

The text is built by :mod:`lab_ui.chart_text` from the records the page computed and
reaches the browser as the chart element's ``alt`` (Vega puts it on the SVG as
``aria-label``; tests/browser/test_pages.py checks that part).
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab_ui.chart_text import line_text
from tests.app.conftest import assert_no_exception, through_entry

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Each page with a link that draws its charts (the chain rule in both graph views).
VIEWS = {
    "limits": {"f": "sin(x)", "x0": "0.5"},
    "tangent": {"f": "x^3 - 1/x", "x0": "1", "xmin": "0", "xmax": "3"},
    "gradients": {"f": "x1^2*x2 + x2^3", "at": "1, 2"},
    "chain-rule": {"mode": "graph"},
    "chain-rule-multi": {"mode": "multi"},
    "chain-rule-forward": {"mode": "graph", "ad": "forward"},
}


def texts(page: str, lang: str, **query: str) -> list[str]:
    """The text alternative of every chart and graph the page draws, in order."""
    at = through_entry(page.split("-multi")[0].split("-forward")[0], lang=lang, **query).run()
    assert_no_exception(at)
    charts = [*at.get("vega_lite_chart"), *at.get("graphviz_chart")]
    assert charts, f"{page} drew no chart"
    return [c.proto.alt for c in charts]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_chart_has_a_text_alternative_in_the_page_language(view, lang):
    for text in texts(view, lang, **VIEWS[view]):
        assert len(text) > 40, text
        assert bool(CJK.search(text)) == (lang == "zh"), text


def test_the_tangent_chart_names_function_window_pole_and_tangent():
    (text,) = texts("tangent", "en", **VIEWS["tangent"])
    assert text == (
        "Chart of f(x) = x^3 - 1/x for x from 0 to 3, pole at x = 0, tangent y = 4x − 4 at x = 1."
    )


def test_the_tangent_chart_in_chinese():
    (text,) = texts("tangent", "zh", **VIEWS["tangent"])
    assert text == (
        "函数 f(x) = x^3 - 1/x 在 x 从 0 到 3 上的图像，"
        "在 x = 0 处有极点，在 x = 1 处的切线 y = 4x − 4。"
    )


def test_a_missing_tangent_is_said_with_its_reason():
    (text,) = texts("tangent", "en", f="|x|", x0="0", xmin="-2", xmax="2")
    assert "no tangent at x = 0 (a corner)" in text


def test_extra_curves_are_named():
    at = through_entry("tangent", lang="en", f="x^2", x0="1")
    at.session_state["tangent_d1"] = True
    at.run()
    assert "also drawn: f′(x)" in at.get("vega_lite_chart")[0].proto.alt


def test_the_error_chart_names_the_function_the_h_range_and_each_best_h():
    errors, secant = texts("limits", "en", **VIEWS["limits"])
    assert errors.startswith(
        "Log-log chart of the error of every difference scheme for f(x) = sin(x) at x₀ = 0.5, "
        "as h shrinks from 0.1 to 1e-16. Best measured h: Forward"
    )
    assert "secant through x₀ and x₀ + h with h = 0.5" in secant and "tangent at x₀" in secant


def test_the_gradient_field_names_the_square_and_the_gradient_at_the_point():
    (text,) = texts("gradients", "en", **VIEWS["gradients"])
    assert "Gradient field of f = x1^2*x2 + x2^3" in text and "equal scales" in text
    assert "at the point (1, 2) ∇f = (4, 13)" in text


def test_the_backprop_graph_names_the_adjoints():
    (text,) = texts("chain-rule", "en", mode="graph", f="a*b + sin(b)", at="a=1, b=0")
    assert "∂f/∂a = 0" in text and "∂f/∂b = 2" in text  # (b, a + cos b) at (1, 0)


@given(
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: float(f"{v:.6g}")),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: float(f"{v:.6g}")),
)
def test_a_line_reads_back_as_its_slope_and_intercept(slope, intercept):
    text = line_text(slope, intercept)
    match = re.fullmatch(r"y = (?:(−?[\d.e+-]*)x)?(?: ([+−]) ([\d.e+-]+))?(−?[\d.e+-]+)?", text)
    assert match, text
    a_text, sign, b_text, alone = match.groups()

    def read(s: str) -> float:
        return float(s.replace("−", "-"))

    a = {None: 0.0, "": 1.0, "−": -1.0}.get(a_text)
    a = read(a_text) if a is None else a
    b = read(alone) if alone is not None else (0.0 if b_text is None else read(b_text))
    b = -b if sign == "−" else b
    assert (a, b) == (slope + 0.0, intercept + 0.0)


@pytest.mark.parametrize("view", ["limits", "tangent", "gradients"])
def test_marks_leave_the_describing_to_the_text_alternative(view):
    """Vega would label every point and cell for screen readers; the marks are left out
    of the accessibility tree and the chart's text alternative speaks for them."""
    at = through_entry(view.split("-")[0], lang="en", **VIEWS[view]).run()
    for chart in at.get("vega_lite_chart"):
        assert json.loads(chart.proto.spec)["config"]["mark"]["aria"] is False
