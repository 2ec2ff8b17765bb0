"""The entry's navigation: where every page lives and in which order the sidebar lists it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lab_ui.i18n import t
from lab_ui.sitemap import TOPICS

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard.py"


def registered() -> dict[str, dict]:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return {info["url_pathname"]: info for info in at._registered_pages.values()}


class TestPageFiles:
    def test_every_topic_file_is_named_after_its_url_path(self):
        # On a fresh server Streamlit's first lookup of a shared link goes by file name.
        assert [(slug, Path(path).stem) for slug, path, *_ in TOPICS] == [
            (slug, slug) for slug, *_ in TOPICS
        ]

    def test_every_topic_file_exists_under_pages(self):
        for _slug, path, *_ in TOPICS:
            assert (ROOT / path).is_file() and Path(path).parent == Path("pages"), path

    def test_the_entry_registers_every_topic_at_its_url_path(self):
        pages = registered()
        for slug, path, key, _icon in TOPICS:
            page = pages[slug]
            assert Path(page["script_path"]) == ROOT / path
            assert page["page_name"] == t(key, "en")


class TestOrder:
    def test_topics_follow_the_books_section_then_the_exercises(self):
        assert [slug for slug, *_ in TOPICS] == [
            "limits",
            "tangent",
            "gradients",
            "chain-rule",
            "exercises",
        ]
