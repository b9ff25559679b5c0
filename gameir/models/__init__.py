"""Super-resolution networks (single-frame and temporal), motion warping, TorchScript export, and
standard architectures / checkpoints through spandrel (optional extra ``gameir[sr]``).

Input contract of every model: docs/TRAINING.md.
"""

from gameir.models.export import EXPORT_FORMAT, export_torchscript, load_torchscript
from gameir.models.spandrel_io import SIDECAR_FORMAT, SpandrelModel, load_spandrel, write_sidecar
from gameir.models.build import build_model
from gameir.models.edsr import EDSR
from gameir.models.sr_cnn import MODEL_KINDS, CompactSR, ResidualBlock, SRConfig, count_parameters
from gameir.models.aux_input import attach_aux_input
from gameir.models.standard import ARCHS, GBUFFER_ARCHS, build_standard, widen_first_conv
from gameir.models.temporal import TemporalSR, run_sequence
from gameir.models.warp import upsample_motion, warp_backward, warp_error

__all__ = [
    "ARCHS",
    "EDSR",
    "attach_aux_input",
    "EXPORT_FORMAT",
    "GBUFFER_ARCHS",
    "SIDECAR_FORMAT",
    "SpandrelModel",
    "build_standard",
    "load_spandrel",
    "widen_first_conv",
    "write_sidecar",
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
