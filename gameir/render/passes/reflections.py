"""Wet surfaces and rain: screen-space reflections on wet materials, then the rain target, into hdr/ldr.

Runs after the lighting (or the MSAA path's tone map) and before FXAA / SSAA resolve. Frames with
no wet material and no rain skip it, and pixels with neither are left untouched, so dry scenes
render exactly as before.
"""

from __future__ import annotations

import moderngl

from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, Pass, fullscreen
from gameir.render.passes.rain import rain_target

__all__ = ["WetCompositePass"]


class WetCompositePass(Pass):
    """``hdr`` (copied) + wet reflections + rain -> ``hdr`` and ``ldr`` (shaders/ssr.glsl).

    Args:
        max_ray_m: longest reflection ray in metres.
    """

    def __init__(self, max_ray_m: float = 30.0) -> None:
        self.max_ray_m = float(max_ray_m)

    def run(self, frame: FrameState) -> None:
        wet = any(d.material.wetness > 0 for d in frame.draws)
        rain = frame.rain is not None
        if not (wet or rain):
            return
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        w, h = tg.size
        src = tg.scratch("hdr_src_tex", lambda: ctx.texture((w, h), 4, dtype="f2"))
        src_fbo = tg.scratch("hdr_src_fbo", lambda: ctx.framebuffer([src]))
        ctx.copy_framebuffer(src_fbo, tg.hdr)
        prog = core.programs.get("ssr.glsl", (("SSR",) if wet else ()) + (("RAIN",) if rain else ()))
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        tg.lit.use()
        for name, value in {**frame.shade, **frame.cam_u}.items():
            set_uniform(prog, name, value)
        set_uniform(prog, "u_ssr_max_m", self.max_ray_m)
        inputs = [("hdr_src", src), ("depth", tg.tex["depth"]), ("normal", tg.tex["normal"]),
                  ("material", tg.tex["material"])]
        if rain:
            inputs.append(("rain", rain_target(frame)[0]))
        for unit, (name, tex) in enumerate(inputs, start=3):
            tex.use(unit)
            set_uniform(prog, "u_" + name, unit)
        src.filter = (moderngl.LINEAR, moderngl.LINEAR)
        src.repeat_x = src.repeat_y = False
        fullscreen(core, prog)
