"""Sections 1 and 2: per-sample terms and the variance_curve sweep, each against raw draws."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np

import core
from bench.measure import paired
from bench.report import Row, Target
from core import _engine
from core.estimators import ESTIMATORS
from core.numerics import CHUNK_SIZE, make_rng
from core.variance_studies import size_stream

TERMS_N = 1 << 22  # samples per per-sample-terms run
SWEEP_NS = tuple(int(n) for n in np.geomspace(10, 100_000, 10).round())  # 10 … 1e5
SWEEP_REPS = 1000


def raw_draws(kind: str, count: int, seed: int = 0) -> None:
    """Draw `count` raw variates of `kind` in chunks of CHUNK_SIZE into one reused buffer."""
    rng, buffer = make_rng(seed), np.empty(CHUNK_SIZE)
    draw = {
        "uniform": rng.random,
        "normal": rng.standard_normal,
        "exponential": rng.standard_exponential,
    }[kind]
    for start in range(0, count, CHUNK_SIZE):
        draw(out=buffer[: min(CHUNK_SIZE, count - start)])


def measure_valued_variates(count: int) -> None:
    """The raw variates one measure-valued sample consumes: one normal, two exponentials."""
    raw_draws("normal", count)
    raw_draws("exponential", 2 * count, seed=1)


def per_sample_terms(rounds: int) -> list[Row]:
    n = TERMS_N
    bandit, gaussian = core.Bandit(), core.Gaussian()
    bandit_out = np.empty((n, 1))
    gaussian_out = np.empty((n, 2), order="F")

    def uniforms():
        raw_draws("uniform", n)

    def normals():
        raw_draws("normal", n)

    def streamed(problem, out, **options):
        return lambda: core.gradient_terms(problem, n, rng=make_rng(1), out=out, **options)

    rows = [
        Row(
            "Bandit score terms stored, n = 2^22 (score_function, given out=)",
            paired(streamed(bandit, bandit_out), uniforms, rounds),
            Target("speed", 0.6),
        ),
        Row(
            "Bandit score terms, n = 2^22, result allocated by the call",
            paired(lambda: core.score_function(bandit, n, rng=make_rng(1)), uniforms, rounds),
            Target("speed", 0.6),
        ),
        Row(
            "Bandit score terms stored, leave-one-out baseline (two passes)",
            paired(streamed(bandit, bandit_out, baseline="loo"), uniforms, rounds),
            as_speed=True,
        ),
        Row(
            "Bandit fused estimate, no stored terms (u < p counted per chunk)",
            paired(
                lambda: _engine.repeated_estimates(
                    bandit, n, 1, make_rng(1), "score", None, "per_sample"
                ),
                uniforms,
                rounds,
            ),
            Target("speed", 0.85),
        ),
    ]
    for estimator in ESTIMATORS:
        rows.append(
            Row(
                f"Gaussian (square cost) {estimator} terms stored",
                paired(streamed(gaussian, gaussian_out, estimator=estimator), normals, rounds),
                Target("speed", 0.7),
            )
        )
    rows.append(
        Row(
            "Gaussian measure_valued terms vs its own variates (1 normal + 2 exponentials)",
            paired(
                streamed(gaussian, gaussian_out, estimator="measure_valued"),
                lambda: measure_valued_variates(n),
                rounds,
            ),
            Target("speed", 0.7),
        )
    )
    rows.append(
        Row(
            "Gaussian score terms, n = 2^22, result allocated by the call",
            paired(lambda: core.score_function(gaussian, n, rng=make_rng(1)), normals, rounds),
            Target("speed", 0.6),
        )
    )
    rows.extend(small_calls(rounds))
    return rows


SMALL_N = 1000
SMALL_CALLS = 200  # calls per timed round, so a round is long enough to time


def small_calls(rounds: int) -> list[Row]:
    """A call at n = 1000 against the NumPy one-liner a user would write instead."""
    bandit = core.Bandit()
    rewards, p = np.asarray(bandit.rewards), bandit.p_one
    score = np.array([-p, 1.0 - p])
    rng_ours, rng_numpy = make_rng(1), make_rng(2)

    def ours():
        for _ in range(SMALL_CALLS):
            core.score_function(bandit, SMALL_N, rng=rng_ours)

    def one_liner():
        for _ in range(SMALL_CALLS):
            arms = (rng_numpy.random(SMALL_N) < p).astype(int)
            rewards[arms] * score[arms]

    return [
        Row(
            "Bandit score_function at n = 1000 vs the NumPy one-liner "
            "rewards[a]·score[a], a = (u < p)",
            paired(ours, one_liner, rounds),
            Target("time", 2.0),
        )
    ]


def _sweep_estimates(problem, method: str) -> list[np.ndarray]:
    """What variance_curve draws, without building its table."""
    streams = [size_stream(0, n) for n in SWEEP_NS]
    plan = _engine.plan_tasks(problem, SWEEP_NS, SWEEP_REPS, streams, "score", None, method)
    return _engine.run_plan(plan)


def sweep(rounds: int, workers: int = 2) -> list[Row]:
    samples = SWEEP_REPS * sum(SWEEP_NS)
    bandit, gaussian = core.Bandit(), core.Gaussian()

    def uniforms():
        raw_draws("uniform", samples)

    def normals():
        raw_draws("normal", samples)

    def curve(problem, **options):
        return lambda: core.variance_curve(problem, SWEEP_NS, SWEEP_REPS, **options)

    rows = [
        Row(
            "Bandit, exact fast path (variance_curve, method='counts')",
            paired(curve(bandit, method="counts"), uniforms, rounds),
            Target("time", 0.01),
        ),
        Row(
            "  … its estimates alone (the engine's tasks, no DataFrame)",
            paired(lambda: _sweep_estimates(bandit, "counts"), uniforms, rounds),
            Target("time", 0.01),
        ),
        Row(
            "Bandit, per-sample path, one core",
            paired(curve(bandit, method="per_sample"), uniforms, rounds),
            Target("time", 1.2),
        ),
    ]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(abs, range(workers)))  # start the workers before timing
        rows.append(
            Row(
                f"Bandit, per-sample path, {workers} worker processes (wall clock)",
                paired(
                    curve(bandit, method="per_sample", executor=pool),
                    uniforms,
                    rounds,
                    clock="wall",
                ),
                Target("time", 0.7),
                note="raw limit here: one core drawing the uniforms, wall clock",
            )
        )
        halves = [samples // workers] * workers
        rows.append(
            Row(
                f"  control: the raw uniforms alone split over {workers} processes",
                paired(
                    lambda: list(
                        pool.map(raw_draws, ["uniform"] * workers, halves, range(workers))
                    ),
                    uniforms,
                    rounds,
                    clock="wall",
                ),
                note=f"ideal {1 / workers:g}×; more means other processes hold the cores",
            )
        )
    for estimator in ESTIMATORS:
        rows.append(
            Row(
                f"Gaussian (square cost) {estimator}, one core",
                paired(curve(gaussian, estimator=estimator), normals, rounds),
                Target("time", 1.4),
            )
        )
    rows.append(
        Row(
            "Gaussian measure_valued vs its own variates (1 normal + 2 exponentials)",
            paired(
                curve(gaussian, estimator="measure_valued"),
                lambda: measure_valued_variates(samples),
                rounds,
            ),
            Target("time", 1.4),
        )
    )
    return rows
