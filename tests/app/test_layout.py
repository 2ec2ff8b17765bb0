"""Layout that teaches: each topic's main chart right after the function box, beside the
controls on a wide screen (Streamlit stacks columns on a phone, in order, so the same
layout puts the chart first after the function box there); axes and legends readable.

What a browser draws at 1400x900 and 390x844 is checked in tests/browser/test_pages.py;
here, the element tree and the chart specs that produce it.
"""

from __future__ import annotations

import json

import pytest

from tests.app.conftest import assert_no_exception, chart_data, through_entry

#: Each page with its main chart: a link that draws it, and which chart it is.
MAIN_CHART = {
    "limits": {"f": "sin(x)", "x0": "0.5"},
    "tangent": {"f": "x^3 - 1/x", "x0": "1"},
    "gradients": {"f": "x1^2*x2 + x2^3", "at": "1, 2"},
}


def run(page: str, **query: str):
    at = through_entry(page, lang="en", **query).run()
    assert_no_exception(at)
    return at


def flat(block):
    """The elements of a block in page order, through nested containers."""
    for child in block.children.values():
        if getattr(child, "type", "") == "flex_container":
            yield from flat(child)
        else:
            yield child


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def encodings(spec: dict):
    for layer in spec.get("layer", [spec]):
        yield from (e for e in layer.get("encoding", {}).values() if isinstance(e, dict))


@pytest.mark.parametrize("page", list(MAIN_CHART))
def test_the_main_chart_comes_right_after_the_function_box_in_the_first_column(page):
    at = run(page, **MAIN_CHART[page])
    first = list(flat(at.columns[0]))
    kinds = [getattr(e, "type", type(e).__name__) for e in first]
    assert kinds[0] == "text_input" and first[0].key == "f", kinds
    assert "vega_lite_chart" in kinds, kinds
    between = kinds[1 : kinds.index("vega_lite_chart")]
    assert set(between) <= {"subheader", "caption"}, between  # a title at most, no controls


@pytest.mark.parametrize("page", list(MAIN_CHART))
def test_the_controls_sit_in_the_second_column(page):
    at = run(page, **MAIN_CHART[page])
    # at.columns also lists the chart's export-button row, nested in the first column
    second = next(
        c
        for c in at.columns[1:]
        if any(type(e).__name__ != "DownloadButton" for e in c.children.values())
    )
    widgets = [*second.selectbox, *second.number_input, *second.text_input]
    assert widgets, [type(e).__name__ for e in second.children.values()]


@pytest.mark.parametrize("page", ["limits", "tangent"])
def test_every_legend_is_below_its_plot(page):
    at = run(page, **MAIN_CHART[page])
    legends = [enc["legend"] for spec in specs(at) for enc in encodings(spec) if enc.get("legend")]
    assert legends and all(legend["orient"] == "bottom" for legend in legends), legends


@pytest.mark.parametrize("page", ["limits", "tangent"])
def test_linear_x_axes_space_their_ticks_by_the_chart_width(page):
    at = run(page, **MAIN_CHART[page])
    first_layers = [spec.get("layer", [spec])[0]["encoding"]["x"] for spec in specs(at)]
    x_axes = [x.get("axis", {}) for x in first_layers if x["scale"].get("type") != "log"]
    assert x_axes and all(a.get("tickCount") == {"expr": "ceil(width / 90)"} for a in x_axes)


def test_the_error_chart_legend_draws_each_scheme_as_its_own_stroke():
    spec = specs(run("limits", **MAIN_CHART["limits"]))[0]
    color = spec["layer"][0]["encoding"]["color"]
    dash = spec["layer"][0]["encoding"]["strokeDash"]
    assert color["legend"]["symbolType"] == "stroke" and color["legend"] == dash["legend"]
    assert len(set(color["scale"]["range"])) == len(color["scale"]["domain"]) == 5
    assert len({tuple(d) for d in dash["scale"]["range"]}) == 5


@pytest.mark.parametrize("x0", ["0.5", "-2", "3"])
def test_the_secant_and_tangent_lines_span_the_whole_window(x0):
    at = run("limits", f="sin(x)", x0=x0)
    chart = at.get("vega_lite_chart")[1]
    spec = json.loads(chart.proto.spec)
    domain = spec["layer"][0]["encoding"]["x"]["scale"]
    assert domain["nice"] is False  # a nice domain widened the window past the lines
    lines = chart_data(chart)[0]
    for _, rows in lines.groupby("series"):
        assert [rows["x"].min(), rows["x"].max()] == pytest.approx(domain["domain"])


@pytest.mark.parametrize("at", ["1, 2", "0, 0", "-3, 0.5"])
def test_the_gradient_field_has_equal_scales_on_a_fixed_square(at):
    """Equal pixels per unit on both axes, so ∇f visibly crosses the level curve at a right
    angle: a square plot area (autosize "pad": axes and legends go around it, none
    squeezes it) over equal spans of x and y."""
    (spec,) = specs(run("gradients", f="x1^2*x2 + x2^3", at=at))
    assert spec["autosize"] == {"type": "pad"} and spec["width"] == spec["height"] >= 400
    x = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    y = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert x[1] - x[0] == pytest.approx(y[1] - y[0])


def test_without_an_error_chart_the_book_table_takes_its_place():
    """|x| at 0 has no f′(0) to measure errors against: no empty column beside the controls."""
    at = run("limits", f="abs(x)", x0="0")
    kinds = [getattr(e, "type", type(e).__name__) for e in flat(at.columns[0])]
    assert kinds == ["text_input", "subheader", "caption", "html"], kinds
