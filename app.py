"""Landing page of Score-Function Lab; the other pages live in pages/ and are found automatically."""

import streamlit as st

st.set_page_config(page_title="Score-Function Lab", layout="wide")

st.title("Score-Function Lab")
st.markdown(
    "The score-function (REINFORCE, likelihood-ratio) estimator turns the gradient of an "
    "expectation into an expectation you can sample:"
)
st.latex(
    r"\nabla_\theta\, \mathbb{E}_{x \sim p(x \mid \theta)}\big[f(x)\big]"
    r" = \mathbb{E}_{x \sim p(x \mid \theta)}\big[f(x)\, \nabla_\theta \log p(x \mid \theta)\big]"
)
st.markdown(
    r"**Why the log?** The gradient of an expectation is the gradient of a sum (or integral), "
    r"$\nabla_\theta \sum_x p(x \mid \theta) f(x) = \sum_x f(x)\, \nabla_\theta p(x \mid \theta)$, "
    r"and a sum weighted by $\nabla_\theta p$ is not an average you can estimate by drawing "
    r"samples. The identity $\nabla_\theta p = p\, \nabla_\theta \log p$ puts the weight $p$ back: "
    r"the sum becomes $\sum_x p(x \mid \theta)\, f(x)\, \nabla_\theta \log p(x \mid \theta)$, "
    r"an expectation under $p$, so drawing $x_1, \dots, x_n$ from $p$ and averaging "
    r"$f(x_i)\, \nabla_\theta \log p(x_i \mid \theta)$ gives an unbiased estimate. "
    r"It needs only samples and the score $\nabla_\theta \log p$, never the derivative of $f$."
)
