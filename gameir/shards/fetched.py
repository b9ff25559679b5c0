"""Which splits of a dataset were downloaded: ``<root>/.gameir-download.json``.

A download (``gameir download URL --split S``) copies the published ``manifest.json`` whole, with
every split, but fetches only the shards of ``S``. It records here the URL and each split it was
asked for, so that ``gameir verify`` and ``gameir info`` can tell a split that was never downloaded
(listed, wholly absent, not recorded: a warning with the command that fetches it) from one whose
shards were deleted (recorded, or the root is no download at all: a fault).

Record format (JSON object): ``{"format": "gameir-download-record", "url": "...", "splits": [...]}``.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

from gameir.fileio import atomic_write_json

__all__ = ["FETCHED_NAME", "FETCHED_FORMAT", "record_fetched", "load_fetched", "not_downloaded", "fetch_command"]

FETCHED_NAME = ".gameir-download.json"
FETCHED_FORMAT = "gameir-download-record"


def load_fetched(root: str | os.PathLike) -> dict[str, Any] | None:
    """The download record of ``root``, or ``None`` when the root was not made by ``gameir download``.

    Raises:
        ValueError: the record exists but is not a valid record (the message names it).
    """
    path = Path(root) / FETCHED_NAME
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc}); delete it and run `gameir download` again") from exc
    if (not isinstance(record, dict) or record.get("format") != FETCHED_FORMAT or not isinstance(record.get("url"), str)
            or not isinstance(record.get("splits"), list) or not all(isinstance(s, str) for s in record["splits"])):
        raise ValueError(f"{path}: not a download record (expected an object with format {FETCHED_FORMAT!r}, "
                         "a 'url' string and a 'splits' list of names); delete it and run `gameir download` again")
    return record


def record_fetched(root: str | os.PathLike, url: str | os.PathLike, split: str) -> None:
    """Add ``split`` (and the dataset ``url``) to the download record of ``root``, atomically."""
    try:
        record = load_fetched(root) or {}
    except ValueError:
        record = {}
    splits = sorted(set(record.get("splits", [])) | {split})
    url = os.fspath(url)
    if "://" not in url and Path(url).exists():  # a local folder: absolute, so the command works from anywhere
        url = str(Path(url).resolve())
    atomic_write_json(Path(root) / FETCHED_NAME, {"format": FETCHED_FORMAT, "url": url, "splits": splits})


def fetch_command(record: dict[str, Any], root: str | os.PathLike, split: str) -> str:
    """The ``gameir download`` command that fetches ``split`` into ``root``."""
    return f"gameir download {shlex.quote(record['url'])} --split {shlex.quote(split)} --to {shlex.quote(str(root))}"


def not_downloaded(root: str | os.PathLike, manifest: dict[str, Any]) -> dict[str, str]:
    """Splits of ``manifest`` that were not downloaded into ``root`` -> the command that fetches each.

    A split counts as not downloaded when ``root`` has a download record, the record does not name
    the split, and none of the split's shards is on disk. Anything else (no record: a rendered or
    copied dataset; a recorded split; some shards present) is checked shard by shard as usual.
    """
    record = load_fetched(root)
    if record is None:
        return {}
    root = Path(root)
    out = {}
    for split, body in manifest.get("splits", {}).items():
        if split in record["splits"]:
            continue
        if body["shards"] and not any((root / entry["path"]).exists() for entry in body["shards"]):
            out[split] = fetch_command(record, root, split)
    return out
