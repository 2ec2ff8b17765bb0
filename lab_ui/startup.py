"""Imported first by every page: starts the worker pool before the page's heavy imports.

A shared link's first visit after a server start runs its page alone (Streamlit's
legacy ``pages/`` mode, left at once by :func:`lab_ui.shell.leave_legacy_navigation`),
and the page's own imports (sympy, Altair, pandas) take one to three seconds on a busy
machine. Started here, the pool's first worker imports in parallel, so it is ready
when the page asks for its first computation (``python -m bench.first_paint``).
Outside a Streamlit script run (tests, scripts) importing it does nothing.
"""

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lab_ui.shell import warm_pool

if get_script_run_ctx(suppress_warning=True) is not None:
    warm_pool()
