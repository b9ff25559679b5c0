"""Test sets (native or degraded LR of a domain's test clips), predictors, and per-clip scores.

Per clip: PSNR and SSIM (RGB, border of s px cropped, data range 1), LDR-FLIP (same crop) as means
over its frames, and the warping error (gameir.models.warp_error with the ground-truth HR motion)
as the mean over its consecutive frame pairs. Intervals are taken over these per-clip values.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import torch

GUIDES = ("depth", "normal", "basecolor")
CLIP_METRICS = ("psnr", "ssim", "flip", "warp_mse")


def iter_items(root: Path, test_frames: int) -> Iterator[dict[str, Any]]:
    """Full test frames of ``root`` in clip and time order, read one at a time (a full-size test set
    does not fit in memory): native LR, HR, LR/HR G-buffers (model inputs and guides), motion."""
    from gameir.data import SRDataset

    lr_set = SRDataset(root, "test", gbuffers=GUIDES + ("motion",), seed=0)
    hr_set = SRDataset(root, "test", gbuffers=GUIDES + ("motion",), gbuffer_res="hr", seed=0)
    hr_metres = SRDataset(root, "test", gbuffers=("depth",), gbuffer_res="hr", depth_mode="metres", seed=0)
    lr_metres = SRDataset(root, "test", gbuffers=("depth",), depth_mode="metres", seed=0)
    scale, n_guide = lr_set.scale, len(lr_set.aux_channels) - 2
    seen: dict[int, int] = defaultdict(int)
    for i in range(len(lr_set)):
        clip, _ = lr_set.locate(i)
        seen[clip] += 1
        if test_frames and seen[clip] > test_frames:
            continue
        it, hr_it = lr_set[i], hr_set[i]
        yield {
            "lr": it["lr"], "hr": it["hr"], "clip_id": it["clip_id"], "frame": it["frame"],
            "scene_family": it["scene_family"],
            "lr_aux": it["lr_aux"][:n_guide], "hr_aux": hr_it["hr_aux"][:n_guide],
            "hr_depth": hr_metres[i]["depth"], "hr_normal": hr_it["normal"], "hr_basecolor": hr_it["basecolor"],
            "lr_depth": lr_metres[i]["depth"], "lr_normal": it["normal"], "lr_basecolor": it["basecolor"],
            "motion_hr": hr_it["motion"] * scale,  # LR-pixel units at HR -> HR pixels
            "motion": it["motion"],
        }


def degrade_items(items: Iterable[dict[str, Any]], scale: int, source: str) -> Iterator[dict[str, Any]]:
    """The items with ``lr`` replaced by their HR degraded by ``source`` (deterministic per clip and frame)."""
    from gameir.training import degrade_hr

    for it in items:
        if source == "native":
            yield it
            continue
        rng = np.random.default_rng([zlib.crc32(it["clip_id"].encode()), int(it["frame"]), 2])
        yield {**it, "lr": degrade_hr(it["hr"][None], scale, source, rng=rng)[0]}


def run_predictor(run_dir: Path, spec: dict[str, Any], device: torch.device) -> Callable:
    """``predict(batch, prev)`` of a finished run's exported model (TorchScript or EDSR-style state dict)."""
    from gameir.training.batches import hr_aux_at_lr

    scale = int(spec["scale"])
    if (run_dir / "model.pt").is_file():
        from gameir.models import load_torchscript

        module, config, _ = load_torchscript(run_dir / "model.pt", map_location=device)
        n_aux, temporal = len(config["aux_channels"]), config["kind"] == "temporal"
    else:
        from gameir.models.standard import build_standard

        side = json.loads((run_dir / "model.pth.json").read_text())
        n_aux, temporal = len(side["aux_channels"]), False
        module = build_standard(spec["arch"], scale=scale, n_aux=n_aux, n_feats=spec["n_feats"],
                                n_blocks=spec["n_blocks"])
        module.load_state_dict(torch.load(run_dir / "model.pth", map_location="cpu", weights_only=True))
        module = module.to(device).eval()

    def predict(b: dict[str, Any], prev: torch.Tensor | None) -> torch.Tensor:
        x = b["lr"]
        if n_aux:
            aux = hr_aux_at_lr(b["hr_aux"], scale) if spec["gbuffer_res"] == "hr" else b["lr_aux"]
            x = torch.cat([x, aux[:, :n_aux]], 1)
        if temporal and prev is not None:
            return module(x, prev, b["motion"])
        return module(x).clamp(0.0, 1.0)

    return predict


def baseline_predictor(name: str, scale: int) -> Callable:
    """``bicubic`` (OpenCV-style upscale) or ``joint-bilateral`` (guided by HR depth, normal, basecolor)."""
    from gameir.baselines import joint_bilateral_upscale, upscale

    if name == "bicubic":
        return lambda b, _: upscale(b["lr"], scale, "bicubic", data_range=1.0)
    if name == "joint-bilateral":
        return lambda b, _: joint_bilateral_upscale(b["lr"], scale, {g: b[f"hr_{g}"] for g in GUIDES},
                                                    {g: b[f"lr_{g}"] for g in GUIDES})
    raise ValueError(f"unknown baseline {name!r}; choose from bicubic, joint-bilateral")


def score_clips(predict: Callable, items: Iterable[dict[str, Any]], scale: int, flip: bool,
                device: torch.device) -> dict[str, Any]:
    """Per-clip means of :data:`CLIP_METRICS` (``flip`` only if asked) and the frame/pair counts."""
    from gameir.evaluation import evaluate_sr_predictor
    from gameir.metrics import flip as flip_metric

    extra = {"flip": lambda p, h: flip_metric(p, h, 1.0, crop_border=scale)} if flip else None
    r = evaluate_sr_predictor(predict, items, scale=scale, device=device, stability=True, extra_metrics=extra)
    per: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rec in r["records"]:
        clip = rec["key"].rsplit("/", 1)[0]
        for m in ("psnr", "ssim", "flip"):
            if m in rec:
                per[clip][m].append(rec[m])
    for rec in r["warp_records"]:
        per[rec["clip_id"]]["warp_mse"].append(rec["warp_mse"])
        per[rec["clip_id"]]["warp_mse_gt"].append(rec["warp_mse_gt"])
    clips = {c: {m: (sum(v) / len(v) if v else math.nan) for m, v in d.items()} for c, d in per.items()}
    return {"frames": r["frames"], "warp_pairs": r["warp_pairs"], "clips": clips}
