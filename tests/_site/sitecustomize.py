"""Loaded by every Python the tests start (PYTHONPATH): the test-environment shim."""

import sitecustomize_gameir_tests  # noqa: F401
