"""Real-browser fixtures: a real ``streamlit run dashboard.py``, Debian's Chromium, nginx.

Locally a missing Chromium (or Playwright, or nginx) skips the tests that need it,
with the reason; under CI (``CI=true``) it fails them, because CI installs them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from deploy.run_replicas import Replica, find_nginx
from tools.browser import AppPage, find_chromium, launch

IN_CI = os.environ.get("CI", "").strip().lower() == "true"
VIEWPORT = {"width": 1280, "height": 900}


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI, where the browser tests are required."""
    if IN_CI:
        pytest.fail(f"{reason} — under CI=true the browser tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Playwright is not installed: pip install -r requirements-dev.txt")
    path = find_chromium()
    if path is None:
        unavailable("Chromium not found at /usr/bin/chromium: apt-get install chromium")
    return path


@pytest.fixture(scope="session")
def nginx() -> str:
    path = find_nginx()
    if path is None:
        unavailable("nginx not found: apt-get install nginx")
    return path


def _serve() -> Iterator[Replica]:
    """``python -m streamlit run dashboard.py`` on a free loopback port, once healthy;
    stopped by its own process id afterwards (terminate, then kill after 10 s)."""
    replica = Replica().start(timeout=90)
    try:
        yield replica
    finally:
        replica.stop()


@pytest.fixture(scope="session")
def server(chromium_path: str) -> Iterator[Replica]:
    """One app server for the whole browser session."""
    yield from _serve()


@pytest.fixture
def fresh_server(chromium_path: str) -> Iterator[Replica]:
    """A server nobody has visited yet (for first-visit behaviour)."""
    yield from _serve()


@pytest.fixture(scope="session")
def base_url(server: Replica) -> str:
    return server.url


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright, chromium_path)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_app(browser) -> Iterator:
    """Open fresh browser contexts (separate cookies, so separate Streamlit sessions)."""
    contexts = []

    def make(base_url: str, *, locale: str = "en-US") -> AppPage:
        context = browser.new_context(viewport=VIEWPORT, locale=locale)
        contexts.append(context)
        return AppPage(context.new_page(), base_url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def app(new_app, base_url: str) -> AppPage:
    """A fresh browser session on the shared server."""
    return new_app(base_url)
