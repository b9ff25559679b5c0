"""The schema of ``manifest.json``, checked in one place: every key's type and range, named by its path.

:func:`check_manifest` is called by :func:`gameir.shards.manifest.load_manifest`, so every reader
(``gameir verify``, ``gameir info``, the datasets, downloads) refuses a malformed manifest with one
message naming the file and the key (``splits.train.shards[3].bytes``), what was expected and what
was found, instead of failing later with an ``AttributeError`` or a misleading comparison.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from gameir.shards.format import KINDS

__all__ = ["check_manifest", "SHA256_RE"]

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

_JSON_TYPE = {dict: "object", list: "list", str: "string", int: "integer", float: "number", bool: "boolean",
              type(None): "null"}


def _found(value: Any) -> str:
    text = repr(value)
    return f"{_JSON_TYPE.get(type(value), type(value).__name__)} {text[:60] + '...' if len(text) > 60 else text}"


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, expected: str, value: Any) -> None:
        root = self.path.parent
        raise ValueError(f"{self.path}: {key} must be {expected}, found {_found(value)}; fix that entry or "
                         f"rebuild the manifest from the shards with `gameir manifest rebuild {root}`")

    def obj(self, value: Any, key: str, what: str = "an object") -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(key, what, value)
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            self.fail(key, "a string", value)
        return value

    def count(self, value: Any, key: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"an integer >= {minimum}", value)
        if value < minimum:
            self.fail(key, f"an integer >= {minimum}", value)
        return value

    def version(self, value: Any, key: str) -> int:
        return self.count(value, key, 1)

    def optional(self, body: dict[str, Any], name: str, key: str, check: Callable[[Any, str], Any]) -> None:
        if name in body:
            check(body[name], f"{key}.{name}" if key else name)


def check_manifest(manifest: Any, path: str | Path) -> None:
    """Raise ``ValueError`` naming ``path`` and the key at the first value that breaks the schema.

    Required: ``format`` (checked by the caller), ``splits`` (object of split name -> object with a
    ``shards`` list), and per shard ``path`` (relative, inside the dataset), ``bytes`` (integer),
    ``sha256`` (64 lowercase hex digits) and ``clip_id``. Optional, type-checked when present:
    ``format_version``, ``shard_format_version``, ``generator``, ``extra``; per split ``clips``,
    ``frames``, ``bytes``; per shard ``split``, ``kind``, ``clips``, ``frames``, ``views``,
    ``levels`` (name -> [height, width]), ``buffers`` (list of names), ``scene`` (object).
    """
    c = _Checker(Path(path))
    top = c.obj(manifest, "the top level", "an object (JSON {...}) with 'format' and 'splits'")
    c.optional(top, "format_version", "", c.version)
    c.optional(top, "shard_format_version", "", c.version)
    c.optional(top, "generator", "", c.string)
    c.optional(top, "extra", "", c.obj)
    if "splits" not in top:
        c.fail("splits", "an object of split name -> {'shards': [...]}", None)
    splits = c.obj(top["splits"], "splits", "an object of split name -> {'shards': [...]}")
    seen: dict[str, str] = {}
    for split, body in splits.items():
        key = f"splits.{split}"
        c.obj(body, key, "an object with a 'shards' list")
        if "shards" not in body:
            c.fail(f"{key}.shards", "a list of shard entries", None)
        if not isinstance(body["shards"], list):
            c.fail(f"{key}.shards", "a list of shard entries", body["shards"])
        for name in ("clips", "frames", "bytes"):
            c.optional(body, name, key, c.count)
        for i, entry in enumerate(body["shards"]):
            where = f"{key}.shards[{i}]"
            _check_entry(c, entry, where)
            other = seen.get(entry["path"])
            if other is not None:
                c.fail(f"{where}.path", f"unique (the same path is listed at {other})", entry["path"])
            seen[entry["path"]] = where


def _check_entry(c: _Checker, entry: Any, where: str) -> None:
    c.obj(entry, where, "an object (a shard entry)")
    for name in ("path", "bytes", "sha256", "clip_id"):
        if name not in entry:
            c.fail(f"{where}.{name}", "present (every shard entry has path, bytes, sha256, clip_id)", None)
    rel = c.string(entry["path"], f"{where}.path")
    parts = PurePosixPath(rel).parts
    if not rel or rel.startswith("/") or Path(rel).is_absolute() or ".." in parts:
        c.fail(f"{where}.path", "a relative path inside the dataset (no leading '/', no '..')", rel)
    c.count(entry["bytes"], f"{where}.bytes")
    digest = c.string(entry["sha256"], f"{where}.sha256")
    if not SHA256_RE.match(digest):
        c.fail(f"{where}.sha256", "64 lowercase hex digits", digest)
    c.string(entry["clip_id"], f"{where}.clip_id")
    c.optional(entry, "split", where, c.string)
    if "kind" in entry and entry["kind"] not in KINDS:
        c.fail(f"{where}.kind", f"one of {', '.join(KINDS)}", entry["kind"])
    c.optional(entry, "clips", where, c.count)
    c.optional(entry, "frames", where, c.count)
    c.optional(entry, "views", where, c.count)
    c.optional(entry, "scene", where, c.obj)
    if "levels" in entry:
        levels = c.obj(entry["levels"], f"{where}.levels", "an object of level name -> [height, width]")
        for level, size in levels.items():
            if not (isinstance(size, list) and len(size) == 2):
                c.fail(f"{where}.levels.{level}", "[height, width] in pixels", size)
            for axis, n in zip(("height", "width"), size):
                c.count(n, f"{where}.levels.{level} {axis}", 1)
    if "buffers" in entry:
        buffers = entry["buffers"]
        if not isinstance(buffers, list):
            c.fail(f"{where}.buffers", "a list of buffer names", buffers)
        for j, name in enumerate(buffers):
            c.string(name, f"{where}.buffers[{j}]")
