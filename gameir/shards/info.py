"""Summaries of shards and datasets for `gameir info`: buffers, shapes, sizes, compression ratio."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gameir.shards.fetched import not_downloaded
from gameir.shards.manifest import MANIFEST_NAME, load_manifest
from gameir.shards.reader import ShardReader

__all__ = ["describe_shard", "describe_dataset", "describe_path"]


def describe_shard(path: str | os.PathLike) -> dict[str, Any]:
    """Metadata and per-dataset storage of one shard.

    Returns:
        dict with the root attributes (``meta``), file ``bytes``, and ``datasets``: one row per
        buffer and level with shape, dtype, chunks, compression, raw and stored bytes and ratio.
    """
    path = Path(path)
    with ShardReader(path) as reader:
        rows = []
        raw_total = stored_total = 0
        for level in reader.levels:
            group = reader.file[level]
            for name in reader.buffers:
                ds = group[name]
                raw = ds.size * ds.dtype.itemsize
                stored = ds.id.get_storage_size()
                raw_total += raw
                stored_total += stored
                rows.append({
                    "level": level, "buffer": name, "shape": list(ds.shape), "dtype": str(ds.dtype),
                    "chunks": list(ds.chunks or ()), "compression": ds.compression or "none",
                    "raw_bytes": raw, "stored_bytes": stored, "ratio": raw / stored if stored else None,
                })
        return {
            "path": str(path), "bytes": path.stat().st_size, "meta": dict(reader.meta),
            "sizes": {level: list(reader.shape_hw(level)) for level in reader.levels},
            "datasets": rows, "raw_bytes": raw_total, "stored_bytes": stored_total,
            "ratio": raw_total / stored_total if stored_total else None,
        }


def describe_dataset(root: str | os.PathLike) -> dict[str, Any]:
    """Per-split counts and bytes from a dataset root's manifest, plus the layout of its first local shard.

    Splits that a ``gameir download`` copy never fetched are listed in ``not_downloaded`` (split ->
    the command that fetches it) and have ``"downloaded": False``; the example shard is the first
    listed shard that is on disk (``None`` if none is).
    """
    root = Path(root)
    manifest = load_manifest(root)
    absent = not_downloaded(root, manifest)
    splits = {name: {k: body[k] for k in ("clips", "frames", "bytes") if k in body}
              | {"shards": len(body["shards"]), "downloaded": name not in absent}
              for name, body in manifest["splits"].items()}
    for name, body in manifest["splits"].items():  # hand-written manifests may omit the totals
        splits[name].setdefault("clips", sum(e.get("clips", 1) for e in body["shards"]))
        splits[name].setdefault("frames", sum(e.get("frames", 0) for e in body["shards"]))
        splits[name].setdefault("bytes", sum(e["bytes"] for e in body["shards"]))
    first = next((e for name, body in manifest["splits"].items() if name not in absent
                  for e in body["shards"] if (root / e["path"]).exists()), None)
    return {
        "root": str(root), "generator": manifest.get("generator"),
        "format_version": manifest.get("format_version"), "splits": splits,
        "bytes": sum(s["bytes"] for s in splits.values()),
        "frames": sum(s["frames"] for s in splits.values()),
        "example_shard": describe_shard(root / first["path"]) if first else None,
        "not_downloaded": absent,
        "extra": manifest.get("extra", {}),
    }


def describe_path(path: str | os.PathLike) -> dict[str, Any]:
    """:func:`describe_dataset` for a directory or manifest, :func:`describe_shard` for a file."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or directory")
    if path.is_dir() or path.name == MANIFEST_NAME:
        return describe_dataset(path if path.is_dir() else path.parent)
    return describe_shard(path)
