"""Take it away: every chart as SVG and PNG, for slides.

A chart's files are made only when the visitor asks: ``st.download_button`` is
given a callable, which Streamlit runs on the click, so the first paint of a page
pays for two buttons and nothing else. The conversion is Vega's own, through
``vl-convert`` (what Altair's ``chart.save`` uses), from the same Vega-Lite spec
the page draws, with its data inline; its first call in a process starts Vega's
JavaScript engine (about 2 s, measured here), later ones take a fraction of that.

Examples
--------
>>> spec = {"data": {"values": [{"x": 1, "y": 2}]}, "mark": "point",
...         "encoding": {"x": {"field": "x"}, "y": {"field": "y"}}}
>>> svg(spec).startswith("<svg")
True
>>> png(spec)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True

The chain-rule page's Graphviz drawings (DOT text, drawn in the browser) are laid
out here by Graphviz itself through ``pygraphviz``, whose wheels carry Graphviz for
Windows, macOS and Linux (no system Graphviz needed); their PNG is the SVG rasterised
by vl-convert. Where ``pygraphviz`` cannot be installed the buttons give way to a note.

>>> dot_svg('digraph g { a -> b; }').count('class="node"')
2
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from lab_ui import graph_layout
from lab_ui.i18n import t

#: Width of an exported chart whose spec leaves it to the page ("container" or unset).
EXPORT_WIDTH = 640
#: PNG pixels per CSS pixel: sharp on a projector and on a high-density screen.
PNG_SCALE = 2


def _json_safe(value: Any) -> Any:
    """NaN and infinities as null, as Vega-Lite reads them: a gap in a line.

    Tables (Arrow, as Streamlit ships a chart's data; pandas) become rows of records.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "to_pylist"):  # a pyarrow Table
        return _json_safe(value.to_pylist())
    if hasattr(value, "columns") and hasattr(value, "to_dict"):  # a pandas DataFrame
        return _json_safe(value.to_dict("records"))
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _standalone(spec: dict[str, Any]) -> str:
    """The spec as JSON with a fixed width (a page stretches a chart; a file cannot)."""
    spec = dict(spec)
    if not isinstance(spec.get("width"), int | float):
        spec["width"] = EXPORT_WIDTH
    return json.dumps(_json_safe(spec), allow_nan=False, default=str)


def svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document."""
    import vl_convert  # only when a visitor asks for a file

    return vl_convert.vegalite_to_svg(_standalone(spec))


def png(spec: dict[str, Any]) -> bytes:
    """The chart as a PNG image (``PNG_SCALE`` pixels per CSS pixel)."""
    import vl_convert

    return vl_convert.vegalite_to_png(_standalone(spec), scale=PNG_SCALE)


#: Time limit of a graph's layout (the first in a worker imports Graphviz: ~0.5 s here).
GRAPH_TIMEOUT = 15.0
_FONT_FAMILY = re.compile(r'font-family="[^"]*"')


def dot_svg(dot: str) -> str:
    """A Graphviz (DOT) drawing laid out by Graphviz's ``dot``, as an SVG document.

    In a guard worker (:mod:`lab_ui.graph_layout`): Graphviz is C, and a crash must not
    take the server down.
    """
    from calc_core.guard import run_limited

    return run_limited(graph_layout.svg, dot, timeout=GRAPH_TIMEOUT)


def dot_png(dot: str) -> bytes:
    """The same drawing as a PNG image (the SVG rasterised, ``PNG_SCALE`` pixels per point)."""
    import vl_convert

    # Graphviz writes font-family="Helvetica,sans-Serif"; the rasteriser matches generic
    # families case-sensitively, and without Helvetica it drew no text at all.
    svg = _FONT_FAMILY.sub(lambda m: m[0].replace("sans-Serif", "sans-serif"), dot_svg(dot))
    return vl_convert.svg_to_png(svg, scale=PNG_SCALE)


def graphviz_available() -> bool:
    """Whether Graphviz can lay a drawing out here (looked up, not imported)."""
    try:
        return importlib.util.find_spec("pygraphviz") is not None
    except ValueError:  # a module entry without a spec (made unimportable)
        return False


def chart_downloads(make_spec: Callable[[], dict[str, Any]], name: str) -> None:
    """Two small buttons under a chart: SVG and PNG, made on the click from ``make_spec()``."""
    _buttons(make_spec, name, svg, png)


def graph_downloads(make_dot: Callable[[], str], name: str, where: Any = st) -> None:
    """SVG and PNG buttons under a Graphviz drawing, or a note where Graphviz is missing."""
    if not graphviz_available():
        where.caption(t("export.graph_unavailable"))
        return
    with where.container():
        _buttons(make_dot, name, dot_svg, dot_png)


def _buttons(make_source: Callable[[], Any], name: str, to_svg, to_png) -> None:
    # a row as wide as its two labels: in columns the labels were cut to "Do…"
    row = st.container(horizontal=True, gap="small")
    for kind, convert, mime in (
        ("svg", to_svg, "image/svg+xml"),
        ("png", to_png, "image/png"),
    ):
        row.download_button(
            t(f"export.{kind}"),
            data=lambda convert=convert: convert(make_source()),
            file_name=f"{name}.{kind}",
            mime=mime,
            key=f"export_{name}_{kind}",
            on_click="ignore",
            icon=":material/download:",
            width="content",
        )
