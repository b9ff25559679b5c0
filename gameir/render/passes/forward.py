"""The MSAA colour path: forward-shaded multisampled radiance, resolved, then tone-mapped."""

from __future__ import annotations

import moderngl

from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, MaterialSampling, Pass, bind_shadow, draw_batches, fullscreen
from gameir.render.passes.gbuffer import draw_sky

__all__ = ["ForwardMSAAPass", "TonemapPass"]


class ForwardMSAAPass(Pass):
    """Shades every sample of ``Targets.msaa`` (geometry then sky) and resolves it into ``hdr``.

    Args:
        sampling: material texture LOD bias and anisotropy.
    """

    def __init__(self, sampling: MaterialSampling) -> None:
        self.sampling = sampling

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        ctx.front_face = "cw"
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.depth_func = "<"
        tg.msaa.use()
        tg.msaa.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        bind_shadow(frame, None)
        draw_batches(core, frame.draws, "gbuffer.glsl", ("FORWARD",), {**frame.shade, **frame.cam_u, "u_shadow_map": 2},
                     cull=True, sampling=self.sampling)
        draw_sky(frame, ("FORWARD",))
        ctx.copy_framebuffer(tg.hdr, tg.msaa)


class TonemapPass(Pass):
    """``hdr`` -> ``ldr`` (the deferred lighting pass tone-maps in its own pass)."""

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        prog = core.programs.get("tonemap.glsl")
        tg.ldr.use()
        tg.tex["hdr"].use(0)
        set_uniform(prog, "u_hdr", 0)
        fullscreen(core, prog)
