"""After shading: FXAA on the tone-mapped image, and the SSAA resolve to the output size."""

from __future__ import annotations

import moderngl

from gameir.render.constants import GL_FRAMEBUFFER_SRGB
from gameir.render.contract import RESOLVE_GEOMETRY_OUTPUTS
from gameir.render.core import set_uniform
from gameir.render.downsample import CODE_STEPS, SRGB_TO_LINEAR
from gameir.render.passes.base import FrameState, Pass, fullscreen

__all__ = ["FXAAPass", "ResolvePass"]


class FXAAPass(Pass):
    """``ldr`` -> ``final`` by FXAA (linear filtering of ``ldr``, luma in its alpha)."""

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        fx = core.programs.get("fxaa.glsl")
        tg.final.use()
        tg.tex["ldr"].filter = (moderngl.LINEAR, moderngl.LINEAR)
        tg.tex["ldr"].use(0)
        set_uniform(fx, "u_ldr", 0)
        set_uniform(fx, "u_size", (float(tg.size[0]), float(tg.size[1])))
        fullscreen(core, fx)


class ResolvePass(Pass):
    """SSAA: reduce every s x s block of the supersampled targets to one output pixel on the GL side
    (rules of :mod:`gameir.render.downsample`), so only output-size buffers are read back.

    Args:
        ssaa: the supersampling factor s (>= 2).
    """

    def __init__(self, ssaa: int) -> None:
        self.ssaa = int(ssaa)

    def run(self, frame: FrameState) -> None:
        core, tg, out = frame.core, frame.targets, frame.resolved
        ctx = core.ctx
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        ctx.disable_direct(GL_FRAMEBUFFER_SRGB)  # basecolor codes are written raw
        linear = ("hdr", "basecolor") if self.ssaa == 2 else ()  # read by bilinear lookups (SSAA2)
        filters = {name: tg.tex[name].filter for name in linear}
        for name in linear:
            tg.tex[name].filter = (moderngl.LINEAR, moderngl.LINEAR)
        for program, fbo, inputs in (("resolve_color.glsl", out.color, ("ldr", "hdr", "basecolor", "material")),
                                     ("resolve_geometry.glsl", out.geometry, RESOLVE_GEOMETRY_OUTPUTS)):
            prog = core.programs.get(program, ("SSAA2",) if self.ssaa == 2 else ())
            fbo.use()
            for unit, name in enumerate(inputs):
                tg.tex[name].use(unit)
                set_uniform(prog, "u_" + name, unit)
            set_uniform(prog, "u_ssaa", self.ssaa)
            set_uniform(prog, "u_srgb_to_linear", SRGB_TO_LINEAR)
            set_uniform(prog, "u_code_steps", CODE_STEPS)
            fullscreen(core, prog)
        for name, filt in filters.items():  # back to nearest for the lighting pass's texel-centre reads
            tg.tex[name].filter = filt
