"""Measured training and inference speed per network on this machine, and the matrix's compute estimate.

For each (arch, model, scale, aux channels) the module times optimisation steps on random tensors of
the matrix's batch and patch size (one torch thread, after warm-up steps) and one full-frame forward
pass at the LR test size. The estimate of a run is an upper bound: ``max_steps`` steps (a run stops
earlier when flattened), its validations, and its test sets. Results are cached in OUT/speed.json
with the machine's load average.
"""

from __future__ import annotations

import os
import time
from typing import Any

import torch
import torch.nn.functional as F

from evidence.matrix import RunSpec, TestSpec

GUIDE_CHANNELS = 7  # depth 1 + normal 3 + basecolor 3
#: GPU estimate assumptions (not measured here: no GPU on this machine): effective throughput of
#: small-convnet training with AMP on an A100/H100-class card, and a per-step floor (launches, data).
GPU_ASSUMED_TFLOPS = 20.0
GPU_STEP_FLOOR_S = 0.004


def _n_aux(run: RunSpec) -> int:
    if not run.gbuffers:
        return 0
    return GUIDE_CHANNELS * (run.scale ** 2 if run.gbuffer_res == "hr" else 1)


def speed_key(run: RunSpec) -> str:
    return f"{run.model}/{run.arch}/x{run.scale}/aux{_n_aux(run)}/{run.n_feats}x{run.n_blocks}"


def _build(run: RunSpec) -> torch.nn.Module:
    from gameir.models import SRConfig, build_model
    from gameir.models.standard import build_standard

    n_aux = _n_aux(run)
    if run.model == "temporal" or run.arch == "compact":
        return build_model(SRConfig(kind=run.model, scale=run.scale, aux_channels=tuple(f"a{i}" for i in range(n_aux)),
                                    n_feats=run.n_feats, n_blocks=run.n_blocks))
    return build_standard(run.arch, scale=run.scale, n_aux=n_aux, n_feats=run.n_feats, n_blocks=run.n_blocks)


def measure(run: RunSpec, batch: int, patch: int, frame_hw: tuple[int, int], steps: int = 2) -> dict[str, float]:
    """Seconds per training step and per full-frame forward pass of ``run``'s network (1 thread)."""
    from gameir.models import TemporalSR, run_sequence

    torch.manual_seed(0)
    model = _build(run)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    c, s = 3 + _n_aux(run), run.scale
    t_frames = run.frames if run.model == "temporal" else 1
    x = torch.rand(batch, t_frames, c, patch, patch) if t_frames > 1 else torch.rand(batch, c, patch, patch)
    hr_shape = (batch, t_frames, 3, s * patch, s * patch) if t_frames > 1 else (batch, 3, s * patch, s * patch)
    hr = torch.rand(hr_shape)
    motion = torch.zeros(batch, t_frames, 2, patch, patch)

    def step() -> None:
        opt.zero_grad()
        pred = run_sequence(model, x, motion) if isinstance(model, TemporalSR) else model(x)
        F.l1_loss(pred, hr).backward()
        opt.step()

    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter:
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    step_s = (time.perf_counter() - t0) / steps
    model.eval()
    frame = torch.rand(1, c, *frame_hw)
    with torch.no_grad():
        model(frame)
        t0 = time.perf_counter()
        model(frame)
        infer_s = time.perf_counter() - t0
    return {"step_s": step_s, "infer_s": infer_s, "step_flops": float(counter.get_total_flops()),
            "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad)}


def measure_all(m: dict[str, Any], runs: list[RunSpec], cache: dict[str, Any]) -> dict[str, Any]:
    """Measure every distinct network of ``runs`` not yet in ``cache`` (keyed by :func:`speed_key`)."""
    torch.set_num_threads(1)
    w, h = (int(v) for v in m["data"]["hr_size"])
    t = m["train"]
    for run in runs:
        key = speed_key(run)
        if key in cache:
            continue
        cache[key] = measure(run, int(t["batch_size"]), int(t["patch"]), (h // run.scale, w // run.scale))
        cache[key]["load_average"] = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return cache


def estimate(m: dict[str, Any], run: RunSpec, speed: dict[str, Any], tests: tuple[TestSpec, ...]) -> dict[str, float]:
    """Upper-bound seconds of one run on this CPU: training + validations + test scoring (+ 0.15 s per
    480x360 frame for the metrics), and ``gpu_train_s``: its training steps on a GPU at the assumed
    :data:`GPU_ASSUMED_TFLOPS` (FLOPs counted by ``torch.utils.flop_counter``), floored per step."""
    sp = speed[speed_key(run)]
    t, d = m["train"], m["data"]
    steps = int(t["max_steps"])
    vals = steps // int(t["val_every"]) + 1
    per_test = int(m["eval"]["test_frames"]) or int(d["frames"])
    test_frames = per_test * sum(int(d["heldout_weather_clips"] if x.heldout else d["test_clips"]) for x in tests)
    metric_s = 0.15 * (int(d["hr_size"][0]) * int(d["hr_size"][1])) / (480 * 360)
    return {"train_s": steps * sp["step_s"], "val_s": vals * int(t["val_frames"]) * (sp["infer_s"] + metric_s),
            "score_s": test_frames * (sp["infer_s"] + metric_s),
            "gpu_train_s": steps * max(GPU_STEP_FLOOR_S, sp["step_flops"] / (GPU_ASSUMED_TFLOPS * 1e12))}
