"""Per-clip scores gathered into arms, paired differences with intervals, and CI-gated sentences.

The only way the report states that one arm is better or worse than another is :func:`claim`,
which says so only when the paired bootstrap interval excludes zero; otherwise it says that the
data do not separate them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from evidence.jobs import read_json
from gameir.evaluation.stats import Interval, excludes_zero, paired_bootstrap_ci

#: metric -> (label, digits, multiplier, higher is better)
METRICS = {"psnr": ("PSNR dB", 2, 1.0, True), "ssim": ("SSIM", 4, 1.0, True),
           "flip": ("FLIP", 4, 1.0, False), "warp_mse": ("warp MSE ×10³", 3, 1e3, False)}


def collect(out: Path, jobs: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """``arm -> test -> clip -> metric -> value`` (mean over the arm's seeds); baselines are arms too."""
    acc: dict[str, dict[str, dict[str, dict[str, list[float]]]]] = {}
    for job in jobs:
        arm = job["arm"] if job["kind"] == "run" else job["baseline"]
        base = out / ("runs" if job["kind"] == "run" else "baselines") / job["name"] / "scores"
        for t in job["tests"]:
            r = read_json(base / f"{t['name']}.json")
            for clip, vals in r["clips"].items():
                cell = acc.setdefault(arm, {}).setdefault(t["name"], {}).setdefault(clip, {})
                for m, v in vals.items():
                    cell.setdefault(m, []).append(float(v))
    return {arm: {t: {c: {m: float(np.mean(v)) for m, v in cv.items()} for c, cv in tv.items()}
                  for t, tv in av.items()} for arm, av in acc.items()}


def paired(scores: dict, arm_a: str, arm_b: str, test: str, metric: str, *, level: float, resamples: int,
           seed: int = 0) -> Interval | None:
    """Interval of ``mean(a - b)`` over the test clips both arms were scored on (None if < 2 clips)."""
    a, b = scores.get(arm_a, {}).get(test, {}), scores.get(arm_b, {}).get(test, {})
    clips = sorted(set(a) & set(b))
    pairs = [(a[c][metric], b[c][metric]) for c in clips if metric in a[c] and metric in b[c]
             and np.isfinite(a[c][metric]) and np.isfinite(b[c][metric])]
    if len(pairs) < 2:
        return None
    x, y = np.array(pairs).T
    return paired_bootstrap_ci(x, y, level=level, resamples=resamples, seed=seed)


def mean_ci(scores: dict, arm: str, test: str, metric: str, *, level: float, resamples: int) -> Interval | None:
    cells = scores.get(arm, {}).get(test, {})
    v = [c[metric] for c in cells.values() if metric in c and np.isfinite(c[metric])]
    if len(v) < 2:
        return None
    return paired_bootstrap_ci(np.array(v), level=level, resamples=resamples, seed=0)


def fmt(ci: Interval | None, metric: str, signed: bool = False) -> str:
    """``mean [low, high]`` in the metric's display units; ``n/a`` without an interval."""
    if ci is None:
        return "n/a"
    _, digits, mult, _ = METRICS[metric]
    sign = "+" if signed else ""
    return f"{ci.mean * mult:{sign}.{digits}f} [{ci.low * mult:{sign}.{digits}f}, {ci.high * mult:{sign}.{digits}f}]"


def claimable(ci: Interval | None, min_clips: int) -> bool:
    """A difference may be stated: an interval over at least ``min_clips`` clips that excludes zero."""
    return ci is not None and ci.n >= min_clips and excludes_zero(ci)


def claim(a: str, b: str, ci: Interval | None, metric: str, where: str, min_clips: int = 2) -> str:
    """One sentence on ``a - b``: a direction only when :func:`claimable` (the interval excludes zero
    and rests on at least ``min_clips`` test clips; the percentile bootstrap under-covers below that)."""
    label, _, _, higher_better = METRICS[metric]
    if ci is None:
        return f"{a} vs {b} ({label}, {where}): not enough paired clips for an interval; no claim."
    if ci.n < min_clips:
        return (f"{a} vs {b} ({label}, {where}): difference {fmt(ci, metric, True)} over {ci.n} clips, fewer "
                f"than the {min_clips} a claim needs; no claim.")
    if not excludes_zero(ci):
        return (f"{a} vs {b} ({label}, {where}): difference {fmt(ci, metric, True)} — the "
                f"{ci.level:.0%} interval includes zero, so no difference is claimed.")
    better = (ci.mean > 0) == higher_better
    return (f"{a} is {'better' if better else 'worse'} than {b} in {label} on {where}: "
            f"{fmt(ci, metric, True)} ({ci.level:.0%} paired bootstrap over {ci.n} test clips).")
