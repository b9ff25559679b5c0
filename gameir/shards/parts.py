"""Per-job partial manifests (``parts/part-IIIII-of-NNNNN.json``) and their merge into manifest.json.

A cluster job (one SLURM array task, one Kubernetes index) renders the clips assigned to it and
records them, shard by shard, in its own part file; no job writes another's file, so jobs need no
coordinator. :func:`merge_parts` joins the parts of one plan and refuses overlaps and gaps.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from gameir.fileio import atomic_write_json
from gameir.shards.manifest import build_manifest, write_manifest

__all__ = ["PARTS_DIR", "PART_FORMAT", "part_path", "new_part", "load_part", "save_part", "merge_parts"]

PARTS_DIR = "parts"
PART_FORMAT = "gameir-manifest-part"


def part_path(root: str | os.PathLike, num_shards: int, shard_index: int) -> Path:
    """``root/parts/part-<index>-of-<count>.json``."""
    return Path(root) / PARTS_DIR / f"part-{shard_index:05d}-of-{num_shards:05d}.json"


def new_part(plan: dict[str, Any], num_shards: int, shard_index: int, assigned: list[str]) -> dict[str, Any]:
    """An empty part: the plan it belongs to (``preset``, ``digest``, ``num_clips``), the job, its clips."""
    return {"format": PART_FORMAT, "format_version": 1, "plan": plan, "num_shards": num_shards,
            "shard_index": shard_index, "assigned": list(assigned), "shards": []}


def load_part(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check one part file."""
    path = Path(path)
    try:
        part = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    if part.get("format") != PART_FORMAT:
        raise ValueError(f"{path}: not a GameIR manifest part")
    return part


def save_part(root: str | os.PathLike, part: dict[str, Any]) -> Path:
    """Write ``part`` atomically to its path under ``root``."""
    path = part_path(root, part["num_shards"], part["shard_index"])
    atomic_write_json(path, part)
    return path


def merge_parts(root: str | os.PathLike) -> dict[str, Any]:
    """Join every part under ``root/parts`` into ``root/manifest.json`` (written atomically).

    Raises:
        ValueError: no parts; parts of different plans or job counts; a job index missing (gap);
            a clip assigned to or rendered by two jobs (overlap); a job that has not finished its
            clips; clips of the plan assigned to no job. Each message names the jobs and clips.
    """
    root = Path(root)
    files = sorted((root / PARTS_DIR).glob("part-*-of-*.json"))
    if not files:
        raise ValueError(f"{root}: no partial manifests in {root / PARTS_DIR}; run `gameir render` first")
    parts = [load_part(f) for f in files]
    plans = {json.dumps(p["plan"], sort_keys=True) for p in parts}
    if len(plans) > 1:
        raise ValueError(f"{root}: parts belong to different plans ({len(plans)} distinct presets/overrides): "
                         + ", ".join(f"{f.name}: {p['plan'].get('preset')}@{p['plan'].get('digest')}" for f, p in zip(files, parts)))
    counts = {p["num_shards"] for p in parts}
    if len(counts) > 1:
        raise ValueError(f"{root}: parts use different --num-shards: {sorted(counts)}")
    num_shards = counts.pop()
    indices = [p["shard_index"] for p in parts]
    missing = sorted(set(range(num_shards)) - set(indices))
    if missing:
        raise ValueError(f"{root}: gap: no part for job index(es) {_ranges(missing)} of {num_shards}")
    owner: dict[str, int] = {}
    entries = []
    for part in parts:
        for clip in part["assigned"]:
            if clip in owner:
                raise ValueError(f"{root}: overlap: clip {clip!r} is assigned to jobs {owner[clip]} and {part['shard_index']}")
            owner[clip] = part["shard_index"]
        done = {e["clip_id"] for e in part["shards"]}
        stray = done - set(part["assigned"])
        if stray:
            raise ValueError(f"{root}: overlap: job {part['shard_index']} rendered clips it was not assigned: {sorted(stray)[:5]}")
        unfinished = [c for c in part["assigned"] if c not in done]
        if unfinished:
            raise ValueError(f"{root}: gap: job {part['shard_index']} has {len(unfinished)} unfinished clip(s), "
                             f"e.g. {unfinished[0]!r}; re-run it with --shard-index {part['shard_index']}")
        entries.extend(part["shards"])
    plan = parts[0]["plan"]
    if len(owner) != plan["num_clips"]:
        raise ValueError(f"{root}: gap: the plan has {plan['num_clips']} clips but the jobs cover {len(owner)}")
    manifest = build_manifest(entries, extra={"plan": plan})
    write_manifest(root, manifest)
    return manifest


def _ranges(values: list[int]) -> str:
    shown = ", ".join(map(str, values[:10]))
    return shown + (f" (+{len(values) - 10} more)" if len(values) > 10 else "")
