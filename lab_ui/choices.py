"""Widgets with options that keep the visitor's choice when their labels change.

Streamlit passes a choice between the browser and the server as the option's
*label* (what ``format_func`` printed), not as the option itself. When the labels
change — the visitor switches language, an exercise in the checklist gets its tick —
the browser still sends the old label; the server finds no such label among the new
ones and resets the widget to its first option (or a radio fails outright). That is
how "Central" became "Forward" after a switch to 简体中文.

So every widget with options stores a stable value (``"central"``, ``"steps"``,
``"rules"``), shows a translated label through ``format_func``, and is drawn by
:func:`choose`: it writes the widget's current value back into session state just
before the widget is drawn. At that moment Streamlit still reads the browser's label
with the previous run's labels, so the value is the one the visitor chose; written
back, it wins over the stale label, and Streamlit sends the browser the new label.
``tests/app/test_choices.py`` checks that no page draws such a widget any other way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from lab_ui.widget_state import hold

_UNSET = object()


def choose(
    draw: Callable[..., Any],
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    default: Any = _UNSET,
    **kwargs: Any,
) -> Any:
    """Draw ``draw(label, options, key=key, **kwargs)`` keeping its value under relabelling.

    ``draw`` is a widget function with options (``st.selectbox``, ``column.radio``,
    ``st.sidebar.radio``, ``st.select_slider``, ...). ``default`` is the value before the
    visitor chooses (None: nothing chosen yet); pass it here, not as ``index``/``value``,
    because a widget must not get both a default and a value from session state.

    Examples
    --------
    >>> choose(st.selectbox, "Scheme", ["forward", "central"], key="scheme",
    ...        format_func=str.title)  # doctest: +SKIP
    'forward'
    """
    state = st.session_state
    if key in state:
        hold(key)
    elif default is not _UNSET:
        state[key] = default
    # the labels are fixed now, in this run's language: Streamlit (and AppTest) may call
    # the format function again outside the run, where no language can be looked up
    format_func = kwargs.pop("format_func", str)
    labels = {option: str(format_func(option)) for option in options}
    return draw(label, options, key=key, format_func=labels.__getitem__, **kwargs)
