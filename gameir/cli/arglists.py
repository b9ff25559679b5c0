"""The one style for list options on every command line: comma-separated, no spaces (``depth,normal``)."""

from __future__ import annotations

import argparse

__all__ = ["names", "ints"]


def names(text: str) -> tuple[str, ...]:
    """argparse type: ``"depth,normal"`` -> ``("depth", "normal")``; empty items are refused."""
    items = tuple(t.strip() for t in text.split(","))
    if not text.strip() or any(not t for t in items):
        raise argparse.ArgumentTypeError(f"expected comma-separated names such as depth,normal, got {text!r}")
    return items


def ints(text: str) -> tuple[int, ...]:
    """argparse type: ``"0,3"`` -> ``(0, 3)``; anything but comma-separated integers is refused."""
    try:
        return tuple(int(t) for t in names(text))
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 0,3, got {text!r}") from None
