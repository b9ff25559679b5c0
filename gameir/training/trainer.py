"""The SR training loop: AdamW + cosine schedule, L1 loss, AMP on CUDA, validation, checkpoints.

A run directory holds ``checkpoint.pt`` (resumable state, :mod:`gameir.training.checkpoint`),
``log.csv`` (:mod:`gameir.training.runlog`), and at the end the model (``model.pt``, TorchScript,
:func:`gameir.models.export_torchscript`, for ``--arch compact``; ``model.pth``, a state dict
that :func:`gameir.models.load_spandrel` loads, plus its G-buffer sidecar ``model.pth.json`` for the
standard architectures of :mod:`gameir.models.standard`), ``summary.json`` and ``curves.png``. The options are
:class:`gameir.training.config.TrainConfig` (re-exported here); docs/TRAINING.md describes each.
"""

from __future__ import annotations

import math
import os
import platform
import time
from pathlib import Path
from typing import Any, Iterable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from gameir.baselines import upscale
from gameir.evaluation.device import resolve_device
from gameir.evaluation.predictor import evaluate_sr_predictor
from gameir.models import SRConfig, TemporalSR, build_model, count_parameters, export_torchscript, run_sequence
from gameir.models.standard import HALF_ARCHS, build_standard, save_state_dict
from gameir.training.batches import StepBatches, model_inputs
from gameir.training.checkpoint import read_checkpoint, restore_checkpoint, save_checkpoint
from gameir.training.config import DEVICES, RESUMABLE_CHANGES, TrainConfig
from gameir.training.degrade import RANDOM_SOURCES
from gameir.training.interrupt import StopOnSignal, TrainingInterrupted
from gameir.training.plot import Panel, draw_panels, save_png
from gameir.training.runlog import RunLog

__all__ = ["TrainConfig", "Trainer", "DEVICES"]


class Trainer:
    """Builds datasets, model, optimiser and schedule for a :class:`TrainConfig`, then :meth:`run`s it."""

    def __init__(self, config: TrainConfig) -> None:
        from gameir.data import SRDataset  # datasets sit below training; imported here to keep import light

        self.config = c = config
        self.out = Path(c.out)
        self.device = resolve_device(c.device)
        if c.threads is not None:
            if c.threads < 1:
                raise ValueError(f"threads must be >= 1, got {c.threads}")
            torch.set_num_threads(int(c.threads))
        torch.manual_seed(c.seed)
        temporal = c.model == "temporal"
        self.train_set = SRDataset(c.data, c.train_split, lr_patch=c.lr_patch, gbuffers=c.gbuffers,
                                   gbuffer_res=c.gbuffer_res, frames=c.frames if temporal else 1,
                                   augment=c.augment, seed=c.seed)
        if temporal and not self.train_set.with_motion:
            raise ValueError(f"{c.data}: the temporal model needs 'motion' in every {c.train_split} clip")
        val_buffers = c.gbuffers + (("motion",) if temporal else ())
        self.val_set = SRDataset(c.data, c.val_split, gbuffers=val_buffers, gbuffer_res=c.gbuffer_res, seed=0)
        self.scale = self.train_set.scale
        self.aux_channels = self._aux_channel_names()
        self.n_aux = len(self.aux_channels)
        self.model_config = SRConfig(kind=c.model, scale=self.scale, aux_channels=tuple(self.aux_channels),
                                     n_feats=c.n_feats, n_blocks=c.n_blocks)
        if c.arch == "compact":
            self.model = build_model(self.model_config).to(self.device)
        else:
            self.model = build_standard(c.arch, scale=self.scale, n_aux=self.n_aux, n_feats=c.n_feats,
                                        n_blocks=c.n_blocks, pretrained=c.pretrained).to(self.device)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=c.learning_rate, betas=(0.9, 0.99),
                                           weight_decay=c.weight_decay)
        self.total_steps = c.steps
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, self._lr_factor)
        # float16 autocast only where spandrel says the architecture tolerates half precision
        self.use_amp = bool(c.amp and self.device.type == "cuda" and c.arch in HALF_ARCHS)
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.use_amp)
        self.batches = StepBatches(self.train_set, c.batch_size, c.seed, prefetch=c.prefetch)
        self.log = RunLog(self.out / "log.csv")
        self.val_indices = self._pick_val_indices(c.val_frames)
        self.baseline: dict[str, float] = {}
        self.stop_at: Optional[int] = None

    def _aux_channel_names(self) -> list[str]:
        """Aux input channel names in input order; HR G-buffers folded to LR are named ``hr:NAME@i,j``."""
        names = list(self.train_set.aux_channels)
        if self.config.gbuffer_res == "lr":
            return names
        s = self.scale
        return [f"hr:{n}@{i},{j}" for n in names for i in range(s) for j in range(s)]

    # -- schedule ----------------------------------------------------------------------------
    def _warmup(self) -> int:
        w = self.config.warmup_steps
        return min(100, self.total_steps // 20) if w is None else int(w)

    def _lr_factor(self, step: int) -> float:
        """Linear warm-up, then cosine from 1 to ``min_lr_ratio`` at ``total_steps``."""
        warm = self._warmup()
        if step < warm:
            return (step + 1) / warm
        t = min(1.0, (step - warm) / max(1, self.total_steps - warm))
        r = self.config.min_lr_ratio
        return r + (1.0 - r) * 0.5 * (1.0 + math.cos(math.pi * t))

    # -- one step ----------------------------------------------------------------------------
    def loss_on(self, batch: dict[str, Any], step: int = 0) -> torch.Tensor:
        """L1 loss of the model on batch ``step`` (windows of frames for the temporal model)."""
        c = self.config
        rng = np.random.default_rng([c.seed, int(step), 1]) if c.lr_source in RANDOM_SOURCES else None
        x, hr = model_inputs(batch, n_aux=self.n_aux, lr_source=c.lr_source, scale=self.scale, device=self.device,
                             rng=rng)
        with torch.autocast(device_type=self.device.type, dtype=torch.float16, enabled=self.use_amp):
            if isinstance(self.model, TemporalSR):
                pred = run_sequence(self.model, x, batch["motion"].to(self.device))
            else:
                pred = self.model(x)
            return F.l1_loss(pred.float(), hr)

    def train_step(self, batch: dict[str, Any], step: int = 0) -> float:
        """One optimisation step on batch ``step``; returns the loss before the update."""
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss_on(batch, step)
        self.scaler.scale(loss).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()
        return float(loss.detach())

    # -- validation --------------------------------------------------------------------------
    def _pick_val_indices(self, n: int) -> list[int]:
        """First frames of each val clip, about ``n`` in all (consecutive, for recurrent history)."""
        by_clip: dict[int, list[int]] = {}
        for i in range(len(self.val_set)):
            clip, _ = self.val_set.locate(i)
            by_clip.setdefault(clip, []).append(i)
        per = max(1, math.ceil(n / max(1, len(by_clip))))
        picked = [i for idx in by_clip.values() for i in idx[:per]]
        return picked[:max(1, n)]

    def _val_items(self):
        return (self.val_set[i] for i in self.val_indices)

    def predict(self, batch: dict[str, Any], prev: Optional[torch.Tensor]) -> torch.Tensor:
        """Model output for a batch of full frames (native LR input), feeding history if temporal."""
        x, _ = model_inputs(batch, n_aux=self.n_aux, scale=self.scale, device=self.device)
        with torch.autocast(device_type=self.device.type, dtype=torch.float16, enabled=self.use_amp):
            if isinstance(self.model, TemporalSR) and prev is not None:
                return self.model(x, prev, batch["motion"]).float()
            return self.model(x).float()

    def validate(self, items: Optional[Iterable[dict[str, Any]]] = None) -> dict[str, Any]:
        """Score the model on ``items`` (default: the validation frames) with native LR input,
        whatever ``lr_source`` (:func:`gameir.evaluation.evaluate_sr_predictor`)."""
        self.model.eval()
        try:
            return evaluate_sr_predictor(self.predict, self._val_items() if items is None else items,
                                         scale=self.scale, device=self.device)
        finally:
            self.model.train()

    def validate_bicubic(self, items: Optional[Iterable[dict[str, Any]]] = None) -> dict[str, Any]:
        """The bicubic upscale of the same frames (the line to beat)."""
        return evaluate_sr_predictor(lambda b, _: upscale(b["lr"], self.scale, "bicubic", data_range=1.0),
                                     self._val_items() if items is None else items, scale=self.scale,
                                     device=self.device)

    # -- the run -----------------------------------------------------------------------------
    def _checkpoint(self, step: int) -> None:
        save_checkpoint(self.out / "checkpoint.pt", step=step, model=self.model, optimizer=self.optimizer,
                        scheduler=self.scheduler, scaler=self.scaler, config=self.config.to_dict(),
                        extra={"baseline": self.baseline, "total_steps": self.total_steps,
                               "model_config": self.model_config.to_dict()})

    def _resume(self) -> int:
        payload = read_checkpoint(self.out / "checkpoint.pt", map_location=self.device)
        old, new = {"arch": "compact", "pretrained": None, "gbuffer_res": "lr", **payload["config"]}, self.config.to_dict()
        diff = sorted(k for k in new if k not in RESUMABLE_CHANGES and old.get(k) != new[k])
        if diff:
            raise ValueError(f"{self.out}/checkpoint.pt was written with different options: "
                             + ", ".join(f"{k}={old.get(k)!r} (now {new[k]!r})" for k in diff))
        info = restore_checkpoint(payload, model=self.model, optimizer=self.optimizer, scheduler=self.scheduler,
                                  scaler=self.scaler)
        self.baseline = info["extra"].get("baseline", {})
        if self.config.steps == old.get("steps"):
            self.total_steps = info["extra"].get("total_steps", self.total_steps)
        return int(info["step"])

    def run(self, resume: bool = False, stop_at: Optional[int] = None) -> dict[str, Any]:
        """Train to ``steps`` (continuing ``checkpoint.pt`` with ``resume``); write the run's files.

        Args:
            resume: continue from ``out/checkpoint.pt`` (same options; ``steps`` may grow).
            stop_at: stop after this step of the schedule (checkpointed, model exported) so that a
                later ``resume`` continues it, e.g. within a cluster job's time limit.

        Returns:
            The summary written to ``summary.json``.

        Raises:
            TrainingInterrupted: SIGINT (Ctrl-C) or SIGTERM; the step in progress was finished and
                checkpointed, so ``resume=True`` continues from it.
        """
        from tqdm.auto import tqdm

        c = self.config
        ckpt = self.out / "checkpoint.pt"
        if ckpt.exists() and not resume:
            raise ValueError(f"{self.out} already has a checkpoint; pass --resume to continue it or choose another --out")
        self.out.mkdir(parents=True, exist_ok=True)
        start = self._resume() if resume and ckpt.exists() else 0
        self.log.start(resume_step=start if start else None)
        if not self.baseline:
            b = self.validate_bicubic()
            self.baseline = {m: b[m] for m in ("psnr", "psnr_y", "ssim", "ssim_y")}
        last_val: dict[str, Any] = {}
        self._seconds_offset = self.log.last_seconds
        t0 = time.perf_counter()
        losses: list[float] = []
        bar = tqdm(total=self.total_steps, initial=start, disable=c.quiet, desc=f"train {self.out.name}",
                   dynamic_ncols=True)
        self.stop_at = stop_at
        stop = StopOnSignal()
        try:
            with stop:
                done = self._loop(start, stop_at, stop, t0, bar, losses, last_val)
        finally:
            bar.close()
        if stop.received:
            self._checkpoint(done)
            raise TrainingInterrupted(done, self.total_steps, self.out / "checkpoint.pt", stop.received)
        return self._finish(done, t0, start, last_val)

    def _loop(self, start: int, stop_at: Optional[int], stop: StopOnSignal, t0: float, bar: Any,
              losses: list[float], last_val: dict[str, Any]) -> int:
        """Optimisation steps from ``start`` until the schedule ends, ``stop_at``, or a signal."""
        c = self.config
        done, ema = start, None
        calibrated = c.seconds is None
        while done < self.total_steps and (stop_at is None or done < stop_at) and not stop.received:
            for step, batch in self.batches.iterate(done, self.total_steps):
                loss = self.train_step(batch, step)
                losses.append(loss)
                ema = loss if ema is None else 0.9 * ema + 0.1 * loss
                done = step + 1
                if not calibrated and done - start >= 3:
                    calibrated = True  # time budget: fix the step count from the measured pace
                    per_step = (time.perf_counter() - t0) / (done - start)
                    self.total_steps = max(done, int(c.seconds / per_step))
                    bar.total = self.total_steps
                    self._after_step(done, losses, t0, bar, ema, last_val)
                    break  # restart the batch stream with the new length
                self._after_step(done, losses, t0, bar, ema, last_val)
                if (stop_at is not None and done >= stop_at) or stop.received:
                    break
        return done

    def _after_step(self, done: int, losses: list[float], t0: float, bar: Any, ema: float,
                    last_val: dict[str, Any]) -> None:
        c = self.config
        row: dict[str, Any] = {}
        if done % c.log_every == 0 or done == self.total_steps or done == self.stop_at:
            row.update(loss=sum(losses) / len(losses), lr=self.scheduler.get_last_lr()[0])
            losses.clear()
        last = done == self.total_steps or done == self.stop_at
        if (c.val_every and done % c.val_every == 0) or last:
            v = self.validate()
            last_val.clear()
            last_val.update(v, step=done)
            row.update(val_psnr=v["psnr"], val_psnr_y=v["psnr_y"], val_ssim=v["ssim"], val_ssim_y=v["ssim_y"])
        if row:
            row.update(step=done, seconds=self._seconds_offset + time.perf_counter() - t0)
            self.log.append(row)
        if (c.ckpt_every and done % c.ckpt_every == 0) or last:
            self._checkpoint(done)
        bar.update(1)
        post = {"loss": f"{ema:.4f}"}
        if last_val:
            post["psnr"] = f"{last_val['psnr']:.2f}"
            post["bicubic"] = f"{self.baseline['psnr']:.2f}"
        bar.set_postfix(post, refresh=False)

    def _finish(self, done: int, t0: float, start: int, last_val: dict[str, Any]) -> dict[str, Any]:
        c = self.config
        final = last_val if last_val.get("step") == done else self.validate()
        metrics = {m: final[m] for m in ("psnr", "psnr_y", "ssim", "ssim_y")}
        meta = {"lr_source": c.lr_source, "gbuffers": list(c.gbuffers), "steps": done, "data": c.data,
                "val": metrics, "scale": self.scale}
        model_file = self._export(meta)
        xs, ys = self.log.series("loss")
        vx, vy = self.log.series("val_psnr")
        panels = [Panel("training L1 loss", {"loss": (xs, ys)}, log_y=True),
                  Panel(f"val PSNR (dB, {c.val_split}, {len(self.val_indices)} frames)", {"model": (vx, vy)},
                        hlines={"bicubic": self.baseline["psnr"]})]
        save_png(self.out / "curves.png", draw_panels(panels))
        summary = {
            "config": c.to_dict(), "model": self.model_config.to_dict(),
            "parameters": count_parameters(self.model), "steps": done, "resumed_from": start or None,
            "finished": done >= self.total_steps, "total_steps": self.total_steps,
            "seconds_this_session": time.perf_counter() - t0,
            "seconds_total": self._seconds_offset + time.perf_counter() - t0, "device": str(self.device), "amp": self.use_amp,
            "val": {**metrics, "frames": final["frames"]}, "val_bicubic": self.baseline,
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "torch": torch.__version__,
                        "cuda": torch.cuda.get_device_name(0) if self.device.type == "cuda" else None},
            "arch": c.arch,
            "files": {"model": model_file, "log": "log.csv", "curves": "curves.png", "checkpoint": "checkpoint.pt",
                      **({"sidecar": model_file + ".json"} if c.arch != "compact" else {})},
        }
        RunLog.write_summary(self.out / "summary.json", _finite(summary))
        return summary


    def _export(self, meta: dict[str, Any]) -> str:
        """Write the final model: TorchScript ``model.pt`` (compact), or a spandrel-loadable
        ``model.pth`` state dict and its G-buffer sidecar ``model.pth.json``. Returns the file name."""
        c = self.config
        if c.arch == "compact":
            export_torchscript(self.model, self.out / "model.pt", metadata=meta)
            return "model.pt"
        from gameir.models.spandrel_io import write_sidecar

        path = save_state_dict(self.model, self.out / "model.pth")
        write_sidecar(path, arch=c.arch, scale=self.scale, aux_channels=list(self.aux_channels),
                      gbuffers=list(c.gbuffers), extra={"steps": meta["steps"], "lr_source": c.lr_source,
                                                        "val": meta["val"]})
        return "model.pth"


def _finite(obj: Any) -> Any:
    """JSON-safe copy: non-finite floats become strings ("inf", "nan")."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
