"""Per-object motion blur from the motion buffer: tile max, neighbour max, reconstruction (shaders/motion_blur.glsl)."""

from __future__ import annotations

import moderngl

from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, Pass, fullscreen

__all__ = ["MotionBlurPass"]


class MotionBlurPass(Pass):
    """``frame.hdr_source`` -> ``post_a`` or ``post_b``, blurred along each object's motion over the
    exposure; then the frame's ``hdr_source`` names the target written. The jitter change between
    the frames (part of the stored motion) is taken out, so a static scene under TAA jitter stays
    sharp.

    Args:
        shutter: exposure as a fraction of the frame interval (0, 1].
    """

    def __init__(self, shutter: float) -> None:
        self.shutter = float(shutter)

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx, programs = core.ctx, core.programs
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        src = frame.hdr_source
        out = "post_b" if src == "post_a" else "post_a"
        jitter_delta = tuple(float(p - c) for p, c in zip(frame.prev.jitter_px, frame.cam.jitter_px))
        for variant, target, inputs in (("TILE_MAX", "mb_tiles", ("motion",)),
                                        ("NEIGHBOR_MAX", "mb_neighbors", ("tiles",)),
                                        ("GATHER", out, ("motion", "src", "depth", "neighbors"))):
            prog = programs.get("motion_blur.glsl", (variant,))
            tg.post[target].use()
            set_uniform(prog, "u_jitter_delta", jitter_delta)
            set_uniform(prog, "u_shutter", self.shutter)
            textures = {"motion": "motion", "tiles": "mb_tiles", "src": src, "depth": "depth",
                        "neighbors": "mb_neighbors"}
            for unit, name in enumerate(inputs):
                tg.tex[textures[name]].use(unit)
                set_uniform(prog, "u_" + name, unit)
            fullscreen(core, prog)
        frame.hdr_source = out
