"""Specification of the take-away files: charts as SVG and PNG, views as notebooks.

The files are made only when a visitor asks (a page run never converts anything:
with the converters made unimportable, every page still draws). The conversions
are Vega's own (vl-convert): a chart's SVG names its data, its PNG is a PNG. A
notebook is run as it is, in a fresh Python process (its code cells in order, as a
kernel would), and must print what the page printed and pass its own checks.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from calc_core import chain, diffsteps, forward, gradcheck, gradients, limits, matrix_rules, tangent
from calc_core import exercises as ex
from calc_core.exercise_derivations import derivations
from calc_core.exercises import EDITIONS
from lab_ui import exercise_cards as cards
from lab_ui import exports, notebooks
from lab_ui.charts import gradients as gradient_charts
from lab_ui.charts import limits as limit_charts
from lab_ui.exercise_notebook import exercise_cells
from lab_ui.i18n import t
from tests.app.conftest import through_entry

WORDS = {"title": "# T", "book": "B", "plot": "P", "check": "C"}


def run_notebook(ipynb: bytes) -> str:
    """Execute the notebook's code cells in order in a fresh interpreter; its stdout."""
    nb = json.loads(ipynb)
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["language"] == "python"
    code = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def exec_notebook(ipynb: bytes) -> str:
    """Execute the notebook's code cells in order here, in a fresh namespace; its stdout.

    For many generated notebooks (a fresh interpreter costs a second each)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    nb = json.loads(ipynb)
    code = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    out = io.StringIO()
    try:
        with np.errstate(all="ignore"), contextlib.redirect_stdout(out):
            exec(code, {"__name__": "__main__"})  # our own generated code, not user text
    finally:
        plt.close("all")
    return out.getvalue()


def buttons(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


# ----------------------------------------------------------------------------- notebooks

functions = hs.sampled_from(["sin(x)", "3x^2 - 4x", "exp(-x^2)", "x^x", "log(1 + x^2)", "sec(x)"])
points = hs.sampled_from([0.5, 1.0, 1.3, 2.0])


class TestNotebooksRunAsTheyAre:
    @settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(f=functions, x0=points, scheme=hs.sampled_from(limits.SCHEMES))
    def test_the_limits_notebook_prints_the_pages_table_and_passes_its_check(self, f, x0, scheme):
        r = limits.analyze(f, x0, 0.1, 5, 10.0, scheme)
        out = run_notebook(notebooks.notebook(notebooks.limits_cells(r, WORDS)))
        assert out.splitlines()[:5] == list(r.book_output)
        assert "OK: the page's quotients are reproduced" in out

    @settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(f=functions, x0=points)
    def test_the_tangent_notebook_draws_and_checks_the_slope(self, f, x0):
        cur = tangent.curves(f, 0.2, 2.5)
        res = tangent.tangent_at(f, x0, 0.2, 2.5)
        rows = [("f(x)", "f(x)", "-"), (res.line.python, "Tangent line", "m--")]
        code = tangent.book_code(cur, rows)
        cells = notebooks.tangent_cells(code, cur.f_def, x0, res.line.slope, WORDS)
        out = run_notebook(notebooks.notebook(cells))
        assert f"OK: the central difference gives the tangent slope {res.line.slope!r}" in out

    def test_the_gradients_notebook_checks_the_gradient(self):
        r = gradients.analyze("x1^2 x2 + x2^3", "1, 2", 2)
        out = run_notebook(notebooks.notebook(notebooks.gradients_cells(r, WORDS)))
        assert out.splitlines()[:2] == list(r.book_output)
        assert "OK: central differences give the gradient [ 4. 13.]" in out

    @settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        f=hs.sampled_from(
            ["x^x", "sin(x)^cos(x)", "x - |asin(x)|", "sec(x) acot(x)", "f(g(x))", "f(x)/g(x)",
             "f(sin(g(x)))^2", "atanh(x/2) + asinh(x)"]
        )
    )  # fmt: skip
    def test_the_steps_notebook_ends_in_sympys_derivative(self, f):
        r = diffsteps.steps(f)
        out = run_notebook(notebooks.notebook(notebooks.steps_cells(r, WORDS)))
        assert "OK: the steps" in out and out.startswith("dF/dx = ")

    @pytest.mark.parametrize(
        ("u", "inner", "at"),
        [
            ("x*y + sin(z)", "x=a+b; y=a*b; z=b^2", "a=0.5, b=1.5"),
            ("x*y + a", "x=a^2; y=x*b", "a=1, b=2"),
        ],
    )
    def test_the_chain_notebook_proves_the_exercise(self, u, inner, at):
        r = chain.walkthrough(u, inner, at)
        out = run_notebook(notebooks.notebook(notebooks.chain_cells(r, WORDS)))
        assert "OK: the chain rule gives the derivative of the composite" in out

    def test_the_abstract_chain_notebook_gets_the_chain_rule_from_sympy(self):
        r = chain.walkthrough("", "", "a=0.5, b=1.5")
        out = run_notebook(notebooks.notebook(notebooks.chain_abstract_cells(r, WORDS)))
        assert out.startswith("du/da = Derivative(f(x(a, b), y(a, b), z(a, b)), x(a, b))")
        assert "OK: sympy's derivative of u is the chain rule's sum, term by term" in out

    def test_a_term_left_out_of_the_abstract_chain_rule_fails_its_check(self):
        r = chain.walkthrough("", "", "a=0.5, b=1.5")
        cells = notebooks.chain_abstract_cells(r, WORDS)
        tampered = [(k, src.replace("['x', 'y', 'z']}", "['x', 'y']}")) for k, src in cells]
        assert tampered != cells
        with pytest.raises(AssertionError, match="AssertionError"):
            run_notebook(notebooks.notebook(tampered))

    @pytest.mark.parametrize("ad", ["reverse", "forward"])
    def test_the_graph_notebook_checks_the_gradient_of_either_mode(self, ad):
        r = forward.forward_mode("x*y + sin(x*y) + exp(z)", "x=1, y=2, z=0.5")
        gradient = r.gradient if ad == "forward" else r.graph.gradient
        out = run_notebook(notebooks.notebook(notebooks.graph_cells(r.graph, gradient, WORDS)))
        assert "OK: central differences give the gradient" in out

    @pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
    @pytest.mark.parametrize(
        ("f", "scheme"), [("sin(x)/pi + x^1.5", "central"), ("3x^2 - 4x", "forward")]
    )
    def test_in_a_narrower_format_the_notebook_reproduces_the_pages_quotients_exactly(
        self, dtype, f, scheme
    ):
        r = limits.analyze(f, 1.3, scheme=scheme, dtype=dtype)
        out = run_notebook(notebooks.notebook(notebooks.limits_cells(r, WORDS)))
        assert out.splitlines()[:5] == list(r.book_output)
        assert f"OK: the page's {dtype} quotients are reproduced exactly" in out

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(
        f=hs.sampled_from(
            ["log(cos(2))", "x^(1/3)", "sqrt(-2)*x", "x + log(-3)", "x*(-2)^x", "x^x",
             "sqrt(cos(2)) + x", "x + (-8)^(1/3)", "1/x", "log(x) + x^1.5"]
        ),
        x0=hs.sampled_from([-1.5, -0.5, 0.0, 1.0]),
        scheme=hs.sampled_from(limits.SCHEMES),
    )  # fmt: skip
    def test_where_the_page_shows_nan_the_notebook_prints_nan_and_passes_its_check(
        self, f, x0, scheme
    ):
        """Complex constants and powers of negative numbers: complex in Python, nan on the page."""
        r = limits.analyze(f, x0, scheme=scheme)
        out = exec_notebook(notebooks.notebook(notebooks.limits_cells(r, WORDS)))
        assert out.splitlines()[:5] == list(r.book_output)
        assert "OK: the page's quotients are reproduced" in out

    def test_a_narrower_format_changed_by_one_unit_fails_the_exact_check(self):
        r = limits.analyze("sin(x)", 0.5, scheme="central", dtype="float32")
        cells = notebooks.limits_cells(r, WORDS)
        shown = r.rows[2].quotient
        nudged = float(np.nextafter(np.float32(shown), np.float32(np.inf)))
        tampered = [(k, s.replace(repr(shown), repr(nudged))) for k, s in cells]
        with pytest.raises(AssertionError, match="AssertionError"):
            run_notebook(notebooks.notebook(tampered))

    def test_without_code_in_the_format_the_float64_cell_is_said_not_checked(self):
        r = limits.analyze("sin(|x - 1|)", 0.5, scheme="complex", dtype="float32")
        assert r.book_dtype == "float64"
        cells = notebooks.limits_cells(r, {**WORDS, "dtype": "D"})
        assert cells[-1] == ("markdown", "D")
        run_notebook(notebooks.notebook(cells))

    @pytest.mark.parametrize("seed", [0, 7])
    def test_every_matrix_rule_notebook_gives_the_rule_and_the_pages_numbers(self, seed):
        for c in matrix_rules.check_all(seed).checks:
            formula = matrix_rules.formula_code(c.rule)
            out = run_notebook(notebooks.notebook(notebooks.rules_cells(c, formula, WORDS)))
            assert out.splitlines()[0] == c.output[0]  # the page's code cell, as it printed
            assert f"OK: central differences give {formula}, as the page showed" in out

    @pytest.mark.parametrize(
        ("f", "at", "n", "dtype", "h", "claim", "passed"),
        [
            ("3x1^2 + 5e^{x2}", "1, 0", 2, "float32", 1e-6, "", False),  # gradcheck's eps
            ("3x1^2 + 5e^{x2}", "1, 0", 2, "float32", 0.005, "", True),  # near eps^(1/3)
            ("x1*sin(x2) + x3/3", "0.5, 1, 2", 3, "bfloat16", 0.05, "", None),
            ("x1^2 x2", "1, 2", 2, "float64", 1e-6, "2*x1*x2; x1^2 + 1", False),  # edited
        ],
    )
    def test_the_gradient_check_notebook_reproduces_the_pages_verdicts(
        self, f, at, n, dtype, h, claim, passed
    ):
        r = gradcheck.check(f, at, n, dtype, h, gradcheck.ATOL, gradcheck.RTOL, claim)
        if passed is not None:
            assert r.passed is passed
        cells = notebooks.gradcheck_cells(r, gradcheck.GRID, WORDS)
        out = run_notebook(notebooks.notebook(cells))
        for c, line in zip(r.components, out.splitlines(), strict=False):
            assert line.startswith(f"{c.name}: ") and line.endswith(f"pass {c.passed}")
        assert "OK: the page's numbers and verdicts are reproduced exactly" in out

    def test_a_wrong_number_fails_the_check(self):
        r = limits.analyze("sin(x)", 0.5)
        cells = notebooks.limits_cells(r, WORDS)
        tampered = [(k, s.replace(repr(r.rows[0].quotient), "0.5")) for k, s in cells]
        with pytest.raises(AssertionError, match="AssertionError"):
            run_notebook(notebooks.notebook(tampered))

    def test_text_cells_are_in_the_visitors_language(self):
        r = limits.analyze("sin(x)", 0.5)
        at = through_entry("limits", lang="zh")
        at.run()
        assert t("export.notebook", "zh") in buttons(at)
        nb = json.loads(notebooks.notebook(notebooks.limits_cells(r, WORDS)))
        assert [c["cell_type"] for c in nb["cells"]][:2] == ["markdown", "code"]


# ----------------------------------------------------------------------------- exercises

CARDS = [(e, n) for e, ids in EDITIONS.items() for n in range(1, len(ids) + 1)]
_RUNS: dict[str, str] = {}  # a notebook's code -> what it printed: each distinct one runs once


def run_once(ipynb: bytes) -> str:
    code = "".join("".join(c["source"]) for c in json.loads(ipynb)["cells"])
    if code not in _RUNS:
        _RUNS[code] = run_notebook(ipynb)
    return _RUNS[code]


def exercise_notebook(edition: str, n: int, lang: str, dim: int = 2) -> bytes:
    d = derivations(EDITIONS[edition][n - 1], dim)
    return notebooks.notebook(exercise_cells(d, cards.notebook_words(edition, n, lang)))


def cells_of(ipynb: bytes, kind: str) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(ipynb)["cells"] if c["cell_type"] == kind]


class TestExerciseNotebooks:
    @pytest.mark.parametrize(("edition", "n"), CARDS)
    def test_every_exercise_notebook_derives_the_pages_answers_in_either_language(self, edition, n):
        en, zh = (exercise_notebook(edition, n, lang) for lang in ("en", "zh"))
        assert cells_of(en, "code") == cells_of(zh, "code")  # the same derivation
        assert cells_of(zh, "markdown")[1] == t(
            f"exercises.items.{EDITIONS[edition][n - 1]}.statement", "zh"
        )
        assert cells_of(en, "markdown") != cells_of(zh, "markdown")
        for ipynb in (en, zh):
            out = run_once(ipynb)
            assert "OK: sympy derives the page's right answers" in out
            assert "OK: central differences agree with the page's right answers" in out

    @pytest.mark.parametrize("dim", ex.NORM_DIMENSIONS)
    def test_the_norm_notebook_has_the_chosen_dimension(self, dim):
        ipynb = exercise_notebook("zh", 3, "zh", dim)
        assert f"x{dim}/sqrt(" in "".join(cells_of(ipynb, "code"))
        assert "OK: central differences agree" in run_once(ipynb)

    @pytest.mark.parametrize(
        ("item", "right", "wrong"),
        [("power_tower", "x**x*(log(x) + 1)", "x**x*log(x)"), ("rules", "f*gp + fp*g", "f*gp")],
    )
    def test_a_wrong_reference_fails_the_notebook(self, item, right, wrong):
        cells = exercise_cells(derivations(item), WORDS | {"statement": "S"})
        tampered = [
            (k, src.replace(f"reference=[{right}]", f"reference=[{wrong}]")) for k, src in cells
        ]
        assert tampered != cells
        with pytest.raises(AssertionError, match="AssertionError"):
            run_notebook(notebooks.notebook(tampered))


# ----------------------------------------------------------------------------- charts


def chart_specs():
    lim = limits.analyze("sin(x)", 0.5, scheme="central")
    labels = {s: s for s in limits.SCHEMES}
    axis = {k: k for k in ("h", "error", "scheme", "best", "theory", "eps")}
    yield "error_vs_h", limit_charts.error_vs_h(lim.sweep, labels, axis).to_dict()
    view = limits.secant_view("1/x", 0.5, 0.1)
    names = {"f": "f", "secant": "secant", "tangent": "tangent"}
    yield "secant", limit_charts.secant_chart(view, names, 0.5).to_dict()
    field = gradients.field_view("x1^2 + x1 x2", "1, 2", 2, (0, 1))
    labels = {k: k for k in gradient_charts.LABELS}
    yield "field", gradient_charts.field_chart(field, labels)
    curve = gradients.field_view("sin(x1)", "1", 1, (0, 0))
    yield "curve", gradient_charts.curve_chart(curve, {"f": "f", "df": "df"}).to_dict()


class TestChartFiles:
    @pytest.mark.parametrize(("name", "spec"), list(chart_specs()), ids=lambda v: str(v)[:12])
    def test_every_chart_converts_to_svg_and_png(self, name, spec):
        svg = exports.svg(spec)
        assert svg.startswith("<svg") and "</svg>" in svg and "<path" in svg
        assert exports.png(spec)[:8] == b"\x89PNG\r\n\x1a\n"

    def test_a_gap_in_the_data_is_a_gap_not_an_error(self):
        spec = {
            "data": {"values": [{"x": 0, "y": 1.0}, {"x": 1, "y": float("nan")}]},
            "mark": "line",
            "encoding": {"x": {"field": "x"}, "y": {"field": "y"}},
        }
        assert exports.svg(spec).startswith("<svg")


class TestNothingIsConvertedUntilAsked:
    @pytest.mark.parametrize(
        ("page", "query", "charts"),
        [
            ("limits", {}, 2),
            ("tangent", {}, 1),
            ("gradients", {"f": "x1^2 x2", "at": "1, 2"}, 1),
            ("gradients", {"f": "sin(x1)", "at": "1"}, 1),
            ("gradients", {"view": "rules", "rule": "xTAx"}, 0),
            ("gradients", {"view": "check", "dtype": "float32", "h": "0.005"}, 0),
            ("chain-rule", {}, 1),  # the abstract exercise: its graph and its notebook
            ("chain-rule", {"mode": "steps"}, 0),
            ("chain-rule", {"u": "x*y", "inner": "x=a+b; y=a*b", "at": "a=1, b=2"}, 1),
            ("chain-rule", {"mode": "graph"}, 1),
            ("chain-rule", {"mode": "graph", "ad": "forward"}, 2),  # one graph per input
        ],
    )
    def test_every_chart_has_its_buttons_and_every_view_its_notebook(
        self, monkeypatch, page, query, charts
    ):
        monkeypatch.setitem(sys.modules, "vl_convert", None)  # importing it would fail
        monkeypatch.setitem(sys.modules, "nbformat", None)
        monkeypatch.delitem(sys.modules, "pygraphviz", raising=False)  # must stay unimported
        at = through_entry(page, lang="en", **query)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert "pygraphviz" not in sys.modules
        labels = buttons(at)
        assert labels.count(t("export.svg", "en")) == charts
        assert labels.count(t("export.png", "en")) == charts
        assert labels.count(t("export.notebook", "en")) == 1

    @pytest.mark.parametrize(
        ("page", "query"),
        [
            ("gradients", {"view": "rules", "rule": "frobenius", "seed": "3"}),
            ("gradients", {"view": "check", "dtype": "bfloat16", "h": "0.05"}),
            ("chain-rule", {}),
            ("limits", {"dtype": "float16", "scheme": "central"}),
        ],
    )
    def test_the_new_views_offer_their_notebook_from_a_chinese_link(self, page, query):
        at = through_entry(page, lang="zh", **query)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert t("export.notebook", "zh") in buttons(at)

    @pytest.mark.parametrize(
        ("page", "query", "passed"),
        [
            ("gradients", {"view": "rules", "rule": "xTAx", "seed": "7"}, "OK: central"),
            ("chain-rule", {}, "OK: sympy's derivative of u is the chain rule's sum, term by term"),
        ],
    )
    def test_from_a_chinese_link_the_notebook_speaks_chinese_and_runs(
        self, downloads, page, query, passed
    ):
        at = through_entry(page, lang="zh", **query)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        label = t("export.notebook", "zh")
        (button,) = [b for b in at.get("download_button") if b.proto.label == label]
        ipynb = downloads(button)
        markdown = cells_of(ipynb, "markdown")
        assert len(markdown) >= 2
        assert all(re.search("[\u4e00-\u9fff]", m) for m in markdown), markdown
        assert passed in run_notebook(ipynb)

    def test_the_buttons_speak_chinese(self):
        at = through_entry("tangent", lang="zh")
        at.run()
        assert {t(f"export.{k}", "zh") for k in ("svg", "png", "notebook")} <= set(buttons(at))
