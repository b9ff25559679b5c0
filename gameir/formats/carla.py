"""CARLA's 24-bit RGB depth encoding (``*.depth.png``) and semantic tags (``*.seg.png``) of the release.

Depth: ``metres = 1000 * (R + 256 * G + 65536 * B) / (2**24 - 1)``: a 24-bit fixed-point fraction of the
1000 m far plane, about 0.06 mm per step. The largest code (255, 255, 255) is the far plane, which
is where CARLA puts the sky; :func:`decode_carla_depth` maps it to +inf (GameIR's "no geometry")
unless ``far_as_inf=False``.

Segmentation: CARLA's semantic segmentation camera writes the tag id of each pixel in the red
channel of its PNG (green and blue are 0 for that camera). :data:`CARLA_TO_SEMANTIC` maps CARLA
0.9.14+ tags to GameIR's ``semantic`` ids (:mod:`gameir.semantics`), one to one for 0..28; a tag
outside that table is an error (:func:`decode_carla_semantic`), never a silent relabel. Data from
CARLA 0.9.13 or older numbers tags differently and is not told apart (docs/DISTRIBUTION.md).
"""

from __future__ import annotations

import numpy as np

from gameir.semantics import SEMANTIC_CLASSES

__all__ = ["CARLA_FAR_M", "CARLA_MAX_CODE", "CARLA_TO_SEMANTIC", "decode_carla_depth", "encode_carla_depth",
           "decode_carla_semantic", "encode_carla_semantic"]

CARLA_FAR_M = 1000.0
CARLA_MAX_CODE = (1 << 24) - 1

#: CARLA 0.9.14+ semantic tag -> GameIR ``semantic`` id (the same numbering: 0 unlabeled, 1 road,
#: ..., 11 sky, 14 car, 24 road_line, 28 guard_rail). Tags absent from the table are errors.
CARLA_TO_SEMANTIC: dict[int, int] = {tag: tag for tag, _, _ in SEMANTIC_CLASSES}
_TAG_LUT = np.full(256, -1, np.int16)
for _tag, _id in CARLA_TO_SEMANTIC.items():
    _TAG_LUT[_tag] = _id
#: GameIR id -> CARLA tag (-1: none), the inverse of _TAG_LUT
_ID_LUT = np.full(256, -1, np.int16)
for _tag, _id in CARLA_TO_SEMANTIC.items():
    _ID_LUT[_id] = _tag


def decode_carla_depth(rgb: np.ndarray, *, far_as_inf: bool = True) -> np.ndarray:
    """Decode CARLA depth pixels to metres.

    Args:
        rgb: (H, W, 3) uint8 in R, G, B channel order (as PIL reads a PNG; OpenCV gives B, G, R).
        far_as_inf: map the far-plane code (255, 255, 255) to +inf (sky) instead of 1000 m.

    Returns:
        (H, W) float32 metres along the optical axis, ``float32(1000 * code / (2**24 - 1))``
        computed in float64 then rounded once.
    """
    if rgb.ndim != 3 or rgb.shape[-1] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"CARLA depth must be (H, W, 3) uint8, got {rgb.shape} {rgb.dtype}")
    code = rgb[..., 0].astype(np.int64) + 256 * rgb[..., 1].astype(np.int64) + 65536 * rgb[..., 2].astype(np.int64)
    metres = (CARLA_FAR_M * code.astype(np.float64) / CARLA_MAX_CODE).astype(np.float32)
    if far_as_inf:
        metres[code == CARLA_MAX_CODE] = np.inf
    return metres


def encode_carla_depth(depth_m: np.ndarray) -> np.ndarray:
    """Encode metres as CARLA 24-bit RGB depth.

    Args:
        depth_m: (H, W) float metres; +inf (sky) becomes the far-plane code (255, 255, 255);
            finite values are rounded to the nearest code and clipped to ``[0, 2**24 - 2]``
            (so they never read back as sky). NaN or negative values are rejected.

    Returns:
        (H, W, 3) uint8 in R, G, B order.
    """
    depth_m = np.asarray(depth_m, dtype=np.float64)
    if depth_m.ndim != 2:
        raise ValueError(f"depth must be (H, W), got shape {depth_m.shape}")
    if np.isnan(depth_m).any() or (depth_m < 0).any():
        raise ValueError("depth must be >= 0 metres (or +inf for sky) and free of NaN")
    finite = np.isfinite(depth_m)
    code = np.full(depth_m.shape, CARLA_MAX_CODE, np.int64)
    code[finite] = np.clip(np.rint(depth_m[finite] * (CARLA_MAX_CODE / CARLA_FAR_M)), 0, CARLA_MAX_CODE - 1)
    return np.stack([code & 255, (code >> 8) & 255, code >> 16], axis=-1).astype(np.uint8)


def decode_carla_semantic(image: np.ndarray, where: str = "segmentation") -> np.ndarray:
    """GameIR ``semantic`` ids from a CARLA semantic segmentation image.

    Args:
        image: (H, W, 3) or (H, W, 4) uint8 in R, G, B(, A) order, the tag in R; or (H, W) uint8
            tags (a grey PNG).
        where: what the image is, for messages (file, member, frame).

    Returns:
        (H, W) uint8 ids per :data:`CARLA_TO_SEMANTIC`.

    Raises:
        ValueError: not 8-bit, or tags outside the table (the message lists them and their counts).
    """
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ValueError(f"{where}: CARLA segmentation must be 8-bit (H, W), (H, W, 3) or (H, W, 4) with the tag in "
                         f"R, got {image.shape} {image.dtype}")
    tags = image if image.ndim == 2 else image[..., 0]
    ids = _TAG_LUT[tags]
    if (ids < 0).any():
        bad, counts = np.unique(tags[ids < 0], return_counts=True)
        found = ", ".join(f"{int(t)} ({int(c)} px)" for t, c in zip(bad[:8], counts[:8]))
        raise ValueError(f"{where}: CARLA tags outside 0..{max(CARLA_TO_SEMANTIC)} (CARLA 0.9.14+ numbering): {found}; "
                         "the map to GameIR ids is in docs/DISTRIBUTION.md")
    return ids.astype(np.uint8)


def encode_carla_semantic(semantic: np.ndarray) -> np.ndarray:
    """(H, W) GameIR ``semantic`` ids -> (H, W, 3) uint8 R, G, B with the CARLA tag in R and G = B = 0."""
    semantic = np.asarray(semantic)
    if semantic.ndim != 2 or semantic.dtype != np.uint8:
        raise ValueError(f"semantic must be (H, W) uint8 ids, got {semantic.shape} {semantic.dtype}")
    tags = _ID_LUT[semantic]
    if (tags < 0).any():
        raise ValueError(f"semantic ids {sorted(set(np.unique(semantic[tags < 0]).tolist()))} have no CARLA tag")
    out = np.zeros(semantic.shape + (3,), np.uint8)
    out[..., 0] = tags
    return out
