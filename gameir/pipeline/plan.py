"""A preset's deterministic clip list, and its partition across cluster jobs.

Clip ``k`` of a split gets seed ``seed_start + k``; family ``k mod F``, variant ``k mod V`` and
weather ``(k + k div F) mod W`` cycle through the preset's lists, so small splits already mix
families, weathers and variants. The list depends only on the preset, so independent jobs agree on it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any, Mapping

from gameir.pipeline.presets import Preset

__all__ = ["ClipSpec", "plan_clips", "partition", "shard_index_from_env"]


@dataclass(frozen=True)
class ClipSpec:
    """One clip to render: which world, which weather, which split, where it goes."""

    clip_id: str
    split: str
    family: str
    seed: int
    weather: str
    dynamic: bool
    order: int  # position in the full plan (stable across jobs)

    @property
    def relpath(self) -> str:
        """Shard path relative to the dataset root."""
        return f"{self.split}/{self.clip_id}.h5"

    def scene_dict(self) -> dict[str, Any]:
        return {"family": self.family, "seed": self.seed, "weather": self.weather, "dynamic": self.dynamic}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def plan_clips(preset: Preset, split: str | None = None, max_clips: int | None = None) -> list[ClipSpec]:
    """Every clip of ``preset`` (of one ``split``, or all), optionally only the first ``max_clips`` per split.

    Raises:
        ValueError: ``split`` is not one of the preset's splits.
    """
    splits = preset.section("splits")
    if split is not None and split not in splits:
        raise ValueError(f"preset {preset.name!r} has no split {split!r}; splits: {', '.join(splits)}")
    clips_cfg = preset.section("clips")
    families, weathers, variants = clips_cfg["families"], clips_cfg["weathers"], clips_cfg["variants"]
    out: list[ClipSpec] = []
    order = 0
    for name, spec in splits.items():
        count = spec["clips"] if max_clips is None else min(spec["clips"], max_clips)
        for k in range(spec["clips"]):
            if k < count and (split is None or name == split):
                family = families[k % len(families)]
                weather = weathers[(k + k // len(families)) % len(weathers)]
                variant = variants[k % len(variants)]
                seed = spec["seed_start"] + k
                out.append(ClipSpec(clip_id=f"{family}-{seed:06d}-{weather}-{variant}", split=name, family=family,
                                    seed=seed, weather=weather, dynamic=variant == "dynamic", order=order))
            order += 1
    return out


def partition(clips: list[ClipSpec], num_shards: int, shard_index: int) -> list[ClipSpec]:
    """Clips of job ``shard_index`` of ``num_shards``: every ``num_shards``-th clip, by plan order."""
    if num_shards < 1:
        raise ValueError(f"--num-shards must be >= 1, got {num_shards}")
    if not 0 <= shard_index < num_shards:
        raise ValueError(f"--shard-index must be in 0..{num_shards - 1}, got {shard_index}")
    return [c for c in clips if c.order % num_shards == shard_index]


def shard_index_from_env(environ: Mapping[str, str] | None = None) -> tuple[int, int] | None:
    """``(num_shards, shard_index)`` from a SLURM array or a Kubernetes Indexed Job, else ``None``.

    SLURM: ``SLURM_ARRAY_TASK_COUNT`` and ``SLURM_ARRAY_TASK_ID`` (minus ``SLURM_ARRAY_TASK_MIN``
    when the array does not start at 0). Kubernetes: ``JOB_COMPLETION_INDEX`` with the count from
    ``GAMEIR_NUM_SHARDS`` (an Indexed Job does not expose its completions count).
    """
    env = os.environ if environ is None else environ
    if "SLURM_ARRAY_TASK_ID" in env and "SLURM_ARRAY_TASK_COUNT" in env:
        index = int(env["SLURM_ARRAY_TASK_ID"]) - int(env.get("SLURM_ARRAY_TASK_MIN", "0"))
        return int(env["SLURM_ARRAY_TASK_COUNT"]), index
    if "JOB_COMPLETION_INDEX" in env:
        if "GAMEIR_NUM_SHARDS" not in env:
            raise ValueError("JOB_COMPLETION_INDEX is set but GAMEIR_NUM_SHARDS is not: set it to the Job's "
                             "completions count (or pass --num-shards)")
        return int(env["GAMEIR_NUM_SHARDS"]), int(env["JOB_COMPLETION_INDEX"])
    return None
