"""The runnable examples in the baselines docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["gameir.baselines.resample", "gameir.baselines.guided", "gameir.baselines.warp"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), raise_on_error=False)
    assert result.failed == 0 and result.attempted > 0
