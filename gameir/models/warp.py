"""Backward warping with GameIR motion vectors, and the warping error used for temporal stability.

Motion convention (docs/FORMAT.md): ``motion[:, :, y, x] = (dx, dy)`` in pixels of its own grid
means the surface seen at pixel centre ``(x + 0.5, y + 0.5)`` in frame t was at
``(x + 0.5 + dx, y + 0.5 + dy)`` in frame t-1. Warping frame t-1 into frame t therefore samples
t-1 at that position (bilinear, ``grid_sample(align_corners=False)``, whose grid uses the same
pixel-corner convention). For history kept at ``scale`` times the motion's resolution, each LR
motion vector applies to its s x s HR block (nearest upsampling, so object edges stay sharp) and
is multiplied by s.
"""

from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

__all__ = ["upsample_motion", "warp_backward", "warp_error"]


def upsample_motion(motion: torch.Tensor, scale: int) -> torch.Tensor:
    """Motion in LR pixels (N, 2, h, w) -> the same motion in HR pixels (N, 2, s*h, s*w), nearest."""
    if scale == 1:
        return motion
    return motion.repeat_interleave(scale, dim=2).repeat_interleave(scale, dim=3) * float(scale)


def warp_backward(prev: torch.Tensor, motion: torch.Tensor, scale: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Warp frame t-1 into frame t with backward motion vectors.

    Args:
        prev: (N, C, s*h, s*w) float, frame t-1 (any content: colour, a previous SR output).
        motion: (N, 2, h, w) float, backward motion (dx, dy) of frame t in pixels of the (h, w) grid.
        scale: s, the ratio of ``prev``'s resolution to the motion's (1: same grid).

    Returns:
        ``(warped, valid)``: warped (N, C, s*h, s*w) = prev sampled at ``p + s * motion(p)``
        (bilinear, border-clamped), and valid (N, 1, s*h, s*w) bool, True where that position lies
        inside frame t-1 (pixels newly entering the view are False).
    """
    if prev.dim() != 4 or motion.dim() != 4 or motion.shape[1] != 2:
        raise ValueError(f"warp_backward: expected prev (N, C, H, W) and motion (N, 2, h, w), got "
                         f"{list(prev.shape)} and {list(motion.shape)}")
    n, _, H, W = prev.shape
    if motion.shape[0] != n or motion.shape[2] * scale != H or motion.shape[3] * scale != W:
        raise ValueError(f"warp_backward: motion {list(motion.shape)} times scale {scale} does not match "
                         f"prev {list(prev.shape)}")
    m = upsample_motion(motion.to(prev.dtype), scale)
    ys = torch.arange(H, device=prev.device, dtype=prev.dtype) + 0.5
    xs = torch.arange(W, device=prev.device, dtype=prev.dtype) + 0.5
    px = xs.view(1, 1, W) + m[:, 0]  # (N, H, W) source x in pixel units
    py = ys.view(1, H, 1) + m[:, 1]
    grid = torch.stack([px * (2.0 / W) - 1.0, py * (2.0 / H) - 1.0], dim=-1)
    warped = F.grid_sample(prev, grid, mode="bilinear", padding_mode="border", align_corners=False)
    valid = (px >= 0) & (px <= W) & (py >= 0) & (py <= H)
    return warped, valid.unsqueeze(1)


def warp_error(current: torch.Tensor, previous: torch.Tensor, motion: torch.Tensor, scale: int = 1,
               mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Temporal warping error (Lai et al. 2018): MSE between frame t and frame t-1 warped into t.

    ``E = sum_p valid(p) * |I_t(p) - W(I_{t-1})(p)|^2 / (C * sum_p valid(p))`` per image, where valid
    excludes pixels whose motion points outside frame t-1 (and, if given, pixels where ``mask`` is
    False, e.g. disocclusions). Computed on predictions it measures flicker; the same on ground
    truth is the floor set by shading changes and motion-vector resampling. Use the same motion and
    mask for both so they compare.

    Args:
        current: (N, C, H, W) frame t, float in [0, 1].
        previous: (N, C, H, W) frame t-1.
        motion: (N, 2, H/s, W/s) backward motion of frame t (pixels of its grid).
        scale: ratio of the frames' resolution to the motion's.
        mask: optional (N, 1, H, W) bool of pixels to score.

    Returns:
        (N,) float64 mean squared error per image over valid pixels (NaN if none are valid).
    """
    if current.shape != previous.shape:
        raise ValueError(f"warp_error: current {list(current.shape)} and previous {list(previous.shape)} differ")
    warped, valid = warp_backward(previous, motion, scale)
    if mask is not None:
        valid = valid & mask
    w = valid.to(torch.float64)
    se = (current.to(torch.float64) - warped.to(torch.float64)).square().sum(dim=1, keepdim=True)
    return (se * w).sum(dim=(1, 2, 3)) / (w.sum(dim=(1, 2, 3)) * current.shape[1])
