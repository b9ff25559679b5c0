"""Fixtures: small real datasets rendered once per test session (tiny SR test split, tiny-nvs test split)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _render(out, *args: str) -> None:
    cmd = [sys.executable, "-m", "gameir", "render", *args, "--out", str(out), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")


@pytest.fixture(scope="session")
def tiny_sr(tmp_path_factory):
    """`gameir render tiny --split test`, 3 frames per clip: 3 clips (town, nature, interior), 128x96 HR."""
    root = tmp_path_factory.mktemp("eval") / "tiny"
    _render(root, "tiny", "--split", "test", "--override", "clips.frames=3")
    return root


@pytest.fixture(scope="session")
def tiny_nvs(tmp_path_factory):
    """`gameir render tiny-nvs --split test`, 1 frame per rig: 3 rigs of 4 views at 128x96."""
    root = tmp_path_factory.mktemp("eval") / "tiny-nvs"
    _render(root, "tiny-nvs", "--split", "test", "--override", "clips.frames=1")
    return root
