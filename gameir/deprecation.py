"""Former names of public arguments: accepted with a DeprecationWarning that names the new one."""

from __future__ import annotations

import warnings
from typing import TypeVar

__all__ = ["renamed_argument"]

T = TypeVar("T")


def renamed_argument(new: T | None, old: T | None, *, where: str, new_name: str, old_name: str,
                     meaning: str) -> T | None:
    """The value of an argument that may still be passed under its former name.

    Args:
        new: the value given under ``new_name`` (None: not given).
        old: the value given under ``old_name`` (None: not given); warns when given.
        where: the callable, for messages (``"ShardWriter"``).
        meaning: what the value is, for the warning (``"level name -> (height, width)"``).

    Raises:
        TypeError: both names were given.
    """
    if old is None:
        return new
    if new is not None:
        raise TypeError(f"{where}: give {new_name} only ({old_name} is its former name)")
    warnings.warn(f"{where}({old_name}=...) is now {where}({new_name}=...): {meaning}", DeprecationWarning,
                  stacklevel=3)
    return old
