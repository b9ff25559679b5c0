"""The passes of the post chain after the HDR colour is ready (docs/RENDERER.md, "Post chain")."""

from __future__ import annotations

from gameir.render.passes.base import Pass
from gameir.render.passes.bloom import BloomPass, bloom_levels
from gameir.render.passes.film import TonemapPass
from gameir.render.passes.motion_blur import MotionBlurPass
from gameir.render.post_chain import PostChain

__all__ = ["post_passes"]


def post_passes(chain: PostChain, render_size: tuple[int, int], *, tonemapped: bool) -> list[Pass]:
    """Motion blur -> bloom -> tone map (+ vignette, grain), the steps of ``chain`` that run after the
    colour is lit (SSAO runs before lighting; TAA or an upscaler comes before these).

    Args:
        chain: the checked post chain.
        render_size: (width, height) the passes run at (SSAA: the supersampled size).
        tonemapped: whether ``ldr`` already holds the tone-mapped colour (the deferred lighting
            pass's fused tone map); if so and no step changes it, no pass is needed.
    """
    passes: list[Pass] = []
    if chain.has("motion_blur"):
        passes.append(MotionBlurPass(chain.motion_blur_shutter))
    if chain.has("bloom"):
        passes.append(BloomPass(chain.bloom_threshold, chain.bloom_intensity, bloom_levels(*render_size)))
    if chain.needs_tonemap_pass or not tonemapped:
        passes.append(TonemapPass(chain.vignette_intensity if chain.has("vignette") else None,
                                  (chain.grain_intensity, chain.grain_seed) if chain.has("grain") else None))
    return passes
