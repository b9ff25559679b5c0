"""The G-buffer pass's output contract, written once: location, texture format, GLSL output, buffer.

Everything that must agree about the G-buffer attachments is generated from :data:`GBUFFER`: the
``LOC_*`` ``#define``s and the ``layout(location = ...) out`` declarations of the G-buffer shader
(the generated include ``gbuffer_outputs.glsl``), the textures :class:`gameir.render.targets.Targets`
creates, and which attachment :func:`gameir.render.readback.read_buffers` reads for each buffer of
:mod:`gameir.buffers`. A new G-buffer is one row here plus the line of GLSL that writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gameir.buffers import get_spec

__all__ = ["Attachment", "GBUFFER", "GBUFFER_LOCATIONS", "SKY_OUTPUTS", "RESOLVE_GEOMETRY_OUTPUTS", "GENERATED_INCLUDES",
           "outputs_glsl", "gbuffer_outputs_glsl", "check_contract"]

#: moderngl texture dtype -> the numpy dtype a readback of it yields
_READ_DTYPE = {"f1": np.uint8, "f2": np.float16, "f4": np.float32, "u1": np.uint8, "u2": np.uint16}


@dataclass(frozen=True)
class Attachment:
    """One colour attachment of the G-buffer framebuffer (its location is its index in GBUFFER).

    Attributes:
        name: attachment name; the GLSL output is ``o_<name>``, the location define ``LOC_<NAME>``.
        components: texture components (>= the buffer's channels; extra ones are not read back).
        dtype: moderngl texture dtype (``f1`` normalised 8-bit, ``f2`` half, ``f4`` float, ``u1``/``u2`` uint).
        glsl_type: type of the fragment output.
        meaning: what the shader writes (units, encoding).
        buffer: the :mod:`gameir.buffers` name read back from it, or None.
        srgb: stored sRGB-encoded by the hardware (written with GL_FRAMEBUFFER_SRGB).
    """

    name: str
    components: int
    dtype: str
    glsl_type: str
    meaning: str
    buffer: str | None = None
    srgb: bool = False


GBUFFER: tuple[Attachment, ...] = (
    Attachment("scene_color", 4, "f2", "vec4", "emissive radiance, exposed; the lighting pass adds to it"),
    Attachment("basecolor", 4, "f1", "vec4", "albedo, sRGB-encoded on write", buffer="basecolor", srgb=True),
    Attachment("normal", 4, "f2", "vec4", "world unit normal, 0 for sky", buffer="normal"),
    Attachment("material", 4, "f1", "vec4", "metallic, specular, roughness", buffer="material"),
    Attachment("depth", 1, "f4", "float", "metres along the optical axis, +inf for sky", buffer="depth"),
    Attachment("motion", 2, "f2", "vec2", "backward motion in pixels (dx, dy), y down", buffer="motion"),
    Attachment("semantic", 1, "u1", "uint", "semantic tag id", buffer="semantic"),
    Attachment("instance", 1, "u2", "uint", "instance id, 0 = none", buffer="instance"),
)

#: ``LOC_<NAME>`` -> location, injected into every shader as ``#define``s.
GBUFFER_LOCATIONS: dict[str, int] = {f"LOC_{a.name.upper()}": i for i, a in enumerate(GBUFFER)}

#: Attachments of the sky pass's framebuffer (what differs from the G-buffer clear on sky pixels),
#: and of the SSAA geometry resolve pass's, in location order.
SKY_OUTPUTS: tuple[str, ...] = ("motion", "semantic", "depth")
RESOLVE_GEOMETRY_OUTPUTS: tuple[str, ...] = ("depth", "normal", "motion", "semantic", "instance")

_BY_NAME = {a.name: a for a in GBUFFER}


def outputs_glsl(names: tuple[str, ...], *, locations: str = "index") -> str:
    """Fragment output declarations for G-buffer attachments ``names``.

    Args:
        names: attachment names, in the order of the framebuffer they are written to.
        locations: ``"index"`` (location = position in ``names``) or ``"gbuffer"`` (the
            ``LOC_*`` define of the full G-buffer).
    """
    lines = []
    for i, name in enumerate(names):
        a = _BY_NAME[name]
        where = f"LOC_{name.upper()}" if locations == "gbuffer" else str(i)
        lines.append(f"layout(location = {where}) out {a.glsl_type} o_{name};  // {a.meaning}\n")
    return "// fragment outputs generated from gameir/render/contract.py\n" + "".join(lines)


def gbuffer_outputs_glsl() -> str:
    """The G-buffer shader's output declarations, one per attachment, in location order."""
    return outputs_glsl(tuple(a.name for a in GBUFFER), locations="gbuffer")


#: Include files generated from this table (``#include "<name>"`` in a shader).
GENERATED_INCLUDES = {
    "gbuffer_outputs.glsl": gbuffer_outputs_glsl,
    "sky_outputs.glsl": lambda: outputs_glsl(SKY_OUTPUTS),
    "resolve_geometry_outputs.glsl": lambda: outputs_glsl(RESOLVE_GEOMETRY_OUTPUTS),
}


def check_contract() -> None:
    """Raise ValueError if an attachment cannot hold the buffer it is read back as."""
    for a in GBUFFER:
        if a.buffer is None:
            continue
        spec = get_spec(a.buffer)
        if a.components < spec.channels or np.dtype(_READ_DTYPE[a.dtype]) != spec.dtype:
            raise ValueError(f"G-buffer attachment {a.name!r} ({a.components} x {a.dtype}) cannot hold buffer "
                             f"{a.buffer!r} ({spec.channels} x {spec.dtype})")
