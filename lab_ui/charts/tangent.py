"""The tangent page's chart: f with its tangent and the book's ``plot()`` options.

One layered Altair chart: the curves (f, the tangent line, optionally f', f''
and a secant) with the book's colours and line styles, thin dashed rules at
vertical asymptotes, open circles at holes and dots at the tangent point. Axis
labels, limits, linear/log scales, legend and grid follow the book's
``set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)``. The
curves arrive already masked (NaN where a line must break), so nothing here
invents a value.

Export: Streamlit 1.67 keeps only ``theme``, ``renderer`` and ``padding`` of a
spec's ``usermeta.embedOptions`` (Vega-Embed's own ``actions`` menu is removed);
its chart toolbar offers "Download as PNG" and "Copy Vega-Lite spec" instead. The
renderer is pinned to SVG: each curve is one path, so SVG stays cheap even where
Streamlit would switch to canvas (above 2000 rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.schemapi import debug_mode

from lab_ui.charts import BOOK_COLORS, DASHES, LEGEND_BELOW, X_TICKS

#: Series keys in the book's plotting order, with the colour each one keeps.
SERIES = ("f", "tangent", "d1", "d2", "secant")
COLORS = dict(zip(SERIES, [*BOOK_COLORS, "#ff7f0e"], strict=True))
#: Default styles: the book's ``fmts=('-', 'm--', 'g-.', 'r:')`` in order, then dashed.
DEFAULT_STYLES = dict(zip(SERIES, ["solid", "dashed", "dashdot", "dotted", "dashed"], strict=True))
#: matplotlib format strings for the book's code: colour letter + line style.
FMT_COLOR = {"f": "", "tangent": "m", "d1": "g", "d2": "r", "secant": "C1"}
FMT_STYLE = {"solid": "-", "dashed": "--", "dashdot": "-.", "dotted": ":"}


@dataclass(frozen=True)
class Series:
    """One plotted curve: its key, translated legend name, points and line style."""

    key: str
    name: str
    x: np.ndarray
    y: np.ndarray
    style: str

    @property
    def fmt(self) -> str:
        """The matplotlib format string of this line (``'m--'``), for the book's code."""
        return FMT_COLOR[self.key] + FMT_STYLE[self.style]


@dataclass(frozen=True)
class Axes:
    """The book's ``set_axes`` arguments, resolved to what Vega-Lite draws."""

    xlabel: str
    ylabel: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    xscale: str = "linear"
    yscale: str = "linear"
    legend: bool = True
    grid: bool = True


@dataclass(frozen=True)
class Marks:
    """Points drawn over the curves: (x, label) rules, (x, y, label) circles and dots."""

    asymptotes: Sequence[tuple[float, str]] = ()
    holes: Sequence[tuple[float, float, str]] = ()
    points: Sequence[tuple[float, float, str]] = ()


def table(series: Sequence[Series], headers: Sequence[str] = ("series", "x", "y")) -> pd.DataFrame:
    """The plotted data in long form: one row per point of every curve, in drawing order."""
    frames = [pd.DataFrame({headers[0]: s.name, headers[1]: s.x, headers[2]: s.y}) for s in series]
    if not frames:
        return pd.DataFrame({h: [] for h in headers})
    return pd.concat(frames, ignore_index=True)


class TangentChart(alt.LayerChart):
    """A layer chart that skips Altair's JSON-schema validation when serialised.

    Streamlit calls ``to_dict()`` on every rerun, and validating this spec costs
    several times more than building it. The spec is fixed in shape (only numbers
    and names change), and ``tests/app/test_tangent_page.py`` validates it against
    the Vega-Lite schema, so the page does not pay for that on every rerun.
    """

    def to_dict(self, *args, validate: bool = False, **kwargs) -> dict:
        return super().to_dict(*args, validate=validate, **kwargs)


def _layer(data: pd.DataFrame, mark: dict, **encoding) -> alt.Chart:
    """One layer in a single constructor call: method chains deep-copy the chart, and a
    layer without a name is hashed (serialised and validated) when layered."""
    return alt.Chart(
        data=data,
        mark=alt.MarkDef(**mark),
        encoding=alt.FacetedEncoding(**encoding),
        name=f"tangent_{mark['type']}_{int(mark.get('filled', 0))}",
    )


def tangent_chart(series: Sequence[Series], marks: Marks, axes: Axes) -> TangentChart:
    """f, its tangent and the extras in one chart (see the module docstring).

    Built with Altair's per-object validation off (``debug_mode(False)``): the
    whole spec is validated in the tests instead, once, not on every rerun.
    """
    with debug_mode(False):
        return _build(series, marks, axes)


def _build(series: Sequence[Series], marks: Marks, axes: Axes) -> TangentChart:
    names = [s.name for s in series]
    grid = alt.Axis(grid=axes.grid)
    x = alt.X(
        field="x",
        type="quantitative",
        title=axes.xlabel,
        scale=alt.Scale(domain=list(axes.xlim), type=axes.xscale, nice=False),
        axis=alt.Axis(grid=axes.grid, tickCount=X_TICKS),
    )
    y = alt.Y(
        field="y",
        type="quantitative",
        title=axes.ylabel,
        scale=alt.Scale(domain=list(axes.ylim), type=axes.yscale, nice=False),
        axis=grid,
    )
    legend = alt.Legend(title=None, symbolStrokeWidth=2, **LEGEND_BELOW) if axes.legend else None
    by_series = {"field": "series", "type": "nominal", "sort": names, "legend": legend}
    color = alt.Color(
        scale=alt.Scale(domain=names, range=[COLORS[s.key] for s in series]), **by_series
    )
    dash = alt.StrokeDash(
        scale=alt.Scale(domain=names, range=[DASHES[s.style] for s in series]), **by_series
    )
    at_x = alt.X(field="x", type="quantitative")
    at_y = alt.Y(field="y", type="quantitative")
    named = alt.Tooltip(field="label", type="nominal", title="")
    values = [alt.Tooltip(field=f, type="quantitative", format=".6g") for f in ("x", "y")]
    series_tip = alt.Tooltip(field="series", type="nominal", title="")
    layers = [
        _layer(
            table(series),
            {"type": "line", "clip": True, "strokeWidth": 2},
            x=x,
            y=y,
            color=color,
            strokeDash=dash,
            tooltip=[series_tip, *values],
        )
    ]
    if marks.asymptotes:
        rule = {"type": "rule", "strokeDash": [4, 4], "strokeWidth": 1, "color": "#777777"}
        frame = pd.DataFrame(marks.asymptotes, columns=["x", "label"])
        layers.append(_layer(frame, {**rule, "clip": True}, x=at_x, tooltip=[named]))
    if marks.holes:
        ring = {"type": "point", "filled": False, "size": 70, "strokeWidth": 1.5}
        frame = pd.DataFrame(marks.holes, columns=["x", "y", "label"])
        mark = {**ring, "color": COLORS["f"], "clip": True}
        layers.append(_layer(frame, mark, x=at_x, y=at_y, tooltip=[named]))
    if marks.points:
        dot = {"type": "point", "filled": True, "size": 70, "color": "black", "opacity": 1}
        frame = pd.DataFrame(marks.points, columns=["x", "y", "label"])
        layers.append(
            _layer(frame, {**dot, "clip": True}, x=at_x, y=at_y, tooltip=[named, *values])
        )
    # SVG even above 2000 rows, where Streamlit would switch to canvas: a few paths, cheap
    return TangentChart(layer=layers, height=400, usermeta={"embedOptions": {"renderer": "svg"}})
