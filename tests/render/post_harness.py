"""Run one post pass of a real renderer on chosen input textures (real GL context, real values)."""

from __future__ import annotations

import numpy as np

from gameir.render import Renderer
from gameir.render.passes import FrameState, Pass
from gameir.scene import Camera, look_at


def run_post_pass(renderer: Renderer, post_pass: Pass, hdr: np.ndarray, *, motion: np.ndarray | None = None,
                  depth: np.ndarray | None = None, time_s: float = 0.0, jitter=(0.0, 0.0),
                  prev_jitter=(0.0, 0.0)) -> tuple[np.ndarray, str]:
    """Write ``hdr`` (H, W, 3) [and ``motion`` (H, W, 2), ``depth`` (H, W)] into the renderer's
    targets, run ``post_pass`` once, and return (what it wrote as float32 or uint8 (H, W, C), its name):
    the bloom texture after a bloom pass, the post HDR colour after motion blur, ``ldr`` after a tone map.

    Row 0 of every array is texture row 0 (the image's top row, as the renderer stores it).
    """
    core, tg = renderer._core, renderer._targets
    h, w = hdr.shape[:2]
    cam = Camera(w, h, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=60.0, jitter_px=jitter)
    prev = Camera(w, h, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=60.0, jitter_px=prev_jitter)
    with core.ctx:
        rgba = np.concatenate([hdr, np.ones((h, w, 1))], -1).astype(np.float16)
        tg.tex["hdr"].write(rgba.tobytes())
        if motion is not None:
            tg.tex["motion"].write(np.asarray(motion, np.float16).tobytes())
        if depth is not None:
            tg.tex["depth"].write(np.asarray(depth, np.float32).tobytes())
        frame = FrameState(core=core, targets=tg, resolved=None, draws=[], cam=cam, prev=prev, sun=None,
                           bounds=(np.zeros(3), np.ones(3)), shade={}, cam_u={}, time_s=time_s)
        post_pass.run(frame)
        core.ctx.finish()
    name = frame.bloom[0] if frame.bloom else frame.hdr_source if frame.hdr_source != "hdr" else "ldr"
    return read_texture(renderer, name), name


def read_texture(renderer: Renderer, name: str) -> np.ndarray:
    """(H, W, C) contents of the renderer's target texture ``name``: float32 (from float16) or uint8."""
    core, tex = renderer._core, renderer._targets.tex[name]
    with core.ctx:
        dtype = np.uint8 if tex.dtype == "f1" else np.float16
        out = np.frombuffer(tex.read(), dtype).reshape(tex.height, tex.width, tex.components)
    return out.astype(np.float32) if dtype == np.float16 else out.copy()
