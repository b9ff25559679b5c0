"""Rain streaks: camera-facing quads of the scene's falling drops into a rain target (radiance, coverage).

The streaks are drawn into no G-buffer; :class:`gameir.render.passes.reflections.WetCompositePass`
blends the rain target into ``hdr`` and ``ldr`` (docs/RENDERER.md).
"""

from __future__ import annotations

import moderngl
import numpy as np

from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, Pass
from gameir.scene.rain import rain_streaks

__all__ = ["RainPass", "rain_color", "rain_target"]


def rain_color(shade: dict) -> tuple[float, float, float]:
    """Exposed linear radiance of a streak: drops scatter the sky's ambient light and the fog's colour."""
    c = (1.5 * np.asarray(shade["u_ambient_sky"]) + 0.5 * np.asarray(shade["u_fog_color"])) * shade["u_exposure"]
    return tuple(float(x) for x in c)


def rain_target(frame: FrameState) -> tuple:
    """(texture, framebuffer) of the render-size rain target (RGBA16F: premultiplied radiance, coverage)."""
    ctx, tg = frame.core.ctx, frame.targets
    tex = tg.scratch("rain_tex", lambda: ctx.texture(tg.size, 4, dtype="f2"))
    return tex, tg.scratch("rain_fbo", lambda: ctx.framebuffer([tex]))


class RainPass(Pass):
    """Clears the rain target and draws the streaks of ``frame.rain`` at ``frame.time_s`` (no-op without rain)."""

    def run(self, frame: FrameState) -> None:
        rain = frame.rain
        if rain is None:
            return
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        _, fbo = rain_target(frame)
        segs = rain_streaks(rain, frame.time_s, frame.cam.c2w[:3, 3])
        buf = tg.scratch(f"rain_buf{len(segs)}", lambda: ctx.buffer(reserve=segs.nbytes))
        prog = core.programs.get("rain.glsl")
        vao = tg.scratch(f"rain_vao{len(segs)}",
                         lambda: ctx.vertex_array(prog, [(buf, "3f 3f/i", "in_head", "in_tail")]))
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.CULL_FACE)
        ctx.enable(moderngl.BLEND)
        ctx.blend_func = moderngl.ONE, moderngl.ONE
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0, 0.0)
        for name in ("u_view_proj", "u_proj", "u_size"):
            set_uniform(prog, name, frame.cam_u[name])
        set_uniform(prog, "u_width_m", rain.width_m)
        set_uniform(prog, "u_opacity", rain.opacity)
        set_uniform(prog, "u_fade_m", rain.box_m / 2)
        set_uniform(prog, "u_rain_color", rain_color(frame.shade))
        tg.tex["depth"].use(0)
        set_uniform(prog, "u_depth", 0)
        buf.write(segs.tobytes())
        vao.render(moderngl.TRIANGLE_STRIP, vertices=4, instances=len(segs))
        ctx.disable(moderngl.BLEND)
