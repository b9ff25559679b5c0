"""Verify a dataset root (manifest checksums, metadata, shard validation) or a single shard."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from gameir.fileio import sha256_file
from gameir.shards.fetched import fetch_command, load_fetched, not_downloaded
from gameir.shards.manifest import (MANIFEST_NAME, canonical_json, entry_metadata, entry_mismatches, find_shards,
                                    load_manifest, manifest_shards)
from gameir.shards.reader import ShardReader
from gameir.shards.validate import validate_shard

__all__ = ["verify_path", "compare_entry", "check_split_totals"]


def verify_path(
    path: str | os.PathLike,
    *,
    split: str | None = None,
    check_values: bool = True,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[str], list[str]]:
    """Verify a dataset root or one shard file.

    For a dataset root, every shard the manifest lists (in ``split``, or all) must exist with the
    listed size and SHA-256, pass :func:`~gameir.shards.validate.validate_shard`, and agree with
    every metadata field its entry records (:func:`compare_entry`); each split's totals must equal
    the sum of its entries. Shards on disk that the manifest does not list, and splits that a
    ``gameir download`` copy never fetched (see :mod:`gameir.shards.fetched`), are warnings.

    Returns:
        ``(faults, warnings)``: one line each, naming the file (and the manifest key).

    Raises:
        FileNotFoundError: ``path`` does not exist, or a folder holds no ``manifest.json``.
        ValueError: the manifest is malformed (the message names the key), or ``split`` is not in it.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or directory; give a dataset root (the folder holding "
                                f"{MANIFEST_NAME}), a {MANIFEST_NAME} or a shard file (*.h5)")
    if path.is_file() and path.name != MANIFEST_NAME:
        return validate_shard(path, check_values=check_values), []
    root = path if path.is_dir() else path.parent
    manifest_path = root / MANIFEST_NAME
    manifest = load_manifest(root)
    manifest_shards(manifest, split, where=str(manifest_path))  # an unknown split: ValueError listing the splits
    absent = not_downloaded(root, manifest)
    record = load_fetched(root)
    faults = check_split_totals(manifest, manifest_path, split)
    warnings = []
    for name, command in absent.items():
        if split is None or split == name:
            shards = manifest["splits"][name]["shards"]
            size = sum(e["bytes"] for e in shards) / 1e6
            warnings.append(f"{root}: split {name!r} ({len(shards)} shards, {size:.1f} MB) is listed in "
                            f"{MANIFEST_NAME} but was not downloaded; fetch it with `{command}`")
    listed = set()
    for name, body in manifest["splits"].items():
        if split is not None and name != split:
            continue
        for i, entry in enumerate(body["shards"]):
            shard = root / entry["path"]
            listed.add(shard.resolve())
            if name in absent:
                continue
            if progress:
                progress(entry["path"])
            if not shard.exists():
                resume = f"; fetch it again with `{fetch_command(record, root, name)}`" if record else ""
                faults.append(f"{shard}: listed in {MANIFEST_NAME} but missing{resume}")
                continue
            size = shard.stat().st_size
            if size != entry["bytes"]:
                faults.append(f"{shard}: size {size} bytes, manifest says {entry['bytes']} (truncated or replaced)")
                continue
            digest = sha256_file(shard)
            if digest != entry["sha256"]:
                faults.append(f"{shard}: SHA-256 {digest} does not match manifest {entry['sha256']}; the file changed "
                              f"after the manifest was written: download or render it again (or run `gameir manifest "
                              f"rebuild {root}` if the change is intended)")
                continue
            shard_faults = validate_shard(shard, check_values=check_values)
            faults.extend(shard_faults)
            if not shard_faults:
                faults.extend(compare_entry(shard, entry, f"splits.{name}.shards[{i}]", name, manifest_path))
    warnings += [f"{p}: shard not listed in {MANIFEST_NAME} (run `gameir manifest rebuild {root}`)"
                 for p in find_shards(root) if p.resolve() not in listed and split is None]
    return faults, warnings


def compare_entry(shard: Path, entry: dict[str, Any], key: str, split: str, manifest_path: Path) -> list[str]:
    """Faults where the manifest entry ``entry`` (at ``key``, listed under ``split``) differs from the shard.

    Every metadata field the entry records (clip id, split, kind, clip, frame and view counts,
    level sizes, buffers, scene) is compared with the shard's own attributes.
    """
    try:
        with ShardReader(shard) as reader:
            found = entry_metadata(reader)
    except (OSError, ValueError, KeyError) as exc:
        return [f"{shard}: cannot read its attributes to compare with {manifest_path} ({exc})"]
    fix = (f"the manifest is stale or the shard was replaced: render or download the shard again, or run "
           f"`gameir manifest rebuild {manifest_path.parent}` if the shard is right")
    stale = entry_mismatches(entry, found)
    faults = [f"{shard}: {manifest_path} says {key}.{field} = {_short(entry[field])} but the shard has "
              f"{_short(found[field])}; {fix}" for field in stale]
    expected_split = found["split"] or "all"
    entry_split_wrong = "split" in stale
    if split != expected_split and not entry_split_wrong:  # one cause, one fault
        faults.append(f"{shard}: {manifest_path} lists it under splits.{split} but the shard's split is "
                      f"{found['split']!r}; {fix}")
    return faults


def check_split_totals(manifest: dict[str, Any], manifest_path: Path, split: str | None = None) -> list[str]:
    """Faults where a split's ``clips``, ``frames`` or ``bytes`` differ from the sum over its shard entries."""
    faults = []
    for name, body in manifest["splits"].items():
        if split is not None and name != split:
            continue
        shards = body["shards"]
        sums = {"clips": sum(e.get("clips", 1) for e in shards), "bytes": sum(e["bytes"] for e in shards)}
        if all("frames" in e for e in shards):
            sums["frames"] = sum(e["frames"] for e in shards)
        for field, total in sums.items():
            if field in body and body[field] != total:
                faults.append(f"{manifest_path}: splits.{name}.{field} = {body[field]} but its {len(shards)} shard "
                              f"entries sum to {total}; run `gameir manifest rebuild {manifest_path.parent}`")
    return faults


def _short(value: Any) -> str:
    text = canonical_json(value)
    return text if len(text) <= 80 else text[:77] + "..."
