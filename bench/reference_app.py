"""The one-widget reference app the bench compares every page against.

One text input, a sympy derivative, ``st.latex`` and a 400-point Altair chart,
with no caching: the smallest honest page of this kind (GUIDE.md measured a warm
rerun of such a page at ~25 ms). The bench reruns it in the same process and the
same rounds as the real pages, so the page/reference ratio cancels most of the
noise of a shared machine. Input goes through our own parser, never ``sympify``.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import sympy as sp

from calc_core.errors import InputError
from calc_core.numeric import compile_expr
from calc_core.parser import parse, symbol

text = st.text_input("f(x)", value="3x^2 - 4x", key="f", max_chars=200)
try:
    expr = parse(text)
except InputError as err:
    st.error(err.message)
    st.stop()
derivative = sp.diff(expr, symbol("x"))
st.latex(rf"f(x) = {sp.latex(expr)} \qquad f'(x) = {sp.latex(derivative)}")
xs = np.linspace(-3.0, 3.0, 400)
ys = compile_expr(expr, ("x",))(xs)
data = pd.DataFrame({"x": xs, "y": np.where(np.isfinite(ys), ys, np.nan)})
chart = alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q")
st.altair_chart(chart, width="stretch")
