"""MetricAccumulator: exact means per group, merge, state round trip, real gloo all_reduce."""

from __future__ import annotations

import math
import socket

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from gameir.metrics import MetricAccumulator


def _batches(seed: int, n_batches: int = 5):
    rng = np.random.default_rng(seed)
    for b in range(n_batches):
        n = int(rng.integers(1, 6))
        vals = {"psnr": torch.from_numpy(rng.uniform(20, 40, n)), "ssim": rng.uniform(0.5, 1, n)}
        groups = [str(g) for g in rng.choice(["town", "park", "forest"], n)]
        keys = [f"s{seed}/b{b}/{i}" for i in range(n)]
        yield vals, groups, keys


def _fill(acc: MetricAccumulator, seed: int) -> list[tuple[str, float, float]]:
    rows = []
    for vals, groups, keys in _batches(seed):
        acc.update(vals, groups=groups, keys=keys)
        rows += list(zip(groups, vals["psnr"].tolist(), vals["ssim"].tolist()))
    return rows


def test_means_are_over_images_not_batches():
    acc = MetricAccumulator(["psnr", "ssim"])
    rows = _fill(acc, 0)
    assert acc.count() == len(rows) == len(acc.records)
    assert acc.mean("psnr") == pytest.approx(np.mean([r[1] for r in rows]), rel=1e-14)
    for g in acc.groups:
        sel = [r for r in rows if r[0] == g]
        assert acc.count(g) == len(sel)
        assert acc.mean("ssim", group=g) == pytest.approx(np.mean([r[2] for r in sel]), rel=1e-14)
    s = acc.summary()
    assert s["all"]["count"] == len(rows) and set(s["groups"]) == set(acc.groups)


def test_merge_and_state_roundtrip_equal_single_pass():
    whole = MetricAccumulator(["psnr", "ssim"])
    _fill(whole, 1)
    _fill(whole, 2)
    a, b = MetricAccumulator(["psnr", "ssim"]), MetricAccumulator(["psnr", "ssim"])
    _fill(a, 1)
    _fill(b, 2)
    a.merge(MetricAccumulator.from_state_dict(b.state_dict()))
    assert a.count() == whole.count()
    for g in whole.groups:
        assert a.mean("psnr", g) == pytest.approx(whole.mean("psnr", g), rel=1e-14)
    assert a.records == whole.records


def test_inf_psnr_kept_and_errors():
    acc = MetricAccumulator(["psnr"])
    acc.update({"psnr": torch.tensor([30.0, math.inf])}, groups="sky")
    assert acc.mean("psnr") == math.inf and acc.groups == ["sky"]
    with pytest.raises(ValueError, match=r"expected metrics \['psnr'\], got \['ssim'\]"):
        acc.update({"ssim": [1.0]})
    with pytest.raises(ValueError, match=r"2 groups for 1 images"):
        acc.update({"psnr": [1.0]}, groups=["a", "b"])
    with pytest.raises(ValueError, match=r"metric 'psnr' has NaN"):
        acc.update({"psnr": [float("nan")]})
    with pytest.raises(KeyError, match=r"unknown group 'town'"):
        acc.mean("psnr", group="town")
    with pytest.raises(RuntimeError, match=r"torch.distributed is not initialised"):
        acc.all_reduce()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, out: dict) -> None:
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    try:
        acc = MetricAccumulator(["psnr", "ssim"])
        _fill(acc, 10 + rank)  # ranks see different groups and counts
        out[rank] = acc.all_reduce().state_dict()
    finally:
        dist.destroy_process_group()


def test_all_reduce_over_gloo_equals_single_process():
    world = 2
    with mp.Manager() as manager:
        out = manager.dict()
        mp.spawn(_worker, args=(world, _free_port(), out), nprocs=world, join=True)
        states = [out[r] for r in range(world)]
    single = MetricAccumulator(["psnr", "ssim"])
    for r in range(world):
        _fill(single, 10 + r)
    for state in states:
        red = MetricAccumulator.from_state_dict(state)
        assert red.groups == single.groups and red.count() == single.count()
        for g in single.groups:
            for m in ("psnr", "ssim"):
                assert red.mean(m, g) == pytest.approx(single.mean(m, g), rel=1e-14)
        assert red.records == single.records
