"""Chunks compressed in threads, stored as HDF5's shuffle + deflate filters would store them.

HDF5 runs its filter pipeline inside one call, on one thread. For the gzip codec the writer
instead cuts each frame into its chunks, applies the byte shuffle and zlib deflate itself (zlib
releases the GIL, so chunks compress in parallel) and stores the results with
``write_direct_chunk``. The dataset keeps its declared filters, so every HDF5 reader (h5py,
h5dump, other languages) decodes the chunks as usual.
"""

from __future__ import annotations

import itertools
import zlib
from typing import Iterator

import numpy as np

__all__ = ["shuffle_bytes", "deflate_chunk", "frame_chunks"]


def shuffle_bytes(chunk: np.ndarray) -> bytes:
    """HDF5's shuffle filter: byte 0 of every element, then byte 1 of every element, and so on."""
    size = chunk.dtype.itemsize
    raw = np.ascontiguousarray(chunk).reshape(-1).view(np.uint8)
    if size == 1:
        return raw.tobytes()
    return np.ascontiguousarray(raw.reshape(-1, size).T).tobytes()


def deflate_chunk(chunk: np.ndarray, level: int, shuffle: bool) -> bytes:
    """The bytes stored for ``chunk`` (a full chunk, edge chunks zero-padded) under shuffle? + deflate."""
    data = shuffle_bytes(chunk) if shuffle else np.ascontiguousarray(chunk).tobytes()
    return zlib.compress(data, level)


def frame_chunks(array: np.ndarray, chunk: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
    """Split one frame ``array`` (the dataset shape without the frame axis) into full chunks.

    Args:
        array: the frame, e.g. (H, W, C) or (V, H, W, C).
        chunk: chunk shape without the frame axis, same rank as ``array``.

    Yields:
        (offset within the frame, chunk array of exactly ``chunk`` shape); chunks that overhang the
        frame's edge are zero-padded, as HDF5 pads them with the dataset's fill value 0.
    """
    if len(chunk) != array.ndim:
        raise ValueError(f"chunk {chunk} and frame shape {array.shape} differ in rank")
    starts = [range(0, n, c) for n, c in zip(array.shape, chunk)]
    for offset in itertools.product(*starts):
        window = tuple(slice(o, o + c) for o, c in zip(offset, chunk))
        part = array[window]
        if part.shape != chunk:
            padded = np.zeros(chunk, dtype=array.dtype)
            padded[tuple(slice(0, n) for n in part.shape)] = part
            part = padded
        yield offset, part
