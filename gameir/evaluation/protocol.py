"""The evaluation protocol (what a score means) and the identity of the data it was measured on."""

from __future__ import annotations

import hashlib
import json
import numbers
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from gameir.version import __version__
from gameir.evaluation.protocol_files import find_protocol

__all__ = ["Protocol", "PROTOCOL_KEYS", "TASKS", "check_settings", "dataset_identity", "load_protocol",
           "protocol_line", "resolve_protocol", "protocol_settings"]

TASKS = ("sr", "nvs")


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _nonempty_str(v: Any) -> bool:
    return isinstance(v, str) and v.strip() != ""


@dataclass(frozen=True)
class _Key:
    """One protocol key: what it must be (words shown in errors), its test, the tasks it applies to."""

    expected: str
    type_ok: Callable[[Any], bool]
    value_ok: Callable[[Any], bool]
    tasks: tuple[str, ...] = TASKS


#: Keys a protocol file (gameir/protocols/*.json, or a file of your own) may set, and the values each accepts.
PROTOCOL_KEYS: dict[str, _Key] = {
    "name": _Key("a non-empty string", lambda v: isinstance(v, str), _nonempty_str),
    "task": _Key("one of 'sr', 'nvs'", lambda v: isinstance(v, str), lambda v: v in TASKS),
    "split": _Key("a non-empty string (a split of the dataset, e.g. 'test')", lambda v: isinstance(v, str),
                  _nonempty_str),
    "scale": _Key("an integer >= 1", _is_int, lambda v: v >= 1, ("sr",)),
    "y_channel": _Key("a boolean (true or false)", lambda v: isinstance(v, bool), lambda v: True),
    "crop_border": _Key("an integer >= 0 (pixels per side)", _is_int, lambda v: v >= 0),
    "holdout": _Key("a non-empty list of integer view indices", lambda v: isinstance(v, (list, tuple)),
                    lambda v: len(v) > 0 and all(_is_int(x) for x in v), ("nvs",)),
    "temporal": _Key("a boolean (true or false)", lambda v: isinstance(v, bool), lambda v: True, ("sr",)),
}

_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object",
               type(None): "null"}


def _found(v: Any, json_names: bool) -> str:
    name = _JSON_TYPES.get(type(v), type(v).__name__) if json_names else type(v).__name__
    text = json.dumps(v) if json_names else repr(v)
    return f"{name} {text if len(text) <= 60 else text[:57] + '...'}"


def _allowed(task: str | None) -> list[str]:
    return [k for k, spec in PROTOCOL_KEYS.items() if task is None or task in spec.tasks]


def check_settings(settings: dict[str, Any], where: str, task: str | None = None) -> None:
    """Check protocol settings (keyword arguments of ``evaluate_*``) against :data:`PROTOCOL_KEYS`.

    Args:
        settings: key -> value; ``None`` values are skipped (they mean "the default").
        where: the caller named in messages, e.g. ``"evaluate_sr"``.
        task: ``"sr"`` or ``"nvs"``: keys of the other task are refused too.

    Raises:
        TypeError: a value of the wrong type (e.g. ``y_channel="no"``, ``crop_border=2.5``).
        ValueError: an unknown key, a key of the other task, or a value out of range.
    """
    for key, value in settings.items():
        spec = PROTOCOL_KEYS.get(key)
        if spec is None or (task is not None and task not in spec.tasks):
            raise ValueError(f"{where}: unknown protocol setting {key!r}" + (f" for task {task}" if task else "")
                             + f"; allowed: {', '.join(_allowed(task))}")
        if value is None:
            continue
        if not spec.type_ok(value):
            raise TypeError(f"{where}: {key} must be {spec.expected}, got {_found(value, False)}")
        if not spec.value_ok(value):
            raise ValueError(f"{where}: {key} must be {spec.expected}, got {_found(value, False)}")


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

    Raises:
        TypeError / ValueError: a field of the wrong type or out of range (named, see :func:`check_settings`).
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
        fields = {"task": self.task, "split": self.split, "scale": self.scale, "y_channel": self.y_channel,
                  "crop_border": self.crop_border, "temporal": self.temporal, "name": self.name}
        if self.holdout:
            fields["holdout"] = self.holdout
        check_settings(fields, "Protocol")
        dr = self.data_range
        if isinstance(dr, bool) or not isinstance(dr, numbers.Real) or not dr > 0:
            raise ValueError(f"Protocol: data_range must be a number > 0, got {self.data_range!r}")
        object.__setattr__(self, "scale", int(self.scale))
        object.__setattr__(self, "crop_border", int(self.crop_border))
        object.__setattr__(self, "holdout", tuple(int(v) for v in self.holdout))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["holdout"] = list(self.holdout)
        return d


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"key {k!r} appears twice")
        out[k] = v
    return out


def load_protocol(path: str | os.PathLike, task: str | None = None) -> dict[str, Any]:
    """Read and check a protocol file; return its settings as a dict for the ``evaluate_*`` calls.

    A protocol file is a JSON object whose keys are among :data:`PROTOCOL_KEYS` (``name, task,
    split, scale, y_channel, crop_border, holdout, temporal``), each of its type: ``"y_channel":
    "no"`` or ``"crop_border": 2.5`` are refused, never coerced. ``scale`` and ``temporal`` are SR
    keys, ``holdout`` an NVS key.

    Args:
        path: the protocol file.
        task: the task it is used for (``"sr"`` / ``"nvs"``); a file for another task is refused.

    Raises:
        ValueError: unreadable or not a JSON object, a duplicated or unknown key, a key of the
            other task, or a value of the wrong type or out of range; the message names the file,
            the key, what it must be and what was found.
    """
    path = find_protocol(path)  # a shipped protocol's name, or a file
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read protocol file ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a protocol file must hold a JSON object, got {_JSON_TYPES.get(type(data), 'value')}")
    if task is not None and task not in TASKS:
        raise ValueError(f"load_protocol: task must be one of {', '.join(TASKS)}, got {task!r}")
    unknown = [k for k in data if k not in PROTOCOL_KEYS]
    if unknown:
        raise ValueError(f"{path}: unknown protocol key {unknown[0]!r}; allowed keys: {', '.join(PROTOCOL_KEYS)}")
    for key, value in data.items():
        spec = PROTOCOL_KEYS[key]
        if not (spec.type_ok(value) and spec.value_ok(value)):
            raise ValueError(f"{path}: key {key!r} must be {spec.expected}, got {_found(value, True)}; "
                             f"fix the protocol file")
    file_task = data.get("task")
    if task is not None and file_task is not None and file_task != task:
        raise ValueError(f"{path}: protocol is for task {file_task!r}, not {task!r}")
    task = file_task or task
    if task is not None:
        other = [k for k in data if task not in PROTOCOL_KEYS[k].tasks]
        if other:
            raise ValueError(f"{path}: key {other[0]!r} does not apply to task {task!r}; allowed keys for "
                             f"{task}: {', '.join(_allowed(task))}")
    if "holdout" in data:
        data["holdout"] = [int(v) for v in data["holdout"]]
    return data


def protocol_settings(task: str) -> tuple[str, ...]:
    """The protocol keys that ``evaluate_<task>`` takes as arguments (all of the task's keys but
    ``name`` and ``task``): ``("split", "scale", "y_channel", "crop_border", "temporal")`` for SR."""
    if task not in TASKS:
        raise ValueError(f"protocol_settings: task must be one of {', '.join(TASKS)}, got {task!r}")
    return tuple(k for k in _allowed(task) if k not in ("name", "task"))


def resolve_protocol(protocol: str | os.PathLike | None, task: str,
                     overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The keyword arguments of ``evaluate_<task>`` for a protocol file and explicit settings.

    Settings in ``overrides`` that are not ``None`` win over the protocol file's values; a protocol
    with a value overridden is no longer that protocol, so its name becomes
    ``"<name> modified (<keys>)"``. Without a file the name is ``"custom"``; without a split anywhere
    it is ``"test"``.

    Args:
        protocol: a shipped protocol's name, a protocol ``.json`` file (:func:`load_protocol`), or None.
        task: ``"sr"`` or ``"nvs"``.
        overrides: key of :func:`protocol_settings` -> value, ``None`` meaning "not given"
            (e.g. command-line flags).

    Returns:
        ``split``, the task's settings found in the file or the overrides, and ``protocol_name``.

    Raises:
        ValueError: an unknown task or override key, or a protocol file :func:`load_protocol` refuses.
    """
    keys = protocol_settings(task)
    overrides = dict(overrides or {})
    unknown = [k for k in overrides if k not in keys]
    if unknown:
        raise ValueError(f"resolve_protocol: {unknown[0]!r} is not a setting of task {task}; "
                         f"allowed: {', '.join(keys)}")
    base: dict[str, Any] = load_protocol(protocol, task) if protocol else {}
    name = base.pop("name", "custom")
    out = {k: base[k] for k in keys if k in base}
    changed = []
    for k in keys:
        v = overrides.get(k)
        if v is not None:
            if k in base and base[k] != (list(v) if isinstance(v, tuple) else v):
                changed.append(k)
            out[k] = v
    if changed:
        name = f"{name} modified ({', '.join(changed)})"
    out.setdefault("split", "test")
    out["protocol_name"] = name
    return out


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
