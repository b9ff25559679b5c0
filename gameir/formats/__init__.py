"""Disk-format parsers: turn stored data (GameIR shards, the GameIR release layout) into clips.

A source (:class:`DataSource`) lists clips and reads pixel windows and cameras; the datasets in
:mod:`gameir.data` build samples from any source.
"""

from gameir.formats.carla import (
    CARLA_FAR_M,
    CARLA_MAX_CODE,
    CARLA_TO_SEMANTIC,
    decode_carla_depth,
    decode_carla_semantic,
    encode_carla_depth,
    encode_carla_semantic,
)
from gameir.formats.release import (
    RELEASE_BUFFERS,
    RELEASE_KINDS,
    RELEASE_LEVELS,
    RELEASE_ROOT,
    ReleaseSource,
    release_member,
)
from gameir.formats.open import SOURCE_KINDS, open_source
from gameir.formats.remote_file import RemoteFile, is_remote
from gameir.formats.release_writer import (
    ReleaseFrame,
    encode_release_frame,
    release_frames,
    write_release_folder,
    write_release_tar,
)
from gameir.formats.shard_source import ShardSource
from gameir.formats.source import DEFAULT_MAX_OPEN, ClipInfo, DataSource, HandleCache

__all__ = [
    "CARLA_FAR_M",
    "CARLA_MAX_CODE",
    "CARLA_TO_SEMANTIC",
    "DEFAULT_MAX_OPEN",
    "RELEASE_BUFFERS",
    "RELEASE_KINDS",
    "RELEASE_LEVELS",
    "RELEASE_ROOT",
    "SOURCE_KINDS",
    "ClipInfo",
    "DataSource",
    "HandleCache",
    "ReleaseFrame",
    "ReleaseSource",
    "RemoteFile",
    "ShardSource",
    "decode_carla_depth",
    "decode_carla_semantic",
    "encode_carla_depth",
    "encode_carla_semantic",
    "encode_release_frame",
    "is_remote",
    "open_source",
    "release_frames",
    "release_member",
    "write_release_folder",
    "write_release_tar",
]
