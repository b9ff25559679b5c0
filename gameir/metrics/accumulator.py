"""Streaming per-image metric means, overall and per group, reducible across processes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

__all__ = ["MetricAccumulator"]


def _as_vector(v: Any, name: str) -> np.ndarray:
    if isinstance(v, torch.Tensor):
        v = v.detach().to("cpu", torch.float64).numpy()
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise ValueError(f"MetricAccumulator.update: metric {name!r} must be a (N,) vector of "
                         f"per-image values, got shape {a.shape}")
    if np.isnan(a).any():
        raise ValueError(f"MetricAccumulator.update: metric {name!r} has NaN values")
    return a


class MetricAccumulator:
    """Exact running means of per-image metrics, overall and per group (e.g. scene).

    The state is, per group, the float64 sum of each metric and the image count; the mean of a
    metric is ``sum / count`` over every image seen (a mean over images, never a mean of batch
    means). Sums and counts add, so accumulators from several processes :meth:`merge` exactly;
    :meth:`all_reduce` does that over ``torch.distributed`` with one ``all_reduce`` of the sums and
    counts. ``+inf`` values (PSNR of identical images) are kept, so such a mean is ``inf``.

    Args:
        metrics: metric names, e.g. ``("psnr", "ssim")``; every update gives all of them.
        keep_records: also keep one record per image (key, group, values) for worst-frame reports.

    Example:
        >>> acc = MetricAccumulator(["psnr"])
        >>> acc.update({"psnr": [30.0, 32.0]}, groups=["town", "town"], keys=["f0", "f1"])
        >>> acc.update({"psnr": [40.0]}, groups=["park"], keys=["f2"])
        >>> acc.mean("psnr"), acc.mean("psnr", group="town"), acc.count()
        (34.0, 31.0, 3)
    """

    DEFAULT_GROUP = "all"

    def __init__(self, metrics: Sequence[str], *, keep_records: bool = True) -> None:
        metrics = tuple(metrics)
        if not metrics or len(set(metrics)) != len(metrics) or not all(isinstance(m, str) for m in metrics):
            raise ValueError(f"MetricAccumulator: metrics must be distinct non-empty names, got {metrics!r}")
        self.metrics = metrics
        self.keep_records = keep_records
        self._sums: dict[str, np.ndarray] = {}
        self._counts: dict[str, int] = {}
        self.records: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return (f"MetricAccumulator(metrics={self.metrics}, images={self.count()}, "
                f"groups={len(self._counts)})")

    def update(self, values: Mapping[str, Any], *, keys: Sequence[str] | None = None,
               groups: Sequence[str] | str | None = None) -> None:
        """Add one batch of per-image values.

        Args:
            values: metric name -> (N,) per-image values (tensor on any device, array or list);
                must hold exactly the accumulator's metrics, all with the same N.
            keys: N image identifiers (e.g. ``"scene/clip/00000012"``) kept in :attr:`records`.
            groups: N group names, or one name for the whole batch; default ``"all"``.
        """
        if set(values) != set(self.metrics):
            raise ValueError(f"MetricAccumulator.update: expected metrics {sorted(self.metrics)}, "
                             f"got {sorted(values)}")
        cols = [_as_vector(values[m], m) for m in self.metrics]
        n = len(cols[0])
        if any(len(c) != n for c in cols):
            raise ValueError("MetricAccumulator.update: metrics have different lengths: "
                             + ", ".join(f"{m}={len(c)}" for m, c in zip(self.metrics, cols)))
        if groups is None or isinstance(groups, str):
            groups = [groups or self.DEFAULT_GROUP] * n
        if len(groups) != n:
            raise ValueError(f"MetricAccumulator.update: {len(groups)} groups for {n} images")
        if keys is not None and len(keys) != n:
            raise ValueError(f"MetricAccumulator.update: {len(keys)} keys for {n} images")
        table = np.stack(cols, axis=1)  # (N, M)
        for g in dict.fromkeys(groups):
            sel = np.fromiter((x == g for x in groups), dtype=bool, count=n)
            self._add(str(g), table[sel].sum(axis=0), int(sel.sum()))
        if self.keep_records:
            for i in range(n):
                rec = {"key": None if keys is None else keys[i], "group": str(groups[i])}
                rec.update({m: float(table[i, j]) for j, m in enumerate(self.metrics)})
                self.records.append(rec)

    def _add(self, group: str, sums: np.ndarray, count: int) -> None:
        if group not in self._counts:
            self._sums[group] = np.zeros(len(self.metrics))
            self._counts[group] = 0
        self._sums[group] = self._sums[group] + sums
        self._counts[group] += count

    @property
    def groups(self) -> list[str]:
        """Group names seen so far, sorted."""
        return sorted(self._counts)

    def count(self, group: str | None = None) -> int:
        """Number of images, overall or in ``group``."""
        if group is None:
            return sum(self._counts.values())
        self._check_group(group)
        return self._counts[group]

    def sum(self, metric: str, group: str | None = None) -> float:
        """Sum of ``metric`` over images, overall or in ``group``."""
        j = self._metric_index(metric)
        if group is None:
            return float(sum(s[j] for s in self._sums.values()))
        self._check_group(group)
        return float(self._sums[group][j])

    def mean(self, metric: str, group: str | None = None) -> float:
        """Mean of ``metric`` over images, overall or in ``group``."""
        n = self.count(group)
        if n == 0:
            raise ValueError("MetricAccumulator.mean: no images accumulated yet")
        return self.sum(metric, group) / n

    def summary(self) -> dict[str, Any]:
        """``{"all": {metric: mean, ..., "count": n}, "groups": {group: {...}}}`` (JSON-ready)."""
        def one(g: str | None) -> dict[str, Any]:
            d: dict[str, Any] = {m: self.mean(m, g) for m in self.metrics}
            d["count"] = self.count(g)
            return d
        return {"all": one(None), "groups": {g: one(g) for g in self.groups}}

    def merge(self, other: MetricAccumulator) -> None:
        """Add another accumulator's sums, counts and records into this one (in place)."""
        if other.metrics != self.metrics:
            raise ValueError(f"MetricAccumulator.merge: metrics differ: {self.metrics} vs {other.metrics}")
        for g in other.groups:
            self._add(g, other._sums[g], other._counts[g])
        if self.keep_records:
            self.records.extend(other.records)

    def state_dict(self) -> dict[str, Any]:
        """Plain-Python state (JSON/pickle-ready) that :meth:`from_state_dict` restores."""
        return {"metrics": list(self.metrics), "keep_records": self.keep_records,
                "sums": {g: self._sums[g].tolist() for g in self.groups},
                "counts": dict(self._counts), "records": list(self.records)}

    @classmethod
    def from_state_dict(cls, state: Mapping[str, Any]) -> MetricAccumulator:
        """Rebuild an accumulator from :meth:`state_dict` output."""
        acc = cls(state["metrics"], keep_records=state["keep_records"])
        for g, s in state["sums"].items():
            acc._add(g, np.asarray(s, dtype=np.float64), int(state["counts"][g]))
        acc.records = list(state["records"])
        return acc

    def all_reduce(self, process_group: Any = None) -> MetricAccumulator:
        """Return a new accumulator holding the totals of every rank (``self`` is unchanged).

        Collective: every rank of ``process_group`` must call it. Group names are gathered first
        (ranks may have seen different groups), then one float64 tensor of sums and counts is
        summed with ``all_reduce`` (on the current CUDA device for NCCL, on CPU otherwise);
        records, if kept, are gathered in rank order.
        """
        import torch.distributed as dist

        if not (dist.is_available() and dist.is_initialized()):
            raise RuntimeError("MetricAccumulator.all_reduce: torch.distributed is not initialised; "
                               "call torch.distributed.init_process_group first (or use merge)")
        world = dist.get_world_size(process_group)
        names: list[Any] = [None] * world
        dist.all_gather_object(names, self.groups, group=process_group)
        groups = sorted(set().union(*names))
        m = len(self.metrics)
        table = np.zeros((len(groups), m + 1))
        for i, g in enumerate(groups):
            if g in self._counts:
                table[i, :m] = self._sums[g]
                table[i, m] = self._counts[g]
        device = (torch.device("cuda", torch.cuda.current_device())
                  if dist.get_backend(process_group) == "nccl" else torch.device("cpu"))
        t = torch.from_numpy(table).to(device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM, group=process_group)
        table = t.cpu().numpy()
        out = MetricAccumulator(self.metrics, keep_records=self.keep_records)
        for i, g in enumerate(groups):
            out._add(g, table[i, :m].copy(), int(round(table[i, m])))
        if self.keep_records:
            gathered: list[Any] = [None] * world
            dist.all_gather_object(gathered, self.records, group=process_group)
            out.records = [r for rank_records in gathered for r in rank_records]
        return out

    def _metric_index(self, metric: str) -> int:
        if metric not in self.metrics:
            raise KeyError(f"MetricAccumulator: unknown metric {metric!r}; have {list(self.metrics)}")
        return self.metrics.index(metric)

    def _check_group(self, group: str) -> None:
        if group not in self._counts:
            raise KeyError(f"MetricAccumulator: unknown group {group!r}; have {self.groups}")
