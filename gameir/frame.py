"""`Frame`: what the renderer hands to everything downstream (plain numpy, no GL, no files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gameir.buffers import get_spec

__all__ = ["Frame"]


@dataclass
class Frame:
    """One rendered image of a scene at one instant, at one resolution.

    Attributes:
        buffers: buffer name -> array, as specified in :mod:`gameir.buffers` (top row first).
        K: (3, 3) float64 intrinsics in pixels, pixel-corner convention (centred principal point is
            (W/2, H/2)); includes the sub-pixel jitter actually used.
        c2w: (4, 4) float64 camera-to-world, OpenGL axes (+X right, +Y up, looking along -Z),
            world right-handed, metres, +Z up.
        jitter_px: (2,) float64 sub-pixel offset (x, y) in pixels applied to the projection.
        time_s: scene time in seconds.
        settings: render settings that produced the frame (aa mode, ssaa factor, lod bias, ...).
        stats: per-frame values of the render: ``exposure`` (the linear factor 2^EV applied to
            radiance before tone mapping; ``hdr`` is exposed radiance) and, with TAA,
            ``taa_history_frames`` (frames accumulated since the last reset, 1 on a reset) and
            ``taa_rejected_fraction`` (fraction of pixels whose history was rejected).
    """

    buffers: dict[str, np.ndarray]
    K: np.ndarray
    c2w: np.ndarray
    jitter_px: np.ndarray = field(default_factory=lambda: np.zeros(2))
    time_s: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return int(next(iter(self.buffers.values())).shape[0])

    @property
    def width(self) -> int:
        return int(next(iter(self.buffers.values())).shape[1])

    def check(self) -> None:
        """Raise ``ValueError`` if a buffer has the wrong shape or dtype, or a camera is malformed."""
        h, w = self.height, self.width
        for name, arr in self.buffers.items():
            spec = get_spec(name)
            if arr.dtype != spec.dtype or arr.shape != spec.frame_shape(h, w):
                raise ValueError(f"buffer {name!r}: expected {spec.frame_shape(h, w)} {spec.dtype}, "
                                 f"got {arr.shape} {arr.dtype}")
        if np.shape(self.K) != (3, 3) or np.shape(self.c2w) != (4, 4):
            raise ValueError(f"camera: expected K (3, 3) and c2w (4, 4), got {np.shape(self.K)} and {np.shape(self.c2w)}")
