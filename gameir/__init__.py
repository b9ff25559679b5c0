"""GameIR: native LR/HR game frames with G-buffers, in HDF5 shards, for SR and NVS research.

Conventions (units, frames, ids) are written once in ``docs/FORMAT.md``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
