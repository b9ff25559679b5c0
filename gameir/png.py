"""The one PNG encoder: numpy arrays in RGB order (never OpenCV's BGR) -> PNG bytes or files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from gameir.fileio import atomic_write_bytes

__all__ = ["encode_png", "write_png"]


def encode_png(array: np.ndarray, *, compression: int = 3, where: str = "PNG") -> bytes:
    """PNG bytes of an image.

    Args:
        array: (H, W) uint8 or uint16 grey, or (H, W, 3) / (H, W, 4) uint8 RGB(A), top row first.
        compression: zlib level 0-9 (1 is ~3x faster to write than the default 3, ~10 % larger).
        where: what the image is (a file or member name), for the error message.

    Raises:
        ValueError: a shape or dtype PNG cannot hold, naming ``where``.
    """
    import cv2

    array = np.asarray(array)
    if array.dtype not in (np.uint8, np.uint16) or array.ndim not in (2, 3) or \
            (array.ndim == 3 and (array.shape[2] not in (3, 4) or array.dtype != np.uint8)):
        raise ValueError(f"{where}: cannot encode a {array.shape} {array.dtype} array as PNG; expected (H, W) "
                         "uint8/uint16 or (H, W, 3|4) uint8")
    if array.ndim == 3:
        array = cv2.cvtColor(np.ascontiguousarray(array), cv2.COLOR_RGB2BGR if array.shape[2] == 3 else cv2.COLOR_RGBA2BGRA)
    ok, data = cv2.imencode(".png", np.ascontiguousarray(array), [cv2.IMWRITE_PNG_COMPRESSION, int(compression)])
    if not ok:  # pragma: no cover - OpenCV refuses only malformed arrays, checked above
        raise ValueError(f"{where}: PNG encoding failed")
    return data.tobytes()


def write_png(path: str | os.PathLike, array: np.ndarray, *, compression: int = 3) -> Path:
    """Encode ``array`` (see :func:`encode_png`) and write it to ``path`` atomically; return the path."""
    path = Path(path)
    atomic_write_bytes(path, encode_png(array, compression=compression, where=str(path)))
    return path
