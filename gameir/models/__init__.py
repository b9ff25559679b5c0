"""Super-resolution networks (single-frame and temporal), motion warping and TorchScript export.

Input contract of every model: docs/TRAINING.md.
"""

from gameir.models.export import EXPORT_FORMAT, export_torchscript, load_torchscript
from gameir.models.sr_cnn import MODEL_KINDS, CompactSR, ResidualBlock, SRConfig, build_model, count_parameters
from gameir.models.temporal import TemporalSR, run_sequence
from gameir.models.warp import upsample_motion, warp_backward, warp_error

__all__ = [
    "EXPORT_FORMAT",
    "MODEL_KINDS",
    "CompactSR",
    "ResidualBlock",
    "SRConfig",
    "TemporalSR",
    "build_model",
    "count_parameters",
    "export_torchscript",
    "load_torchscript",
    "run_sequence",
    "upsample_motion",
    "warp_backward",
    "warp_error",
]
