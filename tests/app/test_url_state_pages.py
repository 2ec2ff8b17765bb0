"""url_state across pages: two pages that use the same parameter name keep their own values.

Found by the browser tests: leaving the limits page with f = x^3 showed x^3 (an error)
on the gradients page, and coming back showed an empty f. Self-contained: a tiny
two-page app written to a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ENTRY = """
from pathlib import Path
import streamlit as st
HERE = Path(__file__).parent
pages = [st.Page(HERE / "one.py", url_path="one"), st.Page(HERE / "two.py", url_path="two")]
st.navigation(pages).run()
"""
PAGE = """
import streamlit as st
from lab_ui import url_state as us
PARAMS = [us.Param("f", {default!r}, us.text())]
us.restore(PARAMS)
st.text_input("f", key="f")
us.publish(PARAMS)
st.write("value:" + st.session_state.f)
"""


@pytest.fixture
def two_pages(tmp_path: Path) -> AppTest:
    (tmp_path / "entry.py").write_text(ENTRY)
    (tmp_path / "one.py").write_text(PAGE.format(default="x^2"))
    (tmp_path / "two.py").write_text(PAGE.format(default="x1 + x2"))
    return AppTest.from_file(str(tmp_path / "entry.py"), default_timeout=60)


def switch(at: AppTest, page: Path) -> AppTest:
    """Follow a sidebar link as the browser does: the new page starts with no query."""
    at.query_params.clear()
    return at.switch_page(str(page)).run()


def shown(at: AppTest) -> str:
    assert not at.exception, [e.message for e in at.exception]
    return at.text_input(key="f").value


class TestSharedNamesAcrossPages:
    def test_a_page_does_not_take_over_another_pages_value(self, two_pages, tmp_path):
        at = two_pages.run()
        at.text_input(key="f").input("x^3").run()
        switch(at, tmp_path / "two.py")
        assert shown(at) == "x1 + x2"
        assert at.query_params["f"] in ("x1 + x2", ["x1 + x2"])

    def test_each_page_gets_its_own_value_back(self, two_pages, tmp_path):
        at = two_pages.run()
        at.text_input(key="f").input("x^3").run()
        switch(at, tmp_path / "two.py")
        at.text_input(key="f").input("x1*x2").run()
        switch(at, tmp_path / "one.py")
        assert shown(at) == "x^3"
        switch(at, tmp_path / "two.py")
        assert shown(at) == "x1*x2"

    def test_the_url_still_wins_on_a_first_visit(self, two_pages):
        two_pages.query_params["f"] = "sin(x)"
        at = two_pages.run()
        assert shown(at) == "sin(x)"


class TestLinksToAPageVisitedBefore:
    def test_a_followed_link_wins_over_what_the_page_kept(self, two_pages, tmp_path):
        at = two_pages.run()
        at.text_input(key="f").input("x^3").run()
        switch(at, tmp_path / "two.py")
        at.query_params["f"] = "sin(x)"  # a link with its own f (a home page card)
        at.switch_page(str(tmp_path / "one.py")).run()
        assert shown(at) == "sin(x)"

    def test_a_typed_value_is_not_undone_by_the_url_of_the_last_run(self, two_pages):
        at = two_pages.run()
        at.text_input(key="f").input("x^3").run()
        at.text_input(key="f").input("x^4").run()
        assert shown(at) == "x^4"
        assert at.query_params["f"] in ("x^4", ["x^4"])

    def test_a_bad_value_in_a_followed_link_keeps_the_pages_value(self, two_pages, tmp_path):
        at = two_pages.run()
        at.text_input(key="f").input("x^3").run()
        switch(at, tmp_path / "two.py")
        at.query_params["f"] = "x" * 300  # over the text limit
        at.switch_page(str(tmp_path / "one.py")).run()
        assert shown(at) == "x^3"
