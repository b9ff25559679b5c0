"""`evaluate_sr_predictor`: full-frame scoring of an in-memory SR predictor over dataset items:
PSNR/SSIM (RGB and Y) and temporal warping error.

Used for validation during training (:mod:`gameir.training`) and by ``loaders/experiments.py``;
:func:`gameir.evaluation.evaluate_sr` is the harness for a ``--method`` over a whole split.
The protocol matches DESIGN.md §6 / docs/METRICS.md: per-image values on [0, 1] data (``data_range=1``), border of
``scale`` pixels cropped (as BasicSR), Y = BT.601 luma; means over images.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Mapping, Optional

import torch

from gameir.metrics import MetricAccumulator, psnr, ssim
from gameir.models.warp import warp_error

__all__ = ["evaluate_sr_predictor", "batch_item", "FRAME_METRICS"]

FRAME_METRICS = ("psnr", "psnr_y", "ssim", "ssim_y")

#: predict(batch, prev_prediction_or_None) -> (1, 3, s*h, s*w) tensor in [0, 1].
Predictor = Callable[[dict[str, Any], Optional[torch.Tensor]], torch.Tensor]


def batch_item(item: dict[str, Any], device: torch.device | str) -> dict[str, Any]:
    """A dataset item as a batch of one: tensors gain a leading axis and move to ``device``."""
    return {k: v.unsqueeze(0).to(device) if isinstance(v, torch.Tensor) else v for k, v in item.items()}


def evaluate_sr_predictor(predict: Predictor, items: Iterable[dict[str, Any]], *, scale: int,
                          device: torch.device | str = "cpu", stability: bool = False,
                          progress: Optional[Callable[[int], None]] = None,
                          extra_metrics: Optional[Mapping[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]]] = None
                          ) -> dict[str, Any]:
    """Score a predictor over full frames given in clip and time order.

    Args:
        predict: called as ``predict(batch, prev)`` with ``batch`` one item as a batch of one (see
            :func:`batch_item`) and ``prev`` the predictor's own output for the previous frame of
            the same clip (``None`` at a clip's first frame or after a gap), so recurrent models
            get their history; returns (1, 3, s*h, s*w) in [0, 1].
        items: dataset items with ``hr`` (3, s*h, s*w), ``clip_id``, ``frame`` and, for
            ``stability``, ``motion_hr`` (2, s*h, s*w) backward motion in HR pixels or ``motion``
            (2, h, w) in LR pixels.
        scale: s (also the border cropped before PSNR/SSIM).
        device: where inference and metrics run.
        stability: also compute the warping error (:func:`gameir.models.warp.warp_error`) between
            consecutive predictions and, with the same motion, between consecutive ground truths.
        extra_metrics: more per-frame metrics, name -> ``fn(pred, hr)`` returning (1,) values
            (e.g. FLIP with the border cropped); they join the records and means.

    Returns:
        ``{"frames": n, "psnr": .., "psnr_y": .., "ssim": .., "ssim_y": .., "records": [...]}``
        plus ``warp_mse`` and ``warp_mse_gt`` (mean over consecutive pairs) and ``warp_records``
        (``{"clip_id", "frame", "warp_mse", "warp_mse_gt"}`` per pair) with ``stability``.

    Raises:
        ValueError: a prediction of the wrong shape or with NaN, naming the clip and frame.
    """
    extra = dict(extra_metrics or {})
    names = FRAME_METRICS + tuple(extra)
    acc = MetricAccumulator(names)
    warp_pred: list[float] = []
    warp_gt: list[float] = []
    warp_records: list[dict[str, Any]] = []
    prev_key = None
    prev_pred = prev_hr = None
    for i, item in enumerate(items):
        batch = batch_item(item, device)
        key = (item["clip_id"], int(item["frame"]))
        consecutive = prev_key is not None and prev_key[0] == key[0] and prev_key[1] + 1 == key[1]
        with torch.no_grad():
            pred = predict(batch, prev_pred if consecutive else None)
        hr = batch["hr"]
        if pred.shape != hr.shape:
            raise ValueError(f"clip {key[0]} frame {key[1]}: prediction has shape {list(pred.shape)}, "
                             f"expected {list(hr.shape)}")
        if not bool(torch.isfinite(pred).all()):
            raise ValueError(f"clip {key[0]} frame {key[1]}: prediction has NaN or Inf")
        pred = pred.float().clamp(0.0, 1.0)
        values = {
            "psnr": psnr(pred, hr, 1.0, crop_border=scale),
            "psnr_y": psnr(pred, hr, 1.0, crop_border=scale, y_channel=True),
            "ssim": ssim(pred, hr, 1.0, crop_border=scale),
            "ssim_y": ssim(pred, hr, 1.0, crop_border=scale, y_channel=True),
            **{name: fn(pred, hr) for name, fn in extra.items()},
        }
        acc.update(values, keys=[f"{key[0]}/{key[1]:08d}"], groups=[str(item.get("scene_family", "all") or "all")])
        if stability and consecutive:
            if "motion_hr" in batch:
                motion, s = batch["motion_hr"].float(), 1
            elif "motion" in batch:
                motion, s = batch["motion"].float(), scale
            else:
                raise ValueError(f"clip {key[0]} frame {key[1]}: stability needs 'motion_hr' or 'motion' in the item")
            warp_pred.append(float(warp_error(pred, prev_pred.float().clamp(0, 1), motion, s)[0]))
            warp_gt.append(float(warp_error(hr, prev_hr, motion, s)[0]))
            warp_records.append({"clip_id": key[0], "frame": key[1], "warp_mse": warp_pred[-1],
                                 "warp_mse_gt": warp_gt[-1]})
        prev_key, prev_pred, prev_hr = key, pred, hr
        if progress is not None:
            progress(i + 1)
    if acc.count() == 0:
        raise ValueError("evaluate_sr_predictor: no frames to score")
    out: dict[str, Any] = {"frames": acc.count(), **{m: acc.mean(m) for m in names},
                           "records": acc.records}
    if stability:
        out["warp_mse"] = sum(warp_pred) / len(warp_pred) if warp_pred else math.nan
        out["warp_mse_gt"] = sum(warp_gt) / len(warp_gt) if warp_gt else math.nan
        out["warp_pairs"] = len(warp_pred)
        out["warp_records"] = warp_records
    return out
