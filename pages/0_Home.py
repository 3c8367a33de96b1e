"""Landing page of Score-Function Lab: the trick, why the log, and a map of the pages.

The map is drawn from ui.navigation's page table, the one the sidebar is drawn from.
"""

import streamlit as st

from ui.layout import page_header
from ui.navigation import HOME, existing_pages, streamlit_page

page_header(
    "Score-Function Lab",
    "A place to **see** the log-derivative trick work: derived, checked against exact truth, "
    "and measured. Every Monte Carlo number in this app sits beside its exact value, with a "
    "pass/fail check at a stated tolerance.",
)

st.header("The trick in one line")
st.latex(
    r"\begin{aligned}"
    r"\nabla_\theta\, \mathbb{E}_{x \sim p(x\mid\theta)}\big[f(x)\big]"
    r" = \mathbb{E}_{x \sim p(x\mid\theta)}\big[f(x)\, \nabla_\theta \log p(x\mid\theta)\big]"
    r"\end{aligned}"
)

st.header("Why the log?")
st.markdown(
    r"The gradient of an expectation is the gradient of a sum (or an integral) over outcomes, "
    r"and differentiating it leaves $\nabla_\theta p$ where the weights $p$ used to be: a sum "
    r"you cannot estimate by sampling. The identity $\nabla_\theta p = p\,\nabla_\theta \log p$ "
    r"puts the weight $p$ back, so the gradient becomes an **expectation you can sample**:"
)
st.latex(
    r"\begin{aligned}"
    r"\nabla_\theta\, \mathbb{E}[f] &= \nabla_\theta \int p(x\mid\theta)\, f(x)\, dx"
    r" = \int f(x)\, \nabla_\theta p(x\mid\theta)\, dx"
    r" && \text{differentiate under the integral} \\"
    r"&= \int p(x\mid\theta)\, f(x)\, \nabla_\theta \log p(x\mid\theta)\, dx"
    r" && \nabla p = p\, \nabla \log p \\"
    r"&\approx \frac{1}{N} \sum_{i=1}^{N} f(x_i)\, \nabla_\theta \log p(x_i\mid\theta),"
    r" \quad x_i \sim p(x\mid\theta)"
    r" && \text{an unbiased Monte Carlo estimate}"
    r"\end{aligned}"
)
st.markdown(
    "It needs samples and the **score** ∇θ log p(x|θ), never the derivative of f — so f may be "
    "a black box, discrete, or a step. The price is noise: the estimate is unbiased, but its "
    "variance falls only like 1/N, and much of this app is about seeing and cutting it."
)

st.header("Map of the pages")
section = None
for page in existing_pages():
    if page is HOME:
        continue
    if page.section != section:
        section = page.section
        st.subheader(section)
    link_col, text_col = st.columns([1, 2], vertical_alignment="center")
    with link_col:
        st.page_link(streamlit_page(page), label=page.title, icon=page.icon)
    with text_col:
        st.markdown(page.description)

st.caption(
    "Tip: every control is in the page's URL, so a copied link reproduces the view — seed "
    "included — and every result has a CSV download and the exact `core` calls that made it."
)
