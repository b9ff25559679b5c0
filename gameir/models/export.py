"""TorchScript export of the SR models, loadable with plain ``torch.jit.load`` (no gameir needed)."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import torch
from torch import nn

from gameir.fileio import atomic_writer

__all__ = ["export_torchscript", "load_torchscript", "EXPORT_FORMAT"]

#: Value of the ``gameir_export`` entry in the file's extra files; bump on an input-contract change.
EXPORT_FORMAT = "gameir-sr-torchscript-1"


def export_torchscript(model: nn.Module, path: str | os.PathLike, *, metadata: dict | None = None) -> Path:
    """Script ``model`` in eval mode and save it atomically to ``path``.

    The file holds the scripted module and, as TorchScript extra files, ``config.json`` (the
    model's :class:`~gameir.models.sr_cnn.SRConfig`, so the aux channel order travels with it) and
    ``metadata.json`` (``metadata`` plus ``format``). Input/output contract: docs/TRAINING.md.

    Args:
        model: a :class:`~gameir.models.sr_cnn.CompactSR` or :class:`~gameir.models.temporal.TemporalSR`.
        path: output ``.pt`` file.
        metadata: JSON-serialisable facts to keep with the model (data, steps, lr source, ...).

    Returns:
        The written path.
    """
    was_training = model.training
    model.eval()
    try:
        with warnings.catch_warnings():  # torch >= 2.9 flags TorchScript as deprecated; it still loads everywhere
            warnings.simplefilter("ignore", DeprecationWarning)
            scripted = torch.jit.script(model)
    finally:
        model.train(was_training)
    config = getattr(model, "config", None)
    extra = {
        "config.json": json.dumps(config.to_dict() if config is not None else {}),
        "metadata.json": json.dumps({"format": EXPORT_FORMAT, **(metadata or {})}),
    }
    path = Path(path)
    with atomic_writer(path) as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(scripted, fh, _extra_files=extra)
    return path


def load_torchscript(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> tuple[torch.jit.ScriptModule, dict, dict]:
    """Load an exported model; return ``(module in eval mode, config dict, metadata dict)``."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such TorchScript model file")
    extra = {"config.json": "", "metadata.json": ""}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        module = torch.jit.load(str(path), map_location=map_location, _extra_files=extra)
    module.eval()
    config = json.loads(extra["config.json"] or "{}")
    metadata = json.loads(extra["metadata.json"] or "{}")
    return module, config, metadata
