"""What every render pass shares: the frame's state, and the draw helpers the passes call.

A pass is a small object configured once per renderer (its options) whose :meth:`Pass.run` issues
one frame's GL work, in one order: GL state -> clear -> bind targets -> uniforms -> textures -> draw.
Passes communicate only through :class:`FrameState` (targets written by one are read by the next).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import moderngl
import numpy as np

from gameir.render.constants import WRAP_CODES
from gameir.render.core import GLCore, set_uniform
from gameir.render.draws import Draw
from gameir.render.targets import ResolveTargets, Targets
from gameir.scene.camera import Camera
from gameir.scene.lights import DirectionalLight
from gameir.scene.material import Material
from gameir.scene.rain import Rain

__all__ = ["FrameState", "Pass", "MaterialSampling", "material_variants", "draw_batches", "fullscreen", "bind_shadow"]


@dataclass
class FrameState:
    """One frame in flight.

    Attributes:
        core: the GL context and shared caches.
        targets: render-size targets; resolved: output-size targets of an SSAA renderer, else None.
        draws: the instanced draws of the scene at this instant.
        cam, prev: current and previous camera at render size (SSAA-scaled).
        sun: the scene's directional light, if any; bounds: scene AABB (min, max) in world metres.
        shade: shading uniforms (lights, sky, fog, exposure; the shadow pass adds its matrix).
        cam_u: camera uniforms (projections y-flipped so that GL row 0 is the image's top row).
        shadow_tex: this frame's shadow map, once the shadow pass has rendered or reused it.
        rain: the scene's rain (``Environment.rain``) or None.
        time_s, scene_name: the frame's scene time in seconds and the scene's name (they key the grain).
        hdr_source: name of the ``targets.tex`` texture holding the linear HDR colour the next post
            step reads: ``hdr`` (pre-post radiance, what is stored) until a post pass writes
            another (``post_a`` / ``post_b``) and names it here.
        bloom: (texture name, intensity) of the bloom the tone map pass adds, once the bloom pass ran.
    """

    core: GLCore
    targets: Targets
    resolved: ResolveTargets | None
    draws: list[Draw]
    cam: Camera
    prev: Camera
    sun: DirectionalLight | None
    bounds: tuple[np.ndarray, np.ndarray]
    shade: dict[str, Any]
    cam_u: dict[str, Any]
    shadow_tex: Any = None
    rain: Rain | None = None
    time_s: float = 0.0
    scene_name: str = ""
    hdr_source: str = "hdr"
    bloom: tuple[str, float] | None = None


class Pass:
    """One render pass; subclasses set their options in ``__init__`` and implement :meth:`run`."""

    def run(self, frame: FrameState) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class MaterialSampling:
    """How material textures are sampled: LOD bias (log2 units) and the anisotropy ratio cap."""

    lod_bias: float = 0.0
    anisotropy: float = 8.0


#: (Material attribute, sampler uniform, texture unit, gbuffer.glsl variant) of the optional maps
#: after the base colour (unit 0) and normal (unit 1) maps; unit 2 is the shadow map.
_EXTRA_MAPS: tuple[tuple[str, str, int, str], ...] = (
    ("metallic_roughness_texture", "u_mr_tex", 3, "MR_TEX"),
    ("emissive_texture", "u_emissive_tex", 4, "EMISSIVE_TEX"),
    ("detail_texture", "u_detail_tex", 5, "DETAIL_TEX"),
)


def material_variants(mat: Material) -> tuple[str, ...]:
    """The gbuffer.glsl variants ``mat`` needs: one per texture it has, and TILE_VARIATION."""
    var = (("BASE_TEX",) if mat.base_color_texture is not None else ()) + \
          (("NORMAL_TEX",) if mat.normal_texture is not None else ())
    var += tuple(v for attr, _, _, v in _EXTRA_MAPS if getattr(mat, attr) is not None)
    if "EMISSIVE_TEX" in var and (mat.emissive_strength == 0 or not any(mat.emissive)):
        var = tuple(v for v in var if v != "EMISSIVE_TEX")  # unlit (by day): no emission to mask
    if mat.tile_variation and any(t is not None for t in (mat.base_color_texture, mat.normal_texture,
                                                          mat.metallic_roughness_texture, mat.emissive_texture)):
        var += ("TILE_VARIATION",)
    return var


def _material_uniforms(core: GLCore, prog: Any, mat: Material, sampling: MaterialSampling) -> None:
    gpu = core.gpu
    base = gpu.texture(mat.base_color_texture, gpu.white)
    normal = gpu.texture(mat.normal_texture, gpu.flat_normal)
    base.use(0)
    normal.use(1)
    set_uniform(prog, "u_base_tex", 0)
    set_uniform(prog, "u_normal_tex", 1)
    for attr, name, unit, _ in _EXTRA_MAPS:
        tex = getattr(mat, attr)
        if tex is not None:
            gpu.texture(tex, gpu.white).use(unit)
            set_uniform(prog, name, unit)
    set_uniform(prog, "u_detail_scale", mat.detail_scale)
    set_uniform(prog, "u_tile_seed", mat.tile_variation)
    set_uniform(prog, "u_base_color", mat.base_color)
    set_uniform(prog, "u_base_alpha", mat.base_color[3])
    set_uniform(prog, "u_roughness", mat.roughness)
    set_uniform(prog, "u_metallic", mat.metallic)
    set_uniform(prog, "u_specular", mat.specular)
    set_uniform(prog, "u_wetness", mat.wetness)
    set_uniform(prog, "u_emissive", tuple(np.asarray(mat.emissive) * mat.emissive_strength))
    set_uniform(prog, "u_normal_scale", mat.normal_scale)
    set_uniform(prog, "u_alpha_cutoff", -1.0 if mat.alpha_cutoff is None else mat.alpha_cutoff)
    wrap_b = mat.base_color_texture.wrap if mat.base_color_texture is not None else "repeat"
    wrap_n = mat.normal_texture.wrap if mat.normal_texture is not None else "repeat"
    set_uniform(prog, "u_wrap_base", WRAP_CODES[wrap_b])
    set_uniform(prog, "u_wrap_normal", WRAP_CODES[wrap_n])
    set_uniform(prog, "u_lod_bias", sampling.lod_bias)
    set_uniform(prog, "u_lod_scale", float(2.0 ** sampling.lod_bias))
    set_uniform(prog, "u_max_aniso", sampling.anisotropy)


def draw_batches(core: GLCore, draws: list[Draw], program_name: str, variants: tuple[str, ...],
                 uniforms: dict[str, Any], *, cull: bool, sampling: MaterialSampling) -> None:
    """Draw every batch with ``program_name`` (+ per-material variants) into the bound framebuffer."""
    ctx, gpu = core.ctx, core.gpu
    ready: set[int] = set()  # programs whose pass uniforms are set (they keep them between draws)
    for d in draws:
        var = variants + (("ALPHA_TEST",) if d.material.alpha_cutoff is not None else ())
        if program_name == "gbuffer.glsl":  # texture lookups (and their varyings) only where used
            var += material_variants(d.material)
            # decals win the depth test over the surface they lie on (restored to 0 after each draw)
            if d.material.decal:
                ctx.polygon_offset = (-1.0, -4.0)
        prog = core.programs.get(program_name, var)
        batch = gpu.batch(d.mesh, d.material, d.count)
        batch.instances.write(d.records.tobytes())
        if prog.glo not in ready:
            for name, value in uniforms.items():
                set_uniform(prog, name, value)
            ready.add(prog.glo)
        _material_uniforms(core, prog, d.material, sampling)
        if cull and not d.material.two_sided:
            ctx.enable(moderngl.CULL_FACE)
        else:
            ctx.disable(moderngl.CULL_FACE)
        gpu.vao(batch, prog).render(instances=d.count)
        if program_name == "gbuffer.glsl" and d.material.decal:
            ctx.polygon_offset = (0.0, 0.0)


def fullscreen(core: GLCore, prog: Any) -> None:
    """Draw the full-screen triangle with ``prog`` into the bound framebuffer."""
    vao = core.fullscreen_vaos.get(prog.glo)
    if vao is None:
        vao = core.ctx.vertex_array(prog, [])
        core.fullscreen_vaos[prog.glo] = vao
    vao.render(vertices=3)


def bind_shadow(frame: FrameState, prog: Any | None) -> None:
    """Bind this frame's shadow map (or a 1x1 dummy when shadows are off) to texture unit 2."""
    tex = frame.shadow_tex if frame.shadow_tex is not None else frame.core.shadow_map(1)[0]
    tex.use(2)
    if prog is not None:
        set_uniform(prog, "u_shadow_map", 2)
