"""Constants shared by Python and GLSL: the one source of the ``#define``s injected into shaders."""

from __future__ import annotations

from gameir.semantics import SEMANTIC_IDS

__all__ = ["GBUFFER_LOCATIONS", "MAX_LIGHTS", "SSAO_SAMPLES", "LIGHT_POINT", "LIGHT_SPOT", "WRAP_CODES", "SKY_SEMANTIC",
           "AA_MODES", "glsl_defines"]

#: G-buffer pass output locations (fragment shader ``layout(location = ...)``), in attachment order.
GBUFFER_LOCATIONS: dict[str, int] = {
    "LOC_SCENE_COLOR": 0,  # RGBA16F: emissive radiance (exposed); the lighting pass adds to it
    "LOC_BASECOLOR": 1,    # RGBA8: sRGB-encoded albedo
    "LOC_NORMAL": 2,       # RGBA16F: world unit normal, 0 for sky
    "LOC_MATERIAL": 3,     # RGBA8: metallic, specular, roughness
    "LOC_DEPTH": 4,        # R32F: metres along the optical axis, +inf for sky
    "LOC_MOTION": 5,       # RG16F: backward motion in pixels (dx, dy), y down
    "LOC_SEMANTIC": 6,     # R8UI
    "LOC_INSTANCE": 7,     # R16UI
}

#: Hemisphere samples per pixel of the optional SSAO pass.
SSAO_SAMPLES = 16

#: Largest number of point + spot lights shaded per frame (extra lights raise ValueError).
MAX_LIGHTS = 16
LIGHT_POINT = 1
LIGHT_SPOT = 2

#: Texture wrap mode -> code used by the shaders (mirror is folded in the shader).
WRAP_CODES: dict[str, int] = {"repeat": 0, "clamp": 1, "mirror": 2}

#: Semantic tag written where no geometry is hit.
SKY_SEMANTIC = SEMANTIC_IDS["sky"]

#: Anti-aliasing modes of :class:`gameir.render.Renderer`.
AA_MODES: tuple[str, ...] = ("none", "fxaa", "msaa", "ssaa")


def glsl_defines(extra: dict[str, object] | None = None) -> str:
    """``#define`` lines for every shared constant (plus ``extra`` program-variant switches)."""
    values: dict[str, object] = dict(GBUFFER_LOCATIONS)
    values.update(MAX_LIGHTS=MAX_LIGHTS, LIGHT_POINT=LIGHT_POINT, LIGHT_SPOT=LIGHT_SPOT, SSAO_SAMPLES=SSAO_SAMPLES,
                  SKY_SEMANTIC=f"{SKY_SEMANTIC}u", PI="3.14159265358979")
    values.update({f"WRAP_{k.upper()}": v for k, v in WRAP_CODES.items()})
    values.update(extra or {})
    return "".join(f"#define {k} {v}\n" for k, v in values.items())
