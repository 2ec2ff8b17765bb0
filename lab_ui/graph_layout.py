"""Graphviz's layout of a DOT drawing as SVG, the job a guard worker runs for the page.

Graphviz is C, and Graphviz 14.1 crashed the whole process on some labels (an edge
label whose first line is empty; :func:`lab_ui.charts.chain_rule.dot_string` no longer
writes one). So the layout runs in a killable guard worker
(:func:`calc_core.guard.run_limited`): a crash or a runaway layout there costs that
worker, never the server and its other visitors. This module imports no Streamlit, so
a worker loads it cheaply.
"""

from __future__ import annotations

import threading

#: Graphviz keeps global parser state: one layout at a time per process.
_LOCK = threading.Lock()


def svg(dot: str) -> str:
    """``dot`` laid out by Graphviz's ``dot`` program, as an SVG document."""
    import pygraphviz  # its wheels carry Graphviz for Windows, macOS and Linux

    with _LOCK:
        return pygraphviz.AGraph(string=dot).draw(format="svg", prog="dot").decode("utf-8")
