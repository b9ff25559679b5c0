"""Dataset builder: presets -> clip plan -> worlds rendered natively at LR/HR -> shards + manifest."""

from gameir.pipeline.plan import ClipSpec, partition, plan_clips, shard_index_from_env
from gameir.pipeline.presets import Preset, list_presets, load_preset, preset_dirs

__all__ = [
    "ClipSpec",
    "Preset",
    "list_presets",
    "load_preset",
    "partition",
    "plan_clips",
    "preset_dirs",
    "render_dataset",
    "shard_index_from_env",
]


def __getattr__(name: str):  # render_dataset pulls in the renderer; import it on first use only
    if name == "render_dataset":
        from gameir.pipeline.run import render_dataset

        return render_dataset
    raise AttributeError(name)
