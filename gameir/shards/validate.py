"""Check a shard against format v1: attributes, layout, shapes, dtypes, frame counts, value rules."""

from __future__ import annotations

import json
import os
from pathlib import Path

import h5py
import numpy as np

from gameir.buffers import BUFFER_NAMES, get_spec
from gameir.shards.format import CAMERA_ARRAYS, FORMAT_NAME, FORMAT_VERSION, KINDS, ShardError, ShardReadError
from gameir.shards.reader import describe_read, read_checked, register_plugin_codecs
from gameir.shards.writer import check_buffer_values

__all__ = ["REQUIRED_ATTRS", "validate_shard"]

REQUIRED_ATTRS = ("format", "format_version", "generator", "kind", "clip_id", "split", "num_frames",
                  "num_views", "levels", "buffers", "codec", "scene", "render", "conventions")


def validate_shard(path: str | os.PathLike, *, check_values: bool = True) -> list[str]:
    """Return a list of faults of the shard at ``path`` (empty when it is valid).

    Each fault is one line that starts with the file name. Checks: it opens as HDF5; every required
    attribute is present and well-formed; each declared level has every declared buffer with the
    shape and dtype of :mod:`gameir.buffers` and the declared frame (and view) count; camera arrays
    have the right shapes, pass their checksums and are finite; ``time_s`` and ``frame_index`` pass
    theirs; with ``check_values``, every chunk of every buffer decodes (a corrupted chunk is a fault
    naming the level, buffer and frame) and float buffers hold no NaN and no inf, except +inf in
    ``depth``.
    """
    path = Path(path)
    try:
        register_plugin_codecs()
        f = h5py.File(path, "r")
    except (OSError, ValueError) as exc:
        return [f"{path}: cannot be opened as HDF5 ({exc.__class__.__name__}: {exc})"]
    try:
        return _validate_open(path, f, check_values)
    except (KeyError, OSError, ValueError, RuntimeError) as exc:  # corrupted chunks surface here
        return [f"{path}: unreadable data ({exc.__class__.__name__}: {exc})"]
    finally:
        f.close()


def _validate_open(path: Path, f: h5py.File, check_values: bool) -> list[str]:
    faults: list[str] = []
    attrs = f.attrs
    missing = [a for a in REQUIRED_ATTRS if a not in attrs]
    if missing:
        return [f"{path}: missing attributes {missing}"]
    if attrs["format"] != FORMAT_NAME:
        return [f"{path}: format is {attrs['format']!r}, expected {FORMAT_NAME!r}"]
    if int(attrs["format_version"]) != FORMAT_VERSION:
        return [f"{path}: format_version {attrs['format_version']} is not {FORMAT_VERSION}"]
    kind = attrs["kind"]
    if kind not in KINDS:
        faults.append(f"{path}: kind {kind!r} not in {KINDS}")
    for key in ("scene", "render", "conventions", "levels", "buffers"):
        try:
            json.loads(attrs[key])
        except (TypeError, ValueError):
            faults.append(f"{path}: attribute {key!r} is not valid JSON")
    if faults:
        return faults
    levels, buffers = json.loads(attrs["levels"]), json.loads(attrs["buffers"])
    num_frames, num_views = int(attrs["num_frames"]), int(attrs["num_views"])
    if num_frames < 1:
        faults.append(f"{path}: num_frames is {num_frames}; a complete shard has at least one frame")
    if (kind == "nvs") != (num_views > 0):
        faults.append(f"{path}: kind {kind!r} with num_views {num_views}")
    lead = (num_frames, num_views) if num_views else (num_frames,)
    for name in ("time_s", "frame_index"):
        if name not in f or f[name].shape != (num_frames,):
            faults.append(f"{path}: dataset {name!r} missing or not of shape ({num_frames},)")
            continue
        try:
            values = read_checked(path, f[name], slice(None), f"dataset {name!r}", suggest_verify=False)
        except ShardReadError as exc:
            faults.append(str(exc))
            continue
        if name == "time_s" and not np.all(np.isfinite(values)):
            faults.append(f"{path}: time_s is not finite")
    for level in levels:
        if level not in f:
            faults.append(f"{path}: level group {level!r} missing")
            continue
        group = f[level]
        h, w = int(group.attrs.get("height", 0)), int(group.attrs.get("width", 0))
        if h < 1 or w < 1:
            faults.append(f"{path}: level {level!r} has no valid height/width attributes")
            continue
        for name in buffers:
            if name not in BUFFER_NAMES:
                faults.append(f"{path}: unknown buffer {name!r}")
                continue
            spec = get_spec(name)
            if name not in group:
                faults.append(f"{path}: level {level!r} buffer {name!r} missing")
                continue
            ds = group[name]
            expected = lead + spec.frame_shape(h, w)
            if ds.shape != expected or ds.dtype != spec.dtype:
                faults.append(f"{path}: level {level!r} buffer {name!r} is {ds.shape} {ds.dtype}, "
                              f"expected {expected} {spec.dtype}")
                continue
            if check_values:  # decodes every chunk of every buffer: a corrupted chunk raises here
                for i in range(num_frames):
                    try:
                        values = read_checked(path, ds, i, describe_read(name, level, i), suggest_verify=False)
                        check_buffer_values(name, values, f"{path}: level {level!r} frame {i}")
                    except (ShardError, ShardReadError) as exc:
                        faults.append(str(exc))
        if "camera" not in group:
            faults.append(f"{path}: level {level!r} camera group missing")
            continue
        for name, tail in CAMERA_ARRAYS.items():
            ds = group["camera"].get(name)
            if ds is None or ds.shape != lead + tail:
                faults.append(f"{path}: level {level!r} camera {name!r} missing or not of shape {lead + tail}")
                continue
            try:
                values = read_checked(path, ds, slice(None), f"camera {name!r} level {level!r}", suggest_verify=False)
            except ShardReadError as exc:
                faults.append(str(exc))
                continue
            if not np.all(np.isfinite(values)):
                faults.append(f"{path}: level {level!r} camera {name!r} is not finite")
    return faults
