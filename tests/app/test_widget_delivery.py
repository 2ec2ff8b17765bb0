"""Every value the app holds for a widget reaches a browser that draws the widget late.

Streamlit sends a widget's value to the browser only in the run that set it through
session state (``set_value``); later runs carry just the widget's default. A browser
that mounts the widget after such a run (its code still loading on a slow machine
while the visitor already typed and pressed Enter) shows that default and sends it
back as the visitor's choice: in Chromium, a language switch then turned the tangent
page's window [0, 3] into x min = x max = -1e6. So after every run, a widget whose
value differs from its default must carry its value in that run's message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lab_ui.home import CARDS
from lab_ui.sitemap import TOPICS
from tests.app.conftest import build
from tests.choice_cases import WIDGETS

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = {slug: ROOT / path for slug, path, *_ in TOPICS}
LINKS = {card.slug: dict(card.query) for card in CARDS if card.slug in PAGE_FILES}
LINKS["exercises"] = {"n": "2"}
INPUT_KINDS = ("number_input", "text_input", "text_area", "checkbox", "toggle")
OPTION_KINDS = ("selectbox", "radio", "slider", "select_slider")


def _label_of(widget, value) -> str:
    return str(widget.format_func(value)) if value is not None else ""


def late_and_current(widget) -> tuple[object, object]:
    """(what a browser mounting the widget now would show, what the app holds)."""
    p = widget.proto
    kind = type(widget).__name__
    if kind in ("NumberInput", "TextInput", "TextArea"):
        if p.set_value:
            late = p.value if p.HasField("value") else None
        else:
            late = p.default if p.HasField("default") else None
        return late, widget.value
    if kind in ("Checkbox", "Toggle"):
        return (p.value if p.set_value else p.default), widget.value
    if kind in ("Selectbox", "Radio"):
        if p.set_value:
            late = p.raw_value if p.HasField("raw_value") else None
        else:
            late = p.options[p.default] if p.HasField("default") else None
        now = p.options[widget.index] if widget.index is not None else None
        return late, now
    if kind == "SelectSlider":
        if p.set_value:
            late = list(p.raw_value) or [p.options[int(i)] for i in p.value]
        else:
            late = [p.options[int(i)] for i in p.default]
        values = widget.value if isinstance(widget.value, tuple) else (widget.value,)
        return late, [_label_of(widget, v) for v in values]
    if kind == "Slider":
        late = list(p.value) if p.set_value else list(p.default)
        values = widget.value if isinstance(widget.value, tuple) else (widget.value,)
        return late, [float(v) for v in values]
    raise AssertionError(f"no rule for {kind} ({widget.key})")


def keyed_widgets(at: AppTest) -> list:
    found = []
    for kind in (*INPUT_KINDS, *OPTION_KINDS):
        found.extend(w for w in getattr(at, kind) if w.key and not w.key.startswith("$$"))
    return found


def undelivered(at: AppTest, touched: set[str] = frozenset()) -> dict[str, tuple]:
    """Widgets a late browser would show differently from the app's value.

    ``touched``: widgets the visitor set in this browser, which therefore holds them.
    """
    out = {}
    for widget in keyed_widgets(at):
        late, now = late_and_current(widget)
        if late != now and widget.key not in touched:
            out[widget.key] = (late, now)
    return out


def act(at: AppTest, action: tuple) -> set[str]:
    """Do what the visitor does; return the keys of the widgets they set by hand."""
    kind, *args = action
    if kind == "rerun":
        at.run()
        return set()
    if kind == "language":
        at.radio(key="lang").set_value(args[0]).run()
        return {"lang"}
    w, tick = args
    touched = {w.key}
    if w.tick and tick and w.tick in {x.key for x in at.checkbox}:
        at.checkbox(key=w.tick).check()
        touched.add(w.tick)
    kinds = {"select": "selectbox", "radio": "radio", "slider": "select_slider"}
    drawn = getattr(at, kinds[w.kind])
    if w.key not in {x.key for x in drawn}:  # not on this view: the visitor just reruns
        at.run()
        return set()
    drawn(key=w.key).set_value(w.option).run()
    return touched


def actions_for(slug: str):
    choices = [w for w in WIDGETS if w.page == slug and not w.link]
    options = [st.just(("rerun",)), st.sampled_from([("language", "zh"), ("language", "en")])]
    if choices:
        options.append(st.tuples(st.just("choose"), st.sampled_from(choices), st.booleans()))
    return st.lists(st.one_of(*options), min_size=1, max_size=3)


@st.composite
def visits(draw):
    slug = draw(st.sampled_from(sorted(LINKS)))
    return slug, draw(actions_for(slug))


class TestEveryHeldValueTravelsInEveryRun:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(visit=visits())
    def test_a_late_browser_shows_what_the_app_holds(self, visit):
        slug, actions = visit
        at = build(PAGE_FILES[slug], **LINKS[slug]).run()
        assert not undelivered(at), (slug, "first run")
        touched: set[str] = set()
        for action in actions:
            touched |= act(at, action)
            assert not at.exception, [e.message for e in at.exception]
            assert not undelivered(at, touched), (slug, action)

    @pytest.mark.parametrize("slug", sorted(LINKS))
    def test_a_shared_links_values_travel_in_the_run_after_the_first(self, slug):
        at = build(PAGE_FILES[slug], **LINKS[slug]).run()
        at.run()
        assert not undelivered(at)

    def test_the_tangent_window_of_a_link_travels_in_a_typing_run(self):
        at = build(PAGE_FILES["tangent"], f="x^3 - 1/x", x0="1", xmin="-2", xmax="2.5").run()
        at.text_input(key="f").input("sin(x").run()
        shown = {w.key: late_and_current(w)[0] for w in at.number_input}
        assert (shown["x0"], shown["xmin"], shown["xmax"]) == (1.0, -2.0, 2.5)

    def test_an_answer_given_back_on_returning_to_an_exercise_travels_on(self):
        at = build(PAGE_FILES["exercises"], n="6", lang="en").run()
        at.text_input(key="answer_en_6_slope").input("4").run()
        at.radio(key="n").set_value(2).run()
        at.radio(key="n").set_value(6).run()
        at.run()
        assert not undelivered(at, {"n"})

    def test_a_secant_ticked_by_choosing_its_step_travels_on(self):
        at = build(PAGE_FILES["tangent"], **LINKS["tangent"]).run()
        at.select_slider(key="tangent_h").set_value(0.1).run()
        at.run()
        assert not undelivered(at, {"tangent_h"})
