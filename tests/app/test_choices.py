"""Every widget with options keeps the visitor's choice when the language switches.

Streamlit passes a choice between browser and server as its label, and a language
switch changes the labels. The class is closed at its root: every such widget is
drawn by ``lab_ui.choices.choose`` (a scan below finds any that is not). The tests
drive each widget through the entry, as a browser opens a page; a hypothesis property
chooses any option of any option widget on a page and switches the language.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, through_entry
from tests.choice_cases import WIDGETS, Widget

#: Streamlit's widgets whose value is one (or several) of a list of options.
OPTION_WIDGETS = {
    "selectbox",
    "radio",
    "select_slider",
    "segmented_control",
    "pills",
    "multiselect",
}


def open_page(slug: str, lang: str = "en", **query: str) -> AppTest:
    at = through_entry(slug, lang=lang, **query).run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def option_widgets(at: AppTest) -> dict[str, object]:
    """The option widgets on the screen by key (the language switch aside)."""
    found = {}
    for kind in ("selectbox", "radio", "select_slider", "multiselect"):
        for widget in getattr(at, kind):
            if widget.key not in (None, "lang"):
                found[widget.key] = widget
    return found


def value_of(at: AppTest, key: str):
    widget = option_widgets(at).get(key)
    return None if widget is None else widget.value


def labels(widget) -> dict:
    """Option -> label (``choose`` passes a dict's ``__getitem__`` as the format function)."""
    return dict(widget.format_func.__self__)


def shown_label(at: AppTest, key: str) -> str:
    """The label the server last told the browser to show for the widget's value."""
    proto = option_widgets(at)[key].proto
    raw, default = proto.raw_value, proto.default  # lists for a select slider
    if raw:
        return raw if isinstance(raw, str) else raw[0]
    return proto.options[default if isinstance(default, int) else default[0]]


def switch_language(at: AppTest, lang: str) -> None:
    at.radio(key="lang").set_value(lang).run()
    assert_ok(at)


# ----------------------------------------------------------------------------- the class


def option_widget_calls(path: Path) -> list[int]:
    """Lines of ``path`` that call an option widget directly (``st.radio(...)``, ...)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in OPTION_WIDGETS
    ]


class TestTheClass:
    def test_no_page_draws_an_option_widget_except_through_choose(self):
        sources = [
            *ROOT.glob("pages/*.py"),
            *(ROOT / "lab_ui").rglob("*.py"),
            ROOT / "dashboard.py",
        ]
        calls = {str(p.relative_to(ROOT)): option_widget_calls(p) for p in sorted(sources)}
        assert {path: lines for path, lines in calls.items() if lines} == {}, (
            "draw these with lab_ui.choices.choose(widget, label, options, key=...)"
        )

    def test_the_scan_sees_a_direct_call(self, tmp_path):
        bad = tmp_path / "bad.py"
        bad.write_text(
            'import streamlit as st\nc = st.columns(2)\nc[0].radio("x", ["a"], key="k")\n'
        )
        assert option_widget_calls(bad) == [3]


# ----------------------------------------------------------------------------- one per widget


def opened(w: Widget) -> AppTest:
    at = open_page(w.page, **w.link)
    if w.tick:
        at.checkbox(key=w.tick).check().run()
    return at


@pytest.mark.parametrize("w", WIDGETS, ids=lambda w: f"{w.page}:{w.key}")
class TestEachWidget:
    def test_the_choice_and_its_label_follow_a_language_switch(self, w):
        at = opened(w)
        assert value_of(at, w.key) != w.option, "the test must choose a non-default option"
        option_widgets(at)[w.key].set_value(w.option).run()
        assert_ok(at)
        switch_language(at, "zh")
        if w.zh_label is None:
            assert w.key not in option_widgets(at)  # the other edition's exercise
        else:
            assert value_of(at, w.key) == w.option
            assert shown_label(at, w.key) == w.zh_label
        switch_language(at, "en")
        assert value_of(at, w.key) == w.option

    def test_the_choice_survives_the_next_input_after_a_switch(self, w):
        at = opened(w)
        option_widgets(at)[w.key].set_value(w.option).run()
        switch_language(at, "zh")
        at.run()  # the next input: the browser sends the label it was last given
        assert_ok(at)
        switch_language(at, "en")
        at.run()
        assert value_of(at, w.key) == w.option


# ----------------------------------------------------------------------------- the property

#: Screens that together show every option widget of every page.
SCREENS = [
    ("limits", {}),
    ("tangent", {}),
    ("gradients", {"f": "x1*x2*x3", "at": "1, 2, 3", "n": "3"}),
    ("gradients", {"view": "rules"}),
    ("chain-rule", {}),
    ("chain-rule", {"mode": "multi", "u": "x*y", "inner": "x=a+b; y=a*b"}),
    ("chain-rule", {"mode": "graph"}),
    ("exercises", {"n": "5", "lang": "en"}),  # only the English edition has these
    ("exercises", {"n": "8", "lang": "en"}),
]


def test_the_screens_show_every_widget_of_the_table():
    keys = set()
    for slug, link in SCREENS:
        keys |= set(option_widgets(open_page(slug, **link)))
    assert {w.key for w in WIDGETS} <= keys | {"n"}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=hs.data())
def test_any_option_chosen_keeps_its_value_across_language_switches(data):
    slug, link = data.draw(hs.sampled_from(SCREENS), label="screen")
    query = {"lang": data.draw(hs.sampled_from(["en", "zh"]), label="language"), **link}
    lang = query.pop("lang")
    at = open_page(slug, lang, **query)
    widgets = {k: w for k, w in option_widgets(at).items() if not w.proto.disabled}
    if slug == "exercises":  # the checklist's number follows the edition (its own test)
        widgets.pop("n", None)
    key = data.draw(hs.sampled_from(sorted(widgets)), label="widget")
    option = data.draw(hs.sampled_from(list(labels(widgets[key]))), label="option")
    widgets[key].set_value(option).run()
    assert_ok(at)
    kept = value_of(at, key)  # after the page's own reaction (a preset resets itself)
    other = {"en": "zh", "zh": "en"}[lang]
    switch_language(at, other)
    if key in option_widgets(at):
        assert value_of(at, key) == kept
        if kept is not None:  # and the browser is told the kept value's new label
            assert shown_label(at, key) == labels(option_widgets(at)[key])[kept]
    switch_language(at, lang)
    at.run()
    assert_ok(at)
    assert value_of(at, key) == kept


class TestTheExerciseChecklist:
    """Its options are numbers in the edition of the language: it keeps the *exercise*."""

    @pytest.mark.parametrize(("en", "zh"), [(7, 2), (9, 4)])
    def test_an_exercise_of_both_editions_stays_on_screen(self, en, zh):
        at = open_page("exercises", n="1")
        at.radio(key="n").set_value(en).run()
        switch_language(at, "zh")
        assert at.radio(key="n").value == zh
        switch_language(at, "en")
        assert at.radio(key="n").value == en

    def test_an_english_only_exercise_is_found_again_after_a_look_at_the_other_edition(self):
        at = open_page("exercises", n="4")  # xˣ: the Chinese edition has no such exercise
        switch_language(at, "zh")
        assert at.radio(key="n").value == 1
        switch_language(at, "en")
        assert at.radio(key="n").value == 4

    def test_an_exercise_chosen_in_between_wins(self):
        at = open_page("exercises", n="4")
        switch_language(at, "zh")
        at.radio(key="n").set_value(3).run()  # the norm: the English edition's 8
        switch_language(at, "en")
        assert at.radio(key="n").value == 8
