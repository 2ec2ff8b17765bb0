"""Specification of the chain-rule page (``pages/chain-rule.py``), driven as a visitor would.

URL parameters before the first run, widgets by key afterwards; what is read back is
what the page shows: LaTeX, the Graphviz DOT of the graphs, metrics, tables, error
boxes. Numbers are checked against values computed here by hand (the exercise's
composite u(a, b) = ab(a + b) + sin(b^2) at (1/2, 3/2)).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from calc_core import backprop
from lab_ui.chain_rule import DEFAULT_AT, DEFAULT_F, EXAMPLE, STEP_EXAMPLES, VIEWS
from lab_ui.i18n import catalog, t
from tests.app.conftest import through_entry

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "chain-rule.py"
DASHBOARD = ROOT / "dashboard.py"
#: ∂u/∂a and ∂u/∂b of the example at (a, b) = (0.5, 1.5), by hand.
DU_DA = 15 / 4
DU_DB = 7 / 4 + 3 * math.cos(9 / 4)
EXAMPLE_URL = {"u": EXAMPLE["u"], "inner": EXAMPLE["inner"], "at": EXAMPLE["at"]}
#: Inputs a learner types (name, text): good ones, a bad one, one for another view.
TYPED = [
    ("f", "x^x"),
    ("f", "sin(x"),
    ("f", "a*b + b"),
    ("at", "a=1, b=2"),
    ("at", "x=2"),
    ("u", "x*y"),
    ("inner", "x=a+b; y=a*b"),
]


def run(**query: str) -> AppTest:
    """The page as a browser opens ``/chain-rule?...``: through the entry."""
    at = through_entry("chain-rule", **query)
    at.run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def dots(at: AppTest) -> list[str]:
    """The DOT source of every ``st.graphviz_chart``."""
    return [el.proto.spec for el in at.get("graphviz_chart")]


def latex(at: AppTest) -> list[str]:
    return [el.value.strip().strip("$").strip() for el in at.latex]


def as_float(text: str) -> float:
    return float(text.replace("−", "-"))


def metrics(at: AppTest) -> dict[str, float]:
    return {m.label: as_float(m.value) for m in at.metric}


def table(at: AppTest, header_key: str, lang: str = "en"):
    """The first dataframe that has the column ``header_key`` (translated)."""
    header = t(header_key, lang)
    for frame in at.dataframe:
        if header in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {header!r}")


def message_pattern(key: str, lang: str = "en") -> re.Pattern:
    """A regex matching the catalog message ``key`` with any field values."""
    parts = re.split(r"\{[a-z_]+\}", catalog(lang)[key])
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


# ----------------------------------------------------------------------------- multi


class TestTheAbstractExercise:
    def test_the_default_view_is_the_exercise_in_symbols(self):
        at = run()
        assert at.radio(key="mode").value == "multi"
        assert at.query_params["mode"] == "multi"
        assert (
            latex(at)[0]
            == r"u = f(x, y, z) \qquad x = x(a, b) \qquad y = y(a, b) \qquad z = z(a, b)"
        )

    def test_the_dependency_graph_joins_a_and_b_to_x_y_z_and_them_to_u(self):
        (dot,) = dots(run())
        for source in "ab":
            for target in "xyz":
                assert f'"{source}" -> "{target}"' in dot
        for v in "xyz":
            assert f'"{v}" -> "u"' in dot

    @pytest.mark.parametrize("wrt", ["a", "b"])
    def test_both_formulas_are_written_out(self, wrt):
        terms = " + ".join(
            rf"\frac{{\partial u}}{{\partial {v}}} \frac{{\partial {v}}}{{\partial {wrt}}}"
            for v in "xyz"
        )
        assert rf"\frac{{\partial u}}{{\partial {wrt}}} = {terms}" in latex(run())

    def test_the_example_button_fills_a_concrete_chain(self):
        at = run()
        at.button[0].click().run()
        assert_ok(at)
        assert at.text_input(key="u").value == EXAMPLE["u"]
        assert at.query_params["inner"] == EXAMPLE["inner"]
        assert metrics(at)[t("chain_rule.multi.metric_sum", "en")] == pytest.approx(DU_DA)


class TestAConcreteChain:
    def test_du_da_is_the_hand_computed_number_three_ways(self):
        at = run(**EXAMPLE_URL)
        values = metrics(at)
        for key in ("metric_sum", "metric_direct", "metric_difference"):
            assert values[t(f"chain_rule.multi.{key}", "en")] == pytest.approx(DU_DA, rel=1e-8)
        value = (
            r"\frac{\partial u}{\partial a}\Big|_{a = 0.5, b = 1.5} &= \frac{15}{4} \approx 3.75"
        )
        assert any(value in block for block in latex(at))

    def test_each_term_is_written_symbolically_locally_and_in_the_inputs(self):
        term = (
            r"(2)\quad & \frac{\partial u}{\partial y} \frac{\partial y}{\partial a} = "
            r"\left(x\right) \cdot \left(b\right) = b \left(a + b\right)"
        )
        assert any(term in block for block in latex(run(**EXAMPLE_URL)))

    def test_the_proof_is_stated(self):
        at = run(**EXAMPLE_URL)
        assert [s.value for s in at.success] == [t("chain_rule.check.symbolic", "en")]

    def test_wrt_b_from_the_url(self):
        values = metrics(run(**EXAMPLE_URL, wrt="b"))
        assert values[t("chain_rule.multi.metric_sum", "en")] == pytest.approx(DU_DB, rel=1e-9)

    def test_choosing_b_changes_the_walkthrough_and_the_url(self):
        at = run(**EXAMPLE_URL)
        at.radio(key="wrt").set_value("b").run()
        assert_ok(at)
        assert metrics(at)[t("chain_rule.multi.metric_direct", "en")] == pytest.approx(DU_DB)
        assert at.query_params["wrt"] == "b"

    def test_the_paths_from_wrt_are_highlighted_in_the_graph(self):
        (dot,) = dots(run(**EXAMPLE_URL))
        hot = set(re.findall(r'"(\w+)" -> "(\w+)" \[[^\]]*color="#d62728"', dot))
        assert hot == {("a", "x"), ("a", "y"), ("x", "u"), ("y", "u")}

    def test_every_local_partial_is_on_its_edge_with_its_value(self):
        (dot,) = dots(run(**EXAMPLE_URL))
        assert '"b" -> "z" [label="∂z/∂b = 2*b\\n= 3"' in dot
        assert "∂u/∂z = cos(z)\\n= −0.628174" in dot

    def test_a_layered_chain_typed_into_the_inputs(self):
        at = run()
        at.text_input(key="at").input("a=2").run()
        at.text_input(key="inner").input("x = a^2; y = a + x; z = x*y").run()
        at.text_input(key="u").input("z").run()
        assert_ok(at)
        assert metrics(at)[t("chain_rule.multi.metric_sum", "en")] == pytest.approx(44.0)

    def test_a_chain_too_long_to_print_still_gives_its_number(self):
        inner = "; ".join(
            f"x{k} = a" + "".join(f" * sin(x{j})" for j in range(1, k)) for k in range(1, 7)
        )
        at = run(u="x6", inner=inner, at="a=1")
        assert t("chain_rule.multi.too_long", "en") in [c.value for c in at.caption]
        values = metrics(at)
        assert values[t("chain_rule.multi.metric_sum", "en")] == pytest.approx(
            values[t("chain_rule.multi.metric_difference", "en")], rel=1e-7
        )

    def test_the_backward_pass_button_shows_the_same_numbers_on_the_graph(self):
        at = run(**EXAMPLE_URL)
        at.button[-1].click().run()
        assert_ok(at)
        assert at.radio(key="mode").value == "graph"
        assert at.query_params["f"] == "a*b*(a + b) + sin(b^2)"
        grads = table(at, "chain_rule.col.backward")[t("chain_rule.col.backward", "en")]
        assert [as_float(g) for g in grads] == pytest.approx([DU_DA, DU_DB], rel=1e-10)

    def test_back_to_the_abstract_form(self):
        at = run(**EXAMPLE_URL)
        at.button[1].click().run()
        assert_ok(at)
        assert at.text_input(key="u").value == "" and at.metric == []


# ----------------------------------------------------------------------------- steps


class TestStepByStep:
    def test_defaults_differentiate_a_nested_chain_checked_against_sympy(self):
        at = run(mode="steps")
        assert at.text_input(key="f").value == DEFAULT_F["steps"]
        rows = latex(at)
        final = r"f'(x) = 2 x e^{\sin{\left(x^{2} \right)}} \cos{\left(x^{2} \right)}"
        assert final in rows
        assert (
            r"\texttt{sympy.diff}:\quad 2 x e^{\sin{\left(x^{2} \right)}} \cos{\left(x^{2} \right)}"
            in rows
        )
        assert [s.value for s in at.success] == [t("chain_rule.check.symbolic", "en")]

    def test_the_chain_rule_names_its_inner_functions_u_and_v(self):
        at = run(mode="steps")
        text = " ".join(m.value for m in at.markdown)
        assert r"$u = \sin{\left(x^{2} \right)}$" in text and "$v = x^{2}$" in text

    def test_x_to_the_x_by_logarithmic_differentiation(self):
        at = run(mode="steps", f="x^x")
        assert at.markdown[0].value.startswith(f"**{t('chain_rule.rule.log_diff', 'en')}**")
        assert r"f'(x) = x^{x} \left(\log{\left(x \right)} + 1\right)" in latex(at)

    def test_the_general_chain_rule_from_a_shared_link(self):
        at = run(mode="steps", f="f(g(x))")
        assert at.markdown[0].value.startswith(f"**{t('chain_rule.rule.chain', 'en')}**")
        assert any(
            "f'{\\left(g{\\left(x \\right)} \\right)} g'{\\left(x \\right)}" in s for s in latex(at)
        )
        assert [s.value for s in at.success] == [t("chain_rule.check.symbolic", "en")]

    @pytest.mark.parametrize(
        ("f", "kind"),
        [("f(x)/g(x)", "quotient"), ("sec(x)", "trig"), ("atanh(x)", "inverse_hyperbolic")],
    )
    def test_new_rules_in_chinese(self, f, kind):
        at = run(mode="steps", f=f, lang="zh")
        assert at.markdown[0].value.startswith(f"**{t(f'chain_rule.rule.{kind}', 'zh')}**")
        assert [s.value for s in at.success] == [t("chain_rule.check.symbolic", "zh")]

    def test_sub_derivations_are_collapsible(self):
        at = run(mode="steps", f="sin(x)^cos(x)")
        labels = [e.label for e in at.expander]
        assert any(label.startswith(t("chain_rule.rule.product", "en")) for label in labels)

    def test_long_sub_derivations_start_collapsed(self):
        at = run(mode="steps", f="exp(sin(x^2) cos(x^3) tan(x))")
        assert any(not e.proto.expanded for e in at.expander)

    def test_a_numerical_check_is_said_to_be_numerical(self):
        at = run(mode="steps", f="|asin(x)|")
        assert [s.value for s in at.success] == [t("chain_rule.check.numeric", "en")]

    @pytest.mark.parametrize("k", range(len(STEP_EXAMPLES)))
    def test_every_example_button_gives_a_checked_derivation(self, k):
        at = run(mode="steps")
        at.button(key=f"example_{k}").click().run()
        assert_ok(at)
        assert at.text_input(key="f").value == STEP_EXAMPLES[k]
        assert [s.value for s in at.success] == [t("chain_rule.check.symbolic", "en")]


# ----------------------------------------------------------------------------- graph


class TestBackwardPass:
    def test_defaults_draw_the_graph_with_values_and_adjoints(self):
        at = run(mode="graph")
        (dot,) = dots(at)
        assert dot.startswith("digraph backprop") and "adjoint 1" in dot
        nodes = table(at, "chain_rule.col.forward")
        assert list(nodes[t("chain_rule.col.node", "en")][:2]) == ["a", "b"]

    def test_the_gradient_equals_the_symbolic_gradient(self):
        at = run(mode="graph")
        grads = table(at, "chain_rule.col.backward")
        backward = [as_float(v) for v in grads[t("chain_rule.col.backward", "en")]]
        symbolic = [as_float(v) for v in grads[t("chain_rule.col.symbolic_value", "en")]]
        assert backward == pytest.approx(symbolic, rel=1e-12)
        assert backward == pytest.approx([DU_DA, DU_DB], rel=1e-10)
        assert t("chain_rule.graph.agree", "en") in [s.value for s in at.success]

    def test_every_edge_is_listed_with_what_it_sends_back(self):
        at = run(mode="graph", f="x*y + sin(x*y)", at="x=1, y=2")
        edges = table(at, "chain_rule.col.contribution")
        assert len(edges) == 5
        local = [as_float(v) for v in edges[t("chain_rule.col.local", "en")]]
        assert local[2] == pytest.approx(math.cos(2), rel=1e-9)

    def test_torch_is_never_required(self, monkeypatch):
        monkeypatch.setattr(backprop, "find_spec", lambda name: None)
        at = run(mode="graph")
        assert t("chain_rule.col.torch", "en") not in table(at, "chain_rule.col.backward").columns
        assert t("chain_rule.graph.torch_missing", "en") in [c.value for c in at.caption]

    def test_where_torch_is_installed_its_column_agrees(self):
        pytest.importorskip("torch")
        at = run(mode="graph")
        grads = table(at, "chain_rule.col.backward")
        torch_column = [as_float(v) for v in grads[t("chain_rule.col.torch", "en")]]
        assert torch_column == pytest.approx([DU_DA, DU_DB], rel=1e-10)
        assert t("chain_rule.graph.torch_agree", "en") in [c.value for c in at.caption]

    def test_typing_a_new_function_and_point(self):
        at = run(mode="graph")
        at.text_input(key="graph_at").input("x=2").run()
        at.text_input(key="graph_f").input("x^x").run()
        assert_ok(at)
        grads = table(at, "chain_rule.col.backward")[t("chain_rule.col.backward", "en")]
        assert as_float(grads[0]) == pytest.approx(4 * (math.log(2) + 1), rel=1e-10)


def shown(at: AppTest, key: str) -> str:
    """What the input with this key shows: a text box, or a radio (``ad``)."""
    if any(r.key == key for r in at.radio):
        return at.radio(key=key).value
    return at.text_input(key=key).value


class TestForwardMode:
    """``ad=forward``: one dual-number pass per input, equal to the backward pass."""

    def test_a_shared_link_opens_forward_mode_with_one_graph_per_input(self):
        at = run(mode="graph", ad="forward")
        assert at.radio(key="ad").value == "forward"
        graphs = dots(at)
        assert len(graphs) == 2 and all(d.startswith("digraph tangent") for d in graphs)
        assert all("tangent 1" in d for d in graphs)  # each seeded input

    def test_forward_mode_gives_the_backward_pass_and_the_hand_computed_gradient(self):
        at = run(mode="graph", ad="forward")
        grads = table(at, "chain_rule.col.forward_mode")
        fwd = [as_float(v) for v in grads[t("chain_rule.col.forward_mode", "en")]]
        back = [as_float(v) for v in grads[t("chain_rule.col.backward", "en")]]
        assert fwd == pytest.approx(back, rel=1e-11) and fwd == pytest.approx([DU_DA, DU_DB])
        assert t("chain_rule.forward.agree", "en") in [s.value for s in at.success]

    def test_the_cost_counts_n_passes_against_one(self):
        at = run(mode="graph", ad="forward", f="x*y + sin(x)", at="x=1, y=2, z=3")
        counts = {m.label: int(m.value) for m in at.metric}
        edges = counts[t("chain_rule.forward.metric_reverse", "en")]
        assert edges == 5 and counts[t("chain_rule.forward.metric_forward", "en")] == 3 * edges

    def test_one_column_of_tangents_per_input(self):
        at = run(mode="graph", ad="forward", f="x^y", at="x=2, y=3")
        tangents = table(at, "chain_rule.col.forward")
        column = t("chain_rule.col.tangent", "en", wrt="y")
        assert [as_float(v) for v in tangents[column]] == pytest.approx([0, 1, 8 * math.log(2)])

    def test_switching_to_forward_keeps_f_and_at(self):
        at = run(mode="graph", f="x^x", at="x=2")
        at.radio(key="ad").set_value("forward").run()
        assert_ok(at)
        assert at.text_input(key="graph_f").value == "x^x"
        assert {k: at.query_params[k] for k in ("ad", "f", "at")} == {
            "ad": "forward",
            "f": "x^x",
            "at": "x=2",
        }

    def test_a_bad_ad_in_the_url_is_reported_and_reverse_shown(self):
        at = run(mode="graph", ad="sideways")
        assert any("ad" in w.value for w in at.warning)
        assert at.radio(key="ad").value == "reverse"

    def test_forward_mode_in_chinese(self):
        at = run(mode="graph", ad="forward", lang="zh")
        assert at.radio(key="ad").value == "forward"
        assert t("chain_rule.forward.agree", "zh") in [s.value for s in at.success]
        assert any(t("chain_rule.graph_words.tangent", "zh") in d for d in dots(at))


def screen_inputs(at: AppTest) -> dict[str, str]:
    """URL name -> what the view on the screen shows in that input."""
    mode = at.radio(key="mode").value
    shown_now = {p.name: shown(at, p.key) for p in VIEWS[mode]}
    if any(r.key == "wrt" for r in at.radio):
        shown_now["wrt"] = at.radio(key="wrt").value
    return {"mode": mode, **shown_now}


def url_inputs(at: AppTest) -> dict[str, str]:
    return {k: v for k, v in at.query_params.items() if k != "lang"}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("ad", ["reverse", "forward"])
def test_every_derivative_column_names_its_variable(lang, ad):
    """A header reads ∂f/∂v, v being the row's variable, never a bare "∂f/∂ (...)"."""
    at = run(mode="graph", ad=ad, lang=lang)
    headers = [str(h) for frame in at.dataframe for h in frame.value.columns]
    partials = [h for h in headers if "∂" in h]
    assert partials and all(re.search(r"∂f/∂v(?=[ （(]|$)", h) for h in partials), headers
    assert (
        t("chain_rule.col.variable", lang).endswith(" v")
        and t("chain_rule.col.variable", lang) in headers
    )


class TestSwitchingViews:
    """Each view keeps its own inputs; none opens on an error; the URL is the screen."""

    def test_a_view_opened_for_the_first_time_shows_its_own_example(self):
        at = run(mode="steps", f="sin(x)")
        at.radio(key="mode").set_value("graph").run()
        assert_ok(at)
        assert at.text_input(key="graph_f").value == DEFAULT_F["graph"]
        assert not at.error

    def test_the_issues_sequence_loses_nothing(self):
        at = run()
        at.button[0].click().run()  # the concrete example
        at.radio(key="mode").set_value("steps").run()
        at.text_input(key="f").input("x^x").run()
        at.radio(key="mode").set_value("graph").run()
        assert not at.error and at.text_input(key="graph_at").value == DEFAULT_AT
        at.radio(key="mode").set_value("multi").run()
        assert_ok(at)
        assert not at.error
        assert {k: at.text_input(key=k).value for k in EXAMPLE} == EXAMPLE
        assert url_inputs(at) == screen_inputs(at)
        at.radio(key="mode").set_value("steps").run()
        assert at.text_input(key="f").value == "x^x"
        assert url_inputs(at) == {"mode": "steps", "f": "x^x"}

    @pytest.mark.parametrize("mode", ["multi", "steps", "graph"])
    def test_the_url_holds_exactly_the_inputs_on_the_screen(self, mode):
        at = run(mode=mode, **(EXAMPLE_URL if mode == "multi" else {}))
        assert url_inputs(at) == screen_inputs(at)

    def test_a_chain_that_turns_into_an_error_takes_the_variable_out_of_the_url(self):
        at = run(u="x*y", inner="x=a+b; y=a*b")
        assert at.query_params.get("wrt") == "a"  # a concrete chain: the variable is chosen
        at.text_input(key="at").input("x=2").run()  # x is not an input: an error box
        assert at.error and not any(r.key == "wrt" for r in at.radio)
        assert "wrt" not in at.query_params

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        steps=hs.lists(
            hs.tuples(hs.sampled_from(["multi", "steps", "graph"]), hs.sampled_from(TYPED)),
            min_size=1,
            max_size=5,
        )
    )
    def test_any_walk_through_the_views_keeps_each_views_inputs(self, steps):
        at = run()
        typed: dict[tuple[str, str], str] = {}
        for mode, (name, text) in steps:
            if at.radio(key="mode").value != mode:
                at.radio(key="mode").set_value(mode).run()
                assert_ok(at)
            for p in VIEWS[mode]:  # what this view had when the learner left it
                expected = typed.get((mode, p.name), p.default)
                assert shown(at, p.key) == expected
            key = next((p.key for p in VIEWS[mode] if p.name == name), None)
            if key is not None:
                at.text_input(key=key).input(text).run()
                assert_ok(at)
                typed[(mode, name)] = text
            assert url_inputs(at) == screen_inputs(at)


# ----------------------------------------------------------------------------- bad input


BAD = [
    ("cycle", {"u": "x*y", "inner": "x = y; y = x", "at": "a=1"}, "definition_cycle", "inner"),
    ("undeclared", {"u": "x + q", "inner": "x = a", "at": "a=1"}, "undeclared_variable", "u"),
    ("duplicate", {"u": "x", "inner": "x = a; x = b", "at": "a=1, b=2"}, "duplicate_name", "inner"),
    (
        "hostile u",
        {"u": "__import__('os').system('id')", "inner": "x=a", "at": "a=1"},
        "unexpected_char",
        "u",
    ),
    (
        "hostile inner",
        {"u": "x", "inner": "x = a; import os", "at": "a=1"},
        "definition_syntax",
        "inner",
    ),
    ("hostile at", {"u": "x", "inner": "x = a", "at": "a=9^9^9"}, "constant_too_large", "chain_at"),
    ("steps", {"mode": "steps", "f": "eval('1')"}, "unexpected_char", "f"),
    ("graph", {"mode": "graph", "f": "x.__class__", "at": "x=1"}, "unexpected_char", "chain_f"),
    ("graph point", {"mode": "graph", "f": "x", "at": "x=1; x=2"}, "duplicate_name", "chain_at"),
]


class TestBadInput:
    @pytest.mark.parametrize(("case", "query", "code", "field"), BAD, ids=[b[0] for b in BAD])
    def test_a_clear_message_in_an_error_box_never_an_exception(self, case, query, code, field):
        at = run(**query)
        (box,) = at.error
        label, _, message = box.value.partition(" — ")
        assert label == f"**{t(f'field.{field}', 'en')}**"
        assert message_pattern(f"error.{code}").match(message), message

    def test_the_caret_points_at_the_culprit(self):
        at = run(u="x*y", inner="x = a + b; y = a * q", at="a=1, b=2")
        (code,) = at.code
        text, caret = code.value.split("\n")
        assert text == "x = a + b; y = a * q" and caret.index("^") == text.index("q")

    def test_a_bad_wrt_in_the_url_is_reported(self):
        at = run(**EXAMPLE_URL, wrt="1+")
        assert any("wrt" in w.value for w in at.warning)


# ----------------------------------------------------------------------------- languages, URLs


class TestLanguages:
    @pytest.mark.parametrize("mode", ["multi", "steps", "graph"])
    def test_every_view_in_chinese(self, mode):
        at = run(mode=mode, lang="zh")
        assert at.title[0].value == t("chain_rule.title", "zh")
        assert at.radio(key="mode").options == [
            t(f"chain_rule.mode_{m}", "zh") for m in ("multi", "steps", "graph")
        ]

    def test_a_walkthrough_in_chinese(self):
        at = run(**EXAMPLE_URL, lang="zh")
        assert t("chain_rule.multi.metric_sum", "zh") in metrics(at)
        assert [s.value for s in at.success] == [t("chain_rule.check.symbolic", "zh")]

    def test_an_error_in_chinese(self):
        at = run(u="x", inner="x = y; y = x", at="a=1", lang="zh")
        assert message_pattern("error.definition_cycle", "zh").search(at.error[0].value)

    def test_switching_language_keeps_the_inputs(self):
        at = run(**EXAMPLE_URL)
        at.radio(key="lang").set_value("zh").run()
        assert_ok(at)
        assert at.text_input(key="inner").value == EXAMPLE["inner"]
        assert at.title[0].value == t("chain_rule.title", "zh")


ROUND_TRIPS = {
    "multi": {"mode": "multi", **EXAMPLE_URL, "wrt": "b", "lang": "en"},
    "steps": {"mode": "steps", "f": "sin(x)^cos(x)", "lang": "zh"},
    "graph": {
        "mode": "graph",
        "f": "x*y + sin(x)",
        "at": "x=1, y=2",
        "ad": "reverse",
        "lang": "en",
    },
    "forward": {
        "mode": "graph",
        "f": "x*y + sin(x)",
        "at": "x=1, y=2",
        "ad": "forward",
        "lang": "zh",
    },
}


class TestUrlRoundTrip:
    @pytest.mark.parametrize("mode", ROUND_TRIPS)
    def test_a_shared_link_restores_the_view_and_stays_in_the_url(self, mode):
        query = ROUND_TRIPS[mode]
        at = run(**query)
        for name, value in query.items():
            assert at.query_params[name] == value, name
        for name in ("f", "u", "inner", "at"):
            if name in query and any(w.key == name for w in at.text_input):
                assert at.text_input(key=name).value == query[name]

    def test_the_concrete_chain_puts_all_its_inputs_in_the_url(self):
        at = run(**EXAMPLE_URL)
        assert set(at.query_params) == {"mode", "u", "inner", "wrt", "at", "lang"}


class TestInTheApp:
    def test_the_entry_opens_the_page_by_its_file(self):
        at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
        at.query_params["lang"] = "en"
        at.run()
        at.switch_page("pages/chain-rule.py").run()
        assert_ok(at)
        assert at.title[0].value == t("chain_rule.title", "en")
