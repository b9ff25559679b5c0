"""Fixtures: an analytic multi-view shard (a textured ground plane) and a small SR dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gameir.frame import Frame
from gameir.scene.camera import intrinsics_from_fov, look_at
from gameir.shards.synthetic import write_synthetic_dataset
from gameir.shards.writer import ShardWriter

EYES = [np.array([-4.0, -6.0, 3.0]), np.array([0.0, -7.0, 3.2]), np.array([4.5, -6.0, 2.8])]
TARGET = np.array([0.0, 2.0, 0.0])  # looking 'forward' and down: the top rows see sky


def plane_view(eye: np.ndarray, target: np.ndarray, h: int, w: int) -> Frame:
    """A camera at ``eye`` looking at ``target`` over the ground plane z = 0 (checkerboard, 1 m squares)."""
    K = intrinsics_from_fov(w, h, 60.0)
    c2w = look_at(eye, target)
    jj, ii = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    d_cam = np.stack([(jj - K[0, 2]) / K[0, 0], -(ii - K[1, 2]) / K[1, 1], -np.ones_like(jj)], -1)
    d_world = d_cam @ c2w[:3, :3].T
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -c2w[2, 3] / d_world[..., 2]  # z-depth, since d_cam has z = -1
    hit = np.isfinite(t) & (t > 0) & (t < 60.0)
    depth = np.where(hit, t, np.inf).astype(np.float32)
    p = c2w[:3, 3] + d_world * np.where(hit, t, 0)[..., None]
    checker = (np.floor(p[..., 0]) + np.floor(p[..., 1])) % 2
    rgb = np.where(checker[..., None] > 0, [200, 180, 60], [40, 60, 90]).astype(np.uint8)
    rgb[~hit] = (135, 180, 230)
    return Frame(buffers={"rgb": rgb, "depth": depth}, K=K, c2w=c2w, time_s=0.0)


def write_plane_rig(path: Path, scene: dict, frames: int = 2, jitter_px: float = 0.0) -> Path:
    """An ``nvs`` shard: ``frames`` x 3 views of the plane, LR 24x32 and HR 48x64; each frame moves the rig 0.5 m.

    ``jitter_px`` moves the principal point of frame 1 (as a jittered render would).
    """
    with ShardWriter(path, shapes_hw={"lr": (24, 32), "hr": (48, 64)}, buffers=("rgb", "depth"), kind="nvs",
                     num_views=len(EYES), clip_id=path.stem, split="test", scene=scene) as writer:
        for f in range(frames):
            shift = np.array([0.5 * f, 0.0, 0.0])
            views = {level: [plane_view(e + shift, TARGET + shift, h, w) for e in EYES]
                     for level, (h, w) in (("lr", (24, 32)), ("hr", (48, 64)))}
            if f == 1 and jitter_px:
                for level_views in views.values():
                    for view in level_views:
                        view.K[0, 2] += jitter_px
            writer.write_frame(views)
    return path


@pytest.fixture(scope="session")
def nvs_shard(tmp_path_factory) -> Path:
    """An ``nvs`` shard: 2 frames x 3 views of the plane, LR 24x32 and HR 48x64; frame 1 moves the rig 0.5 m."""
    return write_plane_rig(tmp_path_factory.mktemp("nvs") / "rig-000.h5", {"family": "plane"})


@pytest.fixture(scope="session")
def dynamic_nvs_shard(tmp_path_factory) -> Path:
    """As :func:`nvs_shard`, 3 frames, but the scene says its actors move (``dynamic: true``)."""
    return write_plane_rig(tmp_path_factory.mktemp("nvs-dyn") / "rig-dyn.h5", {"family": "plane", "dynamic": True},
                           frames=3)


@pytest.fixture(scope="session")
def sr_dataset(tmp_path_factory) -> Path:
    """Two synthetic SR clips (train, val) with every buffer, LR 24x32, HR 48x64, 2 frames each."""
    root = tmp_path_factory.mktemp("sr")
    write_synthetic_dataset(root, splits=("train", "val"), frames=2, lr_shape_hw=(24, 32))
    return root
