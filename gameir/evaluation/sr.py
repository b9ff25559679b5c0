"""`evaluate_sr`: score an SR method on full frames of a split (PSNR, SSIM, temporal stability)."""

from __future__ import annotations

import contextlib
import functools
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from gameir.data.sr import SRDataset
from gameir.evaluation.distributed import partition
from gameir.evaluation.lifecycle import IMAGE_METRICS, evaluation_context, finish_evaluation, image_scores
from gameir.evaluation.pictures import side_by_side, write_png
from gameir.evaluation.predictions import check_prediction
from gameir.evaluation.protocol import Protocol, dataset_identity
from gameir.evaluation.sr_methods import SRMethod, resolve_sr_method
from gameir.evaluation.summary import motion_group
from gameir.evaluation.temporal import MASK_DOC, temporal_errors, temporal_mask
from gameir.evaluation.tiling import predict_tiled
from gameir.evaluation.user_methods import call_method
from gameir.metrics import flip_map

__all__ = ["evaluate_sr", "SR_METRICS", "SR_CSV_COLUMNS"]

SR_METRICS = IMAGE_METRICS
_TEMPORAL = ("warp_mse", "warp_mse_gt")
SR_CSV_COLUMNS = ("index", "clip_id", "frame", "scene_family", "weather", "motion", "psnr", "ssim",
                  "flip", "warp_mse", "warp_mse_gt", "warp_pixels")
#: Method kinds whose code is ours: their exceptions propagate as they are (folder: names missing files).
_OWN_KINDS = ("builtin", "folder")


class _Runner:
    """Predicts one dataset item with a method (tiling, AMP, checks)."""

    def __init__(self, ds: SRDataset, method: SRMethod, device: torch.device, tile: int | None,
                 overlap: int, amp: bool) -> None:
        self.ds, self.method, self.device = ds, method, device
        self.tile = tile if method.tileable else None
        self.overlap, self.amp = overlap, amp

    def item(self, index: int) -> dict[str, Any]:
        return self.ds[index]

    def predict(self, item: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
        """(prediction, ground truth), both (1, 3, s*h, s*w) float32 on the device."""
        batch = {k: (v.unsqueeze(0).to(self.device) if isinstance(v, torch.Tensor) else v)
                 for k, v in item.items() if k != "hr"}
        where = f"--method {self.method.name!r}: clip {item['clip_id']} frame {int(item['frame'])}"
        h, w = item["lr"].shape[-2:]

        def check(pred: Any, shape: tuple[int, ...], suffix: str) -> torch.Tensor:
            return check_prediction(pred, shape, where + suffix)

        fn = self.method.predict
        if self.method.info.get("kind") not in _OWN_KINDS:  # user code: its exceptions name method and frame
            fn = functools.partial(call_method, self.method.predict, where=where)
        amp = torch.autocast(device_type="cuda", dtype=torch.float16) if self.amp else contextlib.nullcontext()
        with torch.no_grad(), amp:
            pred = predict_tiled(fn, batch, (h, w), self.ds.scale, self.tile, self.overlap, check)
        return pred.float(), item["hr"].unsqueeze(0).to(self.device)


def _hr_frame_data(ds: SRDataset, clip: int, frame: int) -> dict[str, Any]:
    """HR motion, depth, instance ids and camera of one frame, read from the source (for --temporal)."""
    src, info = ds.source, ds.source.clips[clip]
    out: dict[str, Any] = {"motion": src.read(clip, "motion", "hr", frame).astype(np.float32)}
    for name in ("depth", "instance"):
        out[name] = src.read(clip, name, "hr", frame) if name in info.buffers else None
    cam = src.camera(clip, "hr", frame)
    out["K"], out["c2w"] = (cam["K"], cam["c2w"]) if cam is not None else (None, None)
    return out


def _temporal_record(ds: SRDataset, clip: int, frame: int, pred: torch.Tensor, gt: torch.Tensor,
                     prev_pred: torch.Tensor, prev_gt: torch.Tensor) -> dict[str, Any]:
    cur, prev = _hr_frame_data(ds, clip, frame), _hr_frame_data(ds, clip, frame - 1)
    mask = temporal_mask(cur["motion"], depth=cur["depth"], depth_prev=prev["depth"], K=cur["K"], c2w=cur["c2w"],
                         K_prev=prev["K"], c2w_prev=prev["c2w"], instance=cur["instance"],
                         instance_prev=prev["instance"])
    return temporal_errors(pred, prev_pred, gt, prev_gt, cur["motion"], mask)


def evaluate_sr(root: str | os.PathLike, split: str = "test", method: str = "bicubic", *,
                scale: int | None = None, device: str | torch.device = "auto", y_channel: bool = False,
                crop_border: int | None = None, out: str | os.PathLike | None = None, tile: int | None = None,
                tile_overlap: int = 16, amp: bool = False, temporal: bool = False, worst: int = 4,
                distributed: bool | None = None, max_frames: int | None = None, quiet: bool = True,
                protocol_name: str = "custom") -> dict[str, Any]:
    """Score an SR method on every full frame of ``split`` (DESIGN.md §6 protocol).

    Each frame's LR input (and the G-buffers the method asks for) goes to the method; its output
    is checked (shape (1, 3, s*h, s*w), floating dtype, no NaN/Inf, values within
    :data:`~gameir.evaluation.predictions.RANGE_TOLERANCE` of [0, 1]; errors name the method, clip,
    frame and what was found), clamped to [0, 1] and compared with the HR ground truth: PSNR and SSIM per
    frame (:mod:`gameir.metrics`, ``data_range`` 1), then means overall, per world family, per
    weather and static vs dynamic. Under torchrun (or ``distributed=True``) frames are split in
    contiguous blocks across ranks and the per-frame values gathered, so the means are
    bit-identical to a single-process run.

    Args:
        root: dataset root (``manifest.json``), shard files, or the GameIR release layout.
        split: split to score.
        method: see :func:`gameir.evaluation.sr_methods.resolve_sr_method`.
        scale: expected scale (checked against the data); default: the data's.
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:K"``.
        y_channel: metrics on BT.601 luma instead of RGB.
        crop_border: pixels cropped on each side before the metrics; default ``scale`` (BasicSR).
        out: folder for ``frames.csv``, ``summary.json``, ``report.md`` and ``worst/*.png``; None: no files.
            An earlier run's reports there are removed when the run starts; a failed run leaves a
            ``FAILED`` file naming the error (:func:`gameir.evaluation.report.guarded_outputs`).
        tile: LR tile size for tiled inference (None: whole frames); ``tile_overlap`` LR pixels of context.
        amp: float16 autocast (CUDA only).
        temporal: also the warping error of consecutive predictions and of the ground truth
            (:mod:`gameir.evaluation.temporal`); needs HR ``motion`` in the data.
        worst: number of worst frames (lowest PSNR) drawn as side-by-side pictures into ``out/worst``.
        distributed: join a torch.distributed group (None: when torchrun's WORLD_SIZE > 1).
        max_frames: score only the first N frames of the split (quick checks).
        quiet: no progress bar.
        protocol_name: name stated in the report (a protocol file's ``name``).

    Returns:
        Summary dict: ``protocol``, ``dataset`` (digest, versions), ``method``, ``metrics``,
        ``overall`` ({psnr, ssim, count}), ``groups`` (per family / weather / motion),
        ``optional`` (temporal means), ``images_per_s``, ``seconds``, ``world_size``, ``device``,
        ``worst`` (frame keys) and ``files`` (written paths, rank 0).

    Raises:
        TypeError: a protocol setting of the wrong type (``y_channel="no"``, ``crop_border=2.5``).
        ValueError: a bad setting, method or dataset; :class:`~gameir.evaluation.predictions.PredictionError`
            (a ``ValueError``) when the method raised or returned an unusable output, naming the method,
            clip and frame; its ``PredictionTypeError`` subclass (also a ``TypeError``) for a non-tensor
            or integer output.
    """
    settings = {"split": split, "scale": scale, "y_channel": y_channel, "crop_border": crop_border,
                "temporal": temporal, "name": protocol_name}
    with evaluation_context(out, f"gameir eval sr --method {method}", settings, "evaluate_sr", "sr", device,
                            distributed, amp=amp) as ctx:
        return _evaluate_sr(ctx, root, split, method, scale, y_channel, crop_border, out, tile, tile_overlap,
                            amp, temporal, worst, max_frames, quiet, protocol_name)


def _evaluate_sr(ctx, root, split, method_spec, scale, y_channel, crop_border, out, tile, tile_overlap, amp,
                 temporal, worst, max_frames, quiet, protocol_name) -> dict[str, Any]:
    probe = SRDataset(root, split, scale=scale)
    s = probe.scale
    method = resolve_sr_method(method_spec, scale=s, device=ctx.device)
    ds = SRDataset(root, split, scale=s, gbuffers=method.gbuffers, gbuffer_res=method.gbuffer_res,
                   depth_mode=method.depth_mode, seed=0)
    if temporal:
        lacking = [ds.source.clips[c].clip_id for c in ds.clip_indices if "motion" not in ds.source.clips[c].buffers]
        if lacking:
            raise ValueError(f"--temporal needs the 'motion' buffer; clip {lacking[0]} has none")
    crop = s if crop_border is None else int(crop_border)
    protocol = Protocol("sr", str(split), scale=s, y_channel=y_channel, crop_border=crop, temporal=temporal,
                        name=protocol_name)
    n = len(ds) if max_frames is None else min(len(ds), int(max_frames))
    mine = partition(n, ctx.rank, ctx.world_size)
    runner = _Runner(ds, method, ctx.device, tile, tile_overlap, amp)
    bar = tqdm(total=len(mine), desc=f"eval sr {method_spec}", unit="frame", disable=quiet or ctx.rank != 0)
    start = time.perf_counter()
    records: list[dict[str, Any]] = []
    prev: tuple[int, int, torch.Tensor, torch.Tensor] | None = None
    for i in mine:
        clip, frame = ds.locate(i)
        item = runner.item(i)
        pred, gt = runner.predict(item)
        rec = {"index": i, "key": f"{item['clip_id']}/{frame:08d}", "clip_id": item["clip_id"], "frame": frame,
               "scene_family": item["scene_family"], "weather": item["weather"],
               "motion": motion_group(ds.source.clips[clip].scene), **image_scores(pred, gt, crop, y_channel)}
        if temporal:
            rec.update(warp_mse=None, warp_mse_gt=None, warp_pixels=None)
            if frame > 0:
                if prev is None or prev[0] != clip or prev[1] != frame - 1:
                    # first frame of this rank's block: predict frame t-1 again (not scored)
                    prev_pred, prev_gt = runner.predict(runner.item(i - 1))
                else:
                    prev_pred, prev_gt = prev[2], prev[3]
                rec.update(_temporal_record(ds, clip, frame, pred, gt, prev_pred, prev_gt))
            prev = (clip, frame, pred, gt)
        records.append(rec)
        bar.update(1)
    bar.close()
    seconds = time.perf_counter() - start
    return finish_evaluation(
        ctx, records, protocol=protocol, dataset=dataset_identity(ds.source, ds.split, root), method=method_spec,
        n_images=len(mine), seconds=seconds, out=out, csv_columns=SR_CSV_COLUMNS, worst=worst,
        picture=functools.partial(_worst_picture, runner), optional=_TEMPORAL if temporal else (),
        method_info=method.info,
        settings={"tile": runner.tile, "tile_overlap": tile_overlap if runner.tile else None, "amp": amp},
        notes={"temporal_mask": MASK_DOC} if temporal else None)


def _worst_picture(runner: _Runner, rec: dict[str, Any], folder: Path) -> Path:
    item = runner.item(rec["index"])
    pred, gt = runner.predict(item)
    s = runner.ds.scale
    lr_up = item["lr"].repeat_interleave(s, dim=1).repeat_interleave(s, dim=2)
    hwc = [t.detach().cpu().squeeze(0).permute(1, 2, 0).numpy() for t in (lr_up.unsqueeze(0), pred, gt)]
    title = (f"{rec['key']}  PSNR {rec['psnr']:.2f} dB  SSIM {rec['ssim']:.4f}  FLIP {rec['flip']:.4f}  "
             f"({runner.method.name})")
    pic = side_by_side([("LR (nearest)", hwc[0]), ("prediction", hwc[1]), ("ground truth", hwc[2])], hwc[1], hwc[2],
                       title=title, flip_err=flip_map(pred, gt, 1.0)[0].cpu().numpy())
    path = folder / f"{rec['index']:06d}_{rec['clip_id'].replace('/', '_')}_{rec['frame']:08d}.png"  # release ids: scene/spawn
    return write_png(path, pic)
