"""The runnable examples in the metrics docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["gameir.metrics._inputs", "gameir.metrics.psnr", "gameir.metrics.ssim", "gameir.metrics.ms_ssim",
           "gameir.metrics.modules", "gameir.metrics.accumulator", "gameir.metrics.flip"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), raise_on_error=False)
    assert result.failed == 0 and result.attempted > 0
