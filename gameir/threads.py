"""How many CPU threads this process may use for its own numpy / zlib work.

``GAMEIR_THREADS`` (set by ``gameir render`` for each worker process, so that K workers share the
cores instead of each starting one thread per core) wins; otherwise the cores this process may run
on, at most 8.
"""

from __future__ import annotations

import os

__all__ = ["THREADS_ENV", "cpu_threads"]

#: Environment variable overriding :func:`cpu_threads`.
THREADS_ENV = "GAMEIR_THREADS"


def cpu_threads() -> int:
    """Threads for CPU-side work (SSAA downsampling, chunk compression): >= 1."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"{THREADS_ENV} must be a positive integer, got {value!r}") from None
        if n < 1:
            raise ValueError(f"{THREADS_ENV} must be a positive integer, got {value!r}")
        return n
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))
