"""Constants shared by Python and GLSL: the one source of the ``#define``s injected into shaders."""

from __future__ import annotations

from gameir.render.contract import GBUFFER_LOCATIONS
from gameir.semantics import SEMANTIC_IDS

__all__ = ["GBUFFER_LOCATIONS", "MAX_LIGHTS", "SSAO_SAMPLES", "SSAO_DOWNSCALE", "BLOOM_LEVELS", "BLOOM_RADIUS", "BLOOM_SIGMA",
           "MOTION_BLUR_TILE", "MOTION_BLUR_SAMPLES", "LIGHT_POINT", "LIGHT_SPOT", "WRAP_CODES", "SKY_SEMANTIC",
           "AA_MODES", "MAX_SSAA", "TAA_DEPTH_TOL", "TAA_HISTORY_MODES", "TAA_CLIP_MODES",
           "TAA_VARIANCE_GAMMA", "GL_FRAMEBUFFER_SRGB", "GL_SRGB8_ALPHA8", "glsl_defines"]

#: Hemisphere samples per pixel of the optional SSAO pass, which runs at 1/SSAO_DOWNSCALE of the
#: render size in each axis (the lighting pass upsamples the result bilinearly).
SSAO_SAMPLES = 16
SSAO_DOWNSCALE = 2

#: Bloom: at most this many half-resolution levels (1/2 ... 1/32 of the render size), each blurred by a
#: separable Gaussian of BLOOM_SIGMA texels of that level over 2 * BLOOM_RADIUS + 1 taps.
BLOOM_LEVELS = 5
BLOOM_RADIUS = 4
BLOOM_SIGMA = 2.0

#: Motion blur: tile size in render pixels, which is also the largest blur radius (half the smear);
#: samples per pixel of the reconstruction filter (odd: the centre is the pixel itself).
MOTION_BLUR_TILE = 16
MOTION_BLUR_SAMPLES = 15

#: Largest number of point + spot lights shaded per frame (extra lights raise ValueError).
MAX_LIGHTS = 16
LIGHT_POINT = 1
LIGHT_SPOT = 2

#: Texture wrap mode -> code used by the shaders (mirror is folded in the shader).
WRAP_CODES: dict[str, int] = {"repeat": 0, "clamp": 1, "mirror": 2}

#: Semantic tag written where no geometry is hit.
SKY_SEMANTIC = SEMANTIC_IDS["sky"]

#: GL enums that moderngl does not name (the rest come from moderngl: moderngl.NEAREST, ...).
GL_FRAMEBUFFER_SRGB = 0x8DB9
GL_SRGB8_ALPHA8 = 0x8C43

#: Anti-aliasing modes of :class:`gameir.render.Renderer`.
AA_MODES: tuple[str, ...] = ("none", "fxaa", "msaa", "ssaa", "taa")

#: TAA: relative depth difference beyond which a reprojected history sample counts as disoccluded.
TAA_DEPTH_TOL = 0.05

#: TAA history fetch (``taa_history``): one bilinear lookup, or the Catmull-Rom (B = 0, C = 1/2)
#: bicubic of the 4 x 4 texels around the reprojected position, as 5 bilinear lookups (the 9 of the
#: separable form less its 4 corners, renormalised: Jimenez, "Filmic SMAA", 2016).
TAA_HISTORY_MODES: tuple[str, ...] = ("bilinear", "catmull-rom-5")
#: TAA history rectification (``taa_clip``): clamp to the min/max box of the current 3 x 3 in YCoCg,
#: or clip towards the centre of the variance box mean +- TAA_VARIANCE_GAMMA x standard deviation
#: (Salvi 2016), intersected with the min/max box.
TAA_CLIP_MODES: tuple[str, ...] = ("minmax", "variance")
TAA_VARIANCE_GAMMA = 1.0

#: Largest SSAA factor (s x s samples per pixel: 16 at 4).
MAX_SSAA = 4


def glsl_defines(extra: dict[str, object] | None = None) -> str:
    """``#define`` lines for every shared constant (plus ``extra`` program-variant switches)."""
    values: dict[str, object] = dict(GBUFFER_LOCATIONS)
    values.update(MAX_LIGHTS=MAX_LIGHTS, LIGHT_POINT=LIGHT_POINT, LIGHT_SPOT=LIGHT_SPOT, SSAO_SAMPLES=SSAO_SAMPLES, SSAO_DOWNSCALE=SSAO_DOWNSCALE,
                  BLOOM_RADIUS=BLOOM_RADIUS, MOTION_BLUR_TILE=MOTION_BLUR_TILE,
                  MOTION_BLUR_SAMPLES=MOTION_BLUR_SAMPLES,
                  SKY_SEMANTIC=f"{SKY_SEMANTIC}u", TAA_DEPTH_TOL=TAA_DEPTH_TOL,
                  TAA_VARIANCE_GAMMA=TAA_VARIANCE_GAMMA, PI="3.14159265358979")
    values.update({f"WRAP_{k.upper()}": v for k, v in WRAP_CODES.items()})
    values.update(extra or {})
    return "".join(f"#define {k} {v}\n" for k, v in values.items())
