"""The folder layout shared by `gameir export folders` and `gameir import folders`.

::

    OUT/
      LR/<clip>/<frame:08d>.png          rgb at level "lr" (REDS / BasicSR video layout)
      HR/<clip>/<frame:08d>.png          rgb at level "hr"
      LR_depth/<clip>/<frame:08d>.npy    other buffers: <LEVEL>_<buffer>/, encoded per BUFFER_FILES
      HR_semantic/<clip>/<frame:08d>.png
      cameras/<clip>.json                K, c2w, jitter_px per level and frame; time_s, frame_index, metadata
      export.json                        what was exported, written last

A multi-view clip is written as one folder per view, ``<clip>.v<view>``, each a video of its own.

Encodings, chosen so that every value survives the trip exactly:

| buffer | file | why |
| --- | --- | --- |
| rgb, basecolor, material | 8-bit RGB PNG | lossless, what every image tool reads |
| semantic | 8-bit grey PNG | tag ids 0..28 |
| instance | 16-bit grey PNG | ids 0..65535 |
| depth | ``.npy`` float32, metres | keeps +inf (sky) and sub-millimetre values; a 16-bit PNG cannot |
| normal, motion, hdr | ``.npy`` float16 | signed and fractional; a PNG would need a lossy remap |
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from gameir.png import encode_png

from gameir.buffers import get_spec

__all__ = ["BUFFER_FILES", "FRAME_DIGITS", "buffer_dir", "frame_name", "encode_buffer", "decode_buffer",
           "read_png", "write_png_bytes", "view_clip_name"]

#: buffer -> file extension in the folder layout.
BUFFER_FILES: dict[str, str] = {
    "rgb": "png", "basecolor": "png", "material": "png", "semantic": "png", "instance": "png",
    "depth": "npy", "normal": "npy", "motion": "npy", "hdr": "npy",
}
FRAME_DIGITS = 8


def buffer_dir(level: str, buffer: str) -> str:
    """Folder name of ``buffer`` at ``level``: ``"LR"`` for lr rgb, ``"LR_depth"`` for lr depth."""
    return level.upper() if buffer == "rgb" else f"{level.upper()}_{buffer}"


def frame_name(frame_index: int, buffer: str) -> str:
    """File name of one frame of ``buffer``: ``00000012.png`` or ``00000012.npy``."""
    return f"{int(frame_index):0{FRAME_DIGITS}d}.{BUFFER_FILES[buffer]}"


def view_clip_name(clip_id: str, view: int | None) -> str:
    """Clip folder name; multi-view clips get one folder per view (``<clip>.v<view>``)."""
    return clip_id if view is None else f"{clip_id}.v{view}"


def write_png_bytes(array: np.ndarray) -> bytes:
    """PNG bytes of an (H, W) uint8/uint16 or (H, W, 3) uint8 RGB array, fast zlib level 1."""
    return encode_png(array, compression=1)


def read_png(path: str | os.PathLike) -> np.ndarray:
    """Read a PNG as stored: (H, W) uint8/uint16 grey or (H, W, 3) RGB (alpha dropped)."""
    array = cv2.imread(os.fspath(path), cv2.IMREAD_UNCHANGED)
    if array is None:
        raise ValueError(f"{path}: not a readable image")
    if array.ndim == 3:
        array = cv2.cvtColor(array[..., :3], cv2.COLOR_BGR2RGB)
    return array


def encode_buffer(buffer: str, array: np.ndarray) -> bytes:
    """File bytes of one frame of ``buffer`` (format per :data:`BUFFER_FILES`)."""
    ext = BUFFER_FILES[buffer]
    if ext == "png":
        return write_png_bytes(np.ascontiguousarray(array))
    import io

    out = io.BytesIO()
    np.save(out, np.ascontiguousarray(array, dtype=get_spec(buffer).dtype), allow_pickle=False)
    return out.getvalue()


def decode_buffer(buffer: str, path: Path, shape: tuple[int, ...]) -> np.ndarray:
    """Read one frame of ``buffer`` from ``path`` and check it against ``shape`` and the buffer's dtype.

    Besides the layout's own encodings, depth may also be a 16-bit PNG in millimetres (0 = no
    depth, read as +inf), as many folder datasets and nerfstudio exports store it.
    """
    spec = get_spec(buffer)
    if path.suffix == ".npy":
        array = np.load(path, allow_pickle=False)
    elif buffer == "depth":
        mm = read_png(path)
        if mm.dtype != np.uint16 or mm.ndim != 2:
            raise ValueError(f"{path}: depth PNG must be 16-bit grey (millimetres), got {mm.dtype} {mm.shape}")
        array = np.where(mm == 0, np.inf, mm.astype(np.float32) / 1000.0)
    else:
        array = read_png(path)
        if buffer == "semantic" and array.ndim == 3:
            raise ValueError(f"{path}: semantic must be a grey PNG of tag ids, got a colour image")
    if array.shape != shape:
        raise ValueError(f"{path}: buffer {buffer!r} must have shape {shape}, got {array.shape}")
    if array.dtype != spec.dtype:
        if array.dtype.kind == spec.dtype.kind == "f" or (spec.dtype == np.uint16 and array.dtype == np.uint8):
            array = array.astype(spec.dtype)
        else:
            raise ValueError(f"{path}: buffer {buffer!r} must be {spec.dtype}, got {array.dtype}")
    return array
