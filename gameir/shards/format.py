"""Shard format v1: names, attributes, codecs and chunking (the contract is docs/FORMAT.md).

One HDF5 file holds one clip. Layout::

    /                      attrs: format, format_version, generator, kind, clip_id, split,
                                  num_frames, num_views, levels, scene, render, conventions
    /time_s                (F,) float64 scene time of each frame, seconds
    /frame_index           (F,) int64 frame number within the source clip
    /<level>/              attrs: height, width (pixels)   level is "lr", "hr", ...
    /<level>/<buffer>      (F, [V,] H, W[, C]) per gameir.buffers
    /<level>/camera/K          (F, [V,] 3, 3) float64 intrinsics, pixels, pixel-corner convention
    /<level>/camera/c2w        (F, [V,] 4, 4) float64 camera-to-world, OpenGL axes, metres
    /<level>/camera/jitter_px  (F, [V,] 2) float64 sub-pixel projection offset (x, y), pixels

``[V,]`` is present only for multi-view (``kind == "nvs"``) shards. ``time_s``, ``frame_index`` and
the camera arrays carry HDF5's Fletcher-32 checksum per chunk (shards written before it was added
have none and still read); buffer chunks are covered by their codec (gzip: zlib's Adler-32).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gameir.buffers import BufferSpec

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "SHARD_SUFFIX",
    "KINDS",
    "LEVEL_NAME_RE",
    "CAMERA_ARRAYS",
    "CONVENTIONS",
    "Codec",
    "DEFAULT_CODEC",
    "DEFAULT_TILE",
    "CODEC_NAMES",
    "CODEC_FILTER_IDS",
    "available_codecs",
    "SMALL_DATASET_FILTERS",
    "chunk_shape",
]

FORMAT_NAME = "gameir-shard"
FORMAT_VERSION = 1
SHARD_SUFFIX = ".h5"
KINDS = ("sr", "nvs")
LEVEL_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

#: name -> trailing shape of per-frame camera arrays.
CAMERA_ARRAYS: dict[str, tuple[int, ...]] = {"K": (3, 3), "c2w": (4, 4), "jitter_px": (2,)}

#: Stored verbatim (as JSON) in every shard so a file explains itself.
CONVENTIONS: dict[str, str] = {
    "image": "origin at the top-left corner of the top-left pixel, x right, y down; "
             "pixel (i, j) centre at (j + 0.5, i + 0.5); arrays top row first",
    "world": "right-handed, metres, +Z up",
    "c2w": "4x4 camera-to-world, OpenGL axes (+X right, +Y up, looking along -Z)",
    "K": "3x3 pixels, pixel-corner convention (centred principal point = (W/2, H/2))",
    "depth": "float32 metres along the optical axis; +inf where no geometry",
    "normal": "float16 world-space unit normal; 0 where no geometry",
    "motion": "float16 backward motion in pixels (dx, dy): the surface at (x, y) in frame t was "
              "at (x + dx, y + dy) in frame t-1",
    "semantic": "uint8 CARLA 0.9.14+ tag ids 0..28",
    "instance": "uint16 instance id, 0 = none",
}

#: Codec names accepted by :class:`Codec`; ``lz4``, ``zstd`` and ``blosc2-*`` need the optional
#: ``hdf5plugin`` package (``pip install 'gameir[codecs]'``) to write and to read.
CODEC_NAMES = ("gzip", "lzf", "none", "lz4", "zstd", "blosc2-lz4", "blosc2-zstd")
#: HDF5 filter id of each codec (None: no filter). gzip is in every HDF5 build, lzf in every h5py.
CODEC_FILTER_IDS: dict[str, int | None] = {"gzip": 1, "lzf": 32000, "none": None, "lz4": 32004, "zstd": 32015,
                                           "blosc2-lz4": 32026, "blosc2-zstd": 32026}
#: Codecs whose level is stored in the name (``zstd:3``) and the level range each accepts.
_LEVELS: dict[str, tuple[int, int, int]] = {"gzip": (0, 9, 1), "zstd": (1, 22, 3), "blosc2-lz4": (0, 9, 5),
                                            "blosc2-zstd": (0, 9, 5)}


@dataclass(frozen=True)
class Codec:
    """Compression of every buffer dataset.

    Attributes:
        name: one of :data:`CODEC_NAMES`.
        level: compression level (gzip 0..9, zstd 1..22, blosc2 0..9); ignored by lzf, lz4 and none.
        shuffle: apply HDF5's byte-shuffle filter first (helps float16/float32 buffers).
    """

    name: str = "gzip"
    level: int = 1
    shuffle: bool = True

    def __post_init__(self) -> None:
        if self.name not in CODEC_NAMES:
            raise ValueError(f"unknown codec {self.name!r}; choose one of {', '.join(CODEC_NAMES)}")
        low, high, _ = _LEVELS.get(self.name, (0, 9, 1))
        if not low <= self.level <= high:
            raise ValueError(f"codec {self.name!r}: level must be in {low}..{high}, got {self.level}")

    @classmethod
    def parse(cls, text: str) -> "Codec":
        """Parse ``"gzip"``, ``"gzip:4"``, ``"lzf"``, ``"lz4"``, ``"zstd:3"``, ``"blosc2-zstd:5"``,
        optionally followed by ``"+noshuffle"``; a missing level takes the codec's default."""
        shuffle = not text.endswith("+noshuffle")
        text = text.removesuffix("+noshuffle")
        name, sep, level = text.partition(":")
        if name not in CODEC_NAMES:
            raise ValueError(f"unknown codec {text!r}; choose one of {', '.join(CODEC_NAMES)}")
        if sep and (name not in _LEVELS or not level.isdigit()):
            raise ValueError(f"codec {text!r}: " + (f"{name} takes a level like {name}:{_LEVELS[name][2]}"
                                                     if name in _LEVELS else f"{name} takes no level"))
        return cls(name, int(level) if level else _LEVELS.get(name, (0, 9, 1))[2], shuffle)

    def __str__(self) -> str:
        level = f":{self.level}" if self.name in _LEVELS else ""
        return f"{self.name}{level}{'' if self.shuffle else '+noshuffle'}"

    @property
    def needs_plugin(self) -> bool:
        """True when writing and reading need ``hdf5plugin`` (not decodable by stock HDF5 / h5py)."""
        return self.name in ("lz4", "zstd") or self.name.startswith("blosc2-")

    def check_writable(self) -> "Codec":
        """Return self if the installed HDF5 (with hdf5plugin, where installed) can write this codec.

        Raises:
            ValueError: it cannot; the message names the codec and the codecs that are available.
        """
        if self.name in available_codecs():
            return self
        hint = ("`pip install 'gameir[codecs]'` (hdf5plugin) adds lz4, zstd and blosc2-*"
                if self.needs_plugin and not _plugin_registered() else "")
        raise ValueError(f"codec {str(self)!r} cannot be written by this HDF5 (filter {CODEC_FILTER_IDS[self.name]} "
                         f"is not available); available codecs: {', '.join(available_codecs())}" +
                         (f"; {hint}" if hint else ""))

    def h5py_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``h5py.Group.create_dataset``."""
        if self.name == "none":
            return {}
        if self.name == "gzip":
            return {"compression": "gzip", "compression_opts": self.level, "shuffle": self.shuffle}
        if self.name == "lzf":
            return {"compression": "lzf", "shuffle": self.shuffle}
        if self.needs_plugin:
            try:
                import hdf5plugin
            except ImportError as exc:
                raise ImportError(f"codec {self.name!r} needs hdf5plugin: `pip install 'gameir[codecs]'` "
                                  "(or `pip install hdf5plugin`)") from exc
            if self.name == "lz4":
                return dict(hdf5plugin.LZ4()) | {"shuffle": self.shuffle}
            if self.name == "zstd":
                return dict(hdf5plugin.Zstd(clevel=self.level)) | {"shuffle": self.shuffle}
            shuffle = hdf5plugin.Blosc2.SHUFFLE if self.shuffle else hdf5plugin.Blosc2.NOFILTER
            return dict(hdf5plugin.Blosc2(cname=self.name.split("-", 1)[1], clevel=self.level, filters=shuffle))
        raise ValueError(f"unknown codec {self.name!r}")  # pragma: no cover - checked in __post_init__


def _plugin_registered() -> bool:
    """Import ``hdf5plugin`` where installed (registering its filters); False where it is missing or broken."""
    try:
        import hdf5plugin  # noqa: F401
    except ImportError:
        return False
    return True


def available_codecs() -> tuple[str, ...]:
    """The codec names of :data:`CODEC_NAMES` whose HDF5 filter this process can write."""
    import h5py

    _plugin_registered()
    return tuple(n for n, fid in CODEC_FILTER_IDS.items() if fid is None or h5py.h5z.filter_avail(fid))


#: Chosen from benchmarks/bench_shards.py (docs/BENCHMARKS.md): readable by stock h5py and
#: h5dump, and the best write-speed / size trade-off among the stock codecs.
DEFAULT_CODEC = Codec("gzip", 1, True)
#: Tile edge (pixels) of a chunk: one frame, one view, DEFAULT_TILE x DEFAULT_TILE pixels, all channels.
DEFAULT_TILE = 128


#: Filters of the small per-frame datasets (``time_s``, ``frame_index``, ``camera/*``): a Fletcher-32
#: checksum per chunk, verified by HDF5 on every read (chosen by benchmarks/bench_checksums.py).
SMALL_DATASET_FILTERS: dict[str, Any] = {"fletcher32": True}


def chunk_shape(spec: BufferSpec, height: int, width: int, *, multiview: bool, tile: int = DEFAULT_TILE) -> tuple[int, ...]:
    """Chunk of a buffer dataset: one frame (and view), a ``tile`` x ``tile`` window, all channels."""
    if tile < 8:
        raise ValueError(f"chunk tile must be >= 8 pixels, got {tile}")
    lead = (1, 1) if multiview else (1,)
    pixels = (min(tile, height), min(tile, width))
    return lead + pixels + ((spec.channels,) if spec.channels > 1 else ())


class ShardError(ValueError):
    """A shard file is malformed, or input to a shard writer is invalid; the message names file and fault."""


class ShardReadError(OSError):
    """Stored bytes of a shard fail to decode (a corrupt chunk or checksum); names file, dataset, frame."""


def read_failure(path: object, what: str, exc: BaseException, *, suggest_verify: bool = True) -> ShardReadError:
    """A :class:`ShardReadError` for ``exc`` raised by h5py while reading ``what`` of the shard ``path``.

    Args:
        path: the shard file.
        what: the place, e.g. ``"buffer 'rgb' level 'hr' frame 3 rows 0..64 cols 0..64"``.
        exc: the error h5py raised (its text is kept in the message).
        suggest_verify: end with the ``gameir verify`` command that lists every fault of the file
            (off for the validator's own faults).
    """
    text = f"{path}: cannot read {what}: the stored data is corrupt ({exc}); replace the file (download or render it again)"
    return ShardReadError(text + (f"; `gameir verify {path}` lists every fault" if suggest_verify else ""))


__all__ += ["ShardError", "ShardReadError", "read_failure"]
