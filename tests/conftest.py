"""Shared fixtures: tiny real datasets written into tmp_path."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest


# Test environments only: PyPI's torchvision wheels are built against CUDA torch; beside torch's CPU
# build (CI's) their C++ extension does not load and `import torchvision` fails ("operator
# torchvision::nms does not exist"). tests/_site/sitecustomize.py declares the two op schemas so that
# its Python part imports, which is all spandrel's SR architectures and BasicSR's data classes use;
# it runs here and, through PYTHONPATH, in the subprocesses tests start. Users install a matching
# pair instead (docs/INSTALL.md), and gameir.models.spandrel_io names the fix when they do not.
_SITE = Path(__file__).parent / "_site"
sys.path.insert(0, str(_SITE))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_SITE), os.environ.get("PYTHONPATH")]))
import sitecustomize_gameir_tests  # noqa: E402,F401

# One on-disk world cache per test session (never ~/.cache, never shared between runs), inherited by
# the renders tests start in subprocesses: the many renders of tiny's few seeds build each world
# once. tests/worlds/ turn it off and build (tests/worlds/conftest.py); test_worlds_cache.py points
# it at tmp_path to test it. Removed at the end of the session (pytest_unconfigure).
_WORLD_CACHE = tempfile.mkdtemp(prefix="gameir-test-worlds-")
os.environ["GAMEIR_WORLD_CACHE"] = _WORLD_CACHE

from gameir.shards.synthetic import write_synthetic_dataset


@functools.lru_cache(maxsize=None)
def _spandrel_error() -> str | None:
    """Why spandrel cannot be imported here (its ImportError message), or None if it can."""
    from gameir.models.spandrel_io import import_spandrel

    try:
        import_spandrel()
    except ImportError as exc:
        return str(exc)
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_spandrel: skipped, with spandrel's import error as the reason, "
                                       "where spandrel cannot be imported")


def pytest_unconfigure(config):
    shutil.rmtree(_WORLD_CACHE, ignore_errors=True)


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_spandrel") is not None and _spandrel_error() is not None:
        pytest.skip(_spandrel_error())


@pytest.fixture
def synthetic_root(tmp_path):
    """A dataset root with one 3-frame clip per split (train/val/test), every buffer at 48x64 / 96x128."""
    root = tmp_path / "synthetic"
    write_synthetic_dataset(root)
    return root


@pytest.fixture(autouse=True)
def _sigint_reaches_child_processes():
    """Each test starts with Python's own SIGINT handler. An earlier test of the full suite leaves
    SIGINT ignored in this process (not yet traced to its source); child processes inherit SIG_IGN,
    so the Ctrl-C tests saw their commands run to the end (exit 0) instead of stopping (exit 130)."""
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
