"""The member index of an uncompressed tar: ``(name, data offset, size)`` per regular file.

For a local tar the index is read by walking its headers with :mod:`tarfile` (a seek per member).
For a remote tar (a :class:`~gameir.formats.remote_file.RemoteFile`) the walk costs one range
request per member, so the index can be kept on disk: ``<cache_dir>/<sha256 of the URL>.json``,
reused while the tar's size and its first :data:`~gameir.formats.remote_file.READ_AHEAD_BYTES`
bytes are unchanged (one request checks both), rewritten atomically otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from pathlib import Path

from gameir.fileio import atomic_write_json
from gameir.formats.remote_file import READ_AHEAD_BYTES, RemoteFile

__all__ = ["TarMember", "tar_members", "default_index_cache", "INDEX_VERSION"]

#: (member name, byte offset of its data, byte size)
TarMember = tuple[str, int, int]
INDEX_VERSION = 1


def default_index_cache() -> Path:
    """``$XDG_CACHE_HOME/gameir/tar-index`` (``~/.cache/gameir/tar-index`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gameir" / "tar-index"


def _walk(where: str, fileobj) -> list[TarMember]:
    try:
        with tarfile.open(where if fileobj is None else None, "r:", fileobj=fileobj) as tf:
            return [(info.name, info.offset_data, info.size) for info in tf if info.isfile()]
    except tarfile.ReadError as exc:
        raise ValueError(f"{where}: not an uncompressed tar ({exc}); extract it or repack it with `tar -cf`") from exc


def tar_members(where: str | os.PathLike, remote: RemoteFile | None = None, *,
                cache_dir: str | os.PathLike | None = None) -> list[TarMember]:
    """Every regular file of the tar at ``where``, in archive order.

    Args:
        where: local path, or the URL of ``remote``.
        remote: an open remote file to walk instead of a local path (closed on return).
        cache_dir: folder of cached remote indexes; ``None`` walks the headers every time.

    Raises:
        ValueError: not an uncompressed tar (the message names ``where``).
    """
    where = os.fspath(where)
    if remote is None:
        return _walk(where, None)
    try:
        if cache_dir is None:
            return _walk(where, remote)
        head = remote.read(READ_AHEAD_BYTES)  # one request: size and first block
        key = {"version": INDEX_VERSION, "url": where, "bytes": remote.size,
               "head_sha256": hashlib.sha256(head).hexdigest()}
        path = Path(cache_dir) / f"{hashlib.sha256(where.encode('utf-8')).hexdigest()}.json"
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if all(cached.get(k) == v for k, v in key.items()):
                return [(str(n), int(o), int(s)) for n, o, s in cached["members"]]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # missing, stale or unreadable: walk again
        remote.seek(0)
        members = _walk(where, remote)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(path, {**key, "members": [list(m) for m in members]})
        return members
    finally:
        remote.close()
