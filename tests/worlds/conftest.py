"""World tests build every world afresh: the session's world cache (tests/conftest.py) is off here,
so determinism tests compare two real builds, never a build with its cached copy."""

from __future__ import annotations

import pytest

from gameir.worlds.cache import CACHE_ENV


@pytest.fixture(autouse=True)
def _worlds_built_not_loaded(monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
