"""Synthetic frames with every buffer, for a renderer-free smoke test of the storage path.

The content is analytic (a tilted ground plane seen by a pinhole camera, a texture of photos-like
noise) so values are plausible for codecs and validators, but nothing is rendered: real data comes
from :mod:`gameir.render`.
"""

from __future__ import annotations

import numpy as np

from gameir.buffers import BUFFER_NAMES, get_spec
from gameir.frame import Frame

__all__ = ["synthetic_frame"]


def synthetic_frame(height: int, width: int, *, seed: int = 0, frame: int = 0, buffers=BUFFER_NAMES) -> Frame:
    """A deterministic frame of every buffer at ``height`` x ``width`` pixels.

    Depth is that of a ground plane 1.6 m below a camera pitched down 10 degrees (+inf above the
    horizon); motion is a uniform ``frame``-independent pan of (-1.5, 0.25) pixels.
    """
    rng = np.random.default_rng(seed * 100003 + frame)
    fy = 0.5 * height / np.tan(np.radians(30.0))
    K = np.array([[fy, 0, width / 2], [0, fy, height / 2], [0, 0, 1]], dtype=np.float64)
    v = (np.arange(height) + 0.5 - height / 2) / fy  # ray slope below the axis, per row
    pitch = np.radians(10.0)
    down = np.sin(pitch) + v * np.cos(pitch)  # vertical component (downward) of the ray, per unit z
    with np.errstate(divide="ignore"):
        depth_row = np.where(down > 1e-3, 1.6 / np.maximum(down, 1e-3) * 1.0, np.inf)
    depth = np.repeat(depth_row[:, None], width, axis=1).astype(np.float32)
    sky = ~np.isfinite(depth)
    yy, xx = np.mgrid[0:height, 0:width]
    pattern = (np.sin(xx * 0.31 + frame) * np.cos(yy * 0.17) * 60 + 128)[..., None]
    noise = rng.normal(0, 12, (height, width, 3))
    rgb = np.clip(pattern + noise + np.array([10, 0, -10]), 0, 255).astype(np.uint8)
    rgb[sky] = (135, 180, 230)
    normal = np.zeros((height, width, 3), np.float16)
    normal[~sky] = (0, 0, 1)
    semantic = np.where(sky, 11, np.where(xx < width // 2, 1, 2)).astype(np.uint8)
    instance = np.where(sky, 0, 1 + (xx * 4 // width)).astype(np.uint16)
    motion = np.zeros((height, width, 2), np.float16)
    motion[~sky] = (-1.5, 0.25)
    values = {
        "rgb": rgb,
        "hdr": (rgb.astype(np.float32) / 255.0) ** 2.2,
        "depth": depth,
        "normal": normal,
        "basecolor": np.clip(pattern + 20, 0, 255).astype(np.uint8).repeat(3, axis=2),
        "material": np.stack([np.zeros_like(semantic), np.full_like(semantic, 128), np.full_like(semantic, 200)], -1),
        "semantic": semantic,
        "instance": instance,
        "motion": motion,
    }
    out = {name: values[name].astype(get_spec(name).dtype) for name in buffers}
    return Frame(buffers=out, K=K, c2w=np.eye(4), jitter_px=np.zeros(2), time_s=frame / 30.0,
                 settings={"source": "synthetic"})


def write_synthetic_dataset(root, *, splits=("train", "val", "test"), frames: int = 3,
                            lr_shape_hw: tuple[int, int] = (48, 64), scale: int = 2) -> "dict":
    """Write one synthetic clip per split (every buffer at LR and HR) under ``root`` and its manifest.

    Args:
        root: dataset root to create.
        splits: split names, one clip each.
        frames: frames per clip.
        lr_shape_hw: LR (height, width) in pixels; HR is ``scale`` times larger.
        scale: integer HR/LR scale.

    Returns:
        The manifest dict that was written.
    """
    from pathlib import Path

    from gameir.shards.manifest import rebuild_manifest
    from gameir.shards.writer import ShardWriter

    root = Path(root)
    h, w = lr_shape_hw
    for seed, split in enumerate(splits):
        clip_id = f"synthetic-{seed:04d}"
        with ShardWriter(root / split / f"{clip_id}.h5", shapes_hw={"lr": (h, w), "hr": (h * scale, w * scale)},
                         buffers=BUFFER_NAMES, clip_id=clip_id, split=split,
                         scene={"family": "synthetic", "seed": seed}, render={"source": "synthetic", "scale": scale}) as writer:
            for i in range(frames):
                writer.write_frame({"lr": synthetic_frame(h, w, seed=seed, frame=i),
                                    "hr": synthetic_frame(h * scale, w * scale, seed=seed, frame=i)})
    return rebuild_manifest(root, extra={"preset": "synthetic"})


__all__.append("write_synthetic_dataset")
