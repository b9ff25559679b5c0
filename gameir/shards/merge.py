"""Join the part files of finished renders into ``manifest.json`` (see :mod:`gameir.shards.parts`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gameir.fileio import sha256_file
from gameir.shards.manifest import build_manifest, write_manifest
from gameir.shards.parts import load_renders, render_problem

__all__ = ["merge_parts"]


def merge_parts(root: str | os.PathLike, *, require_complete: bool = True) -> dict[str, Any]:
    """Join the parts under ``root/parts`` into ``root/manifest.json`` (written atomically).

    Parts are grouped into *renders*: one selection of one plan (``gameir render`` with one preset,
    overrides, ``--split`` and ``--clips``) split over ``--num-shards`` jobs. A dataset root may
    hold several renders of the same preset and overrides (``--split test`` first, then the other
    splits, or a quick ``--clips 2`` run before the cluster array): their clips are the same clips
    of one plan, so the manifest is the union of every finished render.

    Args:
        root: dataset root.
        require_complete: refuse when any render has missing jobs or unfinished clips (what
            ``gameir manifest merge`` does). ``False`` merges the finished renders and leaves the
            unfinished ones out (what a one-job ``gameir render`` does at its end); their parts stay
            on disk, and :func:`gameir.shards.parts.unfinished_renders` names them.

    Raises:
        ValueError: no parts; parts of different presets or overrides; a job index missing (gap);
            a clip assigned to or rendered by two jobs of one render (overlap); a job that has not
            finished its clips; clips of the plan assigned to no job; two renders disagreeing on a
            clip's bytes; no finished render. Each message names the parts, jobs and clips.
    """
    root = Path(root)
    renders = load_renders(root)
    unfinished = {key: problem for key, problem in ((k, render_problem(root, r)) for k, r in renders.items()) if problem}
    if unfinished and require_complete:
        raise ValueError("; ".join(unfinished.values()))
    entries: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    finished = [parts for key, parts in renders.items() if key not in unfinished]
    for parts in finished:
        for name, part in parts:
            for entry in part["shards"]:
                clip = entry["clip_id"]
                known = entries.get(clip)
                if known is not None and known["sha256"] != entry["sha256"]:
                    # Two renders recorded the same shard with different bytes (one rewrote it): the
                    # entry that matches the file on disk is the true one.
                    on_disk = sha256_file(root / entry["path"]) if (root / entry["path"]).is_file() else None
                    if on_disk not in (known["sha256"], entry["sha256"]):
                        raise ValueError(f"{root}: clip {clip!r} is recorded with different bytes in {owner[clip]} and "
                                         f"{name}, and {entry['path']} matches neither; re-run the `gameir render` "
                                         "command of either part to render it again")
                    if on_disk == known["sha256"]:
                        continue
                entries[clip], owner[clip] = entry, name
    if not entries:
        raise ValueError("; ".join(unfinished.values()) or f"{root}: no finished render to merge")
    plans = [parts[0][1]["plan"] for parts in finished]
    plan = dict(plans[0])
    if len(plans) > 1:  # several selections of one plan: keep what they share and list the selections
        selection = ("split", "max_clips", "num_clips")
        plan = {k: v for k, v in plan.items() if k not in selection}
        plan["selections"] = [{k: p.get(k) for k in selection} for p in plans]
    manifest = build_manifest(entries.values(), extra={"plan": plan})
    write_manifest(root, manifest)
    return manifest
