"""Values the app sets for a widget reach the browser in every run, not only in the first.

Streamlit sends a widget's value to the browser only in the run whose script set it
through ``st.session_state``; later runs carry just the widget's own default. A
browser that draws the widget after such a run -- its code still loading on a slow
machine while the visitor already typed and pressed Enter -- shows that default and
sends it back as the visitor's choice. On the tangent page a link's window [-2, 2.5]
became x min = x max = -1e6 at the next language switch. :func:`hold` writes a value
back, unchanged, before its widget is drawn, so every run carries it.
``tests/app/test_widget_delivery.py`` checks that no page leaves a value behind.
"""

from __future__ import annotations

import streamlit as st


def hold(*keys: str) -> None:
    """Set each of these widgets' values again (unchanged) so this run sends them.

    Call it before the widgets are drawn; keys not in session state are left alone.

    Examples
    --------
    >>> hold("xmin", "xmax")  # doctest: +SKIP
    """
    state = st.session_state
    for key in keys:
        if key in state:
            state[key] = state[key]
