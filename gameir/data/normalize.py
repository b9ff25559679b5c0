"""Turn stored buffers into network-ready CHW tensors, one documented normalisation per buffer.

==============  =====================  ==========================================================
buffer          tensor                 values
==============  =====================  ==========================================================
``rgb``         (3, h, w) float        sRGB / 255, in [0, 1]
``basecolor``   (3, h, w) float        sRGB albedo / 255, in [0, 1]
``material``    (3, h, w) float        metallic, specular, roughness / 255, in [0, 1]
``hdr``         (3, h, w) float        linear radiance as stored
``depth``       (1, h, w) float        ``"inverse"`` (default): 1 / metres, sky (+inf) -> 0;
                                       ``"metres"``: metres, sky = +inf
``normal``      (3, h, w) float        unit vector in [-1, 1], ``"camera"`` (default): OpenGL
                                       camera axes (+X right, +Y up, +Z towards the viewer),
                                       ``"world"``: as stored; sky = 0
``semantic``    (1, h, w) int64        tag ids 0..28; one-hot (29, h, w) float on request
``instance``    (1, h, w) int64        instance ids, 0 = none
``motion``      (2, h, w) float        backward motion (dx, dy) in LR pixels (HR motion / scale)
==============  =====================  ==========================================================

Inverse depth is the default because it is bounded (0 for sky, 1/near for the closest surface),
needs no scene-dependent range and stays linear in screen space along planes.
"""

from __future__ import annotations

import numpy as np
import torch

from gameir.semantics import SEMANTIC_CLASSES

__all__ = ["DEPTH_MODES", "NORMAL_SPACES", "NUM_SEMANTIC_CLASSES", "AUX_CHANNELS", "to_tensor", "aux_channel_names"]

DEPTH_MODES = ("inverse", "metres")
NORMAL_SPACES = ("camera", "world")
NUM_SEMANTIC_CLASSES = len(SEMANTIC_CLASSES)

#: Channel names each buffer contributes to ``lr_aux`` / ``hr_aux`` (instance ids contribute none).
AUX_CHANNELS: dict[str, tuple[str, ...]] = {
    "hdr": ("hdr.r", "hdr.g", "hdr.b"),
    "depth": ("depth",),
    "normal": ("normal.x", "normal.y", "normal.z"),
    "basecolor": ("basecolor.r", "basecolor.g", "basecolor.b"),
    "material": ("material.metallic", "material.specular", "material.roughness"),
    "semantic": tuple(f"semantic.{name}" for _, name, _ in SEMANTIC_CLASSES),
    "instance": (),
    "motion": ("motion.dx", "motion.dy"),
}


def aux_channel_names(buffers: tuple[str, ...] | list[str]) -> list[str]:
    """Names of the channels of the aux tensor built from ``buffers`` (in that order)."""
    return [name for b in buffers for name in AUX_CHANNELS[b]]


def to_tensor(
    buffer: str,
    array: np.ndarray,
    *,
    dtype: torch.dtype = torch.float32,
    depth_mode: str = "inverse",
    normal_space: str = "camera",
    c2w: np.ndarray | None = None,
    motion_scale: float = 1.0,
    semantic_onehot: bool = False,
) -> torch.Tensor:
    """Normalise one stored buffer (``(h, w)`` or ``(h, w, C)``) to a ``(C, h, w)`` tensor (table above).

    Args:
        buffer: buffer name.
        array: the stored array (dtype per :mod:`gameir.buffers`).
        dtype: floating dtype of float outputs (ids stay int64 unless one-hot).
        depth_mode: one of :data:`DEPTH_MODES`.
        normal_space: one of :data:`NORMAL_SPACES`; ``"camera"`` needs ``c2w``.
        c2w: (4, 4) camera-to-world (OpenGL axes) of the frame, for camera-space normals.
        motion_scale: factor applied to motion (1 / scale to express HR motion in LR pixels).
        semantic_onehot: return semantic as a (29, h, w) one-hot float tensor.
    """
    if buffer in ("rgb", "basecolor", "material"):
        out = array.astype(np.float32) * (1.0 / 255.0)
    elif buffer == "hdr":
        out = array.astype(np.float32)
    elif buffer == "depth":
        if depth_mode == "inverse":
            out = 1.0 / np.maximum(array.astype(np.float32), 1e-6)  # +inf -> 0
        elif depth_mode == "metres":
            out = array.astype(np.float32)
        else:
            raise ValueError(f"depth_mode must be one of {', '.join(DEPTH_MODES)}, got {depth_mode!r}")
    elif buffer == "normal":
        out = array.astype(np.float32)
        if normal_space == "camera":
            if c2w is None:
                raise ValueError("camera-space normals need the frame's c2w; this source has no camera, "
                                 "use normal_space='world'")
            out = out @ np.asarray(c2w, np.float32)[:3, :3]  # row form of R^T n
        elif normal_space != "world":
            raise ValueError(f"normal_space must be one of {', '.join(NORMAL_SPACES)}, got {normal_space!r}")
    elif buffer == "semantic":
        if semantic_onehot:
            ids = torch.from_numpy(array.astype(np.int64))
            return torch.nn.functional.one_hot(ids.clamp_max(NUM_SEMANTIC_CLASSES - 1),
                                               NUM_SEMANTIC_CLASSES).permute(2, 0, 1).to(dtype)
        return torch.from_numpy(array.astype(np.int64))[None]
    elif buffer == "instance":
        return torch.from_numpy(array.astype(np.int64))[None]
    elif buffer == "motion":
        out = array.astype(np.float32) * np.float32(motion_scale)
    else:
        raise ValueError(f"no normalisation for buffer {buffer!r}")
    tensor = torch.from_numpy(np.ascontiguousarray(out))
    tensor = tensor[None] if tensor.ndim == 2 else tensor.permute(2, 0, 1)
    return tensor.to(dtype).contiguous()
