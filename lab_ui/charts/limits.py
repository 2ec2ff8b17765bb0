"""Charts of the limits page: error against h for every scheme, and secant to tangent."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from calc_core.differences import SCHEMES, ErrorSweep
from calc_core.limits import SecantView
from lab_ui.charts import DASHES, LEGEND_BELOW, X_TICKS

SCHEME_DASH = {
    "forward": DASHES["solid"],
    "backward": DASHES["dotted"],
    "central": DASHES["dashed"],
    "complex": DASHES["dashdot"],
    "richardson": [10, 2],
}
#: One colour per scheme, far apart in hue (Tableau 10): the theme's default palette gave
#: forward and backward two blues, central and complex step a red and a pink.
SCHEME_COLOR = {
    "forward": "#1f77b4",
    "backward": "#ff7f0e",
    "central": "#2ca02c",
    "complex": "#d62728",
    "richardson": "#9467bd",
}
#: Errors of exactly 0 are drawn on this floor of the log axis (in float64).
ERROR_FLOOR = 1e-18


def error_floor(eps: float) -> float:
    """The chart's floor for a format: two decades below its ε's decade (1e-18 in float64)."""
    return 10.0 ** (math.floor(math.log10(eps)) - 2)


def error_vs_h(sweep: ErrorSweep, labels: dict[str, str], axis: dict[str, str]) -> alt.Chart:
    """Log-log error of every scheme against h, with each scheme's best h marked.

    ``labels`` maps scheme -> translated name; ``axis`` has keys ``h``, ``error``,
    ``scheme``, ``best``, ``theory``, ``eps``.
    """
    floor = error_floor(sweep.eps)
    schemes = [s for s in SCHEMES if s in sweep.errors]  # no complex step in float16
    rows = []
    for scheme in schemes:
        for h, err in zip(sweep.h, sweep.errors[scheme], strict=True):
            shown = max(float(err), floor) if np.isfinite(err) else np.nan
            rows.append(
                {"h": float(h), "error": shown, "exact_error": float(err), "scheme": labels[scheme]}
            )
    data = pd.DataFrame(rows)
    order = [labels[s] for s in schemes]
    # one legend (colour and dash share title and order), its symbols long thick strokes
    legend = alt.Legend(
        symbolType="stroke", symbolStrokeWidth=3, symbolSize=400, labelLimit=160, **LEGEND_BELOW
    )
    color = alt.Color(
        "scheme:N",
        title=axis["scheme"],
        sort=order,
        scale=alt.Scale(domain=order, range=[SCHEME_COLOR[s] for s in schemes]),
        legend=legend,
    )
    dash = alt.StrokeDash(
        "scheme:N",
        sort=order,
        title=axis["scheme"],
        scale=alt.Scale(domain=order, range=[SCHEME_DASH[s] for s in schemes]),
        legend=legend,
    )
    x = alt.X(
        "h:Q",
        title=axis["h"],
        scale=alt.Scale(type="log", reverse=True),
        axis=alt.Axis(format="~e"),
    )
    y = alt.Y(
        "error:Q",
        title=axis["error"],
        axis=alt.Axis(format="~e"),
        scale=alt.Scale(type="log", domain=[floor, 10], clamp=True),
    )
    tooltip = [
        alt.Tooltip("scheme:N", title=axis["scheme"]),
        alt.Tooltip("h:Q", format=".1e"),
        alt.Tooltip("exact_error:Q", title=axis["error"], format=".3e"),
    ]
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=2)
        .encode(x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip)
    )
    best = pd.DataFrame(
        [
            {
                "h": sweep.best_h[s],
                "error": max(sweep.best_error[s], floor),
                "exact_error": sweep.best_error[s],
                "scheme": labels[s],
                "what": axis["best"],
            }
            for s in schemes
            if s in sweep.best_h
        ]
    )
    best_marks = (
        alt.Chart(best)
        .mark_point(shape="diamond", size=160, filled=True)
        .encode(x=x, y=y, color=color, tooltip=[*tooltip, alt.Tooltip("what:N", title="")])
    )
    predicted = sweep.theory
    theory = pd.DataFrame(
        [
            {
                "h": predicted[s].best_h,
                "error": predicted[s].best_error,
                "exact_error": predicted[s].best_error,
                "scheme": labels[s],
                "what": axis["theory"],
            }
            for s in ("forward", "central", "richardson")
        ]
    )
    theory_marks = (
        alt.Chart(theory)
        .mark_point(shape="cross", size=140, strokeWidth=2)
        .encode(x=x, y=y, color=color, tooltip=[*tooltip, alt.Tooltip("what:N", title="")])
    )
    eps_rule = (
        alt.Chart(pd.DataFrame({"error": [sweep.eps], "label": [axis["eps"]]}))
        .mark_rule(strokeDash=[2, 2], color="gray")
        .encode(y=alt.Y("error:Q"), tooltip=[alt.Tooltip("label:N", title="")])
    )
    return (lines + best_marks + theory_marks + eps_rule).properties(height=440)


def secant_chart(view: SecantView, names: dict[str, str], x0: float) -> alt.Chart:
    """f near x0, its secant for step h and (when it exists) its tangent."""
    frames = [pd.DataFrame({"x": view.x, "y": view.y, "series": names["f"]})]
    span = np.array([view.x[0], view.x[-1]])
    if view.secant_slope is not None and view.f0 is not None:
        frames.append(
            pd.DataFrame(
                {
                    "x": span,
                    "y": view.f0 + view.secant_slope * (span - x0),
                    "series": names["secant"],
                }
            )
        )
    if view.tangent_slope is not None and view.f0 is not None:
        frames.append(
            pd.DataFrame(
                {
                    "x": span,
                    "y": view.f0 + view.tangent_slope * (span - x0),
                    "series": names["tangent"],
                }
            )
        )
    data = pd.concat(frames, ignore_index=True)
    order = [names["f"], names["secant"], names["tangent"]]
    lo, hi = view.y_range
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2, symbolSize=300, **LEGEND_BELOW)
    enc = {
        "x": alt.X(
            "x:Q",
            title="x",
            scale=alt.Scale(domain=[float(span[0]), float(span[1])], nice=False),
            axis=alt.Axis(tickCount=X_TICKS),
        ),
        "y": alt.Y("y:Q", title="y", scale=alt.Scale(domain=[lo, hi])),
        "color": alt.Color(
            "series:N",
            sort=order,
            title=None,
            scale=alt.Scale(domain=order, range=["#1f77b4", "#d62728", "#2ca02c"]),
            legend=legend,
        ),
        "strokeDash": alt.StrokeDash(
            "series:N",
            sort=order,
            title=None,
            scale=alt.Scale(
                domain=order, range=[DASHES["solid"], DASHES["dashed"], DASHES["dashdot"]]
            ),
            legend=legend,
        ),
    }
    lines = alt.Chart(data).mark_line(clip=True).encode(**enc)
    points = [{"x": x0, "y": view.f0}] if view.f0 is not None else []
    if view.f0 is not None and view.secant_slope is not None:
        points.append({"x": x0 + view.h, "y": view.f0 + view.secant_slope * view.h})
    dots = (
        alt.Chart(pd.DataFrame(points or [{"x": np.nan, "y": np.nan}]))
        .mark_point(filled=True, size=70, color="black", clip=True)
        .encode(x="x:Q", y="y:Q")
    )
    return (lines + dots).properties(height=320)
