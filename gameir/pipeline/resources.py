"""How many render workers, CPU threads each and which EGL device each: chosen from the machine when not given.

Measured (docs/BENCHMARKS.md, "overlapped pipeline"): on llvmpipe one worker already keeps every
core busy (Mesa rasterises on ``LP_NUM_THREADS`` threads; the worker's writer process, at a lower
priority, compresses chunks on ``GAMEIR_THREADS`` threads while the next frame renders), and
llvmpipe scales poorly past a few threads per context, so CPU nodes get one worker per 4 cores. On GPU nodes the GPU renders and the
CPU reads back, checks and compresses, so each GPU gets two workers: one's CPU work overlaps the
other's GPU work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gameir.render.devices import EGLDevice, describe_devices, device_for_worker, parse_device, visible_devices
from gameir.threads import THREADS_ENV, cpu_threads

__all__ = ["Resources", "choose_resources", "available_cores"]

#: Workers per hardware EGL device when ``--workers`` is not given.
WORKERS_PER_GPU = 2
#: Cores per worker on a CPU-only (llvmpipe) machine when ``--workers`` is not given.
CORES_PER_CPU_WORKER = 4


def available_cores() -> int:
    """Cores this process may run on (affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Resources:
    """What a render job uses.

    Attributes:
        workers: worker processes, each with one GL context.
        threads: CPU threads per worker (``GAMEIR_THREADS``, and ``LP_NUM_THREADS`` on llvmpipe).
        devices: EGL device index per worker (None: the driver's default device).
        reason: one line saying how the numbers were chosen (printed by ``gameir render``).
    """

    workers: int
    threads: int
    devices: tuple[int | None, ...]
    reason: str

    def describe(self) -> str:
        where = ", ".join("default" if d is None else f"egl:{d}" for d in self.devices)
        return f"{self.workers} worker(s) x {THREADS_ENV}={self.threads}, device(s) {where} ({self.reason})"


def choose_resources(workers: int | None = None, device: str | None = None, *, threads: int | None = None,
                     cores: int | None = None, devices: list[EGLDevice] | None = None) -> Resources:
    """Workers, threads per worker and a device per worker; given values win, the rest is chosen.

    Args:
        workers: ``--workers`` (>= 1), or None to choose.
        device: ``--device`` (``auto`` or ``egl:N``); ``auto`` spreads workers over the visible devices.
        threads: threads per worker, or None: ``$GAMEIR_THREADS`` if set, else cores / workers.
        cores: cores to share (default: this process's affinity).
        devices: the EGL devices (default: :func:`gameir.render.devices.list_devices`).

    Raises:
        ValueError: workers < 1, or a bad ``--device`` (names the available devices).
    """
    from gameir.render.devices import list_devices

    if workers is not None and (isinstance(workers, bool) or int(workers) != workers or workers < 1):
        raise ValueError(f"--workers must be an integer >= 1, got {workers!r}")
    cores = available_cores() if cores is None else int(cores)
    try:
        devices = list_devices() if devices is None else devices
    except Exception:  # no libEGL: the context creation names what to install
        devices = []
    fixed = parse_device(device, devices)
    visible = [] if fixed is not None else visible_devices(devices)
    gpus = [d for d in ([d for d in devices if d.index == fixed] if fixed is not None else visible) if not d.software]
    if workers is None:
        if gpus:
            workers = max(1, min(cores, WORKERS_PER_GPU * len(gpus)))
            reason = f"auto: {WORKERS_PER_GPU} per GPU device, {len(gpus)} GPU device(s), {cores} core(s)"
        else:
            workers = max(1, min(8, cores // CORES_PER_CPU_WORKER))
            reason = f"auto: CPU rendering (llvmpipe), 1 worker per {CORES_PER_CPU_WORKER} of {cores} core(s)"
    else:
        reason = "--workers given"
    if threads is None:
        threads = cpu_threads() if os.environ.get(THREADS_ENV, "").strip() else max(1, cores // workers)
        reason += f"; {THREADS_ENV}={threads}" + (" from the environment" if os.environ.get(THREADS_ENV, "").strip()
                                                 else f" = {cores} core(s) / {workers} worker(s)")
    per_worker = tuple(device_for_worker(i, fixed, visible) for i in range(workers))
    if fixed is None and visible:
        reason += f"; visible EGL devices: {describe_devices(visible)}"
    return Resources(workers=int(workers), threads=int(threads), devices=per_worker, reason=reason)
