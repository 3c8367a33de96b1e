"""The public face: a small `core.__all__`, a cheap `import core`, and today's numbers kept.

The pinned numbers were produced by `core.variance_sweep`, `core.sweep_estimates` and
`core.baseline_comparison` before the engine was rewritten (commit f09ef74); `variance_curve`
took over variance_sweep's seeding, so the same call must give the same bits. The bits are those
of the pinned floating-point code path (scripts/reproducible_floats.py): on it, one variance of
the episodes sweep reads 0.025048363179045456, where the machine that first wrote these numbers
(numpy's AVX-512 loops, OpenBLAS's SkylakeX kernels) gave 0.02504836317904546, one unit in the
last place.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import core

PINNED_SWEEPS = [
    (
        core.Bandit(0.3, (5.0, 10.0)),
        [10, 100, 1000],
        50,
        "score",
        None,
        [1.1336039437009433, 1.1820728981293471, 1.2178543909573742],
        [0.9930891332938687, 0.12393188340399826, 0.012671663887925476],
    ),
    (
        core.Bandit(0.3, (5.0, 10.0)),
        [10, 100, 1000],
        50,
        "score",
        "loo",
        [1.261111111111111, 1.2266464646464648, 1.2227536536536538],
        [0.026108591584782095, 0.0016988953646962306, 0.00014616920110034683],
    ),
    (
        core.Gaussian(0.7, 1.3, "square", 0.5),
        [10, 300],
        30,
        "score",
        "loo",
        [-0.1811458289625189, 3.13848772408396, 0.4016712866443737, 2.7084758007251555],
        [2.168976896872863, 10.175634945672924, 0.0513790699834535, 0.20465751718168454],
    ),
    (
        core.Gaussian(0.7, 1.3, "square", 0.5),
        [10, 300],
        30,
        "measure_valued",
        None,
        [0.4067659878945955, 2.6098521406927704, 0.4027906186126811, 2.5999823605183106],
        [0.003628951947289393, 0.5067900537523182, 0.00010954528565246687, 0.02250216373920926],
    ),
    (
        core.Gaussian(0.6, 0.8, "cos", 1.5),
        [10, 300],
        30,
        "pathwise",
        None,
        [-0.5463344307653606, -0.5666144922510857, -0.5678694709105142, -0.5467768359176388],
        [0.07271493134252716, 0.0675552040120982, 0.00273386108042417, 0.0024154231606385063],
    ),
    (
        core.Episodes(4, (0.2, -0.4, 0.5), (0.0, 0.5, 1.0), "reward_to_go"),
        [10, 200],
        40,
        "score",
        "loo",
        [0.33702854320037556, 0.4356554416978119, 0.0877151039257846]
        + [0.42765252180723135, 0.4350959565719088, 0.07622656388117262],
        [0.07681498935918278, 0.025048363179045456, 0.00962702866830279]
        + [0.003045100981941243, 0.0007290966458978736, 0.00017300432931996291],
    ),
    (
        core.LinearGaussianPolicy((0.6, 0.3), (1.0, 0.5), 0.5),
        [10, 100],
        30,
        "score",
        None,
        [0.6101865014090216, 0.39650054807344287, 0.8124447573937517, 0.4296731880479429],
        [0.47553255005530937, 0.4108549568736811, 0.11749962106084272, 0.10029747660297149],
    ),
]


@pytest.mark.parametrize(
    "problem, ns, reps, estimator, baseline, means, variances",
    PINNED_SWEEPS,
    ids=lambda value: None,
)
def test_variance_curve_gives_the_bits_variance_sweep_gave(
    problem, ns, reps, estimator, baseline, means, variances
):
    table = core.variance_curve(problem, ns, reps, seed=5, estimator=estimator, baseline=baseline)
    assert table["mean"].tolist() == means
    assert table["variance"].tolist() == variances


def test_returned_estimates_are_the_bits_sweep_estimates_gave():
    problem = core.Gaussian(0.6, 0.8, "cos", 1.5)
    _, estimates = core.variance_curve(
        problem, [300], 30, seed=5, estimator="measure_valued", return_estimates=True
    )
    first = estimates["estimate"].tolist()[:3]
    assert first == [-0.571418594944195, -0.5867015042579935, -0.5803577859213763]
    assert list(estimates.columns) == [
        "n",
        "repetition",
        "param",
        "estimate",
        "exact_gradient",
        "exact_mean",
        "exact_standard_error",
        "estimator",
        "baseline",
    ]


def test_baseline_comparison_keeps_its_monte_carlo_numbers():
    table = core.baseline_comparison(core.Bandit(0.3, (5.0, 10.0)), 20, 40, constant=1.5, seed=3)
    assert table["mean"].tolist()[:4] == [
        0.9500634177404444,
        1.0988037384669855,
        1.1421875,
        1.2226973684210527,
    ]
    assert table["variance"].tolist()[:4] == [
        0.43632354025914477,
        0.24342767594640483,
        0.02109525240384616,
        0.016659452908587256,
    ]


def test_the_public_api_is_small_and_every_name_resolves():
    assert len(core.__all__) <= 30
    assert len(set(core.__all__)) == len(core.__all__)
    for name in core.__all__:
        assert getattr(core, name) is not None, name
    for constant in ("ESTIMATORS", "BASELINES", "CREDITS", "COSTS", "MAX_HORIZON"):
        assert constant not in core.__all__ and getattr(core, constant)
    with pytest.raises(AttributeError, match="no attribute 'variance_sweep'"):
        core.variance_sweep  # noqa: B018 — removed: variance_curve is the one sweep


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="."
    )
    return set(result.stdout.split())


def test_import_core_a_bandit_and_a_gaussian_load_neither_pandas_nor_scipy():
    """`import core` costs about `import numpy`: the heavy libraries load with the studies and
    the Gaussian's exact values that need special functions or quadrature, not at start-up, not
    to build a problem or draw its terms, and not for a polynomial cost's exact values."""
    for statement in (
        "import core",
        "import core; core.Bandit(); core.Gaussian()",
        "import core; from core.numerics import make_rng; "
        "core.score_function(core.Bandit(), 10, rng=make_rng(0))",
        "import core; from core.numerics import make_rng; g = core.Gaussian(cost='bump'); "
        "core.gradient_terms(g, 10, rng=make_rng(0)); "
        "core.gradient_terms(g, 10, rng=make_rng(0), estimator='measure_valued')",
        "import core; core.per_sample_variance(core.Gaussian(), 'measure_valued')",
    ):
        loaded = _modules_after(statement)
        assert "pandas" not in loaded and "scipy" not in loaded, statement
    assert "scipy" in _modules_after("import core; core.Gaussian(cost='step').expected_value()")
    assert "pandas" in _modules_after("import core; core.variance_curve")
    # a submodule is imported when first named, as if core had imported it at start-up
    assert "core.expressions" in _modules_after("import core; core.expressions.MAX_LENGTH")


def test_numbers_of_a_study_are_the_same_in_a_fresh_interpreter():
    """Lazy imports change nothing: a fresh process gives this process's numbers."""
    code = (
        "import core; t = core.variance_curve(core.Bandit(0.2), [7, 70], 20, seed=1);"
        "print(repr(t['variance'].tolist()))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    here = core.variance_curve(core.Bandit(0.2), [7, 70], 20, seed=1)["variance"].tolist()
    assert result.stdout.strip() == repr(here)
    assert np.all(np.isfinite(here))
