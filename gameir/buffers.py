"""The G-buffer contract: one name, shape and dtype per buffer, shared by every module.

Names mirror Unreal's G-buffer. Every stored array is ``(H, W, C)`` top row first (``(H, W)`` for
single-channel buffers). See ``docs/FORMAT.md`` for the full conventions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BufferSpec", "BUFFERS", "BUFFER_NAMES", "get_spec"]


@dataclass(frozen=True)
class BufferSpec:
    """Shape, dtype and meaning of one per-pixel buffer.

    Attributes:
        name: buffer name, identical in GLSL outputs, HDF5 datasets, sample dicts and CLI flags.
        channels: number of channels; 1 means the array is stored as ``(H, W)``.
        dtype: numpy dtype of the stored array.
        unit: unit or encoding of the values.
        description: one-line meaning.
        allow_posinf: whether +inf is a legal value (depth of sky pixels).
    """

    name: str
    channels: int
    dtype: np.dtype
    unit: str
    description: str
    allow_posinf: bool = False

    def frame_shape(self, height: int, width: int) -> tuple[int, ...]:
        """Shape of one frame of this buffer at ``height`` x ``width`` pixels."""
        return (height, width) if self.channels == 1 else (height, width, self.channels)


BUFFERS: dict[str, BufferSpec] = {
    spec.name: spec
    for spec in (
        BufferSpec("rgb", 3, np.dtype(np.uint8), "sRGB 0..255",
                   "final tone-mapped sRGB frame (SceneColor)"),
        BufferSpec("hdr", 3, np.dtype(np.float16), "linear radiance (exposed)",
                   "linear radiance before tone mapping"),
        BufferSpec("depth", 1, np.dtype(np.float32), "metres",
                   "z-depth along the optical axis; +inf where no geometry (sky)", allow_posinf=True),
        BufferSpec("normal", 3, np.dtype(np.float16), "unit vector, world frame",
                   "world-space unit normal (GBufferA); 0 where no geometry"),
        BufferSpec("basecolor", 3, np.dtype(np.uint8), "sRGB 0..255",
                   "albedo, sRGB-encoded (GBufferC)"),
        BufferSpec("material", 3, np.dtype(np.uint8), "0..255",
                   "metallic, specular, roughness (GBufferB order)"),
        BufferSpec("semantic", 1, np.dtype(np.uint8), "tag id 0..28",
                   "CARLA 0.9.14+ / Cityscapes-style semantic tag"),
        BufferSpec("instance", 1, np.dtype(np.uint16), "id",
                   "object instance id, 0 = none"),
        BufferSpec("motion", 2, np.dtype(np.float16), "pixels (dx, dy)",
                   "backward motion: the surface at (x, y) in frame t was at (x+dx, y+dy) in frame t-1"),
    )
}

BUFFER_NAMES: tuple[str, ...] = tuple(BUFFERS)


def get_spec(name: str) -> BufferSpec:
    """Return the spec of buffer ``name``; raise ``ValueError`` naming the known buffers."""
    try:
        return BUFFERS[name]
    except KeyError:
        raise ValueError(f"unknown buffer {name!r}; known buffers: {', '.join(BUFFER_NAMES)}") from None
