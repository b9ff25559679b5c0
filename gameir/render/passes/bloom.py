"""Bloom: thresholded HDR excess, spread by a multi-scale Gaussian chain and added back (shaders/bloom.glsl)."""

from __future__ import annotations

import functools

import moderngl
import numpy as np

from gameir.render.constants import BLOOM_LEVELS, BLOOM_RADIUS, BLOOM_SIGMA
from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, Pass, fullscreen

__all__ = ["BloomPass", "bloom_levels", "bloom_weights"]


def bloom_levels(width: int, height: int) -> int:
    """Levels of the bloom chain at this render size: :data:`BLOOM_LEVELS`, fewer where the
    smallest side would fall below one texel."""
    return max(1, min(BLOOM_LEVELS, int(np.floor(np.log2(max(1, min(width, height)))))))


@functools.lru_cache(maxsize=1)
def bloom_weights() -> np.ndarray:
    """(BLOOM_RADIUS + 1,) float32 one-sided Gaussian weights (centre first); the two-sided kernel sums to 1."""
    k = np.arange(BLOOM_RADIUS + 1, dtype=np.float64)
    w = np.exp(-0.5 * (k / BLOOM_SIGMA) ** 2)
    return (w / (w[0] + 2.0 * w[1:].sum())).astype(np.float32)


@functools.lru_cache(maxsize=1)
def bloom_pairs() -> tuple[np.ndarray, np.ndarray]:
    """Weights and offsets (texels) of the taps k = 2j+1, 2j+2 of :func:`bloom_weights` merged into
    one bilinear lookup each: w = w1 + w2 at (k1 w1 + k2 w2) / w."""
    w = bloom_weights().astype(np.float64)
    k = np.arange(BLOOM_RADIUS + 1)
    pair_w = w[1::2] + w[2::2]
    pair_k = (k[1::2] * w[1::2] + k[2::2] * w[2::2]) / pair_w
    return pair_w.astype(np.float32), pair_k.astype(np.float32)


class BloomPass(Pass):
    """``frame.hdr_source`` -> the bloom (``bloom_up_1``, half size), which the tone map pass scales
    by the intensity and adds to the colour as it reads it (one full-size pass fewer; UE4's
    tonemapper composites its bloom the same way): ``frame.bloom`` names it.

    Args:
        threshold: exposed radiance above which a pixel blooms (brightness = max channel).
        intensity: fraction of the excess energy spread over the image.
        levels: levels of the chain (:func:`bloom_levels` of the render size).
    """

    def __init__(self, threshold: float, intensity: float, levels: int) -> None:
        self.threshold, self.intensity, self.levels = float(threshold), float(intensity), int(levels)

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx, programs = core.ctx, core.programs
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        src = frame.hdr_source
        n = self.levels
        # down the chain: level 1 = thresholded 2 x 2 means of the colour, level k = 2 x 2 means of k - 1
        for k in range(1, n + 1):
            prog = programs.get("bloom.glsl", ("PREFILTER",) if k == 1 else ("DOWN",))
            tg.post[f"bloom_down_{k}"].use()
            set_uniform(prog, "u_threshold", self.threshold)
            tg.tex[src if k == 1 else f"bloom_down_{k - 1}"].use(0)
            set_uniform(prog, "u_src", 0)
            fullscreen(core, prog)
        # up the chain: blur each level (horizontal, then vertical + the coarser level's sum)
        weights = bloom_weights()
        pair_weights, pair_offsets = bloom_pairs()
        for k in range(n, 0, -1):
            if k == 1 and n > 1:  # the finest level: its own means, not blurred (measured: its blur cost
                prog = programs.get("bloom.glsl", ("FINEST",))  # 60 % of the pass on llvmpipe)
                tg.post["bloom_up_1"].use()
                set_uniform(prog, "u_level_weight", 1.0 / n)
                tg.tex["bloom_down_1"].use(0)
                set_uniform(prog, "u_src", 0)
                tg.tex["bloom_up_2"].use(1)
                set_uniform(prog, "u_coarse", 1)
                fullscreen(core, prog)
                continue
            prog = programs.get("bloom.glsl", ("BLUR_H",))
            tg.post[f"bloom_tmp_{k}"].use()
            set_uniform(prog, "u_weights", weights)
            set_uniform(prog, "u_pair_weights", pair_weights)
            set_uniform(prog, "u_pair_offsets", pair_offsets)
            tg.tex[f"bloom_down_{k}"].use(0)
            set_uniform(prog, "u_src", 0)
            fullscreen(core, prog)
            prog = programs.get("bloom.glsl", ("BLUR_V",) + (("ADD",) if k < n else ()))
            tg.post[f"bloom_up_{k}"].use()
            set_uniform(prog, "u_weights", weights)
            set_uniform(prog, "u_pair_weights", pair_weights)
            set_uniform(prog, "u_pair_offsets", pair_offsets)
            set_uniform(prog, "u_level_weight", 1.0 / n)
            tg.tex[f"bloom_tmp_{k}"].use(0)
            set_uniform(prog, "u_src", 0)
            if k < n:
                tg.tex[f"bloom_up_{k + 1}"].use(1)
                set_uniform(prog, "u_coarse", 1)
            fullscreen(core, prog)
        frame.bloom = ("bloom_up_1", self.intensity)  # added by the tone map pass, as in UE4's tonemapper
