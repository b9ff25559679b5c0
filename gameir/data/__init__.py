"""PyTorch datasets over GameIR shards and the GameIR release layout (DESIGN.md §5, docs/DATA.md)."""

from gameir.data.augment import AUG_OPS, augment_camera, augment_tensor
from gameir.data.normalize import AUX_CHANNELS, DEPTH_MODES, NORMAL_SPACES, NUM_SEMANTIC_CLASSES, aux_channel_names, to_tensor
from gameir.data.sources import SOURCE_KINDS, EpochSeed, clip_metadata, fetch_split, open_source, select_clips
from gameir.data.nvs import NVS_MODES, NVSDataset
from gameir.data.sr import GBUFFER_RES, SRDataset

__all__ = [
    "AUG_OPS",
    "AUX_CHANNELS",
    "DEPTH_MODES",
    "GBUFFER_RES",
    "NORMAL_SPACES",
    "NVS_MODES",
    "NVSDataset",
    "NUM_SEMANTIC_CLASSES",
    "SOURCE_KINDS",
    "EpochSeed",
    "SRDataset",
    "augment_camera",
    "augment_tensor",
    "aux_channel_names",
    "clip_metadata",
    "fetch_split",
    "open_source",
    "select_clips",
    "to_tensor",
]
