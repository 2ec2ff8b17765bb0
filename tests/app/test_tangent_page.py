"""Specification of the tangent page (``pages/tangent.py``), driven as a visitor would.

URL parameters are set before the first run and widgets are changed by key after;
the assertions read what the visitor sees: the LaTeX, the chart's data as Streamlit
ships it (Arrow data sets of the Vega-Lite spec), warnings, error boxes, captions.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import altair as alt
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from lab_ui.i18n import catalog, t
from lab_ui.i18n import literal as as_text
from tests.app.conftest import open_book_code, through_entry

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "tangent.py"
DASHBOARD = ROOT / "dashboard.py"

#: Where there is no tangent, and why: (f, x0, xmin, xmax, status)
NO_TANGENT = [
    ("1/x", "0", "-3", "3", "undefined"),
    ("|x|", "0", "-2", "2", "not_differentiable"),
    ("x^(1/3)", "0", "-1", "2", "vertical"),
    ("sqrt(x)", "0", "-1", "4", "vertical"),
    ("log(x)", "-0.5", "-1", "3", "outside"),
    ("acot(x)", "0", "-2", "2", "discontinuous"),
    ("asec(x)", "1", "-3", "3", "vertical"),
]


def run(**query: str) -> AppTest:
    """The page as a browser opens ``/tangent?...``: through the entry."""
    at = through_entry("tangent", **query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def latex(at: AppTest) -> list[str]:
    return [el.value.strip().strip("$").strip() for el in at.latex]


def chart_frames(at: AppTest) -> list:
    """The data sets of the page's one chart, as DataFrames, in layer order."""
    (chart,) = at.get("vega_lite_chart")
    frames = []
    for dataset in chart.proto.datasets:
        with pa.ipc.open_stream(dataset.data.data) as reader:
            frames.append(reader.read_all().to_pandas())
    return frames


def series_names(at: AppTest) -> list[str]:
    lines = chart_frames(at)[0]
    return list(dict.fromkeys(lines["series"]))


def spec(at: AppTest) -> dict:
    (chart,) = at.get("vega_lite_chart")
    return json.loads(chart.proto.spec)


def texts(at: AppTest) -> list[str]:
    return [el.value for el in (*at.caption, *at.info, *at.warning, *at.error)]


def is_message(key: str, text: str, lang: str = "en") -> bool:
    """``text`` is the catalog message ``key`` with some values filled in."""
    pattern = ""
    for literal, field, _, _ in string.Formatter().parse(catalog(lang)[key]):
        pattern += re.escape(literal) + ("(.+?)" if field is not None else "")
    return re.fullmatch(pattern, text, flags=re.DOTALL) is not None


class TestDefaultView:
    def test_the_chart_has_f_and_its_tangent(self):
        at = run()
        assert series_names(at) == ["f(x)", "Tangent line (x=1)"]
        lines = chart_frames(at)[0]
        tangent = lines[lines["series"] == "Tangent line (x=1)"]
        assert ((tangent["y"] - (2 * tangent["x"] - 3)).abs() < 1e-12).all()
        f = lines[lines["series"] == "f(x)"]
        assert ((f["y"] - (3 * f["x"] ** 2 - 4 * f["x"])).abs() < 1e-9).all()

    def test_the_books_plot_settings(self):
        layer = spec(at := run())["layer"][0]["encoding"]
        assert layer["x"]["title"] == "x" and layer["y"]["title"] == "f(x)"
        assert layer["x"]["scale"]["domain"] == [0, 3]
        assert layer["strokeDash"]["scale"]["range"] == [[1, 0], [6, 4]]  # '-' and 'm--'
        assert layer["color"]["scale"]["range"] == ["#1f77b4", "#bf00bf"]
        assert spec(at)["usermeta"] == {"embedOptions": {"renderer": "svg"}}
        assert at.query_params["f"] == "3x^2 - 4x"

    def test_equation_value_and_slope(self):
        assert latex(run())[1:] == ["y = 2x - 3", r"f(1) = -1, \qquad f'(1) = 2"]

    def test_the_books_code_for_the_current_inputs(self):
        (code,) = open_book_code(run()).code
        assert code.value.splitlines()[-1] == (
            "d2l.plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])"
        )

    def test_the_plotted_table_can_be_downloaded(self):
        labels = [b.label for b in run().get("download_button")]  # also SVG, PNG, notebook
        assert labels.count(t("tangent.download", "en")) == 1


class TestBookPresets:
    def test_the_exercise_shows_y_equals_4x_minus_4(self):
        at = run()
        at.selectbox(key="tangent_preset").select("exercise").run()
        assert not at.exception
        assert "y = 4x - 4" in latex(at)
        assert at.text_input(key="f").value == "x^3 - 1/x"
        open_book_code(at)  # the book's grid and where it hits the pole: with the book's code
        assert any(is_message("tangent.book_hits", m) for m in texts(at))
        assert "f is undefined at x = 0." in texts(at)
        assert at.query_params["f"] == "x^3 - 1/x"

    @pytest.mark.parametrize(
        "name", ["chapter", "exercise", "kink", "vertical", "pole", "periodic"]
    )
    def test_every_preset_loads_without_error(self, name):
        at = run()
        at.selectbox(key="tangent_preset").select(name).run()
        assert not at.exception and not at.error
        assert at.selectbox(key="tangent_preset").value == ""  # ready to pick again


class TestNoTangent:
    @pytest.mark.parametrize(("f", "x0", "lo", "hi", "status"), NO_TANGENT)
    def test_explained_and_nothing_drawn(self, f, x0, lo, hi, status):
        at = run(f=f, x0=x0, xmin=lo, xmax=hi)
        (warning,) = at.warning
        assert is_message(f"tangent.none.{status}", warning.value)
        assert series_names(at) == ["f(x)"]
        assert not any(s.startswith("y ") for s in latex(at))

    def test_a_kink_names_both_one_sided_slopes(self):
        (warning,) = run(f="|x|", x0="0", xmin="-2", xmax="2").warning
        assert "from the left is -1 and from the right 1" in warning.value

    def test_the_pole_is_named_and_drawn_as_an_asymptote(self):
        at = run(f="1/x", x0="1", xmin="-3", xmax="3")
        assert "f is undefined at x = 0." in texts(at)
        rules = [layer for layer in spec(at)["layer"] if layer["mark"]["type"] == "rule"]
        assert len(rules) == 1 and rules[0]["mark"]["strokeDash"] == [4, 4]

    def test_the_principal_root_choice_is_stated(self):
        at = run(f="x^(1/3)", x0="0", xmin="-1", xmax="2")
        assert t("tangent.note.principal_root", "en") in texts(at)


class TestUrlState:
    def test_a_link_restores_the_view(self):
        at = run(f="x^3 - 1/x", x0="1", xmin="0.5", xmax="2")
        assert at.text_input(key="f").value == "x^3 - 1/x"
        assert at.number_input(key="xmin").value == 0.5
        assert "y = 4x - 4" in latex(at)

    def test_round_trip(self):
        at = run()
        at.text_input(key="f").input("sin(x)").run()
        at.number_input(key="x0").set_value(0.5).run()
        at.number_input(key="xmax").set_value(6.0).run()
        shared = {k: at.query_params[k] for k in ("f", "x0", "xmin", "xmax")}
        assert shared == {"f": "sin(x)", "x0": "0.5", "xmin": "0", "xmax": "6"}
        again = run(**shared)
        assert latex(again) == latex(at)
        assert chart_frames(again)[0].equals(chart_frames(at)[0])

    def test_the_slider_moves_x0_and_the_link(self):
        at = run()
        at.slider(key="tangent_x0_slider").set_value(2.0).run()
        assert at.number_input(key="x0").value == 2.0
        assert at.query_params["x0"] == "2"
        assert "y = 8x - 12" in latex(at)

    def test_the_slider_rounds_away_float_noise(self):
        at = run(xmin="-1", xmax="2")
        at.slider(key="tangent_x0_slider").set_value(-1 + 223 * 0.01).run()
        assert at.query_params["x0"] == "1.23"
        assert "y = 3.38x - 4.5387" in latex(at)

    def test_typing_x0_moves_the_slider(self):
        at = run()
        at.number_input(key="x0").set_value(2.5).run()
        assert at.slider(key="tangent_x0_slider").value == 2.5

    @pytest.mark.parametrize(
        ("name", "value"), [("x0", "abc"), ("xmin", "nan"), ("xmax", "1e9"), ("x0", "")]
    )
    def test_bad_link_values_warn_and_fall_back(self, name, value):
        at = run(**{name: value})
        (warning,) = at.warning
        assert warning.value == t("shell.bad_param", "en", name=as_text(name))
        assert "y = 2x - 3" in latex(at)


class TestBadInput:
    def test_reversed_interval(self):
        at = run(xmin="3", xmax="0", x0="1")
        (error,) = at.error
        assert "x min (3) must be less than x max (0)" in error.value
        assert not at.get("vega_lite_chart")

    def test_x0_outside_the_interval_still_draws_f(self):
        at = run(x0="5")
        (error,) = at.error
        assert "x₀ = 5 lies outside the plotted interval [0, 3]" in error.value
        assert series_names(at) == ["f(x)"]

    @pytest.mark.parametrize("f", ["9^9^9", "__import__('os')", "x +", "sin x"])
    def test_hostile_or_malformed_f(self, f):
        at = run(f=f)
        (error,) = at.error
        assert error.value.startswith("**f(x)** — ")
        assert not at.get("vega_lite_chart")


class TestOptions:
    def test_derivatives_and_secant_join_the_chart(self):
        at = run()
        at.checkbox(key="tangent_d1").check().run()
        at.checkbox(key="tangent_d2").check().run()
        at.checkbox(key="tangent_secant").check().run()
        assert series_names(at) == [
            "f(x)",
            "Tangent line (x=1)",
            "f′(x)",
            "f″(x)",
            "Secant (h=0.5)",
        ]
        assert r"f'(x) = 6 x - 4" in latex(at)
        (code,) = open_book_code(at).code
        assert "6*x - 4" in code.value and "fmts=" in code.value

    def test_choosing_a_secant_step_shows_that_secant(self):
        at = run()
        assert "Secant (h=0.2)" not in series_names(at)
        at.select_slider(key="tangent_h").set_value(0.2).run()
        assert at.checkbox(key="tangent_secant").value
        assert series_names(at)[-1] == "Secant (h=0.2)"

    def test_the_view_follows_f_not_a_wild_second_derivative(self):
        at = run(f="tan(x)", x0="0.5", xmin="-5", xmax="5")
        before = spec(at)["layer"][0]["encoding"]["y"]["scale"]["domain"]
        at.checkbox(key="tangent_d2").check().run()
        assert spec(at)["layer"][0]["encoding"]["y"]["scale"]["domain"] == before
        assert -20 < before[0] < before[1] < 20

    def test_a_derivative_too_long_to_draw_is_said_so(self):
        product = "".join(f"(x-{k}/7)" for k in range(1, 20))
        at = run(f=f"1/({product})", x0="0.05", xmin="-3", xmax="3")
        at.checkbox(key="tangent_d1").check().run()
        assert not at.exception
        assert any(is_message("tangent.note.no_derivative", m) for m in texts(at))
        assert series_names(at) == ["f(x)", "Tangent line (x=0.05)"]

    def test_log_scale_drops_non_positive_values_and_says_so(self):
        at = run()
        at.selectbox(key="tangent_yscale").select("log").run()
        lines = chart_frames(at)[0]
        assert not (lines["y"] <= 0).any()
        assert any(is_message("tangent.note.log_y", m) for m in texts(at))
        assert spec(at)["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"

    def test_axis_labels_limits_legend_grid_and_styles(self):
        at = run()
        at.text_input(key="tangent_xlabel").input("t").run()
        at.number_input(key="tangent_ymin").set_value(-5.0).run()
        at.number_input(key="tangent_ymax").set_value(5.0).run()
        at.toggle(key="tangent_legend").set_value(False).run()
        at.toggle(key="tangent_grid").set_value(False).run()
        at.selectbox(key="tangent_style_tangent").select("dotted").run()
        enc = spec(at)["layer"][0]["encoding"]
        assert enc["x"]["title"] == "t" and enc["y"]["scale"]["domain"] == [-5, 5]
        assert enc["color"]["legend"] is None and enc["x"]["axis"]["grid"] is False
        assert enc["strokeDash"]["scale"]["range"][1] == [1, 3]
        (code,) = open_book_code(at).code
        assert "ylim=[-5, 5]" in code.value and "fmts=('-', 'm:')" in code.value


class TestChartSpec:
    """The page skips Altair's per-rerun validation, so the spec is validated here."""

    @pytest.mark.parametrize(
        "query",
        [
            {},
            {"f": "tan(x)", "x0": "0.5", "xmin": "-5", "xmax": "5"},
            {"f": "sin(x)/x", "x0": "1", "xmin": "-10", "xmax": "10"},
            {"f": "|x|", "x0": "0", "xmin": "-2", "xmax": "2"},
        ],
    )
    def test_the_spec_is_valid_vega_lite(self, query):
        at = run(**query)
        alt.LayerChart.from_dict(spec(at), validate=True)

    def test_every_option_still_gives_a_valid_spec(self):
        at = run()
        for key in ("tangent_d1", "tangent_d2", "tangent_secant"):
            at.checkbox(key=key).check().run()
        at.selectbox(key="tangent_xscale").select("log").run()
        at.selectbox(key="tangent_yscale").select("log").run()
        at.toggle(key="tangent_legend").set_value(False).run()
        assert not at.exception
        alt.LayerChart.from_dict(spec(at), validate=True)


class TestLanguages:
    def test_chinese(self):
        at = run(lang="zh")
        assert at.title[0].value == t("tangent.title", "zh")
        assert series_names(at) == ["f(x)", "切线 (x=1)"]
        (code,) = open_book_code(at).code  # the book's code keeps the book's English legend
        assert "'Tangent line (x=1)'" in code.value

    def test_chinese_explanations(self):
        at = run(lang="zh", f="|x|", x0="0", xmin="-1", xmax="1")
        (warning,) = at.warning
        assert is_message("tangent.none.not_differentiable", warning.value, "zh")

    def test_through_the_entry(self):
        at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
        at.run()
        at.switch_page("pages/tangent.py").run()
        assert not at.exception
        assert at.title[0].value == t("tangent.title", "en")
