"""The MSAA colour path: forward-shaded multisampled radiance, resolved into ``hdr`` (tone-mapped by
:class:`gameir.render.passes.film.TonemapPass`)."""

from __future__ import annotations

import moderngl

from gameir.render.passes.base import FrameState, MaterialSampling, Pass, bind_shadow, draw_batches
from gameir.render.passes.gbuffer import draw_sky

__all__ = ["ForwardMSAAPass"]


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
