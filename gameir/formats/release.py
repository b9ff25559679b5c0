"""The GameIR release layout (tar shards or their extracted folders) as a data source.

Members look like ``GameIR-SR/<scene>/<spawn>/<720p|1440p>/<8-digit frame>.<rgb|depth>.png``
(DESIGN.md §1): 8-bit RGB frames and CARLA 24-bit depth (see :mod:`gameir.formats.carla`). One
clip is one ``<scene>/<spawn>`` video; ``720p`` is level ``"lr"`` and ``1440p`` level ``"hr"``.
Tar shards must be uncompressed (WebDataset style) so members can be read by offset; a clip may
span several tars. The release carries no cameras: :meth:`ReleaseSource.camera` returns ``None``.
"""

from __future__ import annotations

import os
import re
import struct
import tarfile
from pathlib import Path
from typing import Any, Sequence

import cv2
import numpy as np

from gameir.formats.carla import decode_carla_depth
from gameir.formats.source import DEFAULT_MAX_OPEN, ClipInfo, DataSource, HandleCache

__all__ = ["RELEASE_ROOT", "RELEASE_LEVELS", "RELEASE_BUFFERS", "MEMBER_RE", "release_member", "ReleaseSource"]

RELEASE_ROOT = "GameIR-SR"
#: release resolution folder -> GameIR level name.
RELEASE_LEVELS: dict[str, str] = {"720p": "lr", "1440p": "hr"}
RELEASE_BUFFERS: tuple[str, ...] = ("rgb", "depth")
MEMBER_RE = re.compile(
    r"^(?:.*/)?GameIR-SR/(?P<scene>[^/]+)/(?P<spawn>[^/]+)/(?P<res>720p|1440p)/(?P<frame>\d{8})\.(?P<kind>rgb|depth)\.png$")

# A member location: (container index, byte offset, byte size); container -1 means a loose file
# whose path is in ReleaseSource._files[offset].
_Loc = tuple[int, int, int]


def release_member(scene: str, spawn: str, resolution: str, frame: int, kind: str) -> str:
    """Member name ``GameIR-SR/<scene>/<spawn>/<resolution>/<frame:08d>.<kind>.png``."""
    if resolution not in RELEASE_LEVELS:
        raise ValueError(f"resolution must be one of {', '.join(RELEASE_LEVELS)}, got {resolution!r}")
    if kind not in RELEASE_BUFFERS:
        raise ValueError(f"kind must be one of {', '.join(RELEASE_BUFFERS)}, got {kind!r}")
    for name, value in (("scene", scene), ("spawn", spawn)):
        if not value or "/" in value:
            raise ValueError(f"{name} must be a non-empty name without '/', got {value!r}")
    if not 0 <= int(frame) <= 99_999_999:
        raise ValueError(f"frame must be in 0..99999999, got {frame}")
    return f"{RELEASE_ROOT}/{scene}/{spawn}/{resolution}/{int(frame):08d}.{kind}.png"


def _open_file(path: str):
    return open(path, "rb")


def _close_file(fh) -> None:
    fh.close()


class ReleaseSource(DataSource):
    """Frames of the GameIR release layout, from tar shards and/or extracted folders.

    Args:
        paths: one path or a list; each is a ``.tar`` shard or a folder. A folder is searched
            recursively for ``*.tar`` shards and for loose ``GameIR-SR/.../*.png`` members.
        split: split label given to every clip (the layout itself has no splits).
        far_as_inf: decode the far-plane depth code as +inf (sky), see :mod:`gameir.formats.carla`.
        max_open: bound on tar files open at once per process.

    Only member names and offsets are read at construction, plus one PNG header per clip and
    level for the frame size.

    Raises:
        ValueError: no member matches the layout, a tar is compressed, a frame lacks one of its
            four members (rgb/depth at 720p/1440p), or sizes differ within a clip.
    """

    def __init__(self, paths: str | os.PathLike | Sequence[str | os.PathLike], *, split: str = "",
                 far_as_inf: bool = True, max_open: int = DEFAULT_MAX_OPEN) -> None:
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.far_as_inf = far_as_inf
        self._tars: list[str] = []
        self._files: list[str] = []
        members: dict[tuple[str, str], dict[tuple[str, int, str], _Loc]] = {}
        for path in map(Path, paths):
            if path.is_dir():
                for tar in sorted(path.rglob("*.tar")):
                    self._index_tar(tar, members)
                for png in sorted(path.rglob(f"{RELEASE_ROOT}/*/*/*/*.png")):
                    self._add(png.as_posix(), (-1, len(self._files), png.stat().st_size), members, png)
                    self._files.append(str(png))
            elif path.is_file():
                self._index_tar(path, members)
            else:
                raise FileNotFoundError(f"{path}: no such tar shard or folder")
        if not members:
            raise ValueError(f"{', '.join(map(str, paths))}: no member matches {RELEASE_ROOT}/<scene>/<spawn>/"
                             "<720p|1440p>/<8-digit frame>.<rgb|depth>.png")
        self._handles: HandleCache[Any] = HandleCache(_open_file, _close_file, max_open)
        self.clips = []
        self._locs: list[dict[tuple[str, str], list[_Loc]]] = []  # per clip: (level, kind) -> loc per frame
        self._frame_numbers: list[list[int]] = []
        for (scene, spawn), found in sorted(members.items()):
            self._add_clip(scene, spawn, found, split)

    # -- indexing ---------------------------------------------------------------------------------
    def _index_tar(self, path: Path, members: dict) -> None:
        try:
            with tarfile.open(path, "r:") as tf:
                index = len(self._tars)
                for info in tf:
                    if info.isfile():
                        self._add(info.name, (index, info.offset_data, info.size), members, path)
        except tarfile.ReadError as exc:
            raise ValueError(f"{path}: not an uncompressed tar ({exc}); extract it or repack it with `tar -cf`") from exc
        self._tars.append(str(path))

    @staticmethod
    def _add(name: str, loc: _Loc, members: dict, where: Path) -> None:
        m = MEMBER_RE.match(name)
        if m is None:
            return
        key = (RELEASE_LEVELS[m["res"]], int(m["frame"]), m["kind"])
        clip = members.setdefault((m["scene"], m["spawn"]), {})
        if key in clip:
            raise ValueError(f"{where}: member {name} appears twice in the release")
        clip[key] = loc

    def _add_clip(self, scene: str, spawn: str, found: dict, split: str) -> None:
        clip_id = f"{scene}/{spawn}"
        frames = sorted({frame for (_, frame, _) in found})
        locs: dict[tuple[str, str], list[_Loc]] = {}
        for level in RELEASE_LEVELS.values():
            for kind in RELEASE_BUFFERS:
                missing = [f for f in frames if (level, f, kind) not in found]
                if missing:
                    res = next(r for r, l in RELEASE_LEVELS.items() if l == level)
                    raise ValueError(f"clip {clip_id}: {len(missing)} frames lack {res} {kind} "
                                     f"(first: {release_member(scene, spawn, res, missing[0], kind)})")
                locs[(level, kind)] = [found[(level, f, kind)] for f in frames]
        self._locs.append(locs)
        self._frame_numbers.append(frames)
        clip = len(self.clips)
        sizes = {level: self._png_size(locs[(level, "rgb")][0], clip_id) for level in RELEASE_LEVELS.values()}
        for level in RELEASE_LEVELS.values():
            depth_size = self._png_size(locs[(level, "depth")][0], clip_id)
            if depth_size != sizes[level]:
                raise ValueError(f"clip {clip_id} level {level!r}: depth is {depth_size} but rgb is {sizes[level]} (h, w)")
        self.clips.append(ClipInfo(
            clip_id=clip_id, split=split, kind="sr", num_frames=len(frames), num_views=0, sizes=sizes,
            buffers=RELEASE_BUFFERS, scene={"family": scene, "spawn": spawn, "source": "gameir-release"},
            location=self._where(locs[("lr", "rgb")][0])))

    # -- reading ----------------------------------------------------------------------------------
    def _where(self, loc: _Loc) -> str:
        return self._files[loc[1]] if loc[0] < 0 else self._tars[loc[0]]

    def _bytes(self, loc: _Loc, limit: int | None = None) -> bytes:
        index, offset, size = loc
        n = size if limit is None else min(size, limit)
        if index < 0:
            with open(self._files[offset], "rb") as fh:
                return fh.read(n)
        fh = self._handles.get(self._tars[index])
        fh.seek(offset)
        return fh.read(n)

    def _png_size(self, loc: _Loc, clip_id: str) -> tuple[int, int]:
        head = self._bytes(loc, 24)
        if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
            raise ValueError(f"{self._where(loc)}: clip {clip_id} has a member that is not a PNG")
        width, height = struct.unpack(">II", head[16:24])
        return int(height), int(width)

    def frame_number(self, clip: int, frame: int) -> int:
        """The 8-digit release frame number of frame index ``frame`` of clip ``clip``."""
        return self._frame_numbers[clip][frame]

    def read(self, clip: int, buffer: str, level: str, frame: int, *, view: int | None = None,
             rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> np.ndarray:
        info = self.clips[clip]
        if buffer not in RELEASE_BUFFERS:
            raise ValueError(f"{info.location}: clip {info.clip_id} has no buffer {buffer!r}; buffers: {', '.join(RELEASE_BUFFERS)}")
        if level not in info.sizes:
            raise ValueError(f"{info.location}: clip {info.clip_id} has no level {level!r}; levels: {', '.join(info.sizes)}")
        if view not in (None, 0):
            raise ValueError(f"clip {info.clip_id}: the release layout is single-view, got view {view}")
        loc = self._locs[clip][(level, buffer)][frame]
        data = np.frombuffer(self._bytes(loc), np.uint8)
        image = cv2.imdecode(data, cv2.IMREAD_COLOR)  # 8-bit B, G, R
        if image is None:
            raise ValueError(f"{self._where(loc)}: clip {info.clip_id} frame {self.frame_number(clip, frame)} "
                             f"{buffer}: PNG does not decode")
        h, w = info.sizes[level]
        if image.shape[:2] != (h, w):
            raise ValueError(f"{self._where(loc)}: clip {info.clip_id} frame {self.frame_number(clip, frame)} {buffer} "
                             f"is {image.shape[:2]}, the clip's {level} size is {(h, w)}")
        r0, r1 = rows if rows is not None else (0, h)
        c0, c1 = cols if cols is not None else (0, w)
        if not (0 <= r0 < r1 <= h and 0 <= c0 < c1 <= w):
            raise ValueError(f"clip {info.clip_id}: window rows {rows} cols {cols} outside {h}x{w}")
        rgb = np.ascontiguousarray(image[r0:r1, c0:c1, ::-1])
        return rgb if buffer == "rgb" else decode_carla_depth(rgb, far_as_inf=self.far_as_inf)

    def camera(self, clip: int, level: str, frame: int, view: int | None = None) -> None:
        """Always ``None``: the release layout stores no camera."""
        return None

    def close(self) -> None:
        self._handles.close()

    def __repr__(self) -> str:
        return f"ReleaseSource({len(self.clips)} clips, {len(self._tars)} tars, {len(self._files)} loose files)"
