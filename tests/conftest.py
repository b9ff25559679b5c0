"""Shared fixtures: tiny real datasets written into tmp_path."""

from __future__ import annotations

import pytest

from gameir.shards.synthetic import write_synthetic_dataset


@pytest.fixture
def synthetic_root(tmp_path):
    """A dataset root with one 3-frame clip per split (train/val/test), every buffer at 48x64 / 96x128."""
    root = tmp_path / "synthetic"
    write_synthetic_dataset(root)
    return root
