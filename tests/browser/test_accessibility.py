"""Accessibility in a real Chromium: axe-core on every page in both languages, and the keyboard.

axe-core comes from npm at the version pinned in ``tests/browser/axe/package.json``
(``.ci/run`` installs it with ``npm ci --prefix tests/browser/axe``; elsewhere set
``CALCLAB_AXE`` to an ``axe.min.js``). Locally a missing axe-core skips these tests
with the command that installs it; under ``CI=true`` they fail.

Each page is checked after its run has finished and its charts have drawn, so what
axe sees is what a visitor sees. Any serious or critical violation fails the test,
with every node axe names (its selector, the rule's help and axe's summary).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lab_ui.i18n import LANGUAGES
from lab_ui.sitemap import TEACHING, TOPICS
from tests.browser.conftest import unavailable

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
AXE_DIR = HERE / "axe"
PAGES = ["", *(slug for slug, *_ in [*TOPICS, *TEACHING])]
BLOCKING = ("serious", "critical")

_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}"""


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """``axe.min.js`` from npm (``npm ci --prefix tests/browser/axe``) or ``$CALCLAB_AXE``."""
    override = os.environ.get("CALCLAB_AXE")
    path = Path(override) if override else AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        unavailable(f"axe-core not found at {path}: npm ci --prefix tests/browser/axe")
    return path


def drawn(app, slug: str, lang: str):
    """Open the page and wait until it has finished its run and drawn every chart."""
    app.open(f"{slug}?lang={lang}")
    for chart in app.page.locator('[data-testid="stVegaLiteChart"]').all():
        expect(chart.locator("svg.marks")).to_be_attached()
    for graph in app.page.locator('[data-testid="stGraphVizChart"]').all():
        expect(graph.locator("svg")).to_be_attached()
    return app


def violations(app, axe_script: Path) -> list[dict]:
    app.page.add_script_tag(path=str(axe_script))
    return app.page.evaluate(_RUN_AXE)


def describe(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}), {len(v['nodes'])} node(s)")
        for node in v["nodes"][:8]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("slug", PAGES)
def test_no_serious_or_critical_axe_violations(app, axe_script, slug, lang):
    drawn(app, slug, lang)
    found = [v for v in violations(app, axe_script) if v["impact"] in BLOCKING]
    assert not found, f"/{slug}?lang={lang}:\n{describe(found)}"


class TestKeyboardAlone:
    def test_tab_to_the_function_type_a_new_one_and_press_enter(self, app):
        """From the top of the limits page, Tab reaches the function box; typing and
        Enter recompute the page, with no mouse at all."""
        drawn(app, "limits", "en")
        box = app.widget("f").locator("input")
        app.page.locator("body").focus()
        for _ in range(60):  # sidebar links and the language switch come first
            app.page.keyboard.press("Tab")
            if box.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reached the function input")
        app.page.keyboard.press("ControlOrMeta+A")
        with app.expect_run():
            app.page.keyboard.type("x^3 - 1/x")
            app.page.keyboard.press("Enter")
        expect(app.main).to_contain_text(r"\frac{1}{x^{2}}")
        assert app.query()["f"] == "x^3 - 1/x"
