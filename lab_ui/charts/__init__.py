"""Altair chart builders, one module per topic. They take calc_core records and translated
labels, never text to parse.

Line styles follow the book's ``fmts=('-', 'm--', 'g-.', 'r:')``: solid, dashed,
dash-dot, dotted. NaN in the data becomes a gap in the line (Vega-Lite breaks a
line at null), which is how poles and undefined stretches stay honest.
"""

#: Vega-Lite strokeDash patterns for the book's four line formats.
DASHES = {"solid": [1, 0], "dashed": [6, 4], "dashdot": [6, 3, 1, 3], "dotted": [1, 3]}
#: The book's colours for its four formats: default blue, magenta, green, red.
BOOK_COLORS = ["#1f77b4", "#bf00bf", "#008000", "#ff0000"]
#: Tick count of an x axis: about one tick per 90 pixels of the chart's width, so labels
#: stay readable on a phone and a projector alike (Vega-Lite's default, one per 40 px,
#: printed 31 crowded labels, 0.0, 0.1, ... 3.0, on a laptop).
X_TICKS = {"expr": "ceil(width / 90)"}
#: Legends go under the plot: beside it they take a phone's width from the plot itself.
#: Entries wrap into rows: three on a laptop, two on a phone.
LEGEND_BELOW = {
    "orient": "bottom",
    "direction": "horizontal",
    "columns": {"expr": "width > 420 ? 3 : 2"},
}


def quiet(spec: dict) -> dict:
    """``spec`` with its marks out of the accessibility tree (``config.mark.aria: false``).

    Vega labels every point, cell and arrow ("x: 0.1; f(x): −9.9"; a field chart has 2,500)
    for a screen reader to read out one by one; the chart's text alternative
    (lab_ui.chart_text) says what it shows instead. Axes keep their own labels.
    """
    config = spec.get("config", {})
    return {**spec, "config": {**config, "mark": {**config.get("mark", {}), "aria": False}}}
