"""The one-chart Streamlit app ``python -m bench.first_paint`` compares every page against.

A title, a text input and one 401-point Altair line: the smallest honest Streamlit
page that draws a chart. It is served by ``streamlit run`` with the repository's
``.streamlit/config.toml``, exactly as the app is, and loaded in the same browser.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

st.title("Reference")
a = st.text_input("a", value="1.0", key="a", max_chars=20)
try:
    scale = float(a)
except ValueError:
    scale = 1.0
xs = np.linspace(-3.0, 3.0, 401)
data = pd.DataFrame({"x": xs, "y": scale * np.sin(xs) * xs**2})
st.altair_chart(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"), width="stretch")
