"""Getting the server ready before its first visitor: the pages' imports and the workers.

Two ways in, both harmless to call twice:

- :func:`lifespan`, the server's start-up (``streamlit run dashboard.py`` serves the
  entry's ``st.App``): it starts the worker pool and imports every module a page
  imports, before the server answers. A teacher's first visit after a start then
  finds sympy, Altair and the core loaded (``python -m bench.first_paint``, which
  reports the longer start beside it).
- Imported first by every page: starts the worker pool, for a page run without the
  entry's app (``streamlit run pages/x.py``, AppTest); outside a script run, nothing.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

PAGES = Path(__file__).resolve().parent.parent / "pages"


def page_imports(pages: Path = PAGES) -> list[str]:
    """The modules the pages import, read from their source (not run), sorted.

    Examples
    --------
    >>> "calc_core.limits" in page_imports() and "lab_ui.tangent_view" in page_imports()
    True
    """
    names: set[str] = set()
    for page in sorted(pages.glob("*.py")):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(names)


def preload(names: list[str] | None = None) -> list[str]:
    """Import ``names`` (default: :func:`page_imports`); the ones that are modules.

    A ``from m import name`` gives both ``m`` and ``m.name``; the second is only a
    module sometimes, so a name that is not one is skipped.
    """
    loaded = []
    for name in page_imports() if names is None else names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:  # a module that is there, missing one of its own imports
                raise
        else:
            loaded.append(name)
    return loaded


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """The server's start: the workers begin and the pages' imports are done before it answers.

    Not in a thread beside the first visit: while a thread imports, it holds the GIL
    that the server's event loop needs to send the browser Streamlit's ~110 files, and
    the first chart came no sooner (``python -m bench.first_paint``). Streamlit's
    runtime is up by now, so the caches the pages' modules declare are its own.
    """
    from lab_ui.shell import warm_pool

    warm_pool()
    await asyncio.to_thread(preload)
    yield


if get_script_run_ctx(suppress_warning=True) is not None:
    from lab_ui.shell import warm_pool

    warm_pool()
