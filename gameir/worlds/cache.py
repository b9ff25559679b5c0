"""On-disk cache of built worlds, keyed by what a world is made from and by the code that makes it.

A world is a pure function of ``(family, seed, detail, dynamic, dressing)`` and of the generator's
source, so :func:`gameir.worlds.build_world` stores each one it builds (before weather is applied)
and loads it the next time instead of building it again. The cache is invisible: a loaded world is
the one a build gives (the same scene, the same rendered bytes; tested), and any cache problem
(missing, unreadable, corrupt or stale file, unwritable folder) falls back to building.

Location: ``$GAMEIR_WORLD_CACHE`` (a folder; ``off`` disables the cache), else
``$XDG_CACHE_HOME/gameir/worlds``, else ``~/.cache/gameir/worlds``. The folder is kept under
``$GAMEIR_WORLD_CACHE_MAX_MB`` megabytes (default 2048) by deleting the least recently used files.
Files are Python pickles: point the cache only at a folder that you alone write to.

The key holds the SHA-256 of every source file of ``gameir.worlds``, ``gameir.scene`` and
``gameir.semantics`` and the numpy / OpenCV / Python versions, so a change to any of them misses
the old entries (they age out of the size bound).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import warnings
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from gameir.fileio import PARTIAL_SUFFIX, atomic_write_bytes

__all__ = ["cache_dir", "code_version", "cache_path", "load_world", "store_world", "CACHE_ENV", "CACHE_MAX_ENV"]

#: Environment variable naming the cache folder (``off`` disables the cache).
CACHE_ENV = "GAMEIR_WORLD_CACHE"
#: Environment variable bounding the cache folder's size in megabytes (default 2048).
CACHE_MAX_ENV = "GAMEIR_WORLD_CACHE_MAX_MB"

_MAGIC = b"GAMEIR-WORLD-CACHE 1\n"
_SUFFIX = ".world.pkl"


def cache_dir() -> Path | None:
    """The cache folder from the environment (module docstring), or None when the cache is off."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        value = value.strip()
        if value.lower() in ("", "off", "0", "false", "no", "none"):
            return None
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gameir" / "worlds"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 (hex) over the world generator's source files and the library versions it depends on."""
    root = Path(__file__).resolve().parents[1]  # the gameir package
    files = sorted([*(root / "worlds").rglob("*.py"), *(root / "scene").rglob("*.py"), root / "semantics.py"])
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(f"numpy {np.__version__} cv2 {cv2.__version__} python {platform.python_version()}".encode())
    return h.hexdigest()


def cache_path(folder: Path, family: str, seed: int, options: dict[str, Any]) -> Path:
    """File of one world in ``folder``.

    Args:
        options: every :func:`gameir.worlds.build_world` argument that changes the world before its
            weather (``detail``, ``dynamic``, ``dressing``, ...), as plain values; they and
            :func:`code_version` are hashed into the name.
    """
    key = hashlib.sha256(f"{code_version()} {sorted(options.items())!r}".encode()).hexdigest()[:24]
    return folder / f"{family}-{int(seed)}-{options.get('detail', '')}-{key}{_SUFFIX}"


def load_world(path: Path) -> Any | None:
    """The World stored at ``path``, or None if it is missing, damaged or unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 65
    if len(data) <= head or not data.startswith(_MAGIC):
        return None
    digest, payload = data[len(_MAGIC):head - 1].decode("ascii", "replace"), memoryview(data)[head:]
    if hashlib.sha256(payload).hexdigest() != digest:
        return None  # torn or overwritten concurrently: rebuild (and store again)
    try:
        world = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - any unpickling failure is a cache miss
        return None
    try:
        os.utime(path)  # recently used: the size bound deletes the oldest first
    except OSError:
        pass
    return world


def store_world(path: Path, world: Any) -> bool:
    """Write ``world`` to ``path`` atomically and keep the folder under its size bound; False on failure."""
    try:
        payload = pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, _MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload)
        _trim(path.parent, keep=path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return False
    return True


def _trim(folder: Path, keep: Path) -> None:
    """Delete the least recently used world files until the folder is under the size bound."""
    try:
        limit = float(os.environ.get(CACHE_MAX_ENV, "2048")) * 1e6
    except ValueError:
        warnings.warn(f"ignoring {CACHE_MAX_ENV}={os.environ[CACHE_MAX_ENV]!r} (expected a number of megabytes); "
                      "keeping the world cache under 2048 MB", RuntimeWarning, stacklevel=2)
        limit = 2048e6
    entries = []
    for f in folder.glob(f"*{_SUFFIX}"):
        try:
            st = f.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, f))
    total = sum(e[1] for e in entries)
    for _, size, f in sorted(entries, key=lambda e: e[0]):
        if total <= limit:
            break
        if f == keep:
            continue
        try:
            f.unlink()
            total -= size
        except OSError:
            pass
    for stale in folder.glob(f"*{_SUFFIX}{PARTIAL_SUFFIX}"):  # left by a killed writer long ago
        try:
            if stale.stat().st_mtime < keep.stat().st_mtime - 3600:
                stale.unlink()
        except OSError:
            pass
