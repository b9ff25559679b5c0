"""Per-frame records -> means overall and per group (world family, weather, static/dynamic)."""

from __future__ import annotations

import math
from typing import Any, Sequence

from gameir.metrics import MetricAccumulator

__all__ = ["GROUP_AXES", "motion_group", "summarize_records", "worst_records"]

#: record field -> name of the grouping in reports.
GROUP_AXES = {"scene_family": "world family", "weather": "weather", "motion": "static vs dynamic"}


def motion_group(scene: dict[str, Any]) -> str:
    """``"static"`` / ``"dynamic"`` from a clip's scene description (``dynamic`` flag), else ``"unknown"``."""
    dyn = scene.get("dynamic")
    return "unknown" if dyn is None else ("dynamic" if dyn else "static")


def _means(records: Sequence[dict[str, Any]], metrics: Sequence[str], axis: str | None) -> dict[str, Any]:
    acc = MetricAccumulator(metrics, keep_records=False)
    for r in records:  # one record at a time, in the given order: sums are order-defined
        acc.update({m: [r[m]] for m in metrics}, groups=[str(r[axis]) if axis else "all"])
    return acc.summary()


def summarize_records(records: Sequence[dict[str, Any]], metrics: Sequence[str],
                      optional: Sequence[str] = ()) -> dict[str, Any]:
    """Means of ``metrics`` over ``records``, overall and per :data:`GROUP_AXES` group.

    Records are summed in their given order (callers pass them sorted by dataset index), so the
    same records give bit-identical means whichever process computed them.

    Args:
        records: one dict per image with the metric values and the ``GROUP_AXES`` fields.
        metrics: metric names present in every record.
        optional: metrics present in some records only (None / NaN elsewhere, e.g. the temporal
            warping error, undefined at a clip's first frame); averaged over the records that
            have them, reported with their own ``count``.

    Returns:
        ``{"overall": {m: mean, "count": n}, "groups": {axis: {group: {m: mean, "count": n}}}}``,
        plus ``"optional": {"overall": ..., "groups": ...}`` when ``optional`` is given.
    """
    if not records:
        raise ValueError("summarize_records: no records (nothing was scored)")
    out: dict[str, Any] = {"overall": _means(records, metrics, None)["all"], "groups": {}}
    for axis in GROUP_AXES:
        out["groups"][axis] = _means(records, metrics, axis)["groups"]
    if optional:
        have = [r for r in records if all(r.get(m) is not None and not math.isnan(r[m]) for m in optional)]
        if have:
            out["optional"] = {"overall": _means(have, optional, None)["all"],
                               "groups": {axis: _means(have, optional, axis)["groups"] for axis in GROUP_AXES}}
    return out


def worst_records(records: Sequence[dict[str, Any]], metric: str, n: int) -> list[dict[str, Any]]:
    """The ``n`` records with the lowest ``metric`` (ties: dataset order)."""
    return sorted(records, key=lambda r: (r[metric], r["index"]))[:max(0, n)]
