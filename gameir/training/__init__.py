"""Training-loop pieces for the SR models: LR degradation, batches, checkpoints, logs, plots, the loop.

Runnable entry point: ``loaders/train_sr.py``; options and file formats: docs/TRAINING.md.
"""

import warnings
from typing import Any

from gameir.evaluation.device import resolve_device
from gameir.evaluation.predictor import FRAME_METRICS, batch_item
from gameir.training.batches import StepBatches, batch_indices, model_inputs
from gameir.training.checkpoint import CHECKPOINT_VERSION, load_checkpoint, rng_state, save_checkpoint, set_rng_state
from gameir.training.degrade import LR_SOURCES, degrade_hr, matlab_bicubic_downscale
from gameir.training.interrupt import TrainingInterrupted
from gameir.training.plot import Panel, draw_panels, save_png
from gameir.training.quick import train_quick
from gameir.training.runlog import LOG_COLUMNS, RunLog
from gameir.training.trainer import DEVICES, TrainConfig, Trainer

__all__ = [
    "CHECKPOINT_VERSION",
    "DEVICES",
    "FRAME_METRICS",
    "LOG_COLUMNS",
    "LR_SOURCES",
    "Panel",
    "RunLog",
    "StepBatches",
    "TrainConfig",
    "Trainer",
    "TrainingInterrupted",
    "batch_indices",
    "batch_item",
    "degrade_hr",
    "draw_panels",
    "load_checkpoint",
    "matlab_bicubic_downscale",
    "model_inputs",
    "resolve_device",
    "rng_state",
    "save_checkpoint",
    "save_png",
    "set_rng_state",
    "train_quick",
]


def __getattr__(name: str) -> Any:
    """``gameir.training.evaluate_sr``: the former name of :func:`gameir.evaluation.evaluate_sr_predictor`."""
    if name == "evaluate_sr":
        warnings.warn("gameir.training.evaluate_sr is now gameir.evaluation.evaluate_sr_predictor (same arguments)",
                      DeprecationWarning, stacklevel=2)
        from gameir.evaluation.predictor import evaluate_sr_predictor

        return evaluate_sr_predictor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
