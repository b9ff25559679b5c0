"""Geometry: an optional depth pre-pass, the G-buffer MRT, then the sky's motion, tag and depth."""

from __future__ import annotations

from typing import Any

import moderngl

from gameir.render.constants import GL_FRAMEBUFFER_SRGB
from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, MaterialSampling, Pass, draw_batches, fullscreen

__all__ = ["GBufferPass", "draw_sky"]


def draw_sky(frame: FrameState, variants: tuple[str, ...]) -> None:
    """Sky on the far plane of the bound framebuffer wherever no geometry was drawn (depth test
    LEQUAL): motion, tag and depth into ``Targets.sky``, or radiance with FORWARD."""
    core = frame.core
    ctx = core.ctx
    prog = core.programs.get("sky.glsl", variants)
    for name, value in {**frame.shade, **frame.cam_u}.items():
        set_uniform(prog, name, value)
    ctx.disable(moderngl.CULL_FACE)
    ctx.depth_func = "<="
    fullscreen(core, prog)
    ctx.depth_func = "<"


class GBufferPass(Pass):
    """Writes every G-buffer attachment of ``Targets.gbuffer`` (location order of
    :data:`gameir.render.contract.GBUFFER`), and the sky's values where no geometry was drawn.

    Args:
        sampling: material texture LOD bias and anisotropy.
        depth_prepass: draw opaque depth first so the G-buffer shader runs once per pixel.
    """

    def __init__(self, sampling: MaterialSampling, depth_prepass: bool = True) -> None:
        self.sampling, self.depth_prepass = sampling, bool(depth_prepass)

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        ctx.front_face = "cw"  # the y flip mirrors winding
        ctx.cull_face = "back"
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.depth_func = "<"
        ctx.disable(moderngl.BLEND)
        # G-buffer attachments clear to 0 (a clear-only pass: measured faster on llvmpipe than a clear
        # at the start of the G-buffer pass); the sky then writes motion, tag and +inf depth where no
        # geometry was drawn.
        tg.gbuffer.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        if self.depth_prepass:  # shade each G-buffer pixel once: llvmpipe pays per shaded fragment
            tg.depth_only.use()
            # Cut-outs join the pre-pass: both passes test alpha with the same expression (one biased
            # trilinear lookup), so they keep the same fragments, and the G-buffer shader then runs
            # once per visible foliage pixel instead of once per overlapping card.
            draw_batches(core, frame.draws, "shadow.glsl", (), {"u_light_view_proj": frame.cam_u["u_view_proj"]},
                         cull=True, sampling=self.sampling)
            ctx.depth_func = "<="
        tg.gbuffer.use()
        ctx.enable_direct(GL_FRAMEBUFFER_SRGB)  # encode writes to the sRGB basecolor attachment
        uniforms: dict[str, Any] = dict(frame.cam_u, u_exposure=frame.shade["u_exposure"])
        draw_batches(core, frame.draws, "gbuffer.glsl", (), uniforms, cull=True, sampling=self.sampling)
        ctx.depth_func = "<"
        ctx.disable_direct(GL_FRAMEBUFFER_SRGB)
        tg.sky.use()
        draw_sky(frame, ())
