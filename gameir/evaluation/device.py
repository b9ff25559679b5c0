"""Device choice for evaluation and training: one rule for ``--device`` everywhere."""

from __future__ import annotations

import torch

__all__ = ["resolve_device"]


def resolve_device(device: str | torch.device) -> torch.device:
    """``"auto"`` -> CUDA if available else CPU; ``"cpu"`` / ``"cuda"`` / ``"cuda:K"`` as given.

    A ``torch.device`` is returned unchanged.

    Raises:
        ValueError: a CUDA device on a machine without CUDA, or any other string.
    """
    if isinstance(device, torch.device):
        return device
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu" or device.startswith("cuda"):
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(f"--device {device}: CUDA is not available on this machine (torch {torch.__version__})")
        return torch.device(device)
    raise ValueError(f"--device must be auto, cpu or cuda[:K], got {device!r}")
