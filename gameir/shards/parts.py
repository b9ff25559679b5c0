"""Per-job partial manifests (``parts/part-IIIII-of-NNNNN.json``) and their merge into manifest.json.

A cluster job (one SLURM array task, one Kubernetes index) renders the clips assigned to it and
records them, shard by shard, in its own part file; no job writes another's file, so jobs need no
coordinator. :func:`gameir.shards.merge.merge_parts` joins them; this module reads them and says
which renders are finished.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from gameir.fileio import atomic_write_json

__all__ = ["PARTS_DIR", "PART_FORMAT", "part_path", "new_part", "load_part", "save_part", "load_renders",
           "render_problem", "unfinished_renders"]

PARTS_DIR = "parts"
PART_FORMAT = "gameir-manifest-part"


def part_path(root: str | os.PathLike, num_shards: int, shard_index: int, *, split: str | None = None,
              max_clips: int | None = None) -> Path:
    """``root/parts/part-[<split>-][first<K>-]<index>-of-<count>.json``.

    A render of the whole plan keeps the plain name; a render of a selection (``--split``,
    ``--clips``) names it, so that several selections of one preset live side by side in one root.
    """
    tag = (f"{split}-" if split else "") + (f"first{max_clips}-" if max_clips is not None else "")
    return Path(root) / PARTS_DIR / f"part-{tag}{shard_index:05d}-of-{num_shards:05d}.json"


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
    path = part_path(root, part["num_shards"], part["shard_index"], split=part["plan"].get("split"),
                     max_clips=part["plan"].get("max_clips"))
    atomic_write_json(path, part)
    return path


def unfinished_renders(root: str | os.PathLike) -> list[str]:
    """One line per render under ``root/parts`` that has missing jobs or unfinished clips."""
    root = Path(root)
    if not (root / PARTS_DIR).is_dir():
        return []
    renders = load_renders(root, allow_empty=True)
    return [problem for problem in (render_problem(root, parts) for parts in renders.values()) if problem]


def _describe(plan: dict[str, Any], num_shards: int) -> str:
    split = f"split {plan['split']!r}" if plan.get("split") else "every split"
    clips = f", first {plan['max_clips']} clip(s) per split" if plan.get("max_clips") is not None else ""
    jobs = f" over {num_shards} jobs" if num_shards > 1 else ""
    return f"the render of {plan['preset']} ({split}{clips}{jobs})"


def load_renders(root: Path, *, allow_empty: bool = False) -> dict[tuple, list[tuple[str, dict[str, Any]]]]:
    """``(part file name, part)`` grouped by render (selection + job count), checked to share one plan."""
    files = sorted((root / PARTS_DIR).glob("part-*-of-*.json"))
    if not files and not allow_empty:
        raise ValueError(f"{root}: no partial manifests in {root / PARTS_DIR}; run `gameir render` first")
    parts = [(f"{PARTS_DIR}/{f.name}", load_part(f)) for f in files]
    digests: dict[tuple[str, str], list[str]] = {}
    for name, part in parts:
        digests.setdefault((part["plan"].get("preset"), part["plan"].get("digest")), []).append(name)
    if len(digests) > 1:
        listing = "; ".join(f"{preset} with plan digest {digest}: {', '.join(names)}"
                            for (preset, digest), names in digests.items())
        raise ValueError(f"{root}: parts belong to different plans, renders of different presets or overrides ({listing}). A dataset root holds "
                         "one preset with one set of overrides: render the other into its own --out, or delete the "
                         "parts (and shards) of the render you no longer want")
    renders: dict[tuple, list[tuple[str, dict[str, Any]]]] = {}
    for name, part in parts:
        key = (part["plan"].get("split"), part["plan"].get("max_clips"), part["num_shards"])
        for other, known in renders.get(key, []):
            if known["shard_index"] == part["shard_index"]:
                raise ValueError(f"{root}: overlap: {other} and {name} are both job {part['shard_index']} of "
                                 f"{_describe(part['plan'], part['num_shards'])}; delete the older one")
        renders.setdefault(key, []).append((name, part))
    return renders


def render_problem(root: Path, named_parts: list[tuple[str, dict[str, Any]]]) -> str | None:
    """Why one render cannot be merged (a gap or unfinished clips: not yet; an overlap: not at all), or None."""
    parts = [part for _, part in named_parts]
    plan, num_shards = parts[0]["plan"], parts[0]["num_shards"]
    what = _describe(plan, num_shards)
    indices = [p["shard_index"] for p in parts]
    missing = sorted(set(range(num_shards)) - set(indices))
    if missing:
        return (f"{root}: gap: no part for job index(es) {_ranges(missing)} of {num_shards} in {what}; run those "
                f"jobs (--num-shards {num_shards} --shard-index I), then `gameir manifest merge {root}`")
    owner: dict[str, int] = {}
    for part in parts:
        for clip in part["assigned"]:
            if clip in owner:
                return (f"{root}: overlap: clip {clip!r} is assigned to jobs {owner[clip]} and "
                        f"{part['shard_index']} in {what}")
            owner[clip] = part["shard_index"]
        done = {e["clip_id"] for e in part["shards"]}
        stray = done - set(part["assigned"])
        if stray:
            return (f"{root}: overlap: job {part['shard_index']} rendered clips it was not assigned "
                    f"in {what}: {sorted(stray)[:5]}")
        unfinished = [c for c in part["assigned"] if c not in done]
        if unfinished:
            rerun = f" with --shard-index {part['shard_index']}" if num_shards > 1 else ""
            return (f"{root}: gap: job {part['shard_index']} has {len(unfinished)} unfinished clip(s), e.g. "
                    f"{unfinished[0]!r}, in {what}; re-run the same `gameir render` command{rerun} to resume it")
    if len(owner) != plan["num_clips"]:
        return f"{root}: gap: the plan has {plan['num_clips']} clips but the jobs cover {len(owner)} in {what}"
    return None


def _ranges(values: list[int]) -> str:
    shown = ", ".join(map(str, values[:10]))
    return shown + (f" (+{len(values) - 10} more)" if len(values) > 10 else "")
