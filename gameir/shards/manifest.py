"""`manifest.json` at a dataset root: versions, splits -> shards with bytes, SHA-256 and summaries."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from gameir.version import __version__
from gameir.fileio import PARTIAL_SUFFIX, atomic_write_json, sha256_file
from gameir.shards.format import FORMAT_VERSION, SHARD_SUFFIX, ShardError
from gameir.shards.manifest_schema import check_manifest
from gameir.shards.parts import PARTS_DIR, unfinished_renders
from gameir.shards.reader import ShardReader

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_FORMAT",
    "MANIFEST_VERSION",
    "shard_entry",
    "entry_metadata",
    "entry_mismatches",
    "canonical_json",
    "build_manifest",
    "write_manifest",
    "load_manifest",
    "rebuild_manifest",
    "find_shards",
    "manifest_shards",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "gameir-manifest"
MANIFEST_VERSION = 1


def shard_entry(root: str | os.PathLike, shard: str | os.PathLike) -> dict[str, Any]:
    """Describe one shard for the manifest: relative path, bytes, SHA-256, clip, counts, scene.

    Args:
        root: dataset root; the entry's ``path`` is relative to it, with ``/`` separators.
        shard: the shard file.
    """
    root, shard = Path(root), Path(shard)
    with ShardReader(shard) as reader:
        entry = {"path": shard.relative_to(root).as_posix(), "bytes": shard.stat().st_size,
                 "sha256": sha256_file(shard)}
        entry.update(entry_metadata(reader))
    return entry


def entry_metadata(reader: ShardReader) -> dict[str, Any]:
    """The metadata fields of a shard's manifest entry (all but path, bytes, sha256), from its attributes."""
    return {
        "clip_id": reader.clip_id,
        "split": reader.split,
        "kind": reader.kind,
        "clips": 1,
        "frames": reader.num_frames,
        "views": reader.num_views,
        "levels": {level: list(reader.shape_hw(level)) for level in reader.levels},
        "buffers": reader.buffers,
        "scene": reader.scene,
    }


def canonical_json(value: Any) -> str:
    """JSON text with sorted keys, tuples as lists: equal metadata compares equal however it was built."""
    return json.dumps(value, sort_keys=True, default=list)


def entry_mismatches(recorded: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """The fields of ``found`` (a shard's own metadata, as :func:`entry_metadata` gives it) that
    ``recorded`` (what a manifest entry says) also holds with another value, in ``found``'s order.

    Values compare as :func:`canonical_json`, so a manifest's ``[h, w]`` lists equal a shard's
    ``(h, w)`` tuples. Used by ``gameir verify`` (every field) and by the datasets when a shard is
    first opened (counts and sizes), so both call the same things stale.
    """
    return [f for f, v in found.items() if f in recorded and canonical_json(recorded[f]) != canonical_json(v)]


def build_manifest(entries: Iterable[dict[str, Any]], *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Group shard entries by their ``split`` into a manifest dict (shards sorted by path).

    Raises:
        ValueError: two entries share a clip id or a path.
    """
    splits: dict[str, dict[str, Any]] = {}
    seen_clips: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e["path"]):
        other = seen_clips.get(entry["clip_id"])
        if other is not None:
            raise ValueError(f"clip {entry['clip_id']!r} appears twice: {other} and {entry['path']}")
        seen_clips[entry["clip_id"]] = entry["path"]
        split = entry.get("split") or "all"
        splits.setdefault(split, {"shards": []})["shards"].append(entry)
    for split in splits.values():
        shards = split["shards"]
        split["clips"] = sum(s["clips"] for s in shards)
        split["frames"] = sum(s["frames"] for s in shards)
        split["bytes"] = sum(s["bytes"] for s in shards)
    return {
        "format": MANIFEST_FORMAT,
        "format_version": MANIFEST_VERSION,
        "shard_format_version": FORMAT_VERSION,
        "generator": f"gameir {__version__}",
        "splits": dict(sorted(splits.items())),
        "extra": extra or {},
    }


def write_manifest(root: str | os.PathLike, manifest: dict[str, Any], name: str = MANIFEST_NAME) -> Path:
    """Write ``manifest`` to ``root/name`` atomically; return the path."""
    path = Path(root) / name
    atomic_write_json(path, manifest)
    return path


def load_manifest(root: str | os.PathLike, name: str = MANIFEST_NAME) -> dict[str, Any]:
    """Read ``root/manifest.json`` (or a manifest file path given as ``root``) and check its schema.

    Raises:
        FileNotFoundError: no manifest at ``root``.
        ValueError: not JSON, not a GameIR manifest, a newer version, or a key of the wrong type or
            range (:func:`~gameir.shards.manifest_schema.check_manifest`: the message names the file
            and the key, e.g. ``splits.train.shards[3].bytes``).
    """
    path = Path(root)
    if path.is_dir():
        path = path / name
    elif not path.exists() and path.suffix != ".json":
        raise FileNotFoundError(f"{path}: no such dataset folder")
    if not path.exists():
        if not path.parent.is_dir():
            raise FileNotFoundError(f"{path.parent}: no such dataset folder")
        try:
            unfinished = unfinished_renders(path.parent)
        except ValueError as exc:  # the part files themselves disagree (mixed plans, a job twice)
            raise FileNotFoundError(f"{path}: no manifest yet, and {exc}") from exc
        if unfinished:
            raise FileNotFoundError(f"{path}: no manifest yet: {unfinished[0]}")
        if (path.parent / PARTS_DIR).is_dir():
            raise FileNotFoundError(f"{path}: no manifest yet; every render in {path.parent / PARTS_DIR} has "
                                    f"finished: join them with `gameir manifest merge {path.parent}`")
        raise FileNotFoundError(f"{path}: no manifest; build one from the shards on disk with "
                                f"`gameir manifest rebuild {path.parent}`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{path}: not a GameIR manifest (format {manifest.get('format') if isinstance(manifest, dict) else None!r}, "
                         f"expected {MANIFEST_FORMAT!r})")
    version = manifest.get("format_version", MANIFEST_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > MANIFEST_VERSION:
        raise ValueError(f"{path}: manifest version {version} is newer than this gameir reads ({MANIFEST_VERSION}); "
                         "upgrade gameir")
    check_manifest(manifest, path)
    return manifest


def manifest_shards(manifest: dict[str, Any], split: str | None = None, *, where: str = "the manifest") -> list[dict[str, Any]]:
    """Shard entries of ``split`` (all splits when ``None``); ValueError naming the splits if unknown.

    Args:
        manifest: a manifest dict (as :func:`load_manifest` returns).
        split: split name, or ``None`` for every split.
        where: the manifest's path (or a description), for the message.
    """
    splits = manifest.get("splits", {})
    if split is None:
        return [e for body in splits.values() for e in body["shards"]]
    if split not in splits:
        raise ValueError(f"no split {split!r} in {where}; splits: {', '.join(splits) or 'none'}")
    return list(splits[split]["shards"])


def find_shards(root: str | os.PathLike) -> list[Path]:
    """Every finished shard (``*.h5``, never ``*.partial``) below ``root``, sorted."""
    return sorted(p for p in Path(root).rglob(f"*{SHARD_SUFFIX}") if p.is_file() and not p.name.endswith(PARTIAL_SUFFIX))


def rebuild_manifest(root: str | os.PathLike, *, extra: dict[str, Any] | None = None,
                     allow_incomplete: bool = False) -> dict[str, Any]:
    """Scan ``root`` for shards, hash them, and write a fresh ``manifest.json`` atomically.

    The ``extra`` block of an existing manifest is kept unless ``extra`` is given.

    Args:
        root: dataset root.
        extra: the manifest's ``extra`` block.
        allow_incomplete: index the shards on disk even when a render in ``root/parts`` is
            unfinished (its missing clips are then absent from the manifest). By default that is
            refused: the fix for an interrupted render is to re-run it.

    Raises:
        ShardError: a file is not a readable shard (the message names it).
        ValueError: a render in ``root`` is unfinished and ``allow_incomplete`` is false.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a directory")
    unfinished = [] if allow_incomplete else unfinished_renders(root)
    if unfinished:
        raise ValueError(f"{unfinished[0]}. A manifest rebuilt now would silently lack those clips; pass "
                         "--allow-incomplete to index only the shards on disk")
    shards = find_shards(root)
    if not shards:
        raise ValueError(f"{root}: no shards (*{SHARD_SUFFIX}) found")
    if extra is None and (root / MANIFEST_NAME).exists():
        try:
            extra = load_manifest(root).get("extra", {})
        except ValueError:
            extra = {}
    entries = []
    for shard in shards:
        try:
            entries.append(shard_entry(root, shard))
        except (OSError, KeyError) as exc:
            raise ShardError(f"{shard}: cannot be read as a shard ({exc})") from exc
    manifest = build_manifest(entries, extra=extra)
    write_manifest(root, manifest)
    return manifest
