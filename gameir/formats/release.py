"""The GameIR release layout (tar shards, local or remote, or their extracted folders) as a data source.

Members look like ``GameIR-SR/<scene>/<spawn>/<720p|1440p>/<8-digit frame>.<kind>.png`` (DESIGN.md
§1) with ``kind`` one of ``rgb`` (8-bit RGB), ``depth`` (CARLA 24-bit depth, see
:mod:`gameir.formats.carla`) and ``seg`` (CARLA semantic segmentation, the tag in R; read as the
``semantic`` buffer). One clip is one ``<scene>/<spawn>`` video; ``720p`` is level ``"lr"`` and
``1440p`` level ``"hr"``. Every frame needs rgb and depth at both resolutions; ``seg`` is optional
per clip, but a clip that has it must have it for every frame at both. The 8-digit number is the
release's frame number (:meth:`ReleaseSource.frame_id`); frame indices count 0, 1, 2... in order.

Tar shards must be uncompressed (WebDataset style) so members can be read by offset; a clip may
span several tars and members may come in any order. A tar may be a local path or a URL
(``http(s)://`` with byte-range support, or an fsspec URL): its headers are walked with range
requests once, at construction, and members are then fetched by range, never the whole tar (see
:mod:`gameir.formats.remote_file`). The release carries no cameras: :meth:`ReleaseSource.camera`
returns ``None``.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path
from typing import Any, Sequence

import cv2
import numpy as np

from gameir.formats.carla import decode_carla_depth, decode_carla_semantic
from gameir.formats.remote_file import RemoteFile, is_remote
from gameir.formats.tar_index import default_index_cache, tar_members
from gameir.formats.source import DEFAULT_MAX_OPEN, ClipInfo, DataSource, HandleCache

__all__ = ["RELEASE_ROOT", "RELEASE_LEVELS", "RELEASE_KINDS", "RELEASE_BUFFERS", "MEMBER_RE", "release_member",
           "ReleaseSource"]

RELEASE_ROOT = "GameIR-SR"
#: release resolution folder -> GameIR level name.
RELEASE_LEVELS: dict[str, str] = {"720p": "lr", "1440p": "hr"}
#: member kind (``<frame>.<kind>.png``) -> GameIR buffer name.
RELEASE_KINDS: dict[str, str] = {"rgb": "rgb", "depth": "depth", "seg": "semantic"}
#: buffers the layout can carry (``semantic`` only where the clip has ``seg`` members).
RELEASE_BUFFERS: tuple[str, ...] = tuple(RELEASE_KINDS.values())
_REQUIRED_KINDS = ("rgb", "depth")
_KIND_OF_BUFFER = {b: k for k, b in RELEASE_KINDS.items()}
MEMBER_RE = re.compile(
    r"^(?:.*/)?GameIR-SR/(?P<scene>[^/]+)/(?P<spawn>[^/]+)/(?P<res>720p|1440p)/(?P<frame>\d{8})\.(?P<kind>rgb|depth|seg)\.png$")
_PATTERN = f"{RELEASE_ROOT}/<scene>/<spawn>/<720p|1440p>/<8-digit frame>.<rgb|depth|seg>.png"

# A member location: (container index, byte offset, byte size, member name); container -1 means a
# loose file whose path is in ReleaseSource._files[offset].
_Loc = tuple[int, int, int, str]


def release_member(scene: str, spawn: str, resolution: str, frame: int, kind: str) -> str:
    """Member name ``GameIR-SR/<scene>/<spawn>/<resolution>/<frame:08d>.<kind>.png`` (kind rgb, depth or seg)."""
    if resolution not in RELEASE_LEVELS:
        raise ValueError(f"resolution must be one of {', '.join(RELEASE_LEVELS)}, got {resolution!r}")
    if kind not in RELEASE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(RELEASE_KINDS)}, got {kind!r}")
    for name, value in (("scene", scene), ("spawn", spawn)):
        if not value or "/" in value:
            raise ValueError(f"{name} must be a non-empty name without '/', got {value!r}")
    if not 0 <= int(frame) <= 99_999_999:
        raise ValueError(f"frame must be in 0..99999999, got {frame}")
    return f"{RELEASE_ROOT}/{scene}/{spawn}/{resolution}/{int(frame):08d}.{kind}.png"


class _Opener:
    """Opens a container key: a local tar path, or a tar URL read by range requests."""

    def __init__(self, retries: int, timeout_s: float) -> None:
        self.retries = retries
        self.timeout_s = timeout_s

    def __call__(self, key: str):
        if is_remote(key):
            return RemoteFile(key, retries=self.retries, timeout_s=self.timeout_s)
        return open(key, "rb")


def _close_file(fh) -> None:
    fh.close()


class ReleaseSource(DataSource):
    """Frames of the GameIR release layout, from tar shards (local or URLs) and/or extracted folders.

    Args:
        paths: one path or URL, or a list; each is a ``.tar`` shard, a tar URL (``http(s)://``
            with byte ranges, or an fsspec URL) or a folder. A folder is searched recursively for
            ``*.tar`` shards and for loose ``GameIR-SR/.../*.png`` members.
        split: split label given to every clip (the layout itself has no splits).
        far_as_inf: decode the far-plane depth code as +inf (sky), see :mod:`gameir.formats.carla`.
        max_open: bound on tar files (or remote tar connections' state) open at once per process.
        retries: retries of one range request to a remote tar after a transient error.
        timeout_s: socket timeout of range requests, seconds.
        index_cache: where the member index of each remote tar is kept between runs: ``True``
            for ``~/.cache/gameir/tar-index`` (``$XDG_CACHE_HOME``), a folder, or ``None`` /
            ``False`` to walk the headers every time (see :mod:`gameir.formats.tar_index`).

    Only member names and offsets are read at construction (for a URL: one range request per
    member header, or one request in all when the cached index is still valid), plus one PNG
    header per clip, level and kind for the frame size. The index is kept in the object, so
    ``DataLoader`` workers receive it with the pickled source.

    Raises:
        ValueError: no member matches the layout, a tar is compressed or not a tar, a PNG under
            ``GameIR-SR/`` does not follow the member pattern, a frame lacks a member, sizes
            differ within a clip, or a remote server does not support byte ranges.
        FileNotFoundError: a path does not exist, or a URL answers 404.
        ConnectionError: a URL still fails after ``retries`` retries (the message names it).
    """

    def __init__(self, paths: str | os.PathLike | Sequence[str | os.PathLike], *, split: str = "",
                 far_as_inf: bool = True, max_open: int = DEFAULT_MAX_OPEN, retries: int = 5,
                 timeout_s: float = 30.0, index_cache: bool | str | os.PathLike | None = True) -> None:
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        if index_cache is True:
            self._index_cache: Path | None = default_index_cache()
        elif index_cache is None or index_cache is False:
            self._index_cache = None
        elif isinstance(index_cache, (str, os.PathLike)):
            self._index_cache = Path(index_cache)
        else:
            raise TypeError(f"index_cache must be True, False, None or a folder, got {index_cache!r}")
        self.far_as_inf = far_as_inf
        self._tars: list[str] = []
        self._files: list[str] = []
        opener = _Opener(int(retries), float(timeout_s))
        members: dict[tuple[str, str], dict[tuple[str, int, str], _Loc]] = {}
        for item in paths:
            text = os.fspath(item)
            if is_remote(text):
                self._index_tar(text, opener(text), members)
                continue
            path = Path(text)
            if path.is_dir():
                for tar in sorted(path.rglob("*.tar")):
                    self._index_tar(str(tar), None, members)
                for png in sorted(path.rglob(f"{RELEASE_ROOT}/*/*/*/*.png")):
                    self._add(png.as_posix(), (-1, len(self._files), png.stat().st_size, png.as_posix()), members, png)
                    self._files.append(str(png))
            elif path.is_file():
                self._index_tar(str(path), None, members)
            else:
                raise FileNotFoundError(f"{path}: no such tar shard or folder")
        if not members:
            raise ValueError(f"{', '.join(map(os.fspath, paths))}: no member matches {_PATTERN}")
        self._handles: HandleCache[Any] = HandleCache(opener, _close_file, max_open)
        self.clips = []
        self._locs: list[dict[tuple[str, str], list[_Loc]]] = []  # per clip: (level, kind) -> loc per frame
        self._frame_numbers: list[list[int]] = []
        for (scene, spawn), found in sorted(members.items()):
            self._add_clip(scene, spawn, found, split)

    # -- indexing ---------------------------------------------------------------------------------
    def _index_tar(self, where: str, remote: RemoteFile | None, members: dict) -> None:
        index = len(self._tars)
        listing = tar_members(where, remote, cache_dir=self._index_cache)
        matched = sum(self._add(name, (index, offset, size, name), members, where) for name, offset, size in listing)
        if listing and not matched:
            raise ValueError(f"{where}: none of its {len(listing)} members follows the release layout {_PATTERN} "
                             f"(first member: {listing[0][0]}); is it a GameIR release shard?")
        self._tars.append(where)

    @staticmethod
    def _add(name: str, loc: _Loc, members: dict, where: str | Path) -> int:
        m = MEMBER_RE.match(name)
        if m is None:
            if name.lower().endswith(".png") and (name.startswith(f"{RELEASE_ROOT}/") or f"/{RELEASE_ROOT}/" in name):
                raise ValueError(f"{where}: member {name} is a PNG under {RELEASE_ROOT}/ but does not follow {_PATTERN}")
            return 0
        key = (RELEASE_LEVELS[m["res"]], int(m["frame"]), m["kind"])
        clip = members.setdefault((m["scene"], m["spawn"]), {})
        if key in clip:
            raise ValueError(f"{where}: member {name} appears twice in the release")
        clip[key] = loc
        return 1

    def _add_clip(self, scene: str, spawn: str, found: dict, split: str) -> None:
        clip_id = f"{scene}/{spawn}"
        frames = sorted({frame for (_, frame, _) in found})
        kinds = [k for k in RELEASE_KINDS if k in _REQUIRED_KINDS or any(key[2] == k for key in found)]
        locs: dict[tuple[str, str], list[_Loc]] = {}
        for level in RELEASE_LEVELS.values():
            for kind in kinds:
                missing = [f for f in frames if (level, f, kind) not in found]
                if missing:
                    res = next(r for r, l in RELEASE_LEVELS.items() if l == level)
                    raise ValueError(f"clip {clip_id}: {len(missing)} frames lack {res} {kind} "
                                     f"(first: {release_member(scene, spawn, res, missing[0], kind)})")
                locs[(level, kind)] = [found[(level, f, kind)] for f in frames]
        self._locs.append(locs)
        self._frame_numbers.append(frames)
        shapes_hw = {level: self._png_shape_hw(locs[(level, "rgb")][0], clip_id) for level in RELEASE_LEVELS.values()}
        for level in RELEASE_LEVELS.values():
            for kind in kinds[1:]:
                loc = locs[(level, kind)][0]
                shape_hw = self._png_shape_hw(loc, clip_id)
                if shape_hw != shapes_hw[level]:
                    raise ValueError(f"{self._where(loc)}: member {loc[3]} is {shape_hw} (h, w) but the clip's rgb at "
                                     f"{level} is {shapes_hw[level]}")
        self.clips.append(ClipInfo(
            clip_id=clip_id, split=split, kind="sr", num_frames=len(frames), num_views=0, shapes_hw=shapes_hw,
            buffers=tuple(RELEASE_KINDS[k] for k in kinds),
            scene={"family": scene, "spawn": spawn, "source": "gameir-release"},
            location=self._where(locs[("lr", "rgb")][0])))

    # -- reading ----------------------------------------------------------------------------------
    def _where(self, loc: _Loc) -> str:
        return self._files[loc[1]] if loc[0] < 0 else self._tars[loc[0]]

    def _bytes(self, loc: _Loc, limit: int | None = None) -> bytes:
        index, offset, size, _ = loc
        n = size if limit is None else min(size, limit)
        if index < 0:
            with open(self._files[offset], "rb") as fh:
                return fh.read(n)
        fh = self._handles.get(self._tars[index])
        fh.seek(offset)
        data = fh.read(n)
        if len(data) != n:
            raise ValueError(f"{self._tars[index]}: member {loc[3]} is cut short ({len(data)} of {n} bytes); "
                             "the tar is truncated")
        return data

    def _png_shape_hw(self, loc: _Loc, clip_id: str) -> tuple[int, int]:
        head = self._bytes(loc, 24)
        if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
            raise ValueError(f"{self._where(loc)}: member {loc[3]} of clip {clip_id} is not a PNG")
        width, height = struct.unpack(">II", head[16:24])
        return int(height), int(width)

    def frame_id(self, clip: int, frame: int) -> int:
        """The release's 8-digit frame number of frame index ``frame`` of clip ``clip``."""
        return self._frame_numbers[clip][frame]


    def member(self, clip: int, buffer: str, level: str, frame: int) -> str:
        """``"<tar or folder>: <member name>"`` holding one buffer of one frame (for messages)."""
        loc = self._locs[clip][(level, _KIND_OF_BUFFER[buffer])][frame]
        return f"{self._where(loc)}: {loc[3]}"

    def read(self, clip: int, buffer: str, level: str, frame: int, *, view: int | None = None,
             rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> np.ndarray:
        """See :meth:`DataSource.read`: rgb (h, w, 3) uint8; depth (h, w) float32 metres (sky +inf
        unless ``far_as_inf=False``); semantic (h, w) uint8 GameIR ids from the CARLA tags."""
        info = self.clips[clip]
        if buffer not in info.buffers:
            raise ValueError(f"{info.location}: clip {info.clip_id} has no buffer {buffer!r}; buffers: {', '.join(info.buffers)}")
        if level not in info.shapes_hw:
            raise ValueError(f"{info.location}: clip {info.clip_id} has no level {level!r}; levels: {', '.join(info.shapes_hw)}")
        if view not in (None, 0):
            raise ValueError(f"clip {info.clip_id}: the release layout is single-view, got view {view}")
        if not 0 <= frame < info.num_frames:
            raise IndexError(f"{info.location}: clip {info.clip_id} frame {frame} out of range 0..{info.num_frames - 1}")
        h, w = info.shapes_hw[level]
        r0, r1 = rows if rows is not None else (0, h)
        c0, c1 = cols if cols is not None else (0, w)
        if not (0 <= r0 < r1 <= h and 0 <= c0 < c1 <= w):
            raise ValueError(f"clip {info.clip_id}: window rows {rows} cols {cols} outside {h}x{w}")
        loc = self._locs[clip][(level, _KIND_OF_BUFFER[buffer])][frame]
        where = f"{self._where(loc)}: member {loc[3]} (clip {info.clip_id} frame {self.frame_id(clip, frame)})"
        data = np.frombuffer(self._bytes(loc), np.uint8)
        flags = cv2.IMREAD_UNCHANGED if buffer == "semantic" else cv2.IMREAD_COLOR  # COLOR: 8-bit B, G, R
        image = cv2.imdecode(data, flags)
        if image is None:
            raise ValueError(f"{where}: PNG does not decode")
        if image.shape[:2] != (h, w):
            raise ValueError(f"{where}: {buffer} is {image.shape[:2]} (h, w), the clip's {level} rgb is {(h, w)}")
        if buffer == "semantic":
            rgb = image if image.ndim == 2 else image[..., [2, 1, 0]]  # B, G, R(, A) -> R, G, B
            return np.ascontiguousarray(decode_carla_semantic(rgb, where)[r0:r1, c0:c1])
        rgb = np.ascontiguousarray(image[r0:r1, c0:c1, ::-1])
        return rgb if buffer == "rgb" else decode_carla_depth(rgb, far_as_inf=self.far_as_inf)

    def camera(self, clip: int, level: str, frame: int, view: int | None = None) -> None:
        """Always ``None``: the release layout stores no camera."""
        return None

    def close(self) -> None:
        self._handles.close()

    def __repr__(self) -> str:
        return f"ReleaseSource({len(self.clips)} clips, {len(self._tars)} tars, {len(self._files)} loose files)"
