"""Training checkpoints: everything needed to continue a run exactly, written atomically.

A checkpoint holds the model, optimizer, LR scheduler and AMP grad-scaler states, the number of
finished steps, the random states (Python, NumPy global, torch CPU and CUDA) and the run's
configuration. Training batches are a pure function of (seed, step)
(:mod:`gameir.training.batches`), so after :func:`load_checkpoint` the next step computes the
same loss the uninterrupted run computed.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gameir.fileio import atomic_writer

__all__ = ["CHECKPOINT_VERSION", "save_checkpoint", "read_checkpoint", "restore_checkpoint", "load_checkpoint",
           "rng_state", "set_rng_state"]

CHECKPOINT_VERSION = 1


def rng_state() -> dict[str, Any]:
    """Snapshot of the Python, NumPy (global) and torch (CPU, every CUDA device) random states."""
    state: dict[str, Any] = {"python": random.getstate(), "numpy": np.random.get_state(),
                             "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore a :func:`rng_state` snapshot (CUDA states only where CUDA is available)."""
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path: str | os.PathLike, *, step: int, model: torch.nn.Module,
                    optimizer: torch.optim.Optimizer, scheduler: Any, scaler: Any | None = None,
                    config: dict | None = None, extra: dict | None = None) -> Path:
    """Write a checkpoint to ``path`` atomically (``path.partial``, fsync, rename).

    Args:
        path: output file (e.g. ``RUN/checkpoint.pt``).
        step: number of optimisation steps finished; the run continues with step ``step``.
        model, optimizer, scheduler: objects whose ``state_dict()`` is stored.
        scaler: ``torch.amp.GradScaler`` (or None).
        config: the run's configuration (JSON-like), checked on resume.
        extra: anything else to keep (e.g. best validation PSNR).
    """
    payload = {
        "version": CHECKPOINT_VERSION,
        "step": int(step),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "rng": rng_state(),
        "config": config or {},
        "extra": extra or {},
    }
    path = Path(path)
    with atomic_writer(path) as fh:
        torch.save(payload, fh)
    return path


def read_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a checkpoint file into its payload dict (checks the version).

    Raises:
        ValueError: the file is missing, unreadable or of another version.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no checkpoint to resume from")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=False)
    except Exception as exc:  # noqa: BLE001 - report which file is bad
        raise ValueError(f"{path}: not a readable checkpoint ({exc})") from exc
    if not isinstance(payload, dict) or payload.get("version") != CHECKPOINT_VERSION:
        got = payload.get("version") if isinstance(payload, dict) else type(payload).__name__
        raise ValueError(f"{path}: checkpoint version {got!r}, expected {CHECKPOINT_VERSION}")
    payload["path"] = str(path)
    return payload


def restore_checkpoint(payload: dict[str, Any], *, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                       scheduler: Any, scaler: Any | None = None, restore_rng: bool = True) -> dict[str, Any]:
    """Load a :func:`read_checkpoint` payload into the given objects; return step, config and extra."""
    try:
        model.load_state_dict(payload["model"])
    except RuntimeError as exc:
        raise ValueError(f"{payload.get('path', 'checkpoint')}: does not fit the model ({exc})") from exc
    optimizer.load_state_dict(payload["optimizer"])
    scheduler.load_state_dict(payload["scheduler"])
    if scaler is not None and payload.get("scaler"):
        scaler.load_state_dict(payload["scaler"])
    if restore_rng:
        set_rng_state(payload["rng"])
    return {"step": payload["step"], "config": payload["config"], "extra": payload["extra"]}


def load_checkpoint(path: str | os.PathLike, *, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scheduler: Any, scaler: Any | None = None, map_location: str | torch.device = "cpu",
                    restore_rng: bool = True) -> dict[str, Any]:
    """Restore a checkpoint written by :func:`save_checkpoint` into the given objects.

    Returns:
        The payload's ``step``, ``config`` and ``extra`` (a dict).

    Raises:
        ValueError: the file is missing, unreadable, of another version, or does not fit the model.
    """
    payload = read_checkpoint(path, map_location)
    return restore_checkpoint(payload, model=model, optimizer=optimizer, scheduler=scheduler, scaler=scaler,
                              restore_rng=restore_rng)
