"""Draw Altair charts without paying for them on every rerun.

Building a layered Altair chart, validating it against the Vega-Lite schema and
converting it to a spec costs tens of milliseconds, on every rerun, even when the
numbers behind it come from the cache. :func:`chart` caches the finished spec under
the builder's name and its arguments (records from calc_core and translated labels,
all hashable by Streamlit), with its datasets already in Arrow form, so an ordinary
rerun only ships the cached spec.

A cache miss (every new input) is made cheap too: the chart's data frames are
taken out before Altair serialises it (Altair would turn every row into a dict,
sanitise and hash them, and we would turn the dicts back into a frame for Arrow)
and go to Arrow directly; and the spec is not validated against the Vega-Lite
schema at run time (jsonschema on every new input), since the builders are ours:
``tests/app/test_draw.py`` validates every builder's chart instead. Measured with
``python -m bench.load`` and py-spy: these two were most of a cache miss's CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lab_ui import exports
from lab_ui.charts import quiet

try:  # what st.altair_chart itself uses to ship datasets as Arrow
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes as _to_arrow
except ImportError:  # pragma: no cover - a Streamlit without it converts on each call
    _to_arrow = None


def detach_frames(chart: alt.TopLevelMixin) -> dict[str, pd.DataFrame]:
    """Replace each data frame in ``chart`` (and its layers) by a named dataset.

    Returns the frames by name, infinities turned into missing values as Altair
    itself does (Vega-Lite breaks a line at a missing value). A frame shared by
    several layers gets one name.
    """
    frames: dict[str, pd.DataFrame] = {}
    names: dict[int, str] = {}

    def visit(node) -> None:
        data = getattr(node, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            name = names.get(id(data))
            if name is None:
                name = names[id(data)] = f"frame-{len(frames)}"
                frames[name] = _finite(data)
            node.data = alt.NamedData(name=name)
        layers = getattr(node, "layer", alt.Undefined)
        if isinstance(layers, list):
            for layer in layers:
                visit(layer)

    visit(chart)
    return frames


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    floats = frame.select_dtypes(include="floating").columns
    if len(floats) and not np.isfinite(frame[floats].to_numpy()).all():
        frame = frame.copy()
        frame[floats] = frame[floats].where(np.isfinite(frame[floats].to_numpy()))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def _spec(_builder: Callable[..., alt.TopLevelMixin], name: str, args: tuple, kw: dict) -> dict:
    built = _builder(*args, **kw)
    frames = detach_frames(built) if _to_arrow is not None else {}
    spec = quiet(built.to_dict(validate=False))
    if _to_arrow is not None:  # convert once here instead of on every rerun
        datasets = {key: pd.DataFrame(rows) for key, rows in spec.get("datasets", {}).items()}
        datasets.update(frames)
        spec["datasets"] = {key: _to_arrow(frame) for key, frame in datasets.items()}
    return spec


def chart(
    builder: Callable[..., alt.TopLevelMixin], *args: Any, description: str, **kw: Any
) -> None:
    """``st.altair_chart(builder(*args, **kw))``, with the spec cached across reruns.

    ``description`` is the chart's text alternative (:mod:`lab_ui.chart_text`): Streamlit
    gives it to Vega, which labels the chart's SVG with it for screen readers. Under the
    chart, SVG and PNG downloads, built from the same builder only when asked.
    """
    spec = _spec(builder, f"{builder.__module__}.{builder.__qualname__}", args, kw)
    st.vega_lite_chart(spec, width="stretch", alt=description)
    exports.chart_downloads(lambda: builder(*args, **kw).to_dict(), builder.__name__)
