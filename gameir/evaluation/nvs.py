"""`evaluate_nvs`: score a novel-view-synthesis method on held-out views of multi-view rigs.

A method sees, per rig frame, the source views (``rgb`` (V, 3, H, W) in [0, 1], ``depth``
(V, 1, H, W) metres with +inf for sky, ``K`` (V, 3, 3), ``c2w`` (V, 4, 4) OpenGL) and the target
cameras (``K``, ``c2w``, ``view``, image size), and returns the target images (T, 3, H, W).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from tqdm import tqdm

from gameir.baselines import nearest_view_copy, nearest_views, warp_blend
from gameir.data.nvs import NVSDataset
from gameir.evaluation.distributed import partition
from gameir.evaluation.lifecycle import evaluation_context, finish_evaluation, image_scores
from gameir.evaluation.pictures import side_by_side, write_png
from gameir.evaluation.predictions import check_prediction, prediction_path, read_png_prediction
from gameir.evaluation.protocol import Protocol, dataset_identity
from gameir.evaluation.summary import motion_group
from gameir.evaluation.user_methods import call_method, load_factory
from gameir.metrics import flip_map

__all__ = ["evaluate_nvs", "resolve_nvs_method", "NVS_BUILTINS", "NVS_CSV_COLUMNS"]

NVS_BUILTINS = ("nearest-view", "warp")
NVS_CSV_COLUMNS = ("index", "clip_id", "frame", "view", "scene_family", "weather", "motion", "psnr", "ssim",
                   "flip")

#: predict(rig) -> (T, 3, H, W) float in [0, 1]; rig = {"source": {...}, "target": {...}, "hw": (H, W), ...}
NVSPredict = Callable[[dict[str, Any]], torch.Tensor]


def _hwc(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().permute(1, 2, 0).numpy()


def _nearest(rig: dict[str, Any]) -> torch.Tensor:
    src, tgt = rig["source"], rig["target"]
    imgs = [_hwc(x) for x in src["rgb"]]
    c2ws = [c.numpy() for c in src["c2w"].cpu()]
    out = [nearest_view_copy(imgs, c2ws, c.numpy()) for c in tgt["c2w"].cpu()]
    return torch.from_numpy(np.stack(out)).permute(0, 3, 1, 2)


def _warp(rig: dict[str, Any]) -> torch.Tensor:
    src, tgt = rig["source"], rig["target"]
    imgs = [_hwc(x) for x in src["rgb"]]
    depths = [d[0].cpu().numpy() for d in src["depth"]]
    Ks = [k.numpy() for k in src["K"].cpu()]
    c2ws = [c.numpy() for c in src["c2w"].cpu()]
    out = [warp_blend(imgs, depths, Ks, c2ws, K.numpy(), c2w.numpy(), rig["hw"])
           for K, c2w in zip(tgt["K"].cpu(), tgt["c2w"].cpu())]
    return torch.from_numpy(np.stack(out)).permute(0, 3, 1, 2)


def resolve_nvs_method(spec: str, device: torch.device) -> NVSPredict:
    """``nearest-view`` (copy the nearest source view), ``warp`` (forward-splat the two nearest
    source views with depth, z-buffer, blend, fill holes: :func:`gameir.baselines.warp_blend`),
    ``python:pkg.module:factory`` (``factory()`` returns a callable / module taking the rig dict),
    or ``folder:DIR`` (PNGs ``DIR/<clip_id>/<view:02d>/<frame:08d>.png``, e.g. NeRF / 3DGS renders)."""
    if spec == "nearest-view":
        return _nearest
    elif spec == "warp":
        return _warp
    elif spec.startswith("python:"):
        model, _ = load_factory(spec, device)
        return model
    elif spec.startswith("folder:"):
        folder = Path(spec[len("folder:"):])
        if not folder.is_dir():
            raise ValueError(f"--method {spec!r}: {folder} is not a folder (expected DIR/<clip_id>/<view:02d>/<frame:08d>.png)")

        def read(rig: dict[str, Any]) -> torch.Tensor:
            out = []
            for v in rig["target"]["view"].tolist():
                where = f"clip {rig['clip_id']} frame {rig['frame']} view {v}"
                out.append(read_png_prediction(prediction_path(folder, rig["clip_id"], rig["frame"], v), rig["hw"], where))
            return torch.cat(out)
        return read
    else:
        raise ValueError(f"unknown NVS method {spec!r}; choose one of {', '.join(NVS_BUILTINS)}, "
                         f"python:pkg.module:factory or folder:DIR")


def evaluate_nvs(root: str | os.PathLike, split: str = "test", method: str = "warp", *,
                 holdout: tuple[int, ...] | list[int] = (-1,), device: str | torch.device = "auto",
                 y_channel: bool = False, crop_border: int | None = None, out: str | os.PathLike | None = None,
                 worst: int = 4, distributed: bool | None = None, max_frames: int | None = None,
                 quiet: bool = True, protocol_name: str = "custom") -> dict[str, Any]:
    """Score an NVS method on the held-out views of every rig frame of ``split``.

    Per rig frame the method receives the source views (every view not in ``holdout``) and the
    target cameras, and returns one image per held-out view; each is checked (shape (T, 3, H, W),
    float, finite, within the range tolerance of [0, 1]; errors name method, clip, frame and what was
    found), clamped to [0, 1] and scored with PSNR and
    SSIM against the rendered view. Means overall, per world family, weather, static/dynamic;
    reports and worst-image pictures as :func:`gameir.evaluation.evaluate_sr`; distributed the same way.

    Args:
        root, split: the dataset (``"nvs"`` clips) and split.
        method: see :func:`resolve_nvs_method`.
        holdout: held-out view indices (negative count from the last view).
        device, y_channel, out, worst, distributed, max_frames, quiet, protocol_name: as ``evaluate_sr``
            (``max_frames`` counts rig frames).
        crop_border: pixels cropped per side before the metrics (default 0).

    Returns:
        Summary dict as ``evaluate_sr``'s (images are (clip, frame, view) triples).

    Raises:
        TypeError, ValueError: as :func:`gameir.evaluation.evaluate_sr`.
    """
    settings = {"split": split, "holdout": holdout, "y_channel": y_channel, "crop_border": crop_border,
                "name": protocol_name}
    with evaluation_context(out, f"gameir eval nvs --method {method}", settings, "evaluate_nvs", "nvs", device,
                            distributed) as ctx:
        return _evaluate_nvs(ctx, root, split, method, tuple(holdout), y_channel,
                             0 if crop_border is None else int(crop_border), out, worst, max_frames, quiet,
                             protocol_name)


def _evaluate_nvs(ctx, root, split, spec, holdout, y_channel, crop, out, worst, max_frames, quiet, protocol_name):
    ds = NVSDataset(root, split, holdout_views=holdout, buffers=("rgb", "depth"), depth_mode="metres")
    predict = resolve_nvs_method(spec, ctx.device)
    protocol = Protocol("nvs", str(split), y_channel=y_channel, crop_border=crop, holdout=holdout, name=protocol_name)
    n = len(ds) if max_frames is None else min(len(ds), int(max_frames))
    mine = partition(n, ctx.rank, ctx.world_size)
    bar = tqdm(total=len(mine), desc=f"eval nvs {spec}", unit="rig", disable=quiet or ctx.rank != 0)
    start = time.perf_counter()
    records: list[dict[str, Any]] = []
    scenes = {c.clip_id: c.scene for c in ds.source.clips}
    n_images = 0
    for i in mine:
        item = ds[i]
        preds, gt = _predict(predict, item, ctx.device, spec)
        for j, v in enumerate(item["target"]["view"].tolist()):
            p, g = preds[j:j + 1], gt[j:j + 1]
            records.append({"index": i * 1000 + j, "key": f"{item['clip_id']}/{v:02d}/{item['frame']:08d}",
                            "clip_id": item["clip_id"], "frame": int(item["frame"]), "view": int(v),
                            "scene_family": item["scene_family"], "weather": item["weather"],
                            "motion": motion_group(scenes[item["clip_id"]]), **image_scores(p, g, crop, y_channel)})
            n_images += 1
        bar.update(1)
    bar.close()
    seconds = time.perf_counter() - start

    def picture(rec: dict[str, Any], folder: Path) -> Path:
        return _worst_picture(predict, ds, rec, ctx.device, folder, spec)

    return finish_evaluation(ctx, records, protocol=protocol, dataset=dataset_identity(ds.source, ds.split, root),
                             method=spec, n_images=n_images, seconds=seconds, out=out, csv_columns=NVS_CSV_COLUMNS,
                             worst=worst, picture=picture)


def _predict(predict: NVSPredict, item: dict[str, Any], device: torch.device,
             spec: str) -> tuple[torch.Tensor, torch.Tensor]:
    gt = item["target"]["rgb"].to(device)
    t, _, h, w = gt.shape
    rig = {"source": {k: v.to(device) for k, v in item["source"].items()},
           "target": {k: v.to(device) for k, v in item["target"].items() if k in ("K", "c2w", "view")},
           "hw": (h, w), "clip_id": item["clip_id"], "frame": int(item["frame"]),
           "scene_family": item["scene_family"], "weather": item["weather"]}
    views = item["target"]["view"].tolist()
    where = f"--method {spec!r}: clip {item['clip_id']} frame {int(item['frame'])} views {views}"
    with torch.no_grad():
        if spec.startswith("python:"):  # user code: its exceptions name method and frame
            pred = call_method(predict, rig, where)
        else:
            pred = predict(rig)
        pred = check_prediction(pred, (t, 3, h, w), where)
    return pred.to(device), gt


def _worst_picture(predict: NVSPredict, ds: NVSDataset, rec: dict[str, Any], device: torch.device,
                   folder: Path, spec: str) -> Path:
    item = ds[rec["index"] // 1000]
    j = rec["index"] % 1000
    preds, gt = _predict(predict, item, device, spec)
    src = item["source"]
    near = nearest_views([c.numpy() for c in src["c2w"]], item["target"]["c2w"][j].numpy(), 1)[0]
    p, g = _hwc(preds[j]), _hwc(gt[j])
    title = f"{rec['key']}  PSNR {rec['psnr']:.2f} dB  SSIM {rec['ssim']:.4f}  FLIP {rec['flip']:.4f}  ({spec})"
    pic = side_by_side([(f"nearest source view {int(src['view'][near])}", _hwc(src["rgb"][near])),
                        ("prediction", p), ("ground truth", g)], p, g, title=title,
                       flip_err=flip_map(preds[j], gt[j], 1.0)[0].cpu().numpy())
    path = folder / f"{rec['clip_id'].replace('/', '_')}_v{rec['view']:02d}_{rec['frame']:08d}.png"
    return write_png(path, pic)
