"""A bare Streamlit page with the element kinds of a typical first screen of the app, and
nothing of the app: no navigation, no page header, no computation, no cache.

bench/browser.py serves it beside the app (the same Streamlit, config and browser) and times
its first screen as it times the app's pages: it is the floor a page's first screen cannot go
below on this machine with this frontend, since every element kind here loads and draws its
own part of Streamlit's JavaScript (number box, slider, metric, KaTeX, Arrow and Vega's
embed). A page's figure over the floor's is what the app itself adds. Its slider moves the
chart's curve: a sidebar control's whole rerun that redraws one chart.

Run by `streamlit run bench/floor_page.py`; not a page of the app.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

with st.sidebar:
    st.header("Problem")
    st.number_input("parameter θ", value=0.0, step=0.1)
    st.number_input("reward r(1)", value=10.0)
    st.number_input("reward r(0)", value=5.0)
    st.header("Sampling")
    st.number_input("samples n", value=1000, step=100)
    shift = st.slider("shift of the curve", -2.0, 2.0, 0.0, 0.1)
    st.caption("Every number on the page is checked against its exact value.")

st.title("A first screen, bare")
st.markdown(
    "For x ~ p(x|θ), the gradient of E[f(x)] is E[f(x) ∇θ log p(x|θ)]: the score function "
    "estimator averages f(x) times the score over samples. It is unbiased and noisy."
)
st.header("1 · The derivation")
st.latex(
    r"\nabla_\theta \mathbb{E}[f(x)] = \mathbb{E}\big[f(x)\,\nabla_\theta \log p(x\mid\theta)\big]"
)
for column, (label, value) in zip(
    st.columns(3), (("exact ∇J", "1.2500"), ("estimate", "1.2391"), ("gap", "0.4 SE")), strict=True
):
    column.metric(label, value)
theta = np.linspace(-4.0, 4.0, 81)
curve = pd.DataFrame({"θ": theta, "J(θ)": 5.0 + 5.0 / (1.0 + np.exp(shift - theta))})
chart = alt.Chart(curve).mark_line().encode(x="θ", y="J(θ)", tooltip=["θ", "J(θ)"])
st.vega_lite_chart(chart.to_dict(), width="stretch")  # as ui.cache.show_chart draws a chart
st.table(pd.DataFrame({"draw": [1, 2, 3], "action": [1, 0, 1], "term": [5.0, -2.5, 5.0]}))
