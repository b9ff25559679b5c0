"""The start and the end every evaluation shares: settings checked, device and process group, then
gather, summary, reports and worst-frame pictures (used by :mod:`~gameir.evaluation.sr` and
:mod:`~gameir.evaluation.nvs`)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import torch

from gameir.evaluation.device import resolve_device
from gameir.evaluation.distributed import DistContext, gather_records, init_distributed
from gameir.evaluation.protocol import Protocol, check_settings
from gameir.evaluation.report import WORST_DIR, guarded_outputs, write_reports
from gameir.evaluation.summary import summarize_records, worst_records
from gameir.metrics import flip, psnr, ssim

__all__ = ["evaluation_context", "finish_evaluation", "image_scores", "IMAGE_METRICS"]

#: Metrics of every scored image, in report order.
IMAGE_METRICS = ("psnr", "ssim", "flip")


@contextlib.contextmanager
def evaluation_context(out: str | os.PathLike | None, command: str, settings: dict[str, Any], where: str,
                       task: str, device: str | torch.device, distributed: bool | None, *,
                       amp: bool = False) -> Iterator[DistContext]:
    """Check ``settings`` (:func:`~gameir.evaluation.protocol.check_settings`), choose the device
    (:func:`~gameir.evaluation.device.resolve_device`), join the process group, and yield this
    process's :class:`~gameir.evaluation.distributed.DistContext`; the group is left on exit.

    Everything runs inside :func:`~gameir.evaluation.report.guarded_outputs` (``command`` is named in
    ``out/FAILED`` when the body raises).

    Raises:
        TypeError, ValueError: a bad setting or device; ``amp`` without a CUDA device.
    """
    with guarded_outputs(out, command):
        check_settings(settings, where, task)
        dev = resolve_device(device)
        if amp and dev.type != "cuda":
            raise ValueError(f"--amp needs a CUDA device, got {dev}")
        ctx = init_distributed(dev, distributed)
        try:
            yield ctx
        finally:
            ctx.close()


def image_scores(pred: torch.Tensor, gt: torch.Tensor, crop_border: int, y_channel: bool) -> dict[str, float]:
    """PSNR, SSIM (RGB or BT.601 Y) and FLIP (RGB) of one image pair, (1, 3, H, W) in [0, 1]."""
    return {"psnr": float(psnr(pred, gt, 1.0, crop_border=crop_border, y_channel=y_channel)[0]),
            "ssim": float(ssim(pred, gt, 1.0, crop_border=crop_border, y_channel=y_channel)[0]),
            "flip": float(flip(pred, gt, 1.0, crop_border=crop_border)[0])}


def finish_evaluation(ctx: DistContext, records: list[dict[str, Any]], *, protocol: Protocol,
                      dataset: dict[str, Any], method: str, n_images: int, seconds: float,
                      out: str | os.PathLike | None, csv_columns: Sequence[str], worst: int,
                      picture: Callable[[dict[str, Any], Path], Path], optional: Sequence[str] = (),
                      method_info: dict[str, Any] | None = None, settings: dict[str, Any] | None = None,
                      notes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Gather every rank's records, summarise them, and (rank 0, ``out`` given) write the reports.

    Args:
        ctx: this process's place in the run.
        records: this rank's per-image records (``index``, ``key``, group fields, metric values).
        protocol, dataset, method: what the numbers mean, on which data, for which ``--method``.
        n_images: images this rank scored in ``seconds`` (the rate is over all ranks).
        out: report folder, or None.
        csv_columns: columns of ``frames.csv``.
        worst: how many lowest-PSNR images to draw; ``picture(record, folder)`` draws one, returns its path.
        optional: metrics present in some records only (the temporal warping errors).
        method_info: what the method resolved to (stated after ``method``).
        settings: run settings stated after ``device`` (tile, AMP).
        notes: stated after ``worst`` (e.g. how the temporal mask was made).

    Returns:
        The summary (see :func:`gameir.evaluation.evaluate_sr`), with ``files`` on rank 0 when ``out`` is given.
    """
    records = gather_records(records, ctx)
    summary = summarize_records(records, IMAGE_METRICS, optional)
    summary.update(protocol=protocol.to_dict(), dataset=dataset, method=method)
    if method_info is not None:
        summary["method_info"] = _jsonable(method_info)
    summary.update(metrics=list(IMAGE_METRICS), optional_metrics=list(optional), seconds=seconds,
                   images_per_s=n_images * ctx.world_size / seconds if seconds > 0 else float("nan"),
                   world_size=ctx.world_size, device=str(ctx.device), **(settings or {}))
    worst_ones = worst_records(records, "psnr", worst)
    summary["worst"] = [r["key"] for r in worst_ones]
    summary.update(notes or {})
    if out is not None and ctx.rank == 0:
        pictures = {f"worst/{r['key']}": picture(r, Path(out) / WORST_DIR) for r in worst_ones}
        files = {**write_reports(summary, records, out, csv_columns), **pictures}  # summary.json last
        summary["files"] = {k: str(v) for k, v in files.items()}
    if ctx.active:
        import torch.distributed as dist
        dist.barrier()
    return summary


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(obj)
