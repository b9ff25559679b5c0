"""Fixtures: a shard rendered by the real pipeline (`gameir render tiny`), and byte-level fault injection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import h5py
import pytest


@pytest.fixture(scope="session")
def tiny_rendered(tmp_path_factory) -> Path:
    """`gameir render tiny --split train --clips 1`, 2 frames: one clip, every buffer at 64x48 / 128x96.

    Never modified by tests; copy it to change it.
    """
    root = tmp_path_factory.mktemp("tiny-rendered") / "tiny"
    cmd = [sys.executable, "-m", "gameir", "render", "tiny", "--split", "train", "--clips", "1",
           "--override", "clips.frames=2", "--out", str(root), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, "LP_NUM_THREADS": "1"})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return root


def stored_datasets(shard: Path) -> list[str]:
    """Every dataset of ``shard`` (HDF5 paths without the leading '/'), sorted."""
    names: list[str] = []
    with h5py.File(shard, "r") as f:
        f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
    return sorted(names)


def flip_stored_byte(shard: Path, dataset: str) -> int:
    """XOR one byte of ``dataset``'s stored data (not its metadata) in frame 0's chunk; return its file offset.

    For a compressed chunk the byte is in the middle of the compressed stream; for an uncompressed
    one it is byte 6 of the first element (a float64's high mantissa bits), so the value read back
    changes unless a checksum catches it.
    """
    with h5py.File(shard, "r") as f:
        ds = f[dataset]
        info = ds.id.get_chunk_info(0)
        offset = info.byte_offset + (info.size // 2 if ds.compression else min(6, ds.dtype.itemsize - 1))
    with open(shard, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)[0]
        fh.seek(offset)
        fh.write(bytes([byte ^ 0xFF]))
    return offset
