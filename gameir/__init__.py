"""GameIR: native LR/HR game frames with G-buffers, in HDF5 shards, for SR and NVS research.

Conventions (units, frames, ids) are written once in ``docs/FORMAT.md``.
"""

from gameir.version import __version__

__all__ = ["__version__", "download"]


def __getattr__(name: str):
    """Lazy top-level API: ``gameir.download`` imports its module on first use, not at import time."""
    if name == "download":
        from gameir.distribution.download import download

        return download
    raise AttributeError(f"module 'gameir' has no attribute {name!r}")
