"""Tone mapping in its own pass, with the film steps that follow it (vignette, grain): shaders/tonemap.glsl."""

from __future__ import annotations

import struct
import zlib

import moderngl

from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, Pass, fullscreen

__all__ = ["TonemapPass", "grain_key"]


def grain_key(seed: int, time_s: float, scene: str = "") -> int:
    """32-bit key of one frame's grain pattern: CRC-32 of the seed, the frame time (float64) and the
    scene's name (so clips of other scenes get other grain at the same instant)."""
    return zlib.crc32(struct.pack("<Id", int(seed), float(time_s)) + scene.encode("utf-8"))


class TonemapPass(Pass):
    """``frame.hdr_source`` (``hdr`` unless a post step wrote another), plus the bloom when
    ``frame.bloom`` names one -> ``ldr``: ACES + sRGB, then the optional vignette and grain.

    Args:
        vignette: k of the falloff 1 / (1 + k r^2)^2, or None for no vignette.
        grain: (amplitude, seed) of the film grain, or None for none.
    """

    def __init__(self, vignette: float | None = None, grain: tuple[float, int] | None = None) -> None:
        self.vignette, self.grain = vignette, grain

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        variants = (("BLOOM",) if frame.bloom else ()) + (("VIGNETTE",) if self.vignette is not None else ()) + \
                   (("GRAIN",) if self.grain else ())
        prog = core.programs.get("tonemap.glsl", variants)
        tg.ldr.use()
        if self.vignette is not None:
            set_uniform(prog, "u_vignette", float(self.vignette))
        if self.grain:
            set_uniform(prog, "u_grain", float(self.grain[0]))
            set_uniform(prog, "u_grain_key", grain_key(self.grain[1], frame.time_s, frame.scene_name))
        tg.tex[frame.hdr_source].use(0)
        set_uniform(prog, "u_hdr", 0)
        if frame.bloom:
            tg.tex[frame.bloom[0]].use(1)
            set_uniform(prog, "u_bloom", 1)
            set_uniform(prog, "u_bloom_intensity", frame.bloom[1])
        fullscreen(core, prog)
