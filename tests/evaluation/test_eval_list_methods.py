"""`gameir eval sr --list-methods` works with or without spandrel installed."""

from __future__ import annotations

import subprocess
import sys

from gameir.evaluation.sr_methods import list_sr_methods
from gameir.models.spandrel_io import import_spandrel


def test_list_methods_prints_every_kind_and_exits_0_without_data_or_method():
    proc = subprocess.run([sys.executable, "-m", "gameir", "eval", "sr", "--list-methods"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert names == [m for m, _ in list_sr_methods()]
    for name in ("nearest", "bicubic", "lanczos", "gbuffer-jbu", "python:pkg.module:factory", "torchscript:FILE",
                 "spandrel:FILE", "folder:DIR"):
        assert name in names
    spandrel_line = next(line for line in proc.stdout.splitlines() if line.startswith("spandrel:FILE"))
    try:
        spandrel = import_spandrel()
    except ImportError:
        assert "unavailable:" in spandrel_line and "pip install" in spandrel_line
    else:
        assert f"spandrel {spandrel.__version__}" in spandrel_line and "ESRGAN" in spandrel_line
