"""The folder an export writes into: new or empty, never mixed with an earlier export's files."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["require_empty_target"]


def require_empty_target(out: str | os.PathLike) -> Path:
    """Return ``out`` as a Path if it does not exist or is an empty folder; else raise FileExistsError.

    An export into a folder that already holds files would mix two exports (stale frames, a
    ``transforms.json`` naming images of another shard), so it is refused before anything is written.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out}: export target exists and is a file, not a folder; choose another --to")
    if out.is_dir():
        entries = sorted(p.name for p in out.iterdir())
        if entries:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise FileExistsError(f"{out}: export target exists and is not empty ({len(entries)} entries: {shown}); "
                                  "choose a new folder or remove this one first")
    return out
