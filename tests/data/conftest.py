"""Fixtures: tiny real shard datasets written into tmp_path.

``analytic_root``: LR is exactly the box average of HR (rgb, basecolor), the texture moves by a
known integer motion per frame (so backward motion vectors are exact), depth and normals are an
analytic tilted plane seen by a rotated pinhole camera (so they agree with K and c2w).
"""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data as skdata

from gameir.frame import Frame
from gameir.shards import ShardWriter
from gameir.shards.manifest import rebuild_manifest
from gameir.shards.synthetic import write_synthetic_dataset

SCALE = 2
LR_SIZE = (40, 56)
MOTION_LR = (3.0, -2.0)  # (dx, dy) backward motion, LR pixels
FOCAL_LR = 45.0
# plane n_cv . P = d in OpenCV camera axes (x right, y down, z forward)
PLANE_N_CV = np.array([0.25, -0.35, 1.0]) / np.linalg.norm([0.25, -0.35, 1.0])
PLANE_D = 4.0


def rotation(axis, angle_deg: float) -> np.ndarray:
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    a = np.radians(angle_deg)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(a) * k + (1 - np.cos(a)) * k @ k


def camera_c2w() -> np.ndarray:
    c2w = np.eye(4)
    c2w[:3, :3] = rotation([0.3, 1.0, 0.2], 35.0)
    c2w[:3, 3] = (1.0, -2.0, 1.5)
    return c2w


def intrinsics(h: int, w: int, s: int) -> np.ndarray:
    return np.array([[FOCAL_LR * s, 0, w / 2], [0, FOCAL_LR * s, h / 2], [0, 0, 1.0]])


def plane_depth(K: np.ndarray, h: int, w: int) -> np.ndarray:
    """z-depth of the plane at every pixel centre."""
    v, u = np.mgrid[0:h, 0:w] + 0.5
    rays = np.stack([u, v, np.ones_like(u)], -1) @ np.linalg.inv(K).T  # z = 1
    return (PLANE_D / (rays @ PLANE_N_CV)).astype(np.float32)


def world_normal(c2w: np.ndarray) -> np.ndarray:
    n_gl = np.diag([1.0, -1.0, -1.0]) @ (-PLANE_N_CV)  # faces the camera, OpenGL axes
    return c2w[:3, :3] @ n_gl


def texture() -> np.ndarray:
    """512 x 1024 x 3 uint8: a photo plus fixed fine grain, so every crop has texture."""
    photo = np.concatenate([skdata.astronaut(), skdata.astronaut()[:, ::-1]], axis=1).astype(np.float64)
    grain = np.random.default_rng(7).normal(0.0, 20.0, photo.shape)
    return np.clip(photo + grain, 0, 255).astype(np.uint8)


def analytic_frames(t: int) -> dict[str, Frame]:
    h, w = LR_SIZE
    s = SCALE
    H, W = h * s, w * s
    tex = texture()
    mx, my = int(MOTION_LR[0] * s), int(MOTION_LR[1] * s)
    y0, x0 = 200 + t * my, 150 + t * mx
    hr_rgb = np.ascontiguousarray(tex[y0:y0 + H, x0:x0 + W])
    lr_rgb = np.rint(hr_rgb.reshape(h, s, w, s, 3).astype(np.float64).mean(axis=(1, 3))).astype(np.uint8)
    c2w = camera_c2w()
    n_world = world_normal(c2w)
    frames = {}
    for level, rgb, k in (("lr", lr_rgb, 1), ("hr", hr_rgb, s)):
        hh, ww = rgb.shape[:2]
        K = intrinsics(hh, ww, k)
        gray = rgb.mean(axis=2)
        semantic = ((gray // 16) % 29).astype(np.uint8)
        buffers = {
            "rgb": rgb,
            "hdr": (rgb.astype(np.float32) / 255.0).astype(np.float16),
            "depth": plane_depth(K, hh, ww),
            "normal": np.broadcast_to(n_world, (hh, ww, 3)).astype(np.float16),
            "basecolor": rgb[..., ::-1].copy(),
            "material": np.stack([semantic * 8, 255 - rgb[..., 0], rgb[..., 1]], -1).astype(np.uint8),
            "semantic": semantic,
            "instance": (gray // 32).astype(np.uint16),
            "motion": np.broadcast_to(np.array(MOTION_LR) * k, (hh, ww, 2)).astype(np.float16),
        }
        frames[level] = Frame(buffers=buffers, K=K, c2w=c2w, time_s=t / 30.0)
    return frames


def write_analytic_dataset(root, *, clips_per_split=None, frames: int = 3):
    clips_per_split = clips_per_split or {"train": 1}
    h, w = LR_SIZE
    n = 0
    for split, count in clips_per_split.items():
        for _ in range(count):
            clip_id = f"analytic-{n:03d}"
            with ShardWriter(root / split / f"{clip_id}.h5", shapes_hw={"lr": (h, w), "hr": (h * SCALE, w * SCALE)},
                             buffers=list(analytic_frames(0)["lr"].buffers), clip_id=clip_id, split=split,
                             scene={"family": "analytic", "weather": "clear", "seed": n}, tile=16) as writer:
                for t in range(frames):
                    writer.write_frame(analytic_frames(t))
            n += 1
    return rebuild_manifest(root)


@pytest.fixture(scope="session")
def analytic_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("analytic")
    write_analytic_dataset(root, clips_per_split={"train": 2, "val": 1}, frames=3)
    return root


@pytest.fixture(scope="session")
def synthetic_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic_dataset(root, frames=4)
    return root


@pytest.fixture(scope="session")
def analytic():
    """The constants and helpers the analytic dataset was built from."""
    import types

    return types.SimpleNamespace(SCALE=SCALE, LR_SIZE=LR_SIZE, MOTION_LR=MOTION_LR,
                                 world_normal=world_normal, camera_c2w=camera_c2w)
