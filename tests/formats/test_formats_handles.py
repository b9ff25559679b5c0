"""HandleCache: bounded LRU of open handles, empty after pickling and in a forked child."""

from __future__ import annotations

import os
import pickle

import pytest

from gameir.formats import HandleCache

opened: list[str] = []
closed: list[str] = []


def _open(key: str) -> str:
    opened.append(key)
    return f"handle:{key}"


def _close(handle: str) -> None:
    closed.append(handle)


def test_lru_bound_and_order():
    opened.clear(), closed.clear()
    cache = HandleCache(_open, _close, max_open=2)
    assert cache.get("a") == "handle:a" and cache.get("b") == "handle:b"
    cache.get("a")  # a is now the most recent
    cache.get("c")  # evicts b
    assert closed == ["handle:b"] and len(cache) == 2
    cache.get("a")
    assert opened == ["a", "b", "c"]
    cache.close()
    assert sorted(closed) == ["handle:a", "handle:b", "handle:c"] and len(cache) == 0
    with pytest.raises(ValueError, match="max_open must be >= 1"):
        HandleCache(_open, _close, max_open=0)


def test_no_handle_survives_pickle_or_fork():
    cache = HandleCache(_open, _close, max_open=4)
    cache.get("a")
    clone = pickle.loads(pickle.dumps(cache))
    assert len(clone) == 0 and clone.opened == 0
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the parent's handle is not reused, a fresh one is opened
        ok = len(cache) == 0 and cache.get("a") == "handle:a" and cache.opened == 1
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    assert len(cache) == 1 and cache.opened == 1
