"""Page 7: a study table from `python -m core study` read back and drawn, Monte Carlo beside exact."""

from pathlib import Path

import streamlit as st

from core.calls import Call, Name
from ui import cache
from ui.cache import show_chart
from ui.controls import URL
from ui.layout import page_header, show_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

EXAMPLE = Path(__file__).resolve().parents[1] / "studies" / "example.toml"
SHOWN_COLUMNS = [
    "n", "param", "estimator", "mean", "exact_mean", "mean_standard_error", "variance",
    "exact_variance", "distance_se", "passed",
]  # fmt: skip

page_header(
    "Study tables",
    "A study grid — problems × parameter values × estimators × baselines × sample sizes — run "
    "from the command line (`python -m core study FILE.toml`, on this machine, on local worker "
    "processes or on a Dask cluster) writes one table, Parquet and CSV. Upload it here to see "
    "each setting's variance curves drawn as on the variance page, Monte Carlo beside exact.",
)
snapshot = link_snapshot()

upload = st.file_uploader(
    "A study table: the .parquet or .csv file `python -m core study` wrote",
    type=["parquet", "csv"],
)
if upload is None:
    st.caption(
        "No table uploaded: showing the example grid `studies/example.toml`, computed here — "
        "the table `python -m core study studies/example.toml` writes."
    )
    table = cache.compute(Call.of("study_grid.grid_table", None, str(EXAMPLE)))
else:
    try:
        table = Call.of("study_grid.table_from_bytes", None, upload.getvalue(), upload.name).run()
    except ValueError as error:
        show_input_error(error, "Upload the .parquet or .csv file of `python -m core study`.")
        st.stop()

passed, rows = int(table["passed"].sum()), len(table)
cells = table["cell"].nunique()
summary = f"{cells} cells, {rows} rows: {passed} of {rows} means within their check"
(st.success if passed == rows else st.warning)(summary)

labels = {
    f"{problem} · {setting}": representation
    for problem, setting, representation in table[["problem", "setting", "problem_repr"]]
    .drop_duplicates()
    .itertuples(index=False)
}
with st.sidebar:
    st.header("Setting")
    label = st.selectbox(
        "Problem setting", list(labels), key="setting", bind=URL, help="one row of the grid"
    )
    chosen = labels[label]
    reps_offered = sorted(
        int(r) for r in table.loc[table["problem_repr"] == chosen, "reps"].unique()
    )
    reps = st.selectbox("Repetitions", reps_offered, key="reps", bind=URL)
notice_rejected_link_values(snapshot)

st.header(f"Var[ĝ_N] against N · {label}")
st.caption(f"`{chosen}`, {reps:,} repetitions per N")
curve_call = Call.of("study_grid.setting_curves", None, Name("table"), chosen, reps)
curve = curve_call.run(names={"table": table})
fits = Call.of("comparisons.variance_slope_fits", None, Name("curve")).run(names={"curve": curve})
fitted = fits.dropna(subset=["slope"]) if "slope" in fits else fits.iloc[0:0]
if fitted.empty:
    st.info(
        "The variance is exactly zero at every N here, so there is nothing to draw on a log scale."
    )
else:
    show_chart("variance_vs_n_chart", curve, fitted)
    st.caption(
        "Solid line: exact Var[ĝ_N]. Points: the study's Monte Carlo variance at each N with "
        "±2 SE bars. Dashed: weighted least-squares fit. One colour per estimator and baseline."
    )
st.dataframe(
    curve[SHOWN_COLUMNS],
    hide_index=True,
    column_config={
        name: st.column_config.NumberColumn(format="%.4g")
        for name in SHOWN_COLUMNS
        if curve[name].dtype.kind == "f"
    },
)

what_to_notice(
    "Every row is reproducible on its own: a cell's numbers depend on its setting and the "
    "grid's seed alone, not on where the cell ran or in which order.",
    "The check column compares each Monte Carlo mean with its exact value in standard errors; "
    "a failed check in a large grid is expected now and then (about 6 in 100,000 at 4 SE).",
)
