"""Layout in a real browser: the main chart above the fold on a laptop (1400x900), first
after the function box on a phone (390x844), and no mouse-only hints on a touch screen."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import expect

from tools.browser import CHART_MARKS, AppPage

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1400, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
#: A shared link per page that draws its main chart.
LINKS = {
    "limits": {"f": "sin(x)", "x0": "0.5", "scheme": "central"},
    "tangent": {"f": "x^3 - 1/x", "x0": "1", "xmin": "0", "xmax": "3"},
    "gradients": {"f": "x1^2*x2 + x2^3", "at": "1, 2"},
}
#: The plot area of a Vega chart (its frame's background), inside the chart's SVG.
PLOT_AREA = '[data-testid="stVegaLiteChart"] svg.marks g.role-frame.root > g > path.background'
INPUTS = '[data-testid="stTextInput"], [data-testid="stNumberInput"], [data-testid="stSelectbox"]'


@pytest.fixture
def device(browser, base_url):
    contexts = []

    def open_on(kind: dict, page: str, lang: str) -> AppPage:
        context = browser.new_context(locale="en-US", **kind)
        contexts.append(context)
        app = AppPage(context.new_page(), base_url)
        app.open(f"{page}?{urlencode({**LINKS[page], 'lang': lang}, quote_via=quote)}")
        app.wait_for_charts(1)
        return app

    yield open_on
    for context in contexts:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", list(LINKS))
def test_on_a_laptop_the_main_chart_is_visible_without_scrolling(device, page, lang):
    app = device(LAPTOP, page, lang)
    app.page.evaluate("document.fonts.ready")
    app.page.wait_for_timeout(500)  # the chart resizes to its column once laid out
    plot = app.page.locator(PLOT_AREA).first.bounding_box()
    assert plot is not None and plot["y"] >= 0
    assert plot["y"] + plot["height"] <= 900, plot


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", list(LINKS))
def test_on_a_phone_the_main_chart_comes_right_after_the_function_box(device, page, lang):
    app = device(PHONE, page, lang)
    chart_top = app.page.locator(CHART_MARKS).first.bounding_box()["y"]
    above = [
        box.evaluate("e => e.closest('[class*=st-key-]')?.className.match(/st-key-\\S+/)[0]")
        for box in app.main.locator(INPUTS).all()
        if box.bounding_box() and box.bounding_box()["y"] < chart_top
    ]
    assert above == ["st-key-f"], above
    chart = app.page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= 390, chart  # no sideways scroll


def test_the_chart_toolbar_hint_is_for_a_mouse_only(device):
    hint = ".st-key-tangent_export_hint"
    expect(device(LAPTOP, "tangent", "en").page.locator(hint)).to_be_visible()
    expect(device(PHONE, "tangent", "en").page.locator(hint)).to_be_hidden()


def test_chinese_text_is_drawn_in_a_cjk_font(device):
    """Without a CJK font Chromium draws every Chinese character as the same empty box
    (.ci/run installs fonts-noto-cjk): then 微 and 积 would be the same width as a box."""
    import shutil
    import subprocess

    from tests.browser.conftest import unavailable

    fc_list = shutil.which("fc-list")
    listed = fc_list and subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True)
    if not (listed and listed.stdout.strip()):
        unavailable("no CJK font (apt-get install fonts-noto-cjk): Chinese shows as boxes")
    app = device(LAPTOP, "tangent", "zh")
    glyphs = app.page.evaluate(
        """() => ['微', '积'].map(c => {
            const canvas = document.createElement('canvas');
            canvas.width = canvas.height = 40;
            const g = canvas.getContext('2d');
            g.font = '32px ' + getComputedStyle(document.querySelector('h1')).fontFamily;
            g.fillText(c, 2, 32);
            return canvas.toDataURL();
        })"""
    )
    assert len(set(glyphs)) == 2, "微 and 积 drawn as the same shape: no CJK font"
    assert "切线" in app.title()


GRAPHS = {"graph": "mode=graph"}  # the computational graph after the backward pass


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("view", list(GRAPHS))
def test_on_a_laptop_the_chain_rule_graph_is_visible_without_scrolling(
    browser, base_url, view, lang
):
    context = browser.new_context(locale="en-US", **LAPTOP)
    try:
        app = AppPage(context.new_page(), base_url)
        app.open(f"chain-rule?{GRAPHS[view]}&lang={lang}")
        graph = app.page.locator('[data-testid="stGraphVizChart"] svg').first
        graph.wait_for()
        app.page.wait_for_timeout(500)
        box = graph.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    finally:
        context.close()
