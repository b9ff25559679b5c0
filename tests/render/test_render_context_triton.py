"""A GL context and PyTorch's triton in one process (PyPI's torch builds ship triton; CI's CPU build does not)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest


@pytest.mark.skipif(importlib.util.find_spec("triton") is None,
                    reason="triton is not installed (torch's CPU build); PyPI's CUDA builds bring it")
def test_triton_imported_after_a_context_does_not_crash_the_process():
    code = "from gameir.render.context import create_context; ctx = create_context(); import triton; print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", (proc.returncode, proc.stderr[-2000:])
