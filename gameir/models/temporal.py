"""Recurrent (history-accumulating) variant of :class:`~gameir.models.sr_cnn.CompactSR`.

As game upscalers (and FRVSR, Sajjadi et al. 2018) do, the previous HR output is warped into the
current frame with the frame's backward motion vectors (:func:`gameir.models.warp.warp_backward`,
LR motion upsampled nearest and multiplied by s), folded to LR resolution with a pixel unshuffle
(3 s^2 channels) and fed to the network beside the current LR colour and G-buffers. Pixels whose
motion leaves the previous frame get the bilinear upsampling of the current LR frame as history.
The first frame of a sequence (no ``prev``) uses that upsampling everywhere, so the model also
works frame by frame, e.g. under ``gameir eval sr --method torchscript:...``.
"""

from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from gameir.models.sr_cnn import CompactSR, SRConfig
from gameir.models.warp import warp_backward

__all__ = ["TemporalSR", "run_sequence"]


class TemporalSR(CompactSR):
    """Single-frame network + warped previous output as extra input.

    Shapes:
        forward(x, prev=None, motion=None):
            x (N, 3 + A, h, w) current frame (layout of :class:`CompactSR`);
            prev (N, 3, s*h, s*w) this model's output for frame t-1, or None for a first frame;
            motion (N, 2, h, w) backward motion of frame t in LR pixels (required with prev)
            -> (N, 3, s*h, s*w).
    """

    def __init__(self, config: SRConfig) -> None:
        if config.kind != "temporal":
            raise ValueError(f"TemporalSR needs config.kind 'temporal', got {config.kind!r}")
        super().__init__(config, extra_in=3 * config.scale ** 2)
        self.unshuffle = torch.nn.PixelUnshuffle(config.scale)

    def forward(self, x: torch.Tensor, prev: Optional[torch.Tensor] = None,
                motion: Optional[torch.Tensor] = None) -> torch.Tensor:
        self._check_input(x)
        base = F.interpolate(x[:, :3], scale_factor=float(self.scale), mode="bilinear", align_corners=False)
        if prev is None:
            history = base
        else:
            if motion is None:
                raise ValueError("TemporalSR: motion (N, 2, h, w) is required with prev")
            warped, valid = warp_backward(prev, motion, self.scale)
            history = torch.where(valid, warped, base)
        return self._reconstruct(x, torch.cat([x, self.unshuffle(history)], dim=1))


def run_sequence(model: torch.nn.Module, xs: torch.Tensor, motions: Optional[torch.Tensor] = None,
                 detach_history: bool = False) -> torch.Tensor:
    """Run a model over a window of frames, feeding each output back as history.

    Args:
        model: :class:`TemporalSR` (history used) or any single-frame model taking ``x`` only.
        xs: (N, T, 3 + A, h, w) frames in time order.
        motions: (N, T, 2, h, w) backward motion of each frame (frame 0's is unused).
        detach_history: cut the gradient through the history (truncated back-propagation).

    Returns:
        (N, T, 3, s*h, s*w) outputs.
    """
    outs = []
    prev: Optional[torch.Tensor] = None
    temporal = isinstance(model, TemporalSR) or getattr(model, "original_name", "") == "TemporalSR"
    if temporal and motions is None and xs.shape[1] > 1:
        raise ValueError("run_sequence: a temporal model needs motions (N, T, 2, h, w)")
    for t in range(xs.shape[1]):
        if not temporal:
            out = model(xs[:, t])
        elif prev is None:
            out = model(xs[:, t])
        else:
            out = model(xs[:, t], prev.detach() if detach_history else prev, motions[:, t])
        outs.append(out)
        prev = out
    return torch.stack(outs, dim=1)
