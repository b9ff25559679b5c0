"""HDF5 shards (format v1, see docs/FORMAT.md): writer, lazy reader, validator, manifest, verify."""

from gameir.shards.format import CODEC_NAMES, DEFAULT_CODEC, DEFAULT_TILE, FORMAT_VERSION, Codec, ShardError, ShardReadError
from gameir.shards.manifest import (
    MANIFEST_NAME,
    build_manifest,
    find_shards,
    load_manifest,
    manifest_shards,
    rebuild_manifest,
    shard_entry,
    write_manifest,
)
from gameir.shards.reader import ShardReader
from gameir.shards.validate import validate_shard
from gameir.shards.verify import verify_path
from gameir.shards.writer import ShardWriter, write_clip
from gameir.shards.background import DEFAULT_IN_FLIGHT, BackgroundWriter

__all__ = [
    "CODEC_NAMES",
    "DEFAULT_CODEC",
    "DEFAULT_TILE",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "Codec",
    "ShardError",
    "ShardReadError",
    "ShardReader",
    "ShardWriter",
    "BackgroundWriter",
    "DEFAULT_IN_FLIGHT",
    "build_manifest",
    "find_shards",
    "load_manifest",
    "manifest_shards",
    "rebuild_manifest",
    "shard_entry",
    "validate_shard",
    "verify_path",
    "write_clip",
    "write_manifest",
]
