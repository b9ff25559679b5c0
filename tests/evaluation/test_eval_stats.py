"""Paired bootstrap and normal confidence intervals against known cases."""

from __future__ import annotations

import numpy as np
import pytest

from gameir.evaluation.stats import excludes_zero, normal_ci, paired_bootstrap_ci, z_value


def test_constant_difference_gives_zero_width_interval():
    a = np.array([30.1, 25.4, 28.0, 31.2])
    ci = paired_bootstrap_ci(a, a - 0.25, seed=3)
    assert ci.mean == pytest.approx(0.25)
    assert ci.low == pytest.approx(0.25) and ci.high == pytest.approx(0.25)
    assert excludes_zero(ci)


def test_pairing_removes_the_clip_to_clip_spread():
    # clips differ by 10 dB from each other, but A is 0.1 dB above B on every clip (+- 0.01)
    rng = np.random.default_rng(0)
    b = rng.uniform(20, 30, 40)
    a = b + 0.1 + rng.normal(0, 0.01, 40)
    ci = paired_bootstrap_ci(a, b, seed=0)
    assert 0.09 < ci.low < ci.mean < ci.high < 0.11
    assert excludes_zero(ci)


def test_bootstrap_matches_normal_interval_on_a_large_sample():
    d = np.random.default_rng(1).normal(0.3, 2.0, 4000)
    boot, norm = paired_bootstrap_ci(d, seed=2, resamples=4000), normal_ci(d)
    half = 1.959964 * d.std(ddof=1) / np.sqrt(d.size)  # 0.062
    assert norm.high - norm.mean == pytest.approx(half, rel=1e-6)
    assert boot.low == pytest.approx(norm.low, abs=0.1 * half)
    assert boot.high == pytest.approx(norm.high, abs=0.1 * half)


def test_interval_straddling_zero_is_not_a_claim():
    ci = paired_bootstrap_ci([0.5, -0.5, 0.4, -0.4, 0.1, -0.1], seed=0)
    assert ci.low < 0 < ci.high and not excludes_zero(ci)


def test_z_value_and_errors():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.90) == pytest.approx(1.644854, abs=1e-6)
    with pytest.raises(ValueError, match="equal lengths"):
        paired_bootstrap_ci([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2"):
        normal_ci([1.0])
    with pytest.raises(ValueError, match="level"):
        paired_bootstrap_ci([1, 2, 3], level=95)
