"""Fixtures: small real datasets rendered once per test session (tiny SR test split, tiny-nvs test split) and a
real module of faulty methods for the `python:` method kind."""

from __future__ import annotations

import subprocess
import sys
import textwrap

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


_MODELS = textwrap.dedent('''
    import numpy as np
    import torch
    import torch.nn.functional as F


    def _up(batch):
        return F.interpolate(batch["lr"], scale_factor=2.0, mode="nearest")


    def x255(): return lambda b: _up(b) * 255.0
    def signed(): return lambda b: _up(b) * 2.0 - 1.0
    def overshoot(): return lambda b: torch.where(_up(b) > 0.5, _up(b) + 0.2, _up(b) - 0.2)
    def overshoot_clamped(): return lambda b: overshoot()(b).clamp(0.0, 1.0)
    def uint8(): return lambda b: (_up(b) * 255).to(torch.uint8)
    def pair(): return lambda b: (_up(b), _up(b))
    def ndarray(): return lambda b: _up(b).numpy()
    def returns_int(): return 42
    not_a_function = 7
    def factory_raises(): raise KeyError("weights.pth")


    def raises():
        def model(b):
            raise RuntimeError("boom in forward")  # MODEL_RAISE_LINE
        return model


    def nvs_raises():
        def model(rig):
            return rig["source"]["rgb"][:1] @ torch.zeros(2, 2)  # NVS_RAISE_LINE
        return model


    def nvs_uint8(): return lambda rig: (rig["source"]["rgb"][:1] * 255).to(torch.uint8)


    def interrupted():
        def model(b):
            raise KeyboardInterrupt
        return model
''')


@pytest.fixture
def fault_models(tmp_path, monkeypatch):
    """A real module of faulty methods (factories above) on sys.path; returns (module name, file)."""
    name = f"eval_fault_models_{abs(hash(str(tmp_path))) % 10**8}"
    path = tmp_path / f"{name}.py"
    path.write_text(_MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, path
    sys.modules.pop(name, None)


@pytest.fixture
def first_frame(synthetic_root):
    """How messages name the first test frame of ``synthetic_root``: ``"clip <id> frame 0"``."""
    from gameir.data import SRDataset

    return f"clip {SRDataset(synthetic_root, 'test')[0]['clip_id']} frame 0"
