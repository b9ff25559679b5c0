"""Fixture: a small real shard dataset with random colour and G-buffers and a rotated camera."""

from __future__ import annotations

import numpy as np
import pytest

from gameir.frame import Frame
from gameir.shards import ShardWriter
from gameir.shards.manifest import rebuild_manifest

SCALE = 2
LR_SIZE = (24, 32)
BUFFERS = ("rgb", "depth", "normal", "basecolor", "motion")


def c2w_rotated() -> np.ndarray:
    a, b = np.radians(30.0), np.radians(-20.0)
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    c2w = np.eye(4)
    c2w[:3, :3] = rz @ rx
    c2w[:3, 3] = (2.0, -1.0, 1.5)
    return c2w


def random_frame(h: int, w: int, rng: np.random.Generator, t: int) -> Frame:
    smooth = np.kron(rng.random((h // 4 + 1, w // 4 + 1, 3)), np.ones((4, 4, 1)))[:h, :w]
    rgb = np.clip(255 * (0.6 * smooth + 0.4 * rng.random((h, w, 3))), 0, 255).astype(np.uint8)
    depth = rng.uniform(0.5, 50.0, (h, w)).astype(np.float32)
    depth[: h // 6] = np.inf  # sky rows
    normal = rng.normal(size=(h, w, 3))
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    normal[: h // 6] = 0
    basecolor = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    motion = np.zeros((h, w, 2), np.float16)
    motion[...] = (1.0, -0.5)
    K = np.array([[0.8 * w, 0, w / 2], [0, 0.8 * w, h / 2], [0, 0, 1]])
    return Frame(buffers={"rgb": rgb, "depth": depth, "normal": normal.astype(np.float16), "basecolor": basecolor,
                          "motion": motion},
                 K=K, c2w=c2w_rotated(), jitter_px=np.zeros(2), time_s=t / 30.0, settings={"source": "test"})


def write_random_dataset(root, frames: int = 3) -> None:
    h, w = LR_SIZE
    for seed, split in enumerate(("train", "val", "test")):
        rng = np.random.default_rng(seed)
        clip_id = f"random-{seed:04d}"
        with ShardWriter(root / split / f"{clip_id}.h5", shapes_hw={"lr": (h, w), "hr": (h * SCALE, w * SCALE)},
                         buffers=BUFFERS, clip_id=clip_id, split=split, scene={"family": "random", "seed": seed},
                         render={"source": "test", "scale": SCALE}) as writer:
            for t in range(frames):
                writer.write_frame({"lr": random_frame(h, w, rng, t), "hr": random_frame(h * SCALE, w * SCALE, rng, t)})
    rebuild_manifest(root, extra={"preset": "random-test"})


@pytest.fixture(scope="module")
def random_root(tmp_path_factory):
    """Dataset root with train/val/test, one 3-frame clip each, LR 24x32 / HR 48x64, rgb+depth+normal+basecolor+motion."""
    root = tmp_path_factory.mktemp("random") / "data"
    write_random_dataset(root)
    return root
