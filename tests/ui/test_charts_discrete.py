"""The discrete estimators' charts build valid Vega-Lite specs from core's sweeps, with the
points a log axis can show."""

import core
from core.discrete_estimators import discrete_theta_sweep, relaxation_temperature_sweep
from ui.charts import temperature_chart, theta_variance_chart, trap_chart


def test_theta_chart_keeps_zero_variances_off_its_log_axis_and_bands_above_zero():
    sweep = discrete_theta_sweep(core.BernoulliUnits(), [-1.0, 0.0, 1.0], n=200)
    spec = theta_variance_chart(sweep, 0.0).to_dict()  # validated against the schema
    lines, _, points, bars = spec["layer"]
    datasets = spec["datasets"]
    line_rows = datasets[lines["data"]["name"]]
    assert all(row["variance_x_evaluations"] > 0 for row in line_rows)
    # b* is zero everywhere on a binary choice: off the axis.
    assert "score function, b*" not in {row["label"] for row in line_rows}
    assert all(row["low"] > 0 for row in datasets[bars["data"]["name"]])


def test_temperature_and_trap_charts_build():
    sweep = relaxation_temperature_sweep(core.BernoulliUnits(), [0.2, 1.0], n=200)
    for quantity in ("bias", "variance"):
        spec = temperature_chart(sweep, quantity, 0.5).to_dict()
        assert spec["layer"][0]["encoding"]["x"]["scale"] == {"type": "log"}
    theta = discrete_theta_sweep(core.BernoulliUnits(), [-1.0, 0.0, 1.0])
    spec = trap_chart(theta, 0.0).to_dict()
    labels = {row["label"] for row in spec["datasets"][spec["layer"][0]["data"]["name"]]}
    assert labels == {"exact gradient ∇J", "antithetic + leave-one-out"}
