"""Page 3: how the variance of a gradient estimate falls with the number of samples N."""

import pandas as pd
import streamlit as st

from core.calls import Call, Name
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.cache import show_chart
from ui.controls import (
    LARGEST_N,
    SWEEP_REPETITIONS,
    estimator_controls,
    parameter_input,
    problem_help,
    problem_selector,
    sample_size_controls,
    seed_input,
    target_error_input,
    work_budget,
)
from ui.deferred import below_first_screen
from ui.exports import export
from ui.guard import guarded_fragment
from ui.layout import page_header, show_input_error, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

page_header(
    "Variance vs sample count",
    "A gradient estimate from N samples is unbiased, but noisy: its variance is σ²/N, with σ² "
    "the variance of one sample's term. Here each N is repeated many times, the spread of the "
    "estimates is measured, and the measured variance is laid over the exact σ²/N on log-log "
    "axes — a line of slope −1. Choose the problem, the estimator(s) and a baseline.",
)
snapshot = link_snapshot()

with st.sidebar:
    st.header("Problem")
    choice = problem_selector(help=problem_help())
    if choice.note:
        st.caption(choice.note)
    st.header("Estimator")
    estimators = estimator_controls(choice.name)
    st.header("Sample sizes")
    smallest, largest, points, reps = sample_size_controls()
    seed = seed_input()

# Every bound widget exists now: name the link values that could not be used, before any stop.
notice_rejected_link_values(snapshot)
problem = choice.problem_or_stop("Reset the problem's controls to their defaults.")


def sizes(smallest: int, largest: int, points: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The sweep's sizes N and the few N of the spread chart (the first, middle and last)."""
    ns = cache.compute(
        Call.of("variance_studies.log_spaced_sizes", None, smallest, max(largest, smallest), points)
    )
    return ns, tuple(dict.fromkeys((ns[0], ns[len(ns) // 2], ns[-1])))


def sweep_work(values) -> int:
    """Samples drawn: every N of the sweep and of the spread chart, reps times, per estimator."""
    ns, spread = sizes(smallest, values["nmax"], values["points"])
    return work_of(ns + spread, values["reps"]) * len(estimators)


with stop_on_input_error("Choose a largest N at least as large as the smallest N."):
    ns, spread_ns = sizes(smallest, largest, points)
work_budget(
    sweep_work,
    [
        Setting("reps", reps, SWEEP_REPETITIONS, "{:,} repetitions per N"),
        Setting("nmax", largest, LARGEST_N, "largest N = {:,}"),
        Setting("points", points, range(2, points), "{} sizes"),
    ],
    "lower the repetitions per N, the largest N or the number of sizes, or compare fewer "
    "estimators.",
)
st.sidebar.caption(f"N = {', '.join(f'{n:,}' for n in ns)}")


# --- run the sweep, one N at a time ---------------------------------------------------------------
sweeps = {
    e: Call.of("variance_curve", problem, ns=ns, reps=reps, estimator=e, baseline=b, seed=seed)
    for e, b in estimators.items()
}
curve, unavailable = cache.sweep_curves(sweeps, "ns", ns)
for estimator, reason in unavailable.items():
    show_input_error(
        ValueError(f"{estimator}: {reason}"),
        "Pick another estimator or baseline (leave-one-out needs smallest N ≥ 2; the pathwise "
        "gradient needs a differentiable cost).",
    )
if curve is None:
    st.stop()
shown = [e for e in estimators if e not in unavailable]
curve_call = Call.of("pandas.concat", None, tuple(Name(e) for e in shown), ignore_index=True)
fits_call = Call.of("comparisons.variance_slope_fits", None, Name("curve"))
fits = fits_call.run(names={"curve": curve})

# --- 1. the log-log chart -----------------------------------------------------------------------
st.header("1 · Var[ĝ_N] against N")
fitted = fits.dropna(subset=["slope"])
if fitted.empty:
    st.info(
        "The variance is exactly zero at every N — e.g. the optimal baseline on the two-armed "
        "bandit makes every term equal ∇J — so there is nothing to draw on a log scale."
    )
else:
    show_chart("variance_vs_n_chart", curve, fitted)
    st.caption(
        "Solid line: the exact variance Var[ĝ_N] — σ²/N, or, for the batch-mean and "
        "leave-one-out baselines, whose terms share samples with each other, its exact value "
        "from the sum over every pair of samples. Points: variance of the "
        f"{reps:,} estimates at each N, with ±2 SE bars. Dashed: weighted least-squares fit."
    )

# --- 2. slope, variance and mean checks ----------------------------------------------------------
st.header("2 · The fitted slope and every point, checked")
tables.slope_fits(fits)
tables.sweep_points(curve)
export(
    curve, "variance_vs_n.csv",
    [*((e, sweeps[e]) for e in shown), ("curve", curve_call), ("fits", fits_call)],
    "variance_curve", key="export-curve",
)  # fmt: skip

# --- 3. the spread of the estimates ---------------------------------------------------------------
st.header("3 · The spread of the estimates at a few N")
spreads = [
    sweeps[e].with_keywords(ns=(n,), return_estimates=True) for e in shown for n in spread_ns
]


@guarded_fragment
def spread_section() -> None:
    """Section 3 with its own control, whose parameter it shows: changing it reruns only this
    section (the estimates are the sweep's, already drawn)."""
    with st.columns([1, 2])[0]:
        spread_param = parameter_input(
            problem, None, "parameter in the spread chart", "param",
            help="Whose individual estimates this section shows.",
        )  # fmt: skip
    notice_rejected_link_values(snapshot, ("param",))
    estimates = pd.concat([cache.compute(call)[1] for call in spreads], ignore_index=True)
    show_chart("spread_chart", estimates[estimates["param"] == spread_param],
               value_title=f"ĝ_N of ∂J/∂{spread_param}")  # fmt: skip
    st.caption(
        f"Each dot: one of the {reps:,} N-sample estimates ĝ_N of ∂J/∂{spread_param} "
        "(gradient units) at that N — the draws behind that N's point above, jittered sideways. "
        "Black tick: the exact gradient; black bar: exact ±2 SE. A 100-fold increase in N "
        "narrows the spread 10-fold."
    )


# --- 4. how many samples for a target -----------------------------------------------------------
@guarded_fragment
def samples_needed_section() -> None:
    """Section 4 with its own control, the target error: changing it reruns only this section
    (exact values: no sampling)."""
    heading = st.empty()
    with st.columns([1, 2])[0]:
        target = target_error_input()
    notice_rejected_link_values(snapshot, ("target",))
    heading.header(f"4 · How many samples for a {target:.1%} relative error?")
    needs = {
        e: Call.of("samples_needed", problem, target, estimator=e, baseline=estimators[e])
        for e in shown
    }
    needed = cache.labelled_tables(tuple(needs.items()), column="estimator")
    first, baseline_first = shown[0], estimators[shown[0]]
    variance = cache.compute(Call.of("exact.iid_term_variance", problem, first, baseline_first))
    tables.samples_needed(needed, target, None if variance is None else variance[0], first)
    export(needed, "samples_needed.csv", list(needs.items()), "samples_needed",
           key="export-needed")  # fmt: skip


below_first_screen(spread_section, samples_needed_section)

what_to_notice(
    "Slope −1: ten times the samples buys √10 ≈ 3.2 times less spread. Halving the error "
    "costs four times the samples — the reason score-function gradients feel slow.",
    "A baseline moves the whole line down (smaller σ²) without changing its slope — except "
    "on the two-armed bandit, where the leave-one-out baseline removes the 1/N term entirely "
    "and the variance falls like 1/N² (the exact slope column shows it).",
    "With few repetitions the measured variance itself is noisy: its ±2 SE bars are honest, "
    "and the checks account for them.",
)
