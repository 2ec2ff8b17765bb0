"""The server's start (``lab_ui.startup``): what a first visit finds already loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from lab_ui import startup
from lab_ui.sitemap import HOME, ICON, TEACHING, TOPICS

ROOT = Path(__file__).resolve().parents[2]

#: Modules whose import a visitor would wait for: the project's and its heavy libraries'.
HEAVY = ("calc_core", "lab_ui", "lab_store", "sympy", "mpmath", "numpy", "altair", "pandas")

#: Run in a fresh interpreter as the server starts (import the entry's app, preload),
#: then visit every page through the entry; print the heavy modules each visit imported.
VISITS = """
import json, sys
from streamlit.testing.v1 import AppTest
import dashboard
from lab_ui import startup
startup.preload()
before = set(sys.modules)
new = {}
for path in PAGES:
    at = AppTest.from_file("dashboard.py", default_timeout=120)
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    new[path] = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in HEAVY)
    before = set(sys.modules)
print(json.dumps(new))
"""


class TestTheEntryApp:
    def test_streamlit_run_serves_the_entry_as_an_app(self):
        found = discover_asgi_app(ROOT / "dashboard.py")
        assert found.is_asgi_app and found.import_string == "dashboard:app"

    def test_the_app_starts_with_the_preload(self):
        lines = ["import dashboard, lab_ui.startup", "print(dashboard.app._user_lifespan"]
        code = "\n".join(lines) + " is lab_ui.startup.lifespan)"
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert out.stdout.strip() == "True", out.stderr[-2000:]


class TestTheTab:
    def test_its_icon_travels_with_the_page_and_is_fetched_from_nowhere(self):
        from streamlit.commands.page_config import _get_favicon_string

        assert _get_favicon_string(ICON).startswith("data:image/svg+xml;base64,")


class TestPreload:
    def test_it_covers_every_page_of_the_site(self):
        for path in [HOME[0], *(p for _, p, *_ in TOPICS), *(p for _, p, *_ in TEACHING)]:
            assert (ROOT / path).is_file()
        assert {"calc_core.limits", "calc_core.gradients", "lab_ui.chain_rule"} <= set(
            startup.page_imports()
        )

    def test_the_server_answers_once_it_is_done(self, monkeypatch):
        import asyncio
        import time

        import lab_ui.shell

        calls = []
        monkeypatch.setattr(lab_ui.shell, "warm_pool", lambda: calls.append("workers"))
        monkeypatch.setattr(startup, "preload", lambda: (time.sleep(0.3), calls.append("imports")))

        async def start() -> list[str]:
            async with startup.lifespan(None):
                return list(calls)

        assert asyncio.run(start()) == ["workers", "imports"]

    def test_a_name_that_is_not_a_module_is_skipped(self):
        assert startup.preload(["lab_ui.i18n", "lab_ui.i18n.t"]) == ["lab_ui.i18n"]

    def test_a_module_missing_its_own_import_is_an_error(self, tmp_path, monkeypatch):
        (tmp_path / "broken_for_preload.py").write_text("import no_such_module_anywhere\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        try:
            startup.preload(["broken_for_preload"])
        except ModuleNotFoundError as err:
            assert err.name == "no_such_module_anywhere"
        else:
            raise AssertionError("a broken module was skipped silently")

    def test_after_it_no_first_visit_imports_anything_heavy(self):
        pages = [HOME[0], *(p for _, p, *_ in TOPICS), *(p for _, p, *_ in TEACHING)]
        code = f"PAGES = {pages!r}\nHEAVY = {HEAVY!r}\n{VISITS}"
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600
        )
        assert out.returncode == 0, out.stderr[-3000:]
        imported = json.loads(out.stdout.strip().splitlines()[-1])
        assert imported == {path: [] for path in pages}
