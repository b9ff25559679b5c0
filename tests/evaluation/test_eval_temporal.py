"""Temporal warping error and its mask on analytic frames."""

from __future__ import annotations

import numpy as np
import torch

from gameir.evaluation.temporal import temporal_errors, temporal_mask


def test_shifted_frames_have_zero_gt_error_and_flicker_is_measured():
    rng = np.random.default_rng(0)
    h, w = 16, 20
    prev = rng.random((h, w + 3, 3)).astype(np.float32)
    cur = prev[:, 3:][:, :w]            # the scene moved 3 px left: pixel x was at x + 3 in t-1
    prev = prev[:, :w]
    motion = np.zeros((h, w, 2), np.float32)
    motion[..., 0] = 3.0
    mask = temporal_mask(motion)
    assert mask[:, :w - 3].all() and not mask[:, w - 3:].any()   # landing outside frame t-1
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a)).permute(2, 0, 1)[None]
    flicker = np.clip(cur + 0.1, 0, 1)
    res = temporal_errors(t(flicker), t(prev), t(cur), t(prev), motion, mask)
    assert res["warp_mse_gt"] < 1e-12
    ref = ((flicker - cur)[:, :w - 3] ** 2).mean()
    assert abs(res["warp_mse"] - ref) < 1e-6
    assert res["warp_pixels"] == (w - 3) / w


def test_mask_drops_instance_changes_and_occluded_static_surfaces():
    h, w = 8, 10
    K = np.array([[10.0, 0, w / 2], [0, 10.0, h / 2], [0, 0, 1]])
    c2w = np.eye(4)
    motion = np.zeros((h, w, 2), np.float32)        # static camera, static scene
    depth = np.full((h, w), 4.0, np.float32)
    depth_prev = depth.copy()
    depth_prev[2, 3] = 2.0                          # something nearer covered this pixel in t-1
    inst = np.zeros((h, w), np.uint16)
    inst_prev = inst.copy()
    inst_prev[5, 5] = 7                             # a car was here in t-1
    depth[0, 0] = depth_prev[0, 0] = np.inf         # sky stays sky: kept
    depth_prev[1, 1] = np.inf                       # surface was sky in t-1: dropped
    mask = temporal_mask(motion, depth=depth, depth_prev=depth_prev, K=K, c2w=c2w, K_prev=K, c2w_prev=c2w,
                         instance=inst, instance_prev=inst_prev)
    assert not mask[2, 3] and not mask[5, 5] and not mask[1, 1] and mask[0, 0]
    assert mask.sum() == h * w - 3
