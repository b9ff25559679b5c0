"""Paired confidence intervals over test clips: the uncertainty of a difference between two arms.

Two arms scored on the same test clips give per-clip values ``a_i`` and ``b_i``; the statement
"A beats B by d" is about the mean of ``d_i = a_i - b_i``. :func:`paired_bootstrap_ci` resamples
clips (the same clip indices for both arms, so the pairing is kept) and takes the percentile
interval of the resampled mean differences (Efron & Tibshirani 1993, ch. 13);
:func:`normal_ci` is the large-sample interval ``mean ± z σ / sqrt(n)`` it converges to.
A difference is claimed only when its interval excludes zero (:func:`excludes_zero`).

Example:
    >>> import numpy as np
    >>> ci = paired_bootstrap_ci(np.array([1.0, 2.0, 3.0]), np.array([0.5, 1.5, 2.5]), seed=0)
    >>> round(ci.mean, 3), round(ci.low, 3), round(ci.high, 3)
    (0.5, 0.5, 0.5)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

__all__ = ["Interval", "paired_bootstrap_ci", "normal_ci", "excludes_zero", "z_value"]


@dataclass(frozen=True)
class Interval:
    """A mean difference and its two-sided confidence interval.

    Attributes:
        mean: mean of the paired differences (units of the metric, e.g. dB).
        low, high: interval bounds (same units), ``low <= mean <= high`` for the percentile bootstrap
            in all but degenerate cases.
        n: number of pairs (test clips).
        level: confidence level, e.g. 0.95.
        method: ``"bootstrap-percentile"`` or ``"normal"``.
    """

    mean: float
    low: float
    high: float
    n: int
    level: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(a: Sequence[float], b: Sequence[float] | None) -> np.ndarray:
    x = np.asarray(a, dtype=np.float64).ravel()
    if b is not None:
        y = np.asarray(b, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"paired values need equal lengths (the same test clips), got {x.size} and {y.size}")
        x = x - y
    if x.size < 2:
        raise ValueError(f"a confidence interval needs at least 2 paired values, got {x.size}")
    if not np.isfinite(x).all():
        raise ValueError("paired values contain NaN or Inf; score every clip before computing intervals")
    return x


def _check_level(level: float) -> float:
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be in (0, 1), e.g. 0.95, got {level!r}")
    return float(level)


def paired_bootstrap_ci(a: Sequence[float], b: Sequence[float] | None = None, *, level: float = 0.95,
                        resamples: int = 10000, seed: int = 0) -> Interval:
    """Percentile bootstrap interval of ``mean(a - b)`` over paired values (one per test clip).

    Args:
        a: per-clip values of arm A, shape (n,).
        b: per-clip values of arm B on the same clips in the same order, or ``None`` when ``a``
            already holds the differences.
        level: confidence level (0.95: the 2.5 and 97.5 percentiles).
        resamples: bootstrap resamples of the n clips (with replacement, the same indices for A and B).
        seed: seed of the resampling (``np.random.default_rng(seed)``), so intervals are reproducible.

    Returns:
        :class:`Interval` with ``method="bootstrap-percentile"``. A constant difference gives a
        zero-width interval at that constant.
    """
    level = _check_level(level)
    if int(resamples) < 100:
        raise ValueError(f"resamples must be >= 100, got {resamples}")
    d = _pairs(a, b)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, d.size, size=(int(resamples), d.size))
    means = d[idx].mean(axis=1)
    alpha = 1.0 - level
    low, high = np.quantile(means, [alpha / 2.0, 1.0 - alpha / 2.0])
    return Interval(float(d.mean()), float(low), float(high), int(d.size), level, "bootstrap-percentile")


def z_value(level: float) -> float:
    """Two-sided standard-normal quantile ``z`` with ``P(|Z| <= z) = level`` (1.959964 for 0.95)."""
    level = _check_level(level)
    p = 0.5 + level / 2.0
    lo, hi = 0.0, 10.0  # bisection on the normal CDF 0.5 (1 + erf(z / sqrt 2))
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if 0.5 * (1.0 + math.erf(mid / math.sqrt(2.0))) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def normal_ci(a: Sequence[float], b: Sequence[float] | None = None, *, level: float = 0.95) -> Interval:
    """Normal-approximation interval ``mean ± z s / sqrt(n)`` of paired differences (s: sample std)."""
    level = _check_level(level)
    d = _pairs(a, b)
    half = z_value(level) * float(d.std(ddof=1)) / math.sqrt(d.size)
    m = float(d.mean())
    return Interval(m, m - half, m + half, int(d.size), level, "normal")


def excludes_zero(interval: Interval) -> bool:
    """True when the interval lies strictly on one side of zero (a difference that may be claimed)."""
    return interval.low > 0.0 or interval.high < 0.0
