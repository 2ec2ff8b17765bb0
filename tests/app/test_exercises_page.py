"""The exercises page through its widgets, as a learner uses it, in both languages.

Every checkable part of every exercise of both editions gets a wrong answer (no
success, an error or a warning) and then a right one (a success, the exercise ticked
in the checklist); the editions, the switch between them, links, the reveal and the
feedback messages are checked on their own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calc_core import exercises as ex
from lab_ui import icons
from lab_ui.i18n import t
from tests.app.conftest import through_entry
from tests.exercise_cases import RIGHT, WRONG

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "exercises.py"
DASHBOARD = ROOT / "dashboard.py"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_page(lang: str = "en", **query: str) -> AppTest:
    """The page as a browser opens ``/exercises?...``: through the entry."""
    return ok(through_entry("exercises", lang=lang, **query).run())


def open_alone(lang: str = "en", **query: str) -> AppTest:
    """The page run on its own (``streamlit run pages/exercises.py``)."""
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.query_params["lang"] = lang
    for name, value in query.items():
        at.query_params[name] = value
    return ok(at.run())


def key(edition: str, n: int, part: str) -> str:
    return f"{edition}_{n}" if part == "main" else f"{edition}_{n}_{part}"


def give(at: AppTest, edition: str, n: int, part: str, value) -> AppTest:
    """Answer one part through its widgets and press its check button."""
    k = key(edition, n, part)
    kind = ex.exercise(edition, n).part(part).kind
    if kind == "choice":
        at.radio(key=f"choice_{k}").set_value(value)
    elif kind == "example":
        at.text_input(key=f"answer_{k}").input(value[0])
        at.text_input(key=f"answer_{k}_x0").input(value[1])
    else:
        at.text_input(key=f"answer_{k}").input(value)
    at.button(key=f"check_{k}").click()
    return ok(at.run())


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def checklist(at: AppTest) -> list[str]:
    return list(at.radio(key="n").options)


PARTS = [
    (edition, n, part.id)
    for edition, ids in ex.EDITIONS.items()
    for n in range(1, len(ids) + 1)
    for part in ex.exercise(edition, n).parts_for(edition)
]
EXERCISES = sorted({(edition, n) for edition, n, _ in PARTS})


class TestEveryExercise:
    @pytest.mark.parametrize(("edition", "n"), EXERCISES)
    def test_wrong_then_right_answers_through_the_widgets(self, edition, n):
        at = open_page(edition, n=str(n))
        exercise = ex.exercise(edition, n)
        assert not checklist(at)[n - 1].startswith(icons.OK)
        for part in exercise.parts_for(edition):
            before = len(at.success)
            wrong, _ = WRONG[(exercise.id, part.id)]
            give(at, edition, n, part.id, wrong)
            assert len(at.success) == before, (part.id, texts(at.success))
            assert len(at.error) + len(at.warning) >= 1, part.id
            give(at, edition, n, part.id, RIGHT[(exercise.id, part.id)])
            assert len(at.success) == before + 1, (part.id, texts(at.error), texts(at.warning))
            assert not at.error and not at.warning, part.id
        assert checklist(at)[n - 1].startswith(icons.OK)
        total = len(ex.EDITIONS[edition])
        assert at.get("progress")[0].proto.text == (
            f"1 of {total} solved" if edition == "en" else f"已完成 1 / {total}"
        )

    def test_every_part_is_covered(self):
        assert {(ex.exercise(e, n).id, p) for e, n, p in PARTS} == set(RIGHT)


class TestEditions:
    def test_english_lists_the_english_editions_ten(self):
        at = open_page("en")
        assert len(checklist(at)) == 10
        assert at.subheader[0].value.startswith("Exercise 1, English edition")

    def test_chinese_lists_the_chinese_editions_four(self):
        at = open_page("zh")
        assert len(checklist(at)) == 4
        assert at.subheader[0].value.startswith("练习 1（中文版）")
        assert at.title[0].value == "练习"

    @pytest.mark.parametrize(("lang", "count"), [("zh", 10), ("en", 4)])
    def test_the_switch_shows_the_other_list(self, lang, count):
        at = open_page(lang)
        at.toggle(key="other").set_value(True)
        ok(at.run())
        assert len(checklist(at)) == count
        assert at.query_params["other"] == "1"

    def test_switching_keeps_a_shared_exercise(self):
        at = open_page("zh", n="2")
        at.toggle(key="other").set_value(True)
        ok(at.run())
        assert at.session_state["n"] == 7
        assert "Exercise" not in at.subheader[0].value  # still Chinese text
        assert at.subheader[0].value.startswith("练习 7（英文版）")

    def test_changing_the_language_changes_the_edition_and_keeps_the_exercise(self):
        at = open_page("zh", n="2")
        at.radio(key="lang").set_value("en")
        ok(at.run())
        assert at.session_state["n"] == 7
        assert at.subheader[0].value.startswith("Exercise 7, English edition")

    def test_a_link_opens_an_exercise(self):
        at = open_page("en", n="9")
        assert "u = f(x, y, z)" in at.subheader[0].value
        assert at.query_params["n"] == "9"

    def test_a_bad_number_in_the_link_is_reported_and_replaced(self):
        at = open_page("en", n="99")
        assert at.warning
        assert at.session_state["n"] == 1

    def test_a_number_beyond_the_edition_falls_back_to_the_first(self):
        at = open_page("zh", n="9")
        assert at.session_state["n"] == 1

    def test_picking_an_exercise_in_the_checklist(self):
        at = open_page("en")
        at.radio(key="n").set_value(4)
        ok(at.run())
        assert "xˣ" in at.subheader[0].value
        assert at.query_params["n"] == "4"


class TestFeedback:
    def test_the_wrong_component_and_the_sign_are_named(self):
        at = give(open_page("en", n="7"), "en", 7, "main", "[6x1, -5e^x2]")
        assert at.error[0].value == "Not right yet:\n- Component 2 has the wrong sign."
        assert at.info  # a hint

    def test_where_it_differs_is_said(self):
        at = give(open_page("en", n="6"), "en", 6, "main", "x^3")
        assert "differs from the right answer at x = " in at.error[0].value

    def test_right_but_not_simplified_is_a_warning(self):
        at = give(open_page("en", n="1"), "en", 1, "pow3", "((x+h)^3 - x^3)/h")
        assert "not simplified" in at.warning[0].value
        assert not at.success

    def test_wrong_number_of_components(self):
        at = give(open_page("zh", n="2"), "zh", 2, "main", "6x1")
        assert at.error[0].value == "你的答案有 1 个分量；本题需要 2 个。"

    def test_an_unreadable_answer_shows_the_parsers_error_and_a_caret(self):
        at = give(open_page("en", n="7"), "en", 7, "main", "[6x1, 5e^x2")
        assert "never closed" in at.error[0].value
        assert at.code[0].value == "[6x1, 5e^x2\n^"

    def test_a_hostile_answer_is_just_an_error(self):
        at = give(open_page("en", n="7"), "en", 7, "main", "__import__('os').system('ls')")
        assert "is not allowed" in at.error[0].value

    def test_the_answer_as_read_is_shown(self):
        at = give(open_page("en", n="7"), "en", 7, "main", "6x_1, 5e^x_2")
        shown = r"\begin{bmatrix}6 x_{1} \\ 5 e^{x_{2}}\end{bmatrix}"
        assert any(shown in latex for latex in texts(at.latex))
        assert not any("6x_1" in c for c in texts(at.caption))  # never the typed text

    @pytest.mark.parametrize(("lang", "word"), [("en", "Undecided"), ("zh", "无法判定")])
    def test_an_answer_that_cannot_be_proved_is_undecided_not_right(self, lang, word):
        slow = "6x1 + (x1^2 + 2x1 x2 + x2^2)^200 - ((x1 + x2)^2)^200, 5e^x2"
        n = ex.number_in(lang, "gradient")
        at = give(open_page(lang, n=str(n)), lang, n, "main", slow)
        assert not at.success
        assert word in at.warning[0].value
        assert not checklist(at)[n - 1].startswith(icons.OK)

    def test_a_hole_is_named_with_its_point(self):
        at = give(open_page("en", n="6"), "en", 6, "main", "(4x^2 - 4x)/x")
        assert "undefined at x = 0" in at.error[0].value

    def test_an_edited_answer_gets_its_own_verdict_not_the_old_one(self):
        at = give(open_page("en", n="6"), "en", 6, "slope", "4")
        assert at.success
        at.text_input(key="answer_en_6_slope").input("5")  # and Enter: it is checked
        ok(at.run())
        assert not at.success and len(at.error) == 1

    def test_answers_survive_switching_exercises(self):
        at = give(open_page("en", n="6"), "en", 6, "slope", "4")
        at.radio(key="n").set_value(2)
        ok(at.run())
        at.radio(key="n").set_value(6)
        ok(at.run())
        assert at.text_input(key="answer_en_6_slope").value == "4"
        assert at.success

    def test_the_norm_follows_the_chosen_dimension(self):
        at = open_page("zh", n="3")
        at.selectbox(key="dim_zh_3").set_value(3)
        ok(at.run())
        give(at, "zh", 3, "main", "x1/||x||, x2/||x||, x3/||x||")
        assert at.success
        at.selectbox(key="dim_zh_3").set_value(2)
        ok(at.run())
        assert not at.success  # the checked answer was for n = 3
        at.button(key="check_zh_3").click()
        ok(at.run())
        assert "这里不能使用变量`x3`；请使用 `x1, x2`" in at.error[0].value

    def test_an_example_without_a_derivative_is_explained(self):
        at = give(open_page("en", n="5"), "en", 5, "main", ("|x|", "0"))
        assert "not differentiable at x = 0" in at.error[0].value

    def test_an_example_is_classified(self):
        at = give(open_page("en", n="5"), "en", 5, "main", ("x^3", "0"))
        assert "neither a maximum nor a minimum" in at.success[0].value

    def test_a_tiny_nonzero_slope_is_not_zero(self):
        at = give(open_page("en", n="5"), "en", 5, "main", ("x^2", "1e-20"))
        assert not at.success
        assert "2e-20" in at.error[0].value


class TestReveal:
    @pytest.mark.parametrize(
        ("lang", "n", "needle"),
        [
            ("en", 7, r"\begin{bmatrix} 6x_1"),
            ("zh", 4, "三条路径"),
            ("en", 1, "This argument needs a whole number"),
        ],
    )
    def test_the_solution_shows_only_when_revealed(self, lang, n, needle):
        at = open_page(lang, n=str(n))
        assert not any(needle in m for m in texts(at.markdown))
        at.toggle(key=f"reveal_{lang}_{n}").set_value(True)
        ok(at.run())
        assert any(needle in m for m in texts(at.markdown))

    def test_proofs_reveal_a_worked_proof(self):
        at = open_page("en", n="2")
        assert at.toggle(key="reveal_en_2").label == "Show the worked proof"


class TestNotebook:
    """The exercise as a notebook comes with its solution: it holds the right answers."""

    def notebook_buttons(self, at: AppTest) -> list:
        label = t("export.notebook", at.session_state["lang"])
        return [b for b in at.get("download_button") if b.proto.label == label]

    @pytest.mark.parametrize(("lang", "n"), [("en", 4), ("zh", 4)])
    def test_the_notebook_comes_with_the_solution_in_the_visitors_language(
        self, downloads, lang, n
    ):
        at = open_page(lang, n=str(n))
        assert self.notebook_buttons(at) == []
        at.toggle(key=f"reveal_{lang}_{n}").set_value(True)
        (button,) = self.notebook_buttons(ok(at.run()))
        assert button.proto.help == t("export.exercise_notebook_help", lang)
        nb = json.loads(downloads(button))
        markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
        assert markdown[0].startswith(t("export.exercise_title", lang).split("{")[0])
        assert markdown[1] == t(f"exercises.items.{ex.EDITIONS[lang][n - 1]}.statement", lang)

    def test_nothing_is_built_until_asked(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "nbformat", None)  # importing it would fail
        at = open_page("zh", n="2")
        at.toggle(key="reveal_zh_2").set_value(True)
        assert len(self.notebook_buttons(ok(at.run()))) == 1

    def test_no_text_the_learner_typed_reaches_the_notebook(self, downloads):
        at = open_page("en", n="4")
        typed = "x^x*log(x) + 7777"
        at = give(at, "en", 4, "main", typed)
        at.toggle(key="reveal_en_4").set_value(True)
        (button,) = self.notebook_buttons(ok(at.run()))
        file = downloads(button).decode("utf-8")
        assert "7777" not in file
        assert "x**x*(log(x) + 1)" in file  # the page's right answer

    def test_the_norm_notebook_follows_the_chosen_dimension(self, downloads):
        at = open_page("zh", n="3")
        at.selectbox(key="dim_zh_3").set_value(4)
        at.toggle(key="reveal_zh_3").set_value(True)
        (button,) = self.notebook_buttons(ok(at.run()))
        assert "x4/sqrt(" in downloads(button).decode("utf-8")


class TestLinks:
    def test_run_alone_links_are_relative_urls_with_the_query(self):
        at = open_alone("zh", n="1")
        links = [m for m in texts(at.markdown) if m.startswith(icons.LINK)]
        assert links == [
            f"{icons.LINK} [切线：f = x^3 - 1/x, x₀ = 1]"
            "(tangent?f=x%5E3%20-%201%2Fx&x0=1&xmin=0.2&xmax=3)"
        ]

    def test_in_the_app_a_page_in_the_navigation_gets_a_page_link(self):
        at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
        at.query_params["lang"] = "en"
        ok(at.run())
        at.switch_page("pages/exercises.py")
        ok(at.run())
        queries = [el.proto.query_string for el in at.get("page_link")]
        assert "f=x%5E3&x0=2" in queries  # exercise 1 links the limits page


LINKS = sorted({link for e in ex.EXERCISES.values() for link in e.links}, key=repr)


class TestLinkTargets:
    @pytest.mark.parametrize("link", LINKS, ids=lambda link: f"{link.page}?{dict(link.query)}")
    def test_every_link_opens_its_page_with_its_inputs(self, link):
        target = ROOT / "pages" / f"{link.slug}.py"
        at = AppTest.from_file(str(target), default_timeout=60)
        for name, value in link.query:
            at.query_params[name] = value
        ok(at.run())
        assert not [w.value for w in at.warning if "was not valid" in w.value]  # params accepted


class TestLanguages:
    @pytest.mark.parametrize(
        ("lang", "n", "right", "heading"),
        [
            ("en", 7, "Right!", "Exercise 7, English edition"),
            ("zh", 2, "正确！", "练习 2（中文版）"),
        ],
    )
    def test_verdicts_and_headings_in_the_visitors_language(self, lang, n, right, heading):
        at = give(open_page(lang, n=str(n)), lang, n, "main", RIGHT[("gradient", "main")])
        assert at.subheader[0].value.startswith(heading)
        assert at.success[0].value.startswith(right)


class TestThroughTheEntry:
    """The page as a browser opens it: /exercises, through dashboard.py."""

    def test_the_check_button_gives_a_verdict(self):
        at = through_entry("exercises", lang="en", n="4").run()
        at.text_input(key="answer_en_4").set_value("x^x")
        at.button(key="check_en_4").click().run()
        assert t("exercises.verdict.wrong", "en") in at.error[0].value

    def test_enter_in_the_answer_box_checks_it(self):
        at = through_entry("exercises", lang="en", n="4").run()
        at.text_input(key="answer_en_4").input("x^x (log(x) + 1)").run()
        assert at.success[0].value.startswith(t("exercises.verdict.right_symbolic", "en")[:6])

    def test_enter_in_the_first_of_two_boxes_waits_for_the_second(self):
        at = through_entry("exercises", lang="en", n="5").run()
        at.text_input(key="answer_en_5").input("x^2").run()
        assert at.error == [] and at.success == []
        at.text_input(key="answer_en_5_x0").input("0").run()
        assert len(at.success) == 1

    def test_emptying_a_box_is_not_an_answer(self):
        at = through_entry("exercises", lang="en", n="4").run()
        at.text_input(key="answer_en_4").input("x").run()
        at.text_input(key="answer_en_4").input("").run()
        assert at.error == []
