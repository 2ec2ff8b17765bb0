"""Shared helpers for the AppTest suite: build the apps, read what a visitor sees."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

ROOT = Path(__file__).resolve().parents[2]
LIMITS_PAGE = ROOT / "pages" / "limits.py"
DASHBOARD = ROOT / "dashboard.py"
TIMEOUT = 60


class _ServedPagesManager(PagesManager):
    """Streamlit's page registry on a server that has already served ``st.navigation``.

    AppTest resets the legacy "pages/ folder" flag before every run, so each run of the
    entry looked like a fresh server's very first request: the entry then leaves the
    legacy mode with an ``st.rerun()`` (``lab_ui.shell.leave_legacy_navigation``), and a
    rerun drops the click that started the run (a "Check" button did nothing through
    the entry). A real server leaves that mode once, on its first request, before
    anyone can click; the browser suite covers that first request on a fresh server.
    """

    def __init__(self, *args, **kwargs) -> None:
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


@pytest.fixture(autouse=True)
def served_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest runs as on a server past its first request (see _ServedPagesManager)."""
    monkeypatch.setattr(app_test, "PagesManager", _ServedPagesManager)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Callable[[object], bytes]:
    """What a download button built on the click would send: ``downloads(button)``.

    A button given a callable registers it with the media file manager (Streamlit runs
    it when the browser asks for the file); AppTest's runtime keeps no handle to it,
    so every registration is recorded here by the id the button carries.
    """
    made: dict[str, Callable[[], object]] = {}
    register = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = register(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    def fetch(button) -> bytes:
        data = made[button.proto.deferred_file_id]()
        return data.encode("utf-8") if isinstance(data, str) else data

    return fetch


def build(path: Path, **query: str) -> AppTest:
    """An AppTest of ``path`` with ``query`` set as URL parameters (not yet run)."""
    at = AppTest.from_file(str(path), default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = value
    return at


def assert_no_exception(at: AppTest) -> None:
    """No uncaught exception reached the page."""
    assert not at.exception, [e.message for e in at.exception]


def open_book_code(at: AppTest) -> AppTest:
    """Open the "book's code" expander, as a visitor clicking it (empty until then)."""
    at.session_state["book_code"] = True
    at.run()
    assert_no_exception(at)
    return at


@pytest.fixture
def limits_app() -> Callable[..., AppTest]:
    """Run the limits page as a browser opens ``/limits?...``: through the entry."""

    def run(**query: str) -> AppTest:
        at = through_entry("limits", **query).run()
        assert_no_exception(at)
        return at

    return run


def through_entry(page: str | None, **query: str) -> AppTest:
    """The app as a browser opens ``/<page>?<query>``: the entry runs, with that page.

    ``page`` is a url_path (``"chain-rule"``; its file is ``pages/<page>.py``), or None
    for ``/``, the home page. Not yet run.
    """
    at = build(DASHBOARD, **query)
    if page is not None:
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    return at


@pytest.fixture
def dashboard_app() -> Callable[..., AppTest]:
    """Run the whole app (the entry with its navigation) on a page, with URL parameters."""

    def run(page: str | None = "limits", **query: str) -> AppTest:
        at = through_entry(page, **query).run()
        assert_no_exception(at)
        return at

    return run


# ----------------------------------------------------------------------------- readers


def latex_texts(at: AppTest) -> list[str]:
    """The LaTeX of every ``st.latex`` element, without the ``$$`` fences."""
    return [el.value.strip().strip("$").strip() for el in at.latex]


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def chart_spec(chart) -> dict:
    return json.loads(chart.proto.spec)


def chart_data(chart) -> list[pd.DataFrame]:
    """The data sets Streamlit ships with a Vega-Lite chart (as Arrow), in layer order."""
    frames = []
    for dataset in chart.proto.datasets:
        with pa.ipc.open_stream(dataset.data.data) as reader:
            frames.append(reader.read_all().to_pandas())
    return frames


def layer_scales(spec: dict, channel: str) -> list[dict]:
    """The scale of ``channel`` ("x", "y") in every layer of a (layered) spec."""
    layers = spec.get("layer", [spec])
    return [
        layer["encoding"][channel].get("scale", {})
        for layer in layers
        if channel in layer.get("encoding", {})
    ]


class _TableReader(HTMLParser):
    """Reads back the tables :func:`lab_ui.tables.show` draws (headers and cells as text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's static tables (``lab_ui.tables.show``), as frames of the text shown."""
    frames = []
    for element in at.get("html"):
        if 'class="calclab-table"' not in element.proto.body:
            continue
        reader = _TableReader()
        reader.feed(element.proto.body)
        header, *rows = reader.rows
        frames.append(pd.DataFrame(rows, columns=header))
    return frames
