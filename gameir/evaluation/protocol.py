"""The evaluation protocol (what a score means) and the identity of the data it was measured on."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gameir import __version__
from gameir.evaluation.protocol_files import find_protocol

__all__ = ["Protocol", "TASKS", "dataset_identity", "load_protocol", "protocol_line"]

TASKS = ("sr", "nvs")

#: Keys a protocol file (eval/protocols/*.json) may set.
_FILE_KEYS = {"name", "task", "split", "scale", "y_channel", "crop_border", "holdout", "temporal"}


@dataclass(frozen=True)
class Protocol:
    """Everything that fixes what a reported number means (DESIGN.md §6).

    Attributes:
        task: ``"sr"`` or ``"nvs"``.
        split: dataset split scored.
        scale: SR scale factor (1 for NVS).
        y_channel: metrics on BT.601 luma (0..255 scale) instead of RGB.
        crop_border: pixels removed on each side before PSNR/SSIM.
        data_range: peak value of the images compared (1.0: sRGB values / 255).
        colour_space: ``"sRGB (8-bit tone-mapped, / 255)"``: what the images are.
        holdout: held-out view indices (NVS).
        temporal: warping error between consecutive frames reported too (SR).
        name: protocol name when read from a protocol file, else ``"custom"``.
    """

    task: str
    split: str
    scale: int = 1
    y_channel: bool = False
    crop_border: int = 0
    data_range: float = 1.0
    colour_space: str = "sRGB (8-bit tone-mapped, values / 255)"
    holdout: tuple[int, ...] = field(default_factory=tuple)
    temporal: bool = False
    name: str = "custom"

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"Protocol.task must be one of {', '.join(TASKS)}, got {self.task!r}")
        if isinstance(self.crop_border, bool) or not isinstance(self.crop_border, int) or self.crop_border < 0:
            raise ValueError(f"Protocol.crop_border must be an int >= 0, got {self.crop_border!r}")
        if isinstance(self.scale, bool) or not isinstance(self.scale, int) or self.scale < 1:
            raise ValueError(f"Protocol.scale must be an int >= 1, got {self.scale!r}")
        object.__setattr__(self, "holdout", tuple(int(v) for v in self.holdout))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["holdout"] = list(self.holdout)
        return d


def load_protocol(path: str | os.PathLike) -> dict[str, Any]:
    """Read a protocol file (JSON object with keys among ``name, task, split, scale, y_channel,
    crop_border, holdout, temporal``); return its settings as a dict for the ``evaluate_*`` calls.

    Raises:
        ValueError: the file is not a JSON object or has an unknown key (named).
    """
    path = find_protocol(path)  # a shipped protocol's name, or a file
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read protocol file ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a protocol file must hold a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown protocol keys {unknown}; allowed {sorted(_FILE_KEYS)}")
    return data


def dataset_identity(source: Any, split: str | None, root: str | os.PathLike | None) -> dict[str, Any]:
    """Which data was scored: manifest digest of the split, generator and format versions.

    The digest is the SHA-256 of the sorted ``(path, sha256)`` pairs of the split's shards in
    ``manifest.json`` (it changes when any scored file changes). Without a manifest (release layout,
    loose shards), it is the SHA-256 of the sorted clip ids and frame counts, marked as such.

    Args:
        source: the dataset's :class:`~gameir.formats.source.DataSource`.
        split: split scored.
        root: the dataset root given by the user.
    """
    out: dict[str, Any] = {"root": None if root is None else str(root), "split": split,
                           "gameir_version": __version__}
    manifest_path = None
    if root is not None and not isinstance(root, (list, tuple)):
        p = Path(root)
        manifest_path = p / "manifest.json" if p.is_dir() else (p if p.name == "manifest.json" else None)
    if manifest_path is not None and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        shards = [e for name, body in manifest.get("splits", {}).items() if split is None or name == split
                  for e in body.get("shards", [])]
        pairs = sorted((e["path"], e["sha256"]) for e in shards)
        out["digest"] = hashlib.sha256(json.dumps(pairs).encode()).hexdigest()[:16]
        out["digest_of"] = "manifest shard sha256"
        out["generator"] = manifest.get("generator", "")
        out["format_version"] = manifest.get("shard_format_version")
    else:
        clips = sorted((c.clip_id, c.num_frames) for c in source.clips if split is None or c.split == split)
        out["digest"] = hashlib.sha256(json.dumps(clips).encode()).hexdigest()[:16]
        out["digest_of"] = "clip ids and frame counts (no manifest)"
        out["generator"] = type(source).__name__
        out["format_version"] = None
    return out


def protocol_line(protocol: dict[str, Any], dataset: dict[str, Any]) -> str:
    """One line stating the protocol beside the numbers (Markdown reports, printed tables)."""
    p = protocol
    space = "Y (BT.601, 0..255)" if p["y_channel"] else "RGB"
    parts = [f"protocol {p['name']}", f"task {p['task']}", f"split {p['split']}"]
    if p["task"] == "sr":
        parts.append(f"x{p['scale']}")
    else:
        parts.append(f"held-out views {','.join(str(v) for v in p['holdout'])}")
    parts += [f"metrics on {space}", f"crop {p['crop_border']} px", f"data_range {p['data_range']:g}",
              f"images {p['colour_space']}", f"data {dataset.get('generator', '')} digest {dataset['digest']}",
              f"gameir {dataset['gameir_version']}"]
    return "Protocol: " + "; ".join(parts)
