"""Specification of the home page (``pages/home.py``), the app's default page at ``/``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from calc_core.exercises import EDITIONS
from lab_ui import home
from lab_ui.i18n import catalog, t
from lab_ui.sitemap import HOME, TOPICS
from tests.app.conftest import through_entry

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard.py"
SLUGS = [slug for slug, *_ in TOPICS]


def open_app(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def links(at: AppTest) -> list[tuple[str, dict[str, str], str]]:
    """(target page's url_path, query, label) of every page link on the screen."""
    return [
        (el.proto.page, dict(parse_qsl(el.proto.query_string)), el.proto.label)
        for el in at.get("page_link")
    ]


def elements(at: AppTest, kind: str) -> list:
    """Every element of this type in the main area, in page order (AppTest lists some only)."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return [node for node in walk(at._tree.main) if getattr(node, "type", None) == kind]


class TestDefault:
    def test_the_entry_opens_on_the_home_page(self):
        at = open_app()
        assert at.title[0].value == t("home.title", "en")

    def test_home_is_the_default_page_and_every_topic_has_its_own_path(self):
        at = open_app()
        pages = {info["url_pathname"]: info for info in at._registered_pages.values()}
        assert Path(pages[""]["script_path"]) == ROOT / HOME[0]
        assert set(SLUGS) <= set(pages)

    def test_chinese(self):
        at = open_app("zh")
        assert at.title[0].value == catalog("zh")["home.title"]
        assert [s.value for s in at.subheader] == [
            catalog("zh")[k]
            for k in ("home.map_title", "home.exercises_title", "home.teachers_title")
        ]


class TestMap:
    def test_one_card_per_topic_in_the_books_order(self):
        at = open_app()
        targets = [page for page, _, _ in links(at) if page != "exercises"]
        assert targets == [slug for slug in SLUGS if slug != "exercises"]
        assert [c.slug for c in home.CARDS] == targets

    @pytest.mark.parametrize("card", home.CARDS, ids=lambda c: c.slug)
    def test_every_card_link_opens_its_page_with_the_example_accepted(self, card):
        at = open_app()
        at.switch_page(f"pages/{card.slug}.py")
        for name, value in card.query:
            at.query_params[name] = value
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert not at.warning or all("not valid" not in w.value for w in at.warning)
        for name, value in card.query:
            assert at.query_params[name] == value

    @pytest.mark.parametrize("card", home.CARDS, ids=lambda c: c.slug)
    def test_every_card_has_its_preview_picture(self, card):
        assert card.preview.is_file(), "run python -m tools.screenshots"
        assert 2_000 < card.preview.stat().st_size < 80_000  # small: the home page paints first

    def test_previews_are_pictures_with_alternative_text(self):
        at = open_app()
        alts = [img.proto.imgs[0].alt for img in elements(at, "image")]
        assert alts == [t(c.text_key + ".alt", "en") for c in home.CARDS]


class TestExerciseLists:
    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_both_editions_are_listed_and_the_visitors_comes_first(self, lang):
        at = open_app(lang)
        exercise_links = [(query, label) for page, query, label in links(at) if page == "exercises"]
        other = "zh" if lang == "en" else "en"
        expected = [(lang, "0", n) for n in range(1, len(EDITIONS[lang]) + 1)]
        expected += [(other, "1", n) for n in range(1, len(EDITIONS[other]) + 1)]
        assert [(q["other"], int(q["n"])) for q, _ in exercise_links] == [
            (flag, n) for _, flag, n in expected
        ]
        first = EDITIONS[lang][0]
        assert exercise_links[0][1] == f"1. {t(f'exercises.items.{first}.title', lang)}"

    def test_a_link_opens_that_exercise(self):
        at = open_app("en")
        at.switch_page("pages/exercises.py")
        at.query_params.update({"n": "2", "other": "1"})
        at.run()
        heading = t("exercises.heading", "en", n=2, edition=t("exercises.edition.zh", "en"))
        assert at.subheader[0].value.startswith(heading)


class TestForTeachers:
    def test_it_says_how_to_share_a_link_and_how_to_host(self):
        at = open_app()
        texts = [m.value for m in at.markdown]
        assert t("home.teachers_share", "en") in texts
        assert t("home.teachers_host", "en") in texts
        assert "lang=zh" in t("home.teachers_share", "en")


class TestThin:
    def test_the_page_stays_under_a_hundred_lines(self):
        assert len((ROOT / HOME[0]).read_text().splitlines()) < 100


class TestCardsAfterAVisit:
    @pytest.mark.parametrize("card", home.CARDS, ids=lambda c: c.slug)
    def test_a_card_opens_the_books_example_even_after_the_learner_changed_the_page(self, card):
        at = through_entry(card.slug, lang="en").run()
        first = next(box for box in at.text_input if box.key in dict(card.query).keys() | {"f"})
        first.input("x1 + 1").run()  # the learner's own input, kept by the page
        at.query_params.clear()  # to the home page by the sidebar: no query
        at.switch_page(str(ROOT / HOME[0])).run()
        at.query_params.update(dict(card.query))  # the card's link
        at.switch_page(str(ROOT / "pages" / f"{card.slug}.py")).run()
        assert not at.exception
        for name, value in card.query:
            assert at.query_params[name] == value
