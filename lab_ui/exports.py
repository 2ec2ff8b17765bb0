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
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import streamlit as st

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


def chart_downloads(make_spec: Callable[[], dict[str, Any]], name: str) -> None:
    """Two small buttons under a chart: SVG and PNG, made on the click from ``make_spec()``."""
    left, right, _ = st.columns([1, 1, 4])
    for column, kind, convert, mime in (
        (left, "svg", svg, "image/svg+xml"),
        (right, "png", png, "image/png"),
    ):
        column.download_button(
            t(f"export.{kind}"),
            data=lambda convert=convert: convert(make_spec()),
            file_name=f"{name}.{kind}",
            mime=mime,
            key=f"export_{name}_{kind}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
