"""Sun shadow map: depth from the sun over a box fitted to the view (reused when nothing changed)."""

from __future__ import annotations

import moderngl
import numpy as np

from gameir.render.passes.base import FrameState, MaterialSampling, Pass, draw_batches
from gameir.render.shadows import fit_sun_shadow

__all__ = ["ShadowPass"]

_TEXTURE_BIAS = np.array([[0.5, 0, 0, 0.5], [0, 0.5, 0, 0.5], [0, 0, 0.5, 0.5], [0, 0, 0, 1.0]])


class ShadowPass(Pass):
    """Renders the sun's shadow map and adds ``u_sun_shadow``, ``u_shadow_mat`` and the normal offset
    to the frame's shading uniforms; does nothing without a shadow-casting sun or with size 0.

    Args:
        size: shadow map resolution in texels.
    """

    def __init__(self, size: int) -> None:
        self.size = int(size)

    def run(self, frame: FrameState) -> None:
        sun, cam = frame.sun, frame.cam
        if sun is None or not sun.casts_shadows or self.size <= 0:
            return
        # Fitted with the unjittered K: LR and HR of a pair (K scaled by a power of two) then get
        # bit-identical fits, and the second one reuses the shadow map.
        lo, hi = frame.bounds
        vp, texel = fit_sun_shadow(np.asarray(sun.direction), cam.K, cam.c2w, cam.width, cam.height,
                                   cam.near, cam.far, lo, hi, self.size)
        self._render(frame, vp)
        frame.shade.update(u_sun_shadow=1, u_shadow_mat=_TEXTURE_BIAS @ vp, u_shadow_normal_offset=1.5 * texel)

    def _render(self, frame: FrameState, light_vp: np.ndarray) -> None:
        core = frame.core
        ctx, gpu = core.ctx, core.gpu
        tex, fbo = core.shadow_map(self.size)
        frame.shadow_tex = tex
        key = (self.size, light_vp.tobytes(),
               tuple((gpu.batch(d.mesh, d.material, d.count).serial, d.records[:, :16].tobytes()) for d in frame.draws))
        if core.shadow_key == key:  # same casters, same fit (e.g. the HR frame of a pair)
            return
        core.shadow_key = key
        ctx.front_face = "ccw"
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.depth_func = "<"
        ctx.polygon_offset = (2.0, 4.0)
        fbo.use()
        fbo.clear(depth=1.0)
        draw_batches(core, frame.draws, "shadow.glsl", (), {"u_light_view_proj": light_vp}, cull=False,
                     sampling=MaterialSampling())
        ctx.polygon_offset = (0.0, 0.0)
