"""Specification of the chart seam (:mod:`lab_ui.draw`).

A cache miss skips Altair's row-by-row serialisation and its schema validation,
so the tests do both: the data that reaches the browser is what Altair itself
would have sent, and every builder's chart is valid Vega-Lite.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc_core import limits
from lab_ui.charts import limits as limit_charts
from lab_ui.draw import detach_frames

LABELS = {s: s for s in limit_charts.SCHEME_DASH}
floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


def altair_rows(chart: alt.TopLevelMixin) -> list[list[dict]]:
    """The rows Altair itself would ship, per dataset, in order."""
    return list(chart.to_dict()["datasets"].values())


def frame_rows(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(floats, floats), min_size=1, max_size=20),
    st.lists(st.tuples(floats, floats), min_size=1, max_size=5),
)
def test_detached_frames_carry_what_altair_would_ship(line, points):
    """Infinities and NaN become missing values (a gap in the line), as in Altair."""
    a = pd.DataFrame(line, columns=["x", "y"])
    b = pd.DataFrame(points, columns=["x", "y"])

    def build():
        return alt.Chart(a).mark_line().encode(x="x:Q", y="y:Q") + alt.Chart(b).mark_point().encode(
            x="x:Q", y="y:Q"
        )

    expected = altair_rows(build())
    chart = build()
    frames = detach_frames(chart)
    got = [frame_rows(f) for f in frames.values()]
    if len(expected) < len(got):  # Altair shares one dataset between equal frames
        got = [rows for i, rows in enumerate(got) if rows not in got[:i]]
    assert got == expected
    spec = chart.to_dict()  # still valid Vega-Lite, now with named data
    assert [layer["data"]["name"] for layer in spec["layer"]] == list(frames)


def test_a_frame_shared_by_two_layers_is_shipped_once():
    data = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    chart = alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q") + alt.Chart(data).mark_point()
    assert len(detach_frames(chart)) == 1


def test_the_callers_frames_are_not_changed():
    data = pd.DataFrame({"x": [1.0, 2.0], "y": [np.inf, 4.0]})
    detach_frames(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"))
    assert data["y"].iloc[0] == np.inf


@pytest.mark.parametrize("f", ["3x^2 - 4x", "sin(x)", "1/x", "abs(x)"])
class TestLimitsChartsAreValidVegaLite:
    """The builders' charts validate against the schema the runtime no longer checks."""

    def test_error_against_h(self, f):
        sweep = limits.analyze(f, 0.0 if f == "1/x" else 1.0).sweep
        axis = dict.fromkeys(("h", "error", "scheme", "best", "theory", "eps"), "label")
        if sweep is not None:
            limit_charts.error_vs_h(sweep, LABELS, axis).to_dict(validate=True)

    def test_secant_to_tangent(self, f):
        view = limits.secant_view(f, 1.0, 0.5)
        names = {"f": "f", "secant": "secant", "tangent": "tangent"}
        limit_charts.secant_chart(view, names, 1.0).to_dict(validate=True)
