"""Pack a folder dataset of LR/HR PNG frames (and optional G-buffers, cameras) into shards + manifest.

Input layout (the one :mod:`gameir.interop.export_folders` writes; see :mod:`gameir.interop.layout`)::

    IN/LR/<clip>/<frame>.png   IN/HR/<clip>/<frame>.png        video layout: one shard per clip
    IN/LR/<name>.png           IN/HR/<name>.png                flat layout: one 1-frame shard per image
    IN/<LEVEL>_<buffer>/...    optional G-buffers (depth .npy metres or 16-bit PNG mm, semantic 8-bit
                               PNG, instance 16-bit PNG, normal/motion/hdr .npy, basecolor/material PNG)
    IN/cameras/<clip>.json     optional cameras and metadata (the export's schema)

Frames are matched by file stem across levels and buffers; a G-buffer must exist at every level.
Without a cameras file a clip's K is stored as zeros, c2w as identity, time_s as the frame's
position (0, 1, 2, ...), and the shard's scene attribute says ``"cameras": "unknown"``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from gameir.buffers import BUFFER_NAMES, get_spec
from gameir.frame import Frame
from gameir.interop.layout import BUFFER_FILES, decode_buffer, read_png
from gameir.shards.format import DEFAULT_CODEC, SHARD_SUFFIX, Codec
from gameir.shards.manifest import rebuild_manifest
from gameir.shards.writer import ShardWriter

__all__ = ["import_folders", "discover_clips"]

_IMAGE_EXTS = (".png",)
_CLIP_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def _frames_in(folder: Path, exts: tuple[str, ...]) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() in exts}


def discover_clips(src: Path, level_dirs: dict[str, str]) -> tuple[dict[str, dict[str, dict[str, Path]]], bool]:
    """``(clip -> level -> frame stem -> rgb file, flat)``, checked for matching clips and frames across levels.

    ``flat`` is True when the level folders hold images directly (one 1-frame clip per image).
    """
    per_level: dict[str, dict[str, dict[str, Path]]] = {}
    first_dir = src / next(iter(level_dirs.values()))
    flat = not any(p.is_dir() for p in first_dir.iterdir())
    for level, name in level_dirs.items():
        folder = src / name
        subdirs = sorted(p for p in folder.iterdir() if p.is_dir())
        if bool(subdirs) == flat:
            raise ValueError(f"{src}: {next(iter(level_dirs.values()))}/ and {name}/ mix clip folders and flat images")
        if subdirs:
            per_level[level] = {d.name: _frames_in(d, _IMAGE_EXTS) for d in subdirs}
        else:
            per_level[level] = {stem: {stem: path} for stem, path in _frames_in(folder, _IMAGE_EXTS).items()}
    first, *others = per_level
    for level in others:
        if set(per_level[level]) != set(per_level[first]):
            diff = sorted(set(per_level[level]) ^ set(per_level[first]))[:5]
            raise ValueError(f"{src}: clips differ between {level_dirs[first]}/ and {level_dirs[level]}/ (e.g. {diff})")
    clips: dict[str, dict[str, dict[str, Path]]] = {}
    for clip in sorted(per_level[first]):
        if not _CLIP_RE.match(clip):
            raise ValueError(f"{src}: clip name {clip!r} must match {_CLIP_RE.pattern}")
        frames = {level: per_level[level][clip] for level in per_level}
        stems = set(frames[first])
        if not stems:
            raise ValueError(f"{src / level_dirs[first] / clip}: no PNG frames")
        for level in others:
            if set(frames[level]) != stems:
                diff = sorted(set(frames[level]) ^ stems)[:5]
                raise ValueError(f"{src}: clip {clip!r} frames differ between {level_dirs[first]}/ and "
                                 f"{level_dirs[level]}/ (e.g. {diff})")
        clips[clip] = frames
    return clips, flat


def _buffer_file(src: Path, level_dir: str, buffer: str, clip: str, stem: str, flat: bool) -> Path | None:
    folder = src / f"{level_dir}_{buffer}"
    folder = folder if flat else folder / clip
    exts = [BUFFER_FILES[buffer]] + (["png"] if buffer == "depth" else [])
    for ext in exts:
        path = folder / f"{stem}.{ext}"
        if path.is_file():
            return path
    return None


def _clip_buffers(src: Path, level_dirs: dict[str, str]) -> list[str]:
    """Buffers present as ``<LEVEL>_<buffer>/`` folders; each must exist for every level."""
    names = ["rgb"]
    for buffer in BUFFER_NAMES:
        if buffer == "rgb":
            continue
        present = [level for level, d in level_dirs.items() if (src / f"{d}_{buffer}").is_dir()]
        if present and len(present) != len(level_dirs):
            missing = [level_dirs[lv] for lv in level_dirs if lv not in present]
            raise ValueError(f"{src}: buffer {buffer!r} is given for {', '.join(level_dirs[lv] for lv in present)} but not for "
                             f"{', '.join(missing)}; a shard stores every buffer at every level (remove or complete "
                             f"{', '.join(f'{level_dirs[lv]}_{buffer}/' for lv in present)})")
        if present:
            names.append(buffer)
    return names


def _load_cameras(path: Path, levels: list[str], num_frames: int) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        cams = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    for level in levels:
        body = cams.get("levels", {}).get(level)
        if body is None:
            raise ValueError(f"{path}: no cameras for level {level!r}")
        for key, tail in (("K", (3, 3)), ("c2w", (4, 4))):
            arr = np.asarray(body.get(key), dtype=np.float64)
            if arr.shape != (num_frames,) + tail:
                raise ValueError(f"{path}: level {level!r} {key} must have shape {(num_frames,) + tail}, got {arr.shape}")
    return cams


def import_folders(
    src: str | os.PathLike,
    to: str | os.PathLike,
    *,
    split: str | None = None,
    lr_dir: str = "LR",
    hr_dir: str = "HR",
    codec: Codec = DEFAULT_CODEC,
    quiet: bool = True,
) -> dict[str, Any]:
    """Write one shard per clip of the folder dataset ``src`` under ``to/<split>/`` and rebuild the manifest.

    Args:
        src: folder dataset (layout in the module docstring).
        to: dataset root to create or extend.
        split: split of every imported clip (default: the cameras file's, else ``"train"``).
        lr_dir: folder of LR frames, relative to ``src`` (level ``lr``); skipped if absent.
        hr_dir: folder of HR frames (level ``hr``); skipped if absent. At least one must exist.
        codec: compression of the shards.
        quiet: no progress bar.

    Returns:
        The manifest written to ``to/manifest.json``. Shards already present are kept (resume).
    """
    src, to = Path(src), Path(to)
    if not src.is_dir():
        raise FileNotFoundError(f"{src}: not a directory")
    level_dirs = {lv: d for lv, d in (("lr", lr_dir), ("hr", hr_dir)) if (src / d).is_dir()}
    if not level_dirs:
        raise ValueError(f"{src}: neither {lr_dir}/ nor {hr_dir}/ exists; expected a folder of LR/HR PNG frames")
    clips, flat = discover_clips(src, level_dirs)
    buffers = _clip_buffers(src, level_dirs)
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=sum(len(next(iter(c.values()))) for c in clips.values()), unit="frame",
                   desc="import folders", dynamic_ncols=True)
    try:
        for clip, frames in clips.items():
            _import_clip(src, to, clip, frames, level_dirs, buffers, flat, split, codec, bar)
    finally:
        if bar is not None:
            bar.close()
    return rebuild_manifest(to)


def _import_clip(src: Path, to: Path, clip: str, frames: dict[str, dict[str, Path]], level_dirs: dict[str, str],
                 buffers: list[str], flat: bool, split: str | None, codec: Codec, bar) -> None:
    levels = list(level_dirs)
    stems = sorted(frames[levels[0]])
    cams = _load_cameras(src / "cameras" / f"{clip}.json", levels, len(stems))
    clip_split = split or (cams or {}).get("split") or "train"
    clip_id = (cams or {}).get("clip_id", clip) if cams and cams.get("view") is None else clip
    out = to / clip_split / f"{clip}{SHARD_SUFFIX}"
    if out.exists():  # written whole by an earlier run (shards are committed atomically)
        if bar is not None:
            bar.update(len(stems))
        return
    shapes_hw = {}
    for level in levels:
        first = read_png(frames[level][stems[0]])
        shapes_hw[level] = first.shape[:2]
    scene = dict((cams or {}).get("scene") or {"family": "imported", "source": src.name})
    if cams is None:
        scene["cameras"] = "unknown"
    render = dict((cams or {}).get("render") or {"source": "gameir import folders"})
    if "lr" in shapes_hw and "hr" in shapes_hw and "scale" not in render:
        render["scale"] = shapes_hw["hr"][0] / shapes_hw["lr"][0]
    with ShardWriter(out, shapes_hw=shapes_hw, buffers=buffers, clip_id=clip_id, split=clip_split, scene=scene,
                     render=render, codec=codec) as writer:
        for i, stem in enumerate(stems):
            frame_set = {}
            for level in levels:
                h, w = shapes_hw[level]
                values = {}
                for buffer in buffers:
                    path = frames[level][stem] if buffer == "rgb" else _buffer_file(src, level_dirs[level], buffer, clip, stem, flat)
                    if path is None:
                        raise ValueError(f"{src}: clip {clip!r} frame {stem!r} has no {level_dirs[level]}_{buffer} file")
                    values[buffer] = decode_buffer(buffer, path, get_spec(buffer).frame_shape(h, w))
                cam = (cams or {}).get("levels", {}).get(level, {})
                frame_set[level] = Frame(
                    buffers=values,
                    K=np.asarray(cam["K"][i]) if cam else np.zeros((3, 3)),
                    c2w=np.asarray(cam["c2w"][i]) if cam else np.eye(4),
                    jitter_px=np.asarray(cam["jitter_px"][i]) if cam and "jitter_px" in cam else np.zeros(2),
                    time_s=float(cams["time_s"][i]) if cams and "time_s" in cams else float(i),
                )
            index = int(cams["frame_index"][i]) if cams and "frame_index" in cams else (int(stem) if stem.isdigit() else i)
            writer.write_frame(frame_set, frame_index=index)
            if bar is not None:
                bar.update(1)
