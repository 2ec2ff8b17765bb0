"""Driving Debian's Chromium with Playwright against a running Calculus Lab.

This machine cannot download Playwright's own browsers, so we launch the system
Chromium (``apt-get install chromium``) with flags that keep it quiet and
sandbox-free in containers. :class:`AppPage` wraps a Playwright page with the
waits a Streamlit app needs: it watches the app's WebSocket and waits for the
server's ``script_finished`` message after an action, instead of sleeping.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000

MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
CHART_MARKS = '[data-testid="stVegaLiteChart"] svg.marks'
EXCEPTION = '[data-testid="stException"]'
ERROR_BOX = '[data-testid="stAlertContentError"]'
NAV_LINK = '[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]'
IDLE_APP = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
    '[data-test-script-state="notRunning"]'
)


def find_chromium() -> str | None:
    """``$CALCLAB_CHROMIUM``, Debian's ``/usr/bin/chromium``, or one on the PATH."""
    for candidate in (
        os.environ.get("CALCLAB_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def launch(playwright, executable: str | None = None):
    """Launch the system Chromium headless."""
    return playwright.chromium.launch(
        executable_path=executable or find_chromium(), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
    )


def _is_run_end(payload: str | bytes) -> bool:
    """True for the server's ``script_finished`` message (not a stop-for-rerun)."""
    if not isinstance(payload, bytes):
        return False
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # not a ForwardMsg (it always is; stay robust anyway)
        return False
    return (
        msg.WhichOneof("type") == "script_finished"
        and msg.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
    )


class AppPage:
    """A Playwright page on the app, with run-aware waits."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.socket = None
        page.on("websocket", self._on_socket)
        page.set_default_timeout(TIMEOUT_MS)

    def _on_socket(self, socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            self.socket = socket

    # -- navigation and waiting
    def open(self, path: str = "") -> AppPage:
        """Load ``base_url/path`` and wait until the first run has finished."""
        self.page.goto(f"{self.base_url}/{path.lstrip('/')}")
        self.wait_idle()
        return self

    def wait_idle(self) -> None:
        """Connected, no script running, no stale (greyed-out) elements left."""
        self.page.wait_for_selector(IDLE_APP, state="attached")
        self.page.locator('[data-stale="true"]').first.wait_for(state="detached")

    @contextlib.contextmanager
    def expect_run(self) -> Iterator[None]:
        """Wrap an action that triggers a rerun; return once the server finished it."""
        assert self.socket is not None, "no app WebSocket yet: open() the page first"
        with self.socket.expect_event("framereceived", predicate=_is_run_end):
            yield
        self.wait_idle()

    # -- what a person sees and does
    @property
    def main(self):
        return self.page.locator(MAIN)

    def title(self) -> str:
        return self.main.locator("h1").first.inner_text().strip()

    def widget(self, key: str):
        """The element of the widget with this key (Streamlit adds ``st-key-<key>``)."""
        return self.page.locator(f".st-key-{key}")

    def type_into(self, key: str, text: str) -> None:
        """Replace a text input's content and submit it with Enter, as a person would."""
        box = self.widget(key).locator("input, textarea").first
        with self.expect_run():
            box.fill(text)
            box.press("Enter")

    def _kind(self, key: str) -> str:
        """ "radio", "slider" or "select": which option widget has this key."""
        parts = '[role="radiogroup"], input[type="range"], input[role="combobox"]'
        self.widget(key).first.scroll_into_view_if_needed()  # far down: drawn when seen
        self.widget(key).locator(parts).first.wait_for(state="attached")
        for kind, part in (("radio", '[role="radiogroup"]'), ("slider", 'input[type="range"]')):
            if self.widget(key).locator(part).count():
                return kind
        return "select"

    def choose_option(self, key: str, label: str) -> None:
        """Pick the option shown as ``label`` in the select box, radio or select slider."""
        widget = self.widget(key)
        kind = self._kind(key)
        if kind == "slider":
            self._slide_to(key, label)
            return
        with self.expect_run():
            if kind == "radio":
                widget.locator('[data-testid="stRadioOption"]', has_text=label).click()
            else:
                self._pick_from_list(key, label)

    def _pick_from_list(self, key: str, label: str, tries: int = 3) -> None:
        """Open the list and click the option; again if the list closed under the click.

        A list opened while the page still moves (an expander opening) is repositioned,
        and the scroll that brings its option into view closes it (React Aria closes a
        popover when the page scrolls): the option is then detached before the click.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for _ in range(tries):
            self.widget(key).first.scroll_into_view_if_needed()  # waits until it is stable
            option = self._open_list(key).locator('[role="option"]', has_text=label).first
            try:
                option.click(timeout=5_000)
                return
            except PlaywrightTimeout:
                self.page.keyboard.press("Escape")  # whatever is left of the list
        raise AssertionError(f"could not pick {label!r} in {key!r}")

    def _open_list(self, key: str, tries: int = 3):
        """Open a select box's list by its arrow (a click can land while the page settles)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        listbox = self.page.locator('[role="listbox"]')
        for _ in range(tries):
            self.widget(key).locator('button[aria-haspopup="listbox"]').click()
            try:
                listbox.first.wait_for(timeout=3_000)
                return listbox.first
            except PlaywrightTimeout:
                continue
        raise AssertionError(f"the list of {key!r} did not open")

    def _slide_to(self, key: str, label: str, steps: int = 20) -> None:
        """Move a select slider's thumb with the arrow keys until it shows ``label``."""
        thumb = self.widget(key).locator('input[type="range"]')
        for _ in range(steps):
            if thumb.get_attribute("aria-valuetext") == label:
                return
            with self.expect_run():
                thumb.press("ArrowRight")
        raise AssertionError(f"{key}: no {label!r} within {steps} steps to the right")

    def chosen(self, key: str) -> str:
        """The label the option widget with this key shows as chosen (also when folded away)."""
        widget = self.widget(key)
        kind = self._kind(key)
        if kind == "radio":
            selected = widget.locator('[data-testid="stRadioOption"][data-selected="true"]')
            return (selected.text_content() or "").strip()
        if kind == "slider":
            return widget.locator('input[type="range"]').get_attribute("aria-valuetext") or ""
        return widget.locator('input[role="combobox"]').input_value()

    def choose_language(self, label: str) -> None:
        option = self.page.locator(SIDEBAR).locator('[data-testid="stRadioOption"]', has_text=label)
        with self.expect_run():
            option.click()

    def nav_links(self) -> dict[str, object]:
        """Sidebar navigation links by URL path (``"limits"``, ...)."""
        links = {}
        for link in self.page.locator(NAV_LINK).all():
            path = urlsplit(link.get_attribute("href") or "").path.strip("/")
            links[path] = link
        return links

    def query(self) -> dict[str, str]:
        """The current URL's query parameters (one value each)."""
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def path(self) -> str:
        return urlsplit(self.page.url).path.strip("/")

    def exceptions(self) -> list[str]:
        return [e.inner_text() for e in self.page.locator(EXCEPTION).all()]

    def wait_for_charts(self, count: int = 1) -> None:
        """Wait until at least ``count`` Vega-Lite charts have drawn their SVG marks."""
        self.page.locator(CHART_MARKS).nth(count - 1).wait_for(state="attached")


def has_cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None
