"""`train_quick`: train the small model for a time budget and score it against bicubic on test frames."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

from gameir.training.trainer import TrainConfig, Trainer

__all__ = ["train_quick"]


def train_quick(data_root: str | os.PathLike, seconds: float = 60.0, *, gbuffers: Sequence[str] = (),
                out: str | os.PathLike | None = None, test_split: str = "test", device: str = "auto",
                seed: int = 0, lr_patch: int = 32, batch_size: int = 8, threads: int | None = None,
                quiet: bool = True) -> dict[str, Any]:
    """Train :class:`~gameir.models.CompactSR` for about ``seconds`` and compare it with bicubic.

    The run uses the ``train`` split (validation on ``val`` at the end only), then scores the model
    and bicubic upscaling on every full frame of ``test_split`` with natively rendered LR input
    (PSNR/SSIM on [0, 1], border of ``scale`` px cropped; :func:`gameir.evaluation.evaluate_sr_predictor`).

    Args:
        data_root: dataset root with train/val/test splits (e.g. ``gameir render tiny --out DIR``).
        seconds: training time budget; the step count is fixed after timing 3 steps.
        gbuffers: G-buffers fed to the model (e.g. ``("depth", "normal", "basecolor")``).
        out: run directory (default: a temporary one, deleted afterwards).
        test_split: split to score.
        device, seed, lr_patch, batch_size, threads: as :class:`~gameir.training.TrainConfig`.
        quiet: no progress bars.

    Returns:
        ``{"psnr_model", "psnr_bicubic", "ssim_model", "ssim_bicubic", "psnr_y_model",
        "psnr_y_bicubic", "beats_bicubic", "steps", "seconds", "parameters", "test_frames", "run_dir"}``
        (``run_dir`` is None when the run went to a temporary folder).
    """
    if seconds <= 0:
        raise ValueError(f"train_quick: seconds must be > 0, got {seconds}")
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="gameir-quick-")
        out = Path(tmp.name) / "run"
    try:
        config = TrainConfig(data=str(data_root), out=str(out), gbuffers=tuple(gbuffers), steps=10**6,
                             seconds=float(seconds), batch_size=batch_size, lr_patch=lr_patch, seed=seed,
                             val_every=0, ckpt_every=0, log_every=10, device=device, quiet=quiet,
                             warmup_steps=0, threads=threads)
        trainer = Trainer(config)
        summary = trainer.run()
        from gameir.data import SRDataset

        test = SRDataset(data_root, test_split, gbuffers=tuple(gbuffers), seed=0)
        items = lambda: (test[i] for i in range(len(test)))  # noqa: E731
        model, bicubic = trainer.validate(items()), trainer.validate_bicubic(items())
        return {
            "psnr_model": model["psnr"], "psnr_bicubic": bicubic["psnr"],
            "psnr_y_model": model["psnr_y"], "psnr_y_bicubic": bicubic["psnr_y"],
            "ssim_model": model["ssim"], "ssim_bicubic": bicubic["ssim"],
            "beats_bicubic": bool(model["psnr"] > bicubic["psnr"]),
            "steps": summary["steps"], "seconds": summary["seconds_this_session"],
            "parameters": summary["parameters"], "test_frames": model["frames"],
            "run_dir": None if tmp is not None else str(out),
        }
    finally:
        if tmp is not None:
            tmp.cleanup()
