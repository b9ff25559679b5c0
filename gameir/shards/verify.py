"""Verify a dataset root (manifest checksums + shard validation) or a single shard."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from gameir.fileio import sha256_file
from gameir.shards.manifest import MANIFEST_NAME, find_shards, load_manifest, manifest_shards
from gameir.shards.validate import validate_shard

__all__ = ["verify_path"]


def verify_path(
    path: str | os.PathLike,
    *,
    split: str | None = None,
    check_values: bool = True,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[str], list[str]]:
    """Verify a dataset root or one shard file.

    For a dataset root, every shard the manifest lists (in ``split``, or all) must exist with the
    listed size and SHA-256 and pass :func:`~gameir.shards.validate.validate_shard`. Shards on disk
    that the manifest does not list are reported as warnings.

    Returns:
        ``(faults, warnings)``: one line each, naming the file.
    """
    path = Path(path)
    if path.is_file() and path.name != MANIFEST_NAME:
        return validate_shard(path, check_values=check_values), []
    root = path if path.is_dir() else path.parent
    manifest = load_manifest(root)
    faults: list[str] = []
    listed = set()
    for entry in manifest_shards(manifest, split):
        shard = root / entry["path"]
        listed.add(shard.resolve())
        if progress:
            progress(entry["path"])
        if not shard.exists():
            faults.append(f"{shard}: listed in {MANIFEST_NAME} but missing")
            continue
        size = shard.stat().st_size
        if size != entry["bytes"]:
            faults.append(f"{shard}: size {size} bytes, manifest says {entry['bytes']} (truncated or replaced)")
            continue
        digest = sha256_file(shard)
        if digest != entry["sha256"]:
            faults.append(f"{shard}: SHA-256 {digest} does not match manifest {entry['sha256']}")
            continue
        faults.extend(validate_shard(shard, check_values=check_values))
    warnings = [f"{p}: shard not listed in {MANIFEST_NAME} (run `gameir manifest rebuild {root}`)"
                for p in find_shards(root) if p.resolve() not in listed and split is None]
    return faults, warnings
