"""Deterministic training batches (a pure function of seed and step) and the model input they make.

Batch ``k`` holds the items drawn by ``np.random.default_rng([seed, k])`` (without replacement
when the split has enough items), read after ``dataset.set_epoch(k)``, so each step has fresh
crops and augmentations and a resumed run sees exactly the batches the uninterrupted run would
have seen. Items are read in the main process by one background thread (``prefetch`` batches
ahead) because the dataset's epoch is one shared value: loading stays ordered and exact.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import default_collate

from gameir.training.degrade import LR_SOURCES, degrade_hr

__all__ = ["StepBatches", "model_inputs", "batch_indices", "hr_aux_at_lr"]


def batch_indices(seed: int, step: int, n_items: int, batch_size: int) -> np.ndarray:
    """Item indices of batch ``step``: ``batch_size`` draws from ``range(n_items)``."""
    rng = np.random.default_rng([int(seed), int(step)])
    return rng.choice(n_items, size=batch_size, replace=n_items < batch_size)


class StepBatches:
    """Batches of an :class:`~gameir.data.SRDataset` addressed by step number.

    Args:
        dataset: the training dataset (its own ``seed`` decides crops; ``set_epoch`` is called here).
        batch_size: items per batch.
        seed: seed of the item choice.
        prefetch: batches read ahead by the loader thread (0: read synchronously).
    """

    def __init__(self, dataset: Any, batch_size: int, seed: int, prefetch: int = 2) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.prefetch = int(prefetch)

    def batch(self, step: int) -> dict[str, Any]:
        """Read and collate batch ``step``."""
        self.dataset.set_epoch(step)
        idx = batch_indices(self.seed, step, len(self.dataset), self.batch_size)
        return default_collate([self.dataset[int(i)] for i in idx])

    def iterate(self, start: int, stop: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """Yield ``(step, batch)`` for ``start <= step < stop``, reading ahead in a thread."""
        if self.prefetch <= 0:
            for step in range(start, stop):
                yield step, self.batch(step)
            return
        q: queue.Queue = queue.Queue(maxsize=self.prefetch)
        stop_flag = threading.Event()

        def work() -> None:
            try:
                for step in range(start, stop):
                    if stop_flag.is_set():
                        return
                    item = (step, self.batch(step), None)
                    while not stop_flag.is_set():
                        try:
                            q.put(item, timeout=0.1)
                            break
                        except queue.Full:
                            continue
            except BaseException as exc:  # surfaces in the consumer
                q.put((None, None, exc))

        thread = threading.Thread(target=work, name="gameir-batches", daemon=True)
        thread.start()
        try:
            for _ in range(start, stop):
                step, batch, exc = q.get()
                if exc is not None:
                    raise exc
                yield step, batch
        finally:
            stop_flag.set()
            thread.join(timeout=5.0)


def model_inputs(batch: dict[str, Any], *, n_aux: int, lr_source: str = "native", scale: int = 2,
                 device: torch.device | str = "cpu", rng: np.random.Generator | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """The network input ``x`` and target ``hr`` of a batch.

    Args:
        batch: collated dataset items: ``lr`` (N[, T], 3, h, w), ``hr`` (N[, T], 3, s*h, s*w) and,
            when ``n_aux > 0``, ``lr_aux`` (N[, T], >= n_aux, h, w).
        n_aux: aux channels the model takes: the first ``n_aux`` of ``lr_aux`` (the dataset's
            ``gbuffers`` order; any extra trailing channels, e.g. motion asked for warping, are dropped).
        lr_source: ``"native"`` (use ``lr``) or a degradation of ``hr`` (:func:`degrade_hr`).
        scale: s.
        device: where the tensors go.
        rng: random source of the ``realistic`` degradation (the trainer passes
            ``np.random.default_rng([seed, step])``).

    Returns:
        ``x`` (N[, T], 3 + n_aux, h, w) = cat(lr RGB, aux) and ``hr``, both on ``device``. With
        HR G-buffers (``hr_aux`` (N[, T], A, s*h, s*w) in the batch, ``gbuffer_res="hr"``) the aux
        part is ``pixel_unshuffle(hr_aux, s)``: A s^2 channels at LR, channel ``a s^2 + s i + j``
        holding HR pixel (s y + i, s x + j) of aux channel ``a``.
    """
    hr = batch["hr"].to(device, non_blocking=True)
    if lr_source == "native":
        lr = batch["lr"].to(device, non_blocking=True)
    elif lr_source in LR_SOURCES:
        lr = degrade_hr(hr, scale, lr_source, rng=rng)
    else:
        raise ValueError(f"lr_source must be one of {', '.join(LR_SOURCES)}, got {lr_source!r}")
    if n_aux == 0:
        return lr, hr
    if "hr_aux" in batch:
        aux = hr_aux_at_lr(batch["hr_aux"], scale)
    elif "lr_aux" in batch:
        aux = batch["lr_aux"]
    else:
        raise ValueError(f"the model takes {n_aux} aux channels but the batch has no 'lr_aux' or 'hr_aux' "
                         "(build the dataset with gbuffers=...)")
    if aux.shape[-3] < n_aux:
        raise ValueError(f"the model takes {n_aux} aux channels, the batch's aux has {aux.shape[-3]}")
    return torch.cat([lr, aux[..., :n_aux, :, :].to(device, non_blocking=True)], dim=-3), hr


def hr_aux_at_lr(hr_aux: torch.Tensor, scale: int) -> torch.Tensor:
    """HR G-buffers folded to LR by a pixel unshuffle: (..., A, s*h, s*w) -> (..., A s^2, h, w).

    Every HR G-buffer value reaches the network (nothing is resampled), at the LR grid where the
    colour is.
    """
    lead = hr_aux.shape[:-3]
    flat = hr_aux.reshape(-1, *hr_aux.shape[-3:])
    out = F.pixel_unshuffle(flat, scale)
    return out.reshape(*lead, *out.shape[-3:])
