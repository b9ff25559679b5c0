"""Where protocol files are found: the protocols shipped in the package, by name, or any file path."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PROTOCOL_DIR", "find_protocol", "list_protocols"]

#: The protocol files that ship inside the package (package data): ``gameir/protocols/NAME.json``.
PROTOCOL_DIR = Path(__file__).resolve().parents[1] / "protocols"


def list_protocols() -> list[str]:
    """Names of the protocols shipped in the package (``gameir eval --protocol NAME``)."""
    return sorted(p.stem for p in PROTOCOL_DIR.glob("*.json"))


def find_protocol(name_or_path: str | os.PathLike) -> Path:
    """Path of a protocol given as a file path or as the name of a shipped protocol.

    A value ending in ``.json``, with a directory part, or naming an existing file is a path
    (returned as is: reading it reports a missing file); any other value is a shipped name.

    Raises:
        ValueError: a name that is not shipped; the message lists the shipped names and their folder.
    """
    path = Path(name_or_path)
    if path.suffix == ".json" or path.is_file() or len(path.parts) > 1:
        return path
    shipped = PROTOCOL_DIR / f"{path.name}.json"
    if shipped.is_file():
        return shipped
    raise ValueError(f"unknown protocol {str(name_or_path)!r}; shipped protocols (in {PROTOCOL_DIR}): "
                     f"{', '.join(list_protocols()) or 'none'}; or give the path of a protocol .json file")
