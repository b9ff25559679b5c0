"""Screen-space shading: optional SSAO, then deferred lighting + sky + fog + tone map in one pass."""

from __future__ import annotations

import functools

import moderngl
import numpy as np

from gameir.render.constants import SSAO_SAMPLES
from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, Pass, bind_shadow, fullscreen

__all__ = ["SSAOPass", "LightingPass", "ssao_kernel"]


@functools.lru_cache(maxsize=1)
def ssao_kernel() -> np.ndarray:
    """(SSAO_SAMPLES, 3) fixed hemisphere samples (z up), denser near the centre, lengths in (0, 1]."""
    rng = np.random.default_rng(20261129)
    v = rng.uniform([-1.0, -1.0, 0.15], [1.0, 1.0, 1.0], size=(SSAO_SAMPLES, 3))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    scale = 0.1 + 0.9 * (np.arange(1, SSAO_SAMPLES + 1) / SSAO_SAMPLES) ** 2
    return (v * scale[:, None] * rng.uniform(0.5, 1.0, SSAO_SAMPLES)[:, None]).astype(np.float32)


class SSAOPass(Pass):
    """Ambient visibility from depth and normals (raw, then a 4 x 4 box blur) into ``ao``.

    Args:
        radius_m: occlusion radius in metres (> 0).
    """

    def __init__(self, radius_m: float) -> None:
        self.radius_m = float(radius_m)

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        prog = core.programs.get("ssao.glsl")
        tg.ssao_raw.use()
        for name in ("u_proj", "u_inv_proj", "u_cam_rot", "u_size"):
            set_uniform(prog, name, frame.cam_u[name])
        set_uniform(prog, "u_ssao_radius", self.radius_m)
        set_uniform(prog, "u_ssao_kernel", ssao_kernel().reshape(-1))  # vec3 array: flat, in order
        for unit, name in ((0, "depth"), (1, "normal")):
            tg.tex[name].use(unit)
            set_uniform(prog, "u_" + name, unit)
        fullscreen(core, prog)
        blur = core.programs.get("ssao.glsl", ("BLUR",))
        tg.ssao.use()
        tg.tex["ao_raw"].use(0)
        set_uniform(blur, "u_ao_raw", 0)
        fullscreen(core, blur)


class LightingPass(Pass):
    """G-buffers -> exposed linear radiance (``hdr``) and tone-mapped sRGB (``ldr``).

    Args:
        ssao: scale the ambient terms by the ``ao`` target of :class:`SSAOPass`.
        tonemap: also write the tone-mapped ``ldr`` (False when a later pass tone-maps: variant HDR_ONLY).
    """

    def __init__(self, ssao: bool = False, tonemap: bool = True) -> None:
        self.ssao, self.tonemap = bool(ssao), bool(tonemap)

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        variants = (("SSAO",) if self.ssao else ()) + (() if self.tonemap else ("HDR_ONLY",))
        prog = core.programs.get("lighting.glsl", variants)
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        tg.lit.use()
        for name, value in {**frame.shade, **frame.cam_u}.items():
            set_uniform(prog, name, value)
        inputs = ("basecolor", "normal", "material", "depth", "scene_color") + (("ao",) if self.ssao else ())
        for unit, name in enumerate(inputs, start=3):
            tg.tex[name].use(unit)
            set_uniform(prog, "u_" + name, unit)
        bind_shadow(frame, prog)
        fullscreen(core, prog)
