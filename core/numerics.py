"""Numerically stable building blocks and argument checks shared by every problem.

The sigmoid family is written so that no branch ever exponentiates a large positive number:
σ(θ) = 1/(1 + e^{−θ}) for θ ≥ 0 and e^{θ}/(1 + e^{θ}) for θ < 0, which stays finite and
warning-free at |θ| = 700 and beyond.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

# ~2**16 samples per chunk keeps a chunk's working set in L2 cache and memory bounded.
CHUNK_SIZE = 1 << 16


def sigmoid(theta: ArrayLike) -> np.ndarray:
    """Logistic function σ(θ) = 1/(1 + e^{−θ}), evaluated without overflow for any float θ."""
    theta = np.asarray(theta, dtype=np.float64)
    e = np.exp(-np.abs(theta))
    return np.where(theta >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(theta: ArrayLike) -> np.ndarray:
    """log σ(θ) = −log(1 + e^{−θ}) = min(θ, 0) − log1p(e^{−|θ|}), stable for any float θ."""
    theta = np.asarray(theta, dtype=np.float64)
    return np.minimum(theta, 0.0) - np.log1p(np.exp(-np.abs(theta)))


def log_softmax(logits: ArrayLike) -> np.ndarray:
    """log softmax over the last axis: z_k − max z − log Σ_j e^{z_j − max z}."""
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits: ArrayLike) -> np.ndarray:
    """softmax over the last axis, π_k = e^{z_k} / Σ_j e^{z_j}, shifted by max z so it never overflows."""
    return np.exp(log_softmax(logits))


def make_rng(seed: int | np.random.SeedSequence) -> np.random.Generator:
    """The project's random generator: SFC64 (fast, statistically sound) seeded reproducibly."""
    return np.random.Generator(np.random.SFC64(seed))


# --- argument checks: each raises ValueError with a message a person can act on -------------


def check_sample_count(n: object, name: str = "n") -> int:
    """Return n as an int if it is a whole number ≥ 1."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        if isinstance(n, float) and n.is_integer():
            n = int(n)
        else:
            raise ValueError(f"{name} must be a whole number ≥ 1, got {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be ≥ 1 (at least one sample), got {n}")
    return int(n)


def check_finite(value: object, name: str) -> float:
    """Return value as a float if it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def check_positive(value: object, name: str) -> float:
    """Return value as a float if it is finite and > 0."""
    value = check_finite(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def check_vector(values: object, name: str, length: int | None = None) -> np.ndarray:
    """Return a read-only 1-D float64 array of finite numbers, of the given length if stated."""
    if _holds_non_numbers(values):
        # NumPy would read "5" as 5.0 and True as 1.0; check_finite refuses both, so do we.
        raise ValueError(f"{name} must be a list of numbers, got {values!r}")
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a list of numbers, got {values!r}") from error
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a flat, non-empty list of numbers, got shape {array.shape}"
        )
    if length is not None and array.size != length:
        raise ValueError(f"{name} must have {length} entries, got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers, got {array.tolist()}")
    array.setflags(write=False)
    return array


def compositions(total: int, parts: int) -> np.ndarray:
    """Every count vector (c_1, …, c_parts) of whole numbers ≥ 0 with Σ c = total, in
    lexicographic order: shape (C(total + parts − 1, parts − 1), parts), int64 — the support of
    Multinomial(total, ·) over `parts` outcomes. Callers bound the count first."""
    rows = np.zeros((1, 0), dtype=np.int64)
    remaining = np.array([total], dtype=np.int64)
    for _ in range(parts - 1):
        choices = remaining + 1
        parent = np.repeat(np.arange(rows.shape[0]), choices)
        first = np.arange(int(choices.sum())) - np.repeat(np.cumsum(choices) - choices, choices)
        rows = np.column_stack([rows[parent], first])
        remaining = remaining[parent] - first
    return np.column_stack([rows, remaining])


def _holds_non_numbers(values: object) -> bool:
    """True if values is, or a nested list/tuple holds, text, bytes, booleans or complex numbers."""
    if isinstance(values, (str, bytes, bool, np.bool_, complex)):
        return True
    if isinstance(values, np.ndarray):
        return values.dtype.kind not in "iuf"
    if isinstance(values, (list, tuple)):
        return any(_holds_non_numbers(item) for item in values)
    return False
