"""Exact values of the linear Gaussian policy and of Episodes keep ~1e-7 relative accuracy (issue 9).

References by routes independent of core's: for the policy, exact rational arithmetic on the
polynomials in (ε, s_1, …, s_d) that every quantity is (Isserlis' moments E[z^{2k}] = (2k − 1)!!);
for Episodes, 60-digit mpmath enumeration of the 2^T action sequences from θ and the rewards,
with the batch-mean estimate's variance summed over every n-tuple of episodes for small n.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest

import core

RELATIVE = 1e-7


def _relative_errors(values, references) -> list[float]:
    return [
        float(abs(Fraction(float(v)) - Fraction(r)) / abs(Fraction(r))) if r else abs(float(v))
        for v, r in zip(np.atleast_1d(values), references, strict=True)
    ]


# -- the linear Gaussian policy, in exact rationals ------------------------------------------------
def _multiply(p: dict, q: dict) -> dict:
    out: dict = {}
    for powers_p, cp in p.items():
        for powers_q, cq in q.items():
            key = tuple(a + b for a, b in zip(powers_p, powers_q, strict=True))
            out[key] = out.get(key, 0) + cp * cq
    return out


def _add(*polynomials: dict) -> dict:
    out: dict = {}
    for p in polynomials:
        for key, c in p.items():
            out[key] = out.get(key, 0) + c
    return out


def _expect(p: dict, variances) -> Fraction:
    """E[p] for independent centred Gaussians with these (rational) variances."""
    total = Fraction(0)
    for powers, c in p.items():
        if any(k % 2 for k in powers):
            continue
        total += c * math.prod(
            math.prod(range(k - 1, 0, -2)) * v ** (k // 2)
            for k, v in zip(powers, variances, strict=True)
        )
    return total


def policy_reference(weights, target, sigma):
    """Var[(r − b_j) S_j − g_j], b*, Var[r] and the pathwise variances, exactly."""
    d = len(weights)
    offset = [Fraction(w) - Fraction(t) for w, t in zip(weights, target, strict=True)]
    variances = [Fraction(sigma) ** 2] + [Fraction(1)] * d  # ε, then s_1 … s_d

    def variable(i, c=1):
        return {tuple(int(k == i) for k in range(d + 1)): Fraction(c)}

    def constant(c):
        return {(0,) * (d + 1): Fraction(c)}

    residual = _add(variable(0), *[variable(i + 1, offset[i]) for i in range(d)])  # a − w*ᵀs
    reward = _multiply(constant(-1), _multiply(residual, residual))
    mean = _expect(reward, variances)
    scores = [_multiply(variable(0, 1 / variances[0]), variable(j + 1)) for j in range(d)]
    gradient = [-2 * delta for delta in offset]

    def square_mean(p):
        return _expect(_multiply(p, p), variances)

    def score_variance(b):
        return [
            square_mean(
                _add(_multiply(_add(reward, constant(-b[j])), scores[j]), constant(-gradient[j]))
            )
            for j in range(d)
        ]

    optimal = [
        _expect(_multiply(reward, _multiply(s, s)), variances) / square_mean(s) for s in scores
    ]
    pathwise = [
        square_mean(
            _add(
                _multiply(constant(-2), _multiply(residual, variable(j + 1))),
                constant(-gradient[j]),
            )
        )
        for j in range(d)
    ]
    return {
        "mean": mean,
        "optimal": optimal,
        "score_variance": score_variance,
        "reward_variance": square_mean(_add(reward, constant(-mean))),
        "pathwise": pathwise,
        "s2": [1 / variances[0]] * d,
    }


POLICIES = [
    # (weights, target, σ): the target 1e4 and 1e6 from the weights, σ at the accepted extremes
    ((0.0, 0.0), (1e4, -0.5), 1.0),
    ((0.5, 0.0), (1e4, 0.0), 1e3),
    ((0.0, 0.0), (1e4, 1e4), 1e-3),
    ((0.0,), (1e6,), 1.0),
    ((-1.0, -1000.0), (1e4, 1.0), 1e-3),
    ((0.6, 0.3, -0.2), (1.0, 0.5, 0.25), 0.5),
]


@pytest.mark.parametrize("weights, target, sigma", POLICIES)
def test_every_policy_variance_matches_exact_rational_arithmetic(weights, target, sigma):
    """Score variances (b = 0, a constant, E[r], b*), b*, Var[r] and the pathwise variance.

    At b* the double nearest b* is ulp(b*)/2 from it and Var moves by up to E[S_j²] ulp(b*)²:
    that is its floor (see test_precision.py)."""
    problem = core.LinearGaussianPolicy(weights, target, sigma)
    ref = policy_reference(weights, target, sigma)
    d = len(weights)
    for baseline, b in ((None, [0] * d), (3.0, [3] * d), (-1e8, [Fraction(-1e8)] * d)):
        errors = _relative_errors(
            core.per_sample_variance(problem, "score", baseline), ref["score_variance"](b)
        )
        assert max(errors) <= RELATIVE, (baseline, errors)
    errors = _relative_errors(
        core.per_sample_variance(problem, "score", "mean"), ref["score_variance"]([ref["mean"]] * d)
    )
    assert max(errors) <= RELATIVE, ("mean", errors)
    assert max(_relative_errors(problem.optimal_baseline(), ref["optimal"])) <= RELATIVE
    optimal = core.per_sample_variance(problem, "score", "optimal")
    exact = ref["score_variance"](ref["optimal"])
    for j in range(d):
        floor = ref["s2"][j] * Fraction(float(np.spacing(float(ref["optimal"][j])))) ** 2
        assert abs(Fraction(float(optimal[j])) - exact[j]) <= RELATIVE * exact[j] + floor
    assert max(_relative_errors([problem.reward_variance()], [ref["reward_variance"]])) <= RELATIVE
    pathwise = core.per_sample_variance(problem, "pathwise")
    assert max(_relative_errors(pathwise, ref["pathwise"])) <= RELATIVE


# -- Episodes: the batch-mean estimate ------------------------------------------------------------
DIGITS = 60


def episode_rows(horizon, theta, rewards):
    """(p, A, S, R) of every action sequence, reward-to-go credit, in mpmath from the definitions."""
    right = [1 / (1 + mp.exp(-mp.mpf(t))) for t in theta]
    size = len(theta)
    rows = []
    for actions in itertools.product((0, 1), repeat=horizon):
        positions = [0]
        for a in actions:
            positions.append(min(max(positions[-1] + (1 if a else -1), 0), size - 1))
        probability, steps, earned = mp.mpf(1), [], []
        for t, a in enumerate(actions):
            q = right[positions[t]]
            probability *= q if a else 1 - q
            steps.append(a - q)
            earned.append(mp.mpf(rewards[positions[t + 1]]))
        to_go = [mp.fsum(earned[t:]) for t in range(horizon)]

        credited = _per_position(
            [g * s for g, s in zip(to_go, steps, strict=True)], positions, size
        )
        rows.append((probability, credited, _per_position(steps, positions, size), to_go[0]))
    return rows


def _per_position(values, positions, size):
    """Σ of step values per chain position (the step taken there)."""
    return [
        mp.fsum(v for v, at in zip(values, positions[:-1], strict=True) if at == s)
        for s in range(size)
    ]


def batch_mean_variance_by_enumeration(rows, n):
    """Var of (1/n) Σ_i (A_i − f̄ S_i) summed over all K^n tuples of episodes."""
    d = len(rows[0][1])
    first, second = [mp.mpf(0)] * d, [mp.mpf(0)] * d
    for draw in itertools.product(rows, repeat=n):
        weight = mp.fprod(row[0] for row in draw)
        mean_f = mp.fsum(row[3] for row in draw) / n
        for j in range(d):
            estimate = mp.fsum(row[1][j] - mean_f * row[2][j] for row in draw) / n
            first[j] += weight * estimate
            second[j] += weight * estimate**2
    return [second[j] - first[j] ** 2 for j in range(d)]


def batch_mean_variance_raw(rows, n):
    """shrink² Var[RLOO] + Var[D]/n³ + 2 shrink Cov[A − E[f] S, D]/n², from raw moments."""
    d = len(rows[0][1])

    def expect(h):
        return mp.fsum(p * h(a, s, f) for p, a, s, f in rows)

    mu = expect(lambda a, s, f: f)
    mu_f2 = expect(lambda a, s, f: f * f)
    shrink = mp.mpf(n - 1) / n
    out = []
    for j in range(d):
        g = expect(lambda a, s, f, j=j: a[j])
        a2 = expect(lambda a, s, f, j=j: a[j] ** 2)
        a_s = expect(lambda a, s, f, j=j: a[j] * s[j])
        s2 = expect(lambda a, s, f, j=j: s[j] ** 2)
        f_s = expect(lambda a, s, f, j=j: f * s[j])
        f_s2 = expect(lambda a, s, f, j=j: f * s[j] ** 2)
        a_fs = expect(lambda a, s, f, j=j: a[j] * f * s[j])
        fs_sq = expect(lambda a, s, f, j=j: (f * s[j]) ** 2)
        zeta_1 = (a2 - 2 * mu * a_s + mu**2 * s2 - g**2) / 4
        zeta_2 = (a2 - 2 * mu * a_s + mu_f2 * s2 + f_s**2 - g**2) / 2
        loo = (4 * (n - 2) * zeta_1 + 2 * zeta_2) / (n * (n - 1))
        mean_d = g - f_s
        var_d = a2 - 2 * a_fs + fs_sq - mean_d**2
        cov = a2 - a_fs - mu * a_s + mu * f_s2 - g * mean_d
        out.append(shrink**2 * loo + var_d / n**3 + 2 * shrink * cov / n**2)
    return out


EPISODES = [
    # a nearly certain first step (1 − σ(θ_0) = e^{−22}, e^{−28}): the raw Var[D], Cov lose digits
    (2, (22.0, -10.0), (1.0, 1.0)),
    (2, (28.0, -10.0), (1.0, 1.0)),
    (2, (20.0, -10.0), (1e8 + 1e3, 1e8 + 1e3)),
    (3, (0.2, -0.4, 0.5), (0.0, 0.5, 1.0)),
]


@pytest.mark.parametrize("horizon, theta, rewards", EPISODES)
def test_batch_mean_variance_of_episodes_matches_sixty_digit_enumeration(horizon, theta, rewards):
    """For n = 2, 3 against the variance summed over every n-tuple of episodes (independent of
    the Hoeffding decomposition), for n = 10, 1000 against that decomposition in raw 60-digit
    moments. (At θ_0 = 28 the double σ(θ_0) holds 1 − σ(θ_0) ≈ 7e-13 to within a rounding of
    1, a relative 1e-4 that reaches these variances as ~1e-10: inside 1e-7.)"""
    problem = core.Episodes(horizon, theta, rewards, "reward_to_go")
    with mp.workdps(DIGITS):
        rows = episode_rows(horizon, theta, rewards)
        for n in (2, 3, 10, 1000):
            if n <= 3:
                reference = batch_mean_variance_by_enumeration(rows, n)
            else:
                reference = batch_mean_variance_raw(rows, n)
            variance = core.estimate_moments(problem, n, "score", "mean")[1]
            errors = [
                float(abs(mp.mpf(float(v)) - r) / abs(r))
                for v, r in zip(variance, reference, strict=True)
            ]
            assert max(errors) <= RELATIVE, (n, errors)


def test_policy_variances_at_the_defaults_are_exact_binary_fractions():
    """δ = (−1, 0.5), σ = 1: every term of the closed form is a dyadic rational, so the doubles
    are exact (quadrature gave 89.18749999999994 and 66.12499999999994)."""
    problem = core.LinearGaussianPolicy()
    ref = policy_reference((0.0, 0.0), (1.0, -0.5), 1.0)
    for baseline, b in ((None, [0, 0]), ("mean", [ref["mean"]] * 2), ("optimal", ref["optimal"])):
        exact = [float(v) for v in ref["score_variance"](b)]
        assert core.per_sample_variance(problem, "score", baseline).tolist() == exact
    assert exact == [50.125, 31.375]
    assert problem.optimal_baseline().tolist() == [float(v) for v in ref["optimal"]]
