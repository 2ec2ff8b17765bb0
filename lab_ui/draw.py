"""Draw Altair charts without paying for them on every rerun.

Building a layered Altair chart, validating it against the Vega-Lite schema and
converting it to a spec costs tens of milliseconds, on every rerun, even when the
numbers behind it come from the cache. :func:`chart` caches the finished spec under
the builder's name and its arguments (records from calc_core and translated labels,
all hashable by Streamlit), with its datasets already in Arrow form, so an ordinary
rerun only ships the cached spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

try:  # what st.altair_chart itself uses to ship datasets as Arrow
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes as _to_arrow
except ImportError:  # pragma: no cover - a Streamlit without it converts on each call
    _to_arrow = None


@st.cache_data(max_entries=256, show_spinner=False)
def _spec(_builder: Callable[..., alt.TopLevelMixin], name: str, args: tuple, kw: dict) -> dict:
    spec = _builder(*args, **kw).to_dict()
    if _to_arrow is not None:  # convert once here instead of on every rerun
        spec["datasets"] = {
            key: _to_arrow(pd.DataFrame(rows)) for key, rows in spec.get("datasets", {}).items()
        }
    return spec


def chart(builder: Callable[..., alt.TopLevelMixin], *args: Any, **kw: Any) -> None:
    """``st.altair_chart(builder(*args, **kw))``, with the spec cached across reruns."""
    spec = _spec(builder, f"{builder.__module__}.{builder.__qualname__}", args, kw)
    st.vega_lite_chart(spec, width="stretch")
