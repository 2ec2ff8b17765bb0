"""Charts of the gradients page: the gradient field over a heat map with level curves
(two variables, or a slice through the point), and f with f' (one variable).

The field chart is a plain Vega-Lite spec (see :func:`field_chart` for why); the
curve chart is Altair.

The field chart is square with equal spans on both axes, so an arrow's angle on
screen is its true angle and the gradient visibly crosses the level curves at right
angles. Arrows are a rule (the shaft) plus a ``triangle`` point rotated by the
``angle`` channel (degrees clockwise from "up": ``atan2(dx, dy)``, through an
identity scale: without one Vega-Lite rescales the angles to the data's range).
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa  # Streamlit's own dependency: its charts travel as Arrow

from calc_core.gradients import CurveView, FieldView
from lab_ui.charts import BOOK_COLORS, DASHES, quiet

#: Pixels, width and height of the field's plot area: a fixed square (``autosize: pad``
#: puts the axes and legends around it; Streamlit's default ``fit`` squeezed the plot
#: into 440 px with them, 295 x 270 px: unequal scales, small on a projector).
SIZE = 400
POINT_COLOR = "#d62728"
#: Half-width of a heat-map cell, in cells: over 1/2, so no seams show between cells.
OVERLAP = 0.6
#: The label keys :func:`field_chart` needs.
LABELS = ("f", "level", "field", "gradient", "tangent", "point")


def _segments(x, y, dx, dy, label: str) -> dict[str, np.ndarray]:
    """Segments centred on (x, y) with direction (dx, dy); ``angle`` for a head at the tip."""
    x, y, dx, dy = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x, y, dx, dy))
    return {
        "x": x - dx / 2,
        "y": y - dy / 2,
        "x2": x + dx / 2,
        "y2": y + dy / 2,
        "angle": np.degrees(np.arctan2(dx, dy)) % 360,
        "label": np.full(x.shape, label, dtype=object),
    }


def _table(columns: dict[str, np.ndarray]) -> pa.Table:
    """An Arrow table straight from numpy: Streamlit ships it as is (no pandas, no threads)."""
    return pa.table({k: pa.array(v) for k, v in columns.items()})


def arrow_lengths(view: FieldView, cells: int = 11) -> np.ndarray:
    """Data-space arrow vectors: proportional to |grad f|, the 90th percentile one cell long."""
    u, v = view.arrows[:, 2], view.arrows[:, 3]
    size = np.hypot(u, v)
    cell = 2 * view.half_width / cells
    ref = float(np.percentile(size, 90)) if size.size else 0.0
    if ref <= 0:
        return np.zeros((size.size, 2))
    length = 0.85 * cell * np.minimum(size / ref, 1.0)
    with np.errstate(all="ignore"):
        scale = np.where(size > 0, length / size, 0.0)
    return np.column_stack([u * scale, v * scale])


def _q(field: str, **extra) -> dict:
    return {"field": field, "type": "quantitative", **extra}


def field_chart(view: FieldView, labels: dict[str, str]) -> dict:
    """Heat map of f, level curves, gradient arrows, the point, its gradient and tangent.

    Returns a Vega-Lite spec for ``st.vega_lite_chart`` whose ``datasets`` are Arrow
    tables. Written as a plain spec rather than with Altair: building and validating
    these four layers through Altair cost ~50 ms on every rerun here (measured), more
    than the whole rest of the page; and the tables are built from numpy directly,
    since pandas-to-Arrow starts a thread pool for each table, which costs several
    milliseconds on a busy 2-core server. ``labels`` has the keys in :data:`LABELS`.
    """
    xs, ys, z = view.xs, view.ys, view.z
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    gx, gy = np.meshgrid(xs, ys)
    keep = np.isfinite(z).ravel()
    heat = _table(
        {
            "x": (gx - OVERLAP * dx).ravel()[keep],
            "x2": (gx + OVERLAP * dx).ravel()[keep],
            "y": (gy - OVERLAP * dy).ravel()[keep],
            "y2": (gy + OVERLAP * dy).ravel()[keep],
            "f": z.ravel()[keep],
        }
    )
    r = view.half_width
    px, py = view.point
    domain_x = {"domain": [px - r, px + r], "nice": False, "zero": False}
    domain_y = {"domain": [py - r, py + r], "nice": False, "zero": False}
    x = _q("x", title=view.names[0], scale=domain_x)
    y = _q("y", title=view.names[1], scale=domain_y)
    finite = z[np.isfinite(z)]
    lo, hi = (float(v) for v in np.percentile(finite, [2, 98])) if finite.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    names = [labels[k] for k in ("level", "field", "gradient", "tangent")]
    level = view.segments
    mid_x, mid_y = (level[:, 0] + level[:, 2]) / 2, (level[:, 1] + level[:, 3]) / 2
    lines = [
        _segments(mid_x, mid_y, level[:, 2] - level[:, 0], level[:, 3] - level[:, 1], names[0])
    ]
    vec = arrow_lengths(view)
    moving = np.hypot(vec[:, 0], vec[:, 1]) > 0
    a = view.arrows[moving]
    heads = [_segments(a[:, 0], a[:, 1], vec[moving, 0], vec[moving, 1], names[1])]
    if view.grad0 is not None and math.hypot(*view.grad0) > 0:
        gu, gv = view.grad0
        ux, uy = gu / math.hypot(gu, gv) * 0.35 * r, gv / math.hypot(gu, gv) * 0.35 * r
        heads.append(_segments(px + ux / 2, py + uy / 2, ux, uy, names[2]))
        lines.append(_segments(px, py, 2 * uy, -2 * ux, names[3]))
    lines += heads

    def joined(parts: list[dict]) -> pa.Table:
        return _table({k: np.concatenate([part[k] for part in parts]) for k in parts[0]})

    palette = {"domain": names, "range": ["#ffffff", "#000000", POINT_COLOR, POINT_COLOR]}
    label = {"field": "label", "type": "nominal"}
    return quiet(
        {
            "width": SIZE,
            "height": SIZE,
            "autosize": {"type": "pad"},
            # Streamlit switches charts with over 2000 rows to canvas; ~2500 marks draw fine
            # as SVG, which stays crisp when zoomed and saves as a vector image
            "usermeta": {"embedOptions": {"renderer": "svg"}},
            "datasets": {
                "heat": heat,
                "lines": joined(lines),
                "heads": joined(heads),
                "point": _table({"x": [px], "y": [py], "label": [labels["point"]]}),
            },
            "layer": [
                {
                    "data": {"name": "heat"},
                    "mark": {"type": "rect", "strokeWidth": 0, "stroke": None, "clip": True},
                    "encoding": {
                        "x": x,
                        "x2": {"field": "x2"},
                        "y": y,
                        "y2": {"field": "y2"},
                        "color": _q(
                            "f",
                            title=labels["f"],
                            scale={"scheme": "viridis", "domain": [lo, hi], "clamp": True},
                        ),
                        "tooltip": [_q("f", title=labels["f"], format=".4g")],
                    },
                },
                {
                    "data": {"name": "lines"},
                    "mark": {"type": "rule", "clip": True},
                    "encoding": {
                        "x": x,
                        "y": y,
                        "x2": {"field": "x2"},
                        "y2": {"field": "y2"},
                        "color": {
                            **label,
                            "title": None,
                            "sort": names,
                            "scale": palette,
                            "legend": {
                                "orient": "bottom",
                                "direction": "vertical",
                                "symbolType": "stroke",
                                "labelLimit": 400,
                                "values": names[1:],
                            },
                        },
                        "strokeWidth": {
                            **label,
                            "legend": None,
                            "scale": {"domain": names, "range": [1, 1.2, 3, 2]},
                        },
                        "strokeDash": {
                            **label,
                            "legend": None,
                            "scale": {
                                "domain": names,
                                "range": [DASHES["solid"]] * 3 + [DASHES["dashed"]],
                            },
                        },
                    },
                },
                {
                    "data": {"name": "heads"},
                    "mark": {
                        "type": "point",
                        "shape": "triangle",
                        "filled": True,
                        "opacity": 1,
                        "clip": True,
                    },
                    "encoding": {
                        "x": _q("x2", scale=domain_x),
                        "y": _q("y2", scale=domain_y),
                        "angle": _q("angle", scale={"domain": [0, 360], "range": [0, 360]}),
                        "color": {**label, "scale": palette, "legend": None},
                        "size": {
                            **label,
                            "legend": None,
                            "scale": {"domain": names[1:3], "range": [40, 130]},
                        },
                    },
                },
                {
                    "data": {"name": "point"},
                    "mark": {
                        "type": "point",
                        "filled": True,
                        "size": 140,
                        "color": POINT_COLOR,
                        "stroke": "white",
                        "strokeWidth": 1.5,
                    },
                    "encoding": {"x": x, "y": y, "tooltip": [{**label, "title": ""}]},
                },
            ],
            "resolve": {"scale": {"color": "independent"}},
        }
    )


def curve_chart(view: CurveView, names: dict[str, str]) -> alt.LayerChart:
    """f and f' around x0 (one variable), the point marked; NaN breaks the lines."""
    data = pd.concat(
        [
            pd.DataFrame({"x": view.x, "y": view.f, "series": names["f"]}),
            pd.DataFrame({"x": view.x, "y": view.df, "series": names["df"]}),
        ],
        ignore_index=True,
    )
    order = [names["f"], names["df"]]
    lo, hi = view.y_range
    xs = alt.Scale(domain=[float(view.x[0]), float(view.x[-1])], nice=False)
    ys = alt.Scale(domain=[lo, hi])
    lines = (
        alt.Chart(data)
        .mark_line(clip=True)
        .encode(
            x=alt.X("x:Q", title="x₁", scale=xs),
            y=alt.Y("y:Q", title=None, scale=ys),
            color=alt.Color(
                "series:N",
                sort=order,
                title=None,
                scale=alt.Scale(domain=order, range=BOOK_COLORS[:2]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                sort=order,
                legend=None,
                scale=alt.Scale(domain=order, range=[DASHES["solid"], DASHES["dashed"]]),
            ),
        )
    )
    marks = []
    if view.f0 is not None:
        marks.append({"x": view.x0, "y": view.f0})
    if view.slope is not None:
        marks.append({"x": view.x0, "y": view.slope})
    dots = (
        alt.Chart(pd.DataFrame(marks or [{"x": np.nan, "y": np.nan}]))
        .mark_point(filled=True, size=80, color=POINT_COLOR, clip=True)
        .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys))
    )
    return (lines + dots).properties(height=340).configure_mark(aria=False)  # as quiet() does
