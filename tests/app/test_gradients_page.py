"""Specification of the gradients page (``pages/gradients.py``) as a visitor sees it.

URL parameters before the first run, widgets by key afterwards; assertions read the
LaTeX, the tables, the chart's spec and data, the warnings and the error boxes.
Numbers are checked against values computed here independently.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from calc_core.errors import ERROR_CODES
from lab_ui.i18n import LOCALES, t
from tests.app.conftest import (
    assert_no_exception,
    build,
    chart_data,
    chart_spec,
    charts,
    latex_texts,
    open_book_code,
    tables,
    through_entry,
)

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "gradients.py"
DASHBOARD = ROOT / "dashboard.py"
DEFAULT_URL = {
    "lang": "en",
    "view": "explore",
    "f": "3x1^2 + 5e^{x2}",
    "at": "1, 0",
    "n": "auto",
    "plane": "1,2",
    "seed": "0",
    "rule": "Ax",
    "dtype": "float64",
    "h": "1e-06",
    "grad": "",
}


def run(**query: str) -> AppTest:
    """The page as a browser opens ``/gradients?...``: through the entry."""
    at = through_entry("gradients", **query).run()
    assert_no_exception(at)
    return at


def table(at, lang: str = "en") -> dict[str, list[str]]:
    """The value-and-check table, by translated column."""
    frame = tables(at)[0]
    keys = ("partial", "value", "central", "difference", "left", "right")
    return {
        k: frame[t(f"gradients.col.{k}", lang)].tolist()
        for k in keys
        if t(f"gradients.col.{k}", lang) in frame
    }


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def partials(at) -> list[str]:
    return list(tables(at)[0][t("gradients.col.partial", "en")])


class TestDimension:
    """Without an n in the link, n is what f and the point need; a chosen n wins."""

    def test_three_variables_make_n_three_and_the_point_gets_a_zero(self):
        at = run(f="x1*x2*x3")
        assert errors(at) == []
        assert partials(at) == ["∂f/∂x1", "∂f/∂x2", "∂f/∂x3"]
        assert at.text_input(key="at").value == "1, 0, 0"
        assert at.query_params["n"] == "auto"

    def test_a_point_with_more_coordinates_than_f_names_sets_n(self):
        at = run(f="x1^2", at="1, 2, 3")
        assert errors(at) == [] and len(partials(at)) == 3

    def test_a_norm_takes_its_dimension_from_the_point(self):
        at = run(f="norm(x)", at="3, 4")
        assert errors(at) == [] and len(partials(at)) == 2

    def test_an_explicit_n_wins(self):
        at = run(f="x1*x2", at="1, 2, 0, 0", n="4")
        assert len(partials(at)) == 4

    def test_typing_a_new_variable_grows_n(self):
        at = run()
        at.text_input(key="f").input("x1 + x5").run()
        assert errors(at) == [] and len(partials(at)) == 5
        assert at.text_input(key="at").value == "1, 0, 0, 0, 0"

    def test_the_box_says_which_n_auto_chose(self):
        at = run(f="x1*x2*x3", lang="zh")
        box = at.selectbox(key="n")
        assert box.options[0] == t("gradients.n_auto", "zh", n=3)


class TestDefaults:
    def test_the_exercise_is_shown_with_its_gradient(self):
        at = run()
        latex = "\n".join(latex_texts(at))
        assert r"f(\mathbf{x}) = 3 x_{1}^{2} + 5 e^{x_{2}}" in latex
        assert r"&= 6 x_{1}" in latex and r"&= 5 e^{x_{2}}" in latex
        assert r"\nabla f(1, 0) = \left[\begin{matrix}6\\5\end{matrix}\right]" in latex

    def test_values_and_central_differences_side_by_side(self):
        rows = table(run())
        assert rows["partial"] == ["∂f/∂x1", "∂f/∂x2"]
        assert rows["value"] == ["6", "5"]
        central = [float(v) for v in rows["central"]]
        assert central == pytest.approx([6.0, 5.0], abs=1e-8)
        assert all(float(d) < 1e-8 for d in rows["difference"])

    def test_the_url_holds_every_input(self):
        assert dict(run().query_params) == DEFAULT_URL

    def test_no_warning_for_a_smooth_function(self):
        assert warnings(run()) == [] and errors(run()) == []

    def test_the_book_has_no_gradient_cell_so_the_numpy_check_is_shown(self):
        at = open_book_code(run())
        code = [c.value for c in at.code]
        assert any("def numerical_grad(f, x):" in c for c in code)
        assert "df/dx1 = 6.000000\ndf/dx2 = 5.000000" in code


class TestNormAtZero:
    def test_not_differentiable_and_the_unit_ball(self):
        at = run(f="norm(x)", at="0, 0", n="2")
        shown = warnings(at)
        assert any("not differentiable" in w for w in shown)
        assert any("subgradients" in w for w in shown)
        latex = "\n".join(latex_texts(at))
        assert r"\left\{ g \in \mathbb{R}^{2} : \|g\|_{2} \le 1 \right\}" in latex

    def test_the_kink_is_called_not_differentiable_once(self):
        shown = warnings(run(f="norm(x)", at="0, 0", n="2"))
        assert sum("not differentiable" in w for w in shown) == 1, shown

    def test_the_check_caption_points_below_only_when_a_message_is_there(self):
        below = t("gradients.check_see_below", "en")
        assert not any(below in c.value for c in run().caption)
        at = run(f="norm(x, 1)", at="0.000001, 1", n="2")  # next to the kink
        assert warnings(at) and any(below in c.value for c in at.caption)

    def test_a_gradient_of_fractions_spaces_its_rows(self):
        at = run(f="norm(x)", at="3, 4", n="2")
        gradient = next(x for x in latex_texts(at) if x.startswith(r"\nabla f(\mathbf{x})"))
        assert r"{\def\arraystretch{2.3}\left[\begin{matrix}\displaystyle \frac" in gradient

    def test_one_sided_slopes_are_tabled(self):
        rows = table(run(f="norm(x)", at="0, 0", n="2"))
        assert rows["value"] == ["—", "—"]
        assert rows["left"] == ["-1", "-1"] and rows["right"] == ["1", "1"]

    def test_away_from_zero_the_norm_is_differentiable(self):
        at = run(f="norm(x)", at="3, 4", n="2")
        assert table(at)["value"] == ["0.6", "0.8"]
        assert any("differentiable" in s.value for s in at.success)

    def test_near_the_kink_of_l1_a_warning_is_shown(self):
        at = run(f="norm(x, 1)", at="0.000001, 1", n="2")
        assert any("very close to a kink along x1" in w for w in warnings(at))

    def test_overflow_is_explained_and_exact_values_are_kept(self):
        at = run(f="exp(x1)", at="1000", n="1")
        assert any("beyond the range of float64" in w for w in warnings(at))
        assert any(r"= \left[\begin{matrix}e^{1000}" in x for x in latex_texts(at))

    def test_squared_norm_is_the_smooth_case(self):
        at = run(f="norm(x)^2", at="0, 0", n="2")
        assert warnings(at) == [] and table(at)["value"] == ["0", "0"]


class TestChart:
    def test_two_variables_draw_the_field(self):
        at = run()
        (chart,) = charts(at)
        spec = chart_spec(chart)
        assert [layer["mark"]["type"] for layer in spec["layer"]] == [
            "rect",
            "rule",
            "point",
            "point",
        ]
        names = [d.name for d in chart.proto.datasets]
        assert names == ["heat", "lines", "heads", "point"]

    def test_the_window_is_square_so_angles_are_true(self):
        spec = chart_spec(charts(run())[0])
        x = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
        y = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
        assert spec["width"] == spec["height"]
        assert x[1] - x[0] == pytest.approx(y[1] - y[0])

    def test_the_point_and_its_gradient_are_highlighted(self):
        _heat, lines, heads, point = chart_data(charts(run())[0])
        assert (point["x"].tolist(), point["y"].tolist()) == ([1.0], [0.0])
        assert t("gradients.chart.gradient", "en") in set(heads["label"])
        gradient = lines[lines["label"] == t("gradients.chart.gradient", "en")]
        dx = float(gradient["x2"].iloc[0] - gradient["x"].iloc[0])
        dy = float(gradient["y2"].iloc[0] - gradient["y"].iloc[0])
        assert math.atan2(dy, dx) == pytest.approx(math.atan2(5, 6))  # along (6, 5)
        tangent = lines[lines["label"] == t("gradients.chart.tangent", "en")]
        tx = float(tangent["x2"].iloc[0] - tangent["x"].iloc[0])
        ty = float(tangent["y2"].iloc[0] - tangent["y"].iloc[0])
        assert abs(tx * dx + ty * dy) < 1e-12  # the level curve's tangent is perpendicular

    def test_heat_map_holds_f(self):
        heat = chart_data(charts(run())[0])[0]
        cx, cy = (heat["x"] + heat["x2"]) / 2, (heat["y"] + heat["y2"]) / 2
        assert np.allclose(heat["f"], 3 * cx**2 + 5 * np.exp(cy))

    def test_three_variables_draw_a_slice(self):
        at = run(f="x1 x2 x3", at="1, 2, 3", n="3", plane="1,3")
        assert at.selectbox(key="plane").value == "1,3"
        spec = chart_spec(charts(at)[0])
        assert spec["layer"][0]["encoding"]["x"]["title"] == "x1"
        assert spec["layer"][0]["encoding"]["y"]["title"] == "x3"
        assert any("x2 = 2" in c.value for c in at.caption)
        assert len(tables(at)[0]) == 3  # the table has all three partials

    def test_one_variable_draws_f_and_its_derivative(self):
        at = run(f="x1^3 - 1/x1", at="1", n="1")
        frame = chart_data(charts(at)[0])[0]
        assert set(frame["series"]) == {"f(x₁)", "f′(x₁)"}
        assert table(at)["value"] == ["4"]


class TestUrlRoundTrip:
    def test_a_copied_link_restores_the_view(self):
        first = run()
        first.text_input(key="f").input("x1^2 x2 + norm(x, 1)").run()
        first.text_input(key="at").input("0.5, -2, 1").run()
        first.selectbox(key="n").select(3).run()
        first.selectbox(key="plane").select("2,3").run()
        assert_no_exception(first)
        link = dict(first.query_params)
        assert (link["f"], link["at"], link["n"], link["plane"]) == (
            "x1^2 x2 + norm(x, 1)",
            "0.5, -2, 1",
            "3",
            "2,3",
        )
        second = run(**link)
        assert latex_texts(second) == latex_texts(first)
        assert chart_spec(charts(second)[0]) == chart_spec(charts(first)[0])
        assert dict(second.query_params) == link

    def test_a_copied_link_to_a_rule_restores_it(self):
        first = run(view="rules", seed="7")
        first.selectbox(key="rule").select("xTAx").run()
        link = dict(first.query_params)
        assert (link["view"], link["rule"], link["seed"]) == ("rules", "xTAx", "7")
        assert latex_texts(run(**link)) == latex_texts(first)

    def test_changing_n_resizes_the_point(self):
        at = run()
        at.selectbox(key="n").select(4).run()
        assert at.text_input(key="at").value == "1, 0, 0, 0"
        at.selectbox(key="n").select(1).run()
        assert at.text_input(key="at").value == "1"

    def test_an_example_fills_every_input(self):
        at = run()
        at.selectbox(key="example").select("norm_origin").run()
        assert (at.text_input(key="f").value, at.text_input(key="at").value) == (
            "norm(x)",
            "0, 0",
        )
        assert at.query_params["f"] == "norm(x)"

    def test_the_rules_seed_is_in_the_link_and_rerolls(self):
        at = run(view="rules", seed="2532")
        before = latex_texts(at)
        at.button(key="reroll").click().run()
        assert at.query_params["seed"] != "2532"
        assert latex_texts(at) != before
        again = run(view="rules", seed="2532")
        assert latex_texts(again) == before

    def test_switching_views_keeps_the_function(self):
        at = run(f="norm(x, 1)", at="0, 2")
        at.radio(key="view").set_value("rules").run()
        assert at.query_params["view"] == "rules" and at.query_params["f"] == "norm(x, 1)"
        assert len(rules_rows(at)) == 5  # the rules summary
        at.radio(key="view").set_value("explore").run()
        assert at.text_input(key="f").value == "norm(x, 1)"
        assert any("not differentiable" in w for w in warnings(at))


class TestLanguages:
    def test_chinese_page(self):
        at = run(lang="zh")
        assert at.title[0].value == t("gradients.title", "zh") == "梯度：偏导数、范数与矩阵求导法则"
        assert table(at, "zh")["value"] == ["6", "5"]
        assert at.radio(key="view").options == ["你的函数", "书中的法则", "梯度检验"]

    def test_chinese_messages_for_a_kink(self):
        at = run(lang="zh", f="norm(x, 1)", at="0, 2")
        assert any("不可微" in w for w in warnings(at))
        assert any("次梯度" in w for w in warnings(at))

    def test_chinese_error_message(self):
        at = run(lang="zh", n="2", at="1, 2, 3")
        assert any("该点需要 2 个坐标" in e for e in errors(at))

    def test_both_catalogs_have_the_same_keys(self):
        def keys(lang):
            with (LOCALES / lang / "gradients.toml").open("rb") as fh:
                data = tomllib.load(fh)
            out = set()

            def walk(prefix, node):
                for k, v in node.items():
                    walk(f"{prefix}{k}.", v) if isinstance(v, dict) else out.add(prefix + k)

            walk("", data)
            return out

        assert keys("en") == keys("zh")

    def test_new_error_codes_are_translated_in_both_languages(self):
        for code in (
            "vector_not_scalar",
            "norm_needs_vector",
            "norm_order",
            "inf_only_in_norm",
            "wrong_point_size",
            "dimension_too_small",
        ):
            assert code in ERROR_CODES
            for lang in ("en", "zh"):
                assert t(f"error.{code}", lang) != f"error.{code}"


class TestBadInput:
    @pytest.mark.parametrize(
        "hostile",
        ["__import__('os').system('ls')", "9^9^9", "x1.__class__", "(" * 50 + "x1" + ")" * 50],
    )
    def test_hostile_f_gets_a_message_not_a_traceback(self, hostile):
        at = run(f=hostile)
        assert len(errors(at)) == 1 and charts(at) == []

    def test_non_number_in_the_point_points_at_it(self):
        at = run(at="1, a")
        (message,) = errors(at)
        assert "`a` is not a number" in message and t("field.at", "en") in message
        assert "1, a\n   ^" in [c.value for c in at.code]

    def test_wrong_number_of_coordinates(self):
        (message,) = errors(run(n="2", at="1, 2, 3"))
        assert "needs 2 coordinate(s)" in message and "it has 3" in message

    def test_a_variable_beyond_an_explicit_n(self):
        (message,) = errors(run(f="x1 + x3", n="2"))
        assert "choose n of at least 3" in message

    @pytest.mark.parametrize(
        ("name", "value"),
        [("n", "9"), ("n", "two"), ("plane", "7,8"), ("seed", "-1"), ("view", "tabs")],
    )
    def test_bad_link_values_fall_back_with_a_specific_warning(self, name, value):
        at = run(**{name: value})
        assert t(f"gradients.bad_param.{name}", "en") in warnings(at)
        assert at.query_params[name] == DEFAULT_URL[name]
        assert errors(at) == []

    def test_the_rules_view_still_works_when_f_is_wrong(self):
        assert len(errors(run(f="x1 +"))) == 1
        at = run(f="x1 +", view="rules")
        assert errors(at) == []
        assert [row[2] for row in rules_rows(at)] == ["✓"] * 5


def rules_rows(at) -> list[list[str]]:
    """The cells of the rules table's body rows (a Markdown table: its formulas typeset)."""
    table = next(m.value for m in at.markdown if m.value.startswith("| "))
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")] for line in table.splitlines()[2:]
    ]


class TestRulesPanel:
    def test_every_rule_agrees_symbolically_and_numerically(self):
        at = run(view="rules")
        rows = rules_rows(at)
        assert [row[2] for row in rows] == ["✓"] * 5
        assert all(float(row[3]) < 1e-6 for row in rows)

    def test_the_layout_convention_is_stated(self):
        text = "\n".join(m.value for m in run(view="rules").markdown)
        assert "denominator layout" in text and "issues/2532" in text

    def test_each_rule_shows_both_layouts(self):
        at = run(view="rules")
        for rule in ("Ax", "xTA", "xTAx", "norm_sq", "frobenius"):
            at.selectbox(key="rule").select(rule).run()
            assert_no_exception(at)
            captions = [c.value for c in at.caption]
            assert any(c.startswith("Denominator layout") for c in captions)
            assert any(c.startswith("Numerator layout") for c in captions)
            assert any("Finite differences agree" in s.value for s in at.success)
            assert any(x.startswith(r"\begin{bmatrix}") for x in latex_texts(at))


class TestNavigation:
    def test_the_entry_lists_the_page(self):
        at = build(DASHBOARD).run()
        at.switch_page("pages/gradients.py").run()
        assert_no_exception(at)
        assert at.title[0].value == t("gradients.title", "en")
