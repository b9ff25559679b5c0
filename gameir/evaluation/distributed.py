"""Evaluation across processes: torchrun / torch.distributed setup, frame partition, exact gather."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch

from gameir.evaluation.device import resolve_device  # noqa: F401  (part of this module's API)

__all__ = ["DistContext", "current_rank", "init_distributed", "partition", "gather_records", "resolve_device"]


@dataclass
class DistContext:
    """This process's place in the evaluation: rank, world size, device, and whether it owns the
    process group (and must destroy it)."""

    rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")
    owns_group: bool = False

    @property
    def active(self) -> bool:
        return self.world_size > 1

    def close(self) -> None:
        if self.owns_group:
            import torch.distributed as dist

            dist.destroy_process_group()
            self.owns_group = False


def init_distributed(device: torch.device, distributed: bool | None = None) -> DistContext:
    """Join the process group torchrun describes (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
    ``MASTER_ADDR``/``PORT`` in the environment), or stay single-process.

    Backend: NCCL when ``device`` is CUDA (each rank uses ``cuda:LOCAL_RANK``), gloo on CPU.
    ``distributed=None`` joins when ``WORLD_SIZE > 1`` is set; ``True`` requires it.
    A process group that is already initialised (e.g. by the caller) is used as is.
    """
    import torch.distributed as dist

    world = int(os.environ.get("WORLD_SIZE", "1"))
    if distributed is None:
        distributed = world > 1
    if not distributed:
        return DistContext(device=device)
    if dist.is_available() and dist.is_initialized():
        if device.type == "cuda":
            device = torch.device("cuda", torch.cuda.current_device())
        return DistContext(dist.get_rank(), dist.get_world_size(), device, owns_group=False)
    if "RANK" not in os.environ or "MASTER_ADDR" not in os.environ:
        raise ValueError("--distributed needs the torchrun environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT); "
                         "start with `torchrun --nproc_per_node K -m gameir eval ...`")
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
        backend = "nccl"
    else:
        backend = "gloo"
    dist.init_process_group(backend)
    return DistContext(dist.get_rank(), dist.get_world_size(), device, owns_group=True)


def current_rank() -> int:
    """This process's rank: torch.distributed's once a group is initialised, else torchrun's ``RANK``
    (0 when unset, i.e. a single process)."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank()
    return int(os.environ.get("RANK", "0"))


def partition(n: int, rank: int, world_size: int) -> range:
    """Contiguous block of ``range(n)`` for ``rank``: sizes differ by at most one, blocks in rank
    order cover ``range(n)`` (contiguous, so consecutive frames of a clip mostly stay together)."""
    start = n * rank // world_size
    return range(start, n * (rank + 1) // world_size)


def gather_records(records: list[dict[str, Any]], ctx: DistContext) -> list[dict[str, Any]]:
    """Every rank's per-image records on every rank, sorted by dataset ``index``.

    Exactness: each image's metric values are computed once, by one rank, exactly as a single
    process would; the means are then summed from the gathered per-image values in dataset order
    (:func:`gameir.evaluation.summary.summarize_records`), so the result is bit-identical to the
    single-process run (no order-dependent floating-point reduction across ranks).
    """
    if ctx.active:
        import torch.distributed as dist

        parts: list[Any] = [None] * ctx.world_size
        dist.all_gather_object(parts, records)
        records = [r for part in parts for r in part]
    return sorted(records, key=lambda r: r["index"])
