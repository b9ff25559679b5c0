"""`Renderer`: the headless deferred renderer (scene + camera + time -> Frame of G-buffers).

Passes per frame (docs/RENDERER.md): sun shadow map -> depth pre-pass -> G-buffer MRT (+ sky motion,
tag and depth on the far plane) -> deferred lighting with the sky, fog and ACES tone mapping to sRGB
8-bit in one pass (or, with MSAA, a forward-shaded multisampled colour pass, resolved, then
tone-mapped) -> optional FXAA -> with SSAA, resolve passes to the output size -> readback.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Any

import numpy as np

from gameir.buffers import BUFFER_NAMES, get_spec
from gameir.frame import Frame
from gameir.render.contract import RESOLVE_GEOMETRY_OUTPUTS
from gameir.render.constants import AA_MODES, LIGHT_POINT, LIGHT_SPOT, MAX_LIGHTS, SSAO_SAMPLES, WRAP_CODES
from gameir.render.core import GLCore, set_uniform
from gameir.render.downsample import CODE_STEPS, SRGB_TO_LINEAR
from gameir.render.draws import Draw, collect_draws
from gameir.render.readback import read_buffers
from gameir.render.shadows import fit_sun_shadow
from gameir.render.targets import ResolveTargets, Targets
from gameir.scene.camera import Camera
from gameir.scene.lights import DirectionalLight, PointLight, SpotLight
from gameir.scene.material import Material
from gameir.scene.scene import Scene

__all__ = ["Renderer"]

_BLEND, _DEPTH_TEST, _CULL_FACE = 1, 2, 4  # moderngl's enable flags (moderngl.BLEND, ...)
_GL_FRAMEBUFFER_SRGB = 0x8DB9
_GL_LINEAR = 0x2601
_FLIP_Y = np.diag([1.0, -1.0, 1.0, 1.0])  # render top row first: GL row 0 = image row 0


@functools.lru_cache(maxsize=1)
def _ssao_kernel() -> np.ndarray:
    """(SSAO_SAMPLES, 3) fixed hemisphere samples (z up), denser near the centre, lengths in (0, 1]."""
    rng = np.random.default_rng(20261129)
    v = rng.uniform([-1.0, -1.0, 0.15], [1.0, 1.0, 1.0], size=(SSAO_SAMPLES, 3))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    scale = 0.1 + 0.9 * (np.arange(1, SSAO_SAMPLES + 1) / SSAO_SAMPLES) ** 2
    return (v * scale[:, None] * rng.uniform(0.5, 1.0, SSAO_SAMPLES)[:, None]).astype(np.float32)


class Renderer:
    """Headless deferred renderer at one output resolution.

    Args:
        width, height: output size in pixels.
        aa: anti-aliasing mode, one of ``"none"`` (1 sample per pixel, aliased), ``"fxaa"``
            (FXAA on the tone-mapped image), ``"msaa"`` (multisampled forward-shaded colour;
            G-buffers stay 1 spp) or ``"ssaa"`` (everything rendered at ``ssaa`` times the size and
            box-downsampled by resolve passes on the GL side, by the rules of
            :mod:`gameir.render.downsample`).
        msaa_samples: 2, 4 or 8 (limited by the driver's GL_MAX_SAMPLES) for ``aa="msaa"``.
        ssaa: integer supersampling factor; must be >= 2 with ``aa="ssaa"`` and 1 otherwise.
        lod_bias: texture LOD bias added to every material texture lookup (e.g. log2(LR/HR) = -1
            for a x2 pair's LR frame, as game upscalers recommend).
        anisotropy: maximum anisotropic filtering ratio (1 = trilinear); filtering is done in the
            G-buffer shader so that it composes with ``lod_bias`` on every driver.
        shadow_map_size: sun shadow map resolution in texels (0 disables shadows).
        buffers: buffer names to read back (default: all of :data:`gameir.buffers.BUFFER_NAMES`).
        depth_prepass: draw depth first so the G-buffer shader runs once per pixel (faster on
            llvmpipe whenever objects overlap; identical output).
        ssao_radius: screen-space ambient occlusion radius in metres; 0 (default) turns SSAO off.
            When on, the ambient terms of the deferred lighting are scaled by the occlusion
            (not with ``aa="msaa"``, which shades forward).
        share: another Renderer whose GL context, programs and uploaded scene data to reuse
            (e.g. LR and HR renderers of a pair); the context is released with the last user.

    Use as a context manager or call :meth:`release`.
    """

    def __init__(self, width: int, height: int, *, aa: str = "none", msaa_samples: int = 4, ssaa: int = 1,
                 lod_bias: float = 0.0, anisotropy: float = 8.0, shadow_map_size: int = 2048,
                 buffers: tuple[str, ...] | list[str] | None = None, depth_prepass: bool = True,
                 ssao_radius: float = 0.0, share: "Renderer | None" = None) -> None:
        if isinstance(width, bool) or isinstance(height, bool) or int(width) != width or int(height) != height \
                or width < 1 or height < 1:
            raise ValueError(f"Renderer: width and height must be positive integers, got {width!r} x {height!r}")
        if aa not in AA_MODES:
            raise ValueError(f"Renderer: aa must be one of {AA_MODES}, got {aa!r}")
        if int(ssaa) != ssaa or ssaa < 1:
            raise ValueError(f"Renderer: ssaa must be a positive integer, got {ssaa!r}")
        if aa == "ssaa" and ssaa < 2:
            raise ValueError(f"Renderer: aa='ssaa' needs ssaa >= 2, got ssaa={ssaa}")
        if aa != "ssaa" and ssaa != 1:
            raise ValueError(f"Renderer: ssaa={ssaa} requires aa='ssaa', got aa={aa!r}")
        if aa == "msaa" and msaa_samples not in (2, 4, 8):
            raise ValueError(f"Renderer: msaa_samples must be 2, 4 or 8, got {msaa_samples!r}")
        if not math.isfinite(lod_bias) or abs(lod_bias) > 16:
            raise ValueError(f"Renderer: lod_bias must be finite in [-16, 16], got {lod_bias!r}")
        if not 1.0 <= anisotropy <= 16.0:
            raise ValueError(f"Renderer: anisotropy must lie in [1, 16], got {anisotropy!r}")
        if not (math.isfinite(ssao_radius) and ssao_radius >= 0):
            raise ValueError(f"Renderer: ssao_radius must be a finite number of metres >= 0, got {ssao_radius!r}")
        if ssao_radius > 0 and aa == "msaa":
            raise ValueError("Renderer: SSAO works in the deferred lighting pass; aa='msaa' shades forward "
                             "(use aa='ssaa' or 'fxaa', or ssao_radius=0)")
        if int(shadow_map_size) != shadow_map_size or shadow_map_size < 0:
            raise ValueError(f"Renderer: shadow_map_size must be an integer >= 0, got {shadow_map_size!r}")
        names = tuple(BUFFER_NAMES if buffers is None else buffers)
        for name in names:
            get_spec(name)
        if not names:
            raise ValueError("Renderer: buffers is empty; pass None for all buffers")
        self.width, self.height = int(width), int(height)
        self.aa, self.ssaa = aa, int(ssaa)
        self.msaa_samples = int(msaa_samples) if aa == "msaa" else 0
        self.lod_bias, self.anisotropy = float(lod_bias), float(anisotropy)
        self.shadow_map_size = int(shadow_map_size)
        self.buffers = names
        self.depth_prepass = bool(depth_prepass)
        self.ssao_radius = float(ssao_radius)
        if share is not None:
            if not isinstance(share, Renderer) or share._core is None:
                raise ValueError("Renderer: share must be an open Renderer")
            self._core = share._core
        else:
            self._core = GLCore()
        self._core.users += 1
        core = self._core
        rw, rh = self.width * self.ssaa, self.height * self.ssaa
        if max(rw, rh) > core.max_size:
            self.release()
            raise ValueError(f"Renderer: render size {rw}x{rh} exceeds GL_MAX_TEXTURE_SIZE={core.max_size}")
        if self.msaa_samples > core.max_samples:
            self.release()
            raise ValueError(f"Renderer: msaa_samples={msaa_samples} exceeds this driver's GL_MAX_SAMPLES="
                             f"{core.max_samples} ({core.gl_renderer})")
        with core.ctx:
            self._targets: Targets | None = Targets(core.ctx, rw, rh, fxaa=aa == "fxaa",
                                                    msaa_samples=self.msaa_samples, ssao=self.ssao_radius > 0)
            self._resolved: ResolveTargets | None = (ResolveTargets(core.ctx, self.width, self.height)
                                                     if self.ssaa > 1 else None)
        self._shadow_tex: Any = None
        self._shade_u: dict[str, Any] = {}
        self._cam_u: dict[str, Any] = {}
        #: seconds spent in the last frame: {"render_s": issuing + finishing passes, "readback_s": ...}
        self.last_timings: dict[str, float] = {}

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def release(self) -> None:
        """Free render targets, and the GL context if this renderer owns it. Idempotent."""
        core = getattr(self, "_core", None)
        if core is None:
            return
        for attr in ("_targets", "_resolved"):
            targets = getattr(self, attr, None)
            if targets is not None:
                with core.ctx:
                    targets.release()
                setattr(self, attr, None)
        core.users -= 1
        if core.users == 0:
            core.release()
        self._core = None

    @property
    def settings(self) -> dict[str, Any]:
        """Render settings recorded in every Frame."""
        return {"renderer": "gameir-deferred", "width": self.width, "height": self.height, "aa": self.aa,
                "msaa_samples": self.msaa_samples, "ssaa": self.ssaa, "lod_bias": self.lod_bias,
                "anisotropy": self.anisotropy, "shadow_map_size": self.shadow_map_size,
                "ssao_radius": self.ssao_radius,
                "tonemap": "aces-narkowicz", "motion_includes_jitter": True,
                "gl_renderer": self._core.gl_renderer if self._core else ""}

    # -- rendering -------------------------------------------------------------------------------
    def render(self, scene: Scene, camera: Camera, t: float = 0.0, *, dt: float = 1.0 / 30.0,
               prev_camera: Camera | None = None) -> Frame:
        """Render ``scene`` seen by ``camera`` at time ``t`` seconds.

        Args:
            scene: the scene; instance transforms are evaluated at ``t`` and ``t - dt``.
            camera: camera of exactly this renderer's size (its jitter is applied and recorded).
            t: scene time in seconds.
            dt: time step to the previous frame in seconds (> 0), for motion vectors.
            prev_camera: camera of the previous frame (same size; its jitter counts); default
                ``camera`` (motion from moving objects only).

        Returns:
            A :class:`gameir.frame.Frame` with the requested buffers, ``K`` including the jitter,
            the camera's ``c2w`` and ``jitter_px``, ``time_s = t`` and :attr:`settings`.
        """
        return self._render(scene, camera, t, dt=dt, prev_camera=prev_camera)

    def _render(self, scene: Scene, camera: Camera, t: float = 0.0, *, dt: float = 1.0 / 30.0,
                prev_camera: Camera | None = None, collected: tuple | None = None) -> Frame:
        """:meth:`render`, optionally with ``collected`` = :func:`collect_draws` (scene, t, dt) computed
        once for the LR and HR frames of a pair."""
        if self._core is None or self._targets is None:
            raise ValueError("Renderer: render() called after release()")
        for label, cam in (("camera", camera), ("prev_camera", prev_camera)):
            if cam is None:
                continue
            if not isinstance(cam, Camera):
                raise TypeError(f"{label} must be a gameir.scene.Camera, got {type(cam).__name__}")
            if (cam.width, cam.height) != (self.width, self.height):
                raise ValueError(f"{label} is {cam.width}x{cam.height} but the renderer is "
                                 f"{self.width}x{self.height}")
        if not (math.isfinite(t) and math.isfinite(dt) and dt > 0):
            raise ValueError(f"render: need finite t and dt > 0, got t={t!r}, dt={dt!r}")
        prev_camera = camera if prev_camera is None else prev_camera
        draws, lo, hi, tris = collect_draws(scene, t, dt) if collected is None else collected
        lights = [light for light in scene.lights if isinstance(light, (PointLight, SpotLight))]
        if len(lights) > MAX_LIGHTS:
            raise ValueError(f"scene {scene.name!r} has {len(lights)} point/spot lights; at most {MAX_LIGHTS}")
        suns = [light for light in scene.lights if isinstance(light, DirectionalLight)]
        if len(suns) > 1:
            raise ValueError(f"scene {scene.name!r} has {len(suns)} DirectionalLights; at most one is supported")
        cam = camera.scaled(self.ssaa) if self.ssaa > 1 else camera
        prev = prev_camera.scaled(self.ssaa) if self.ssaa > 1 else prev_camera
        core, tg = self._core, self._targets
        self._shadow_tex = None
        t0 = time.perf_counter()
        with core.ctx:
            core.gpu.purge()
            need_color = "rgb" in self.buffers or "hdr" in self.buffers
            shade = self._frame_uniforms(scene, cam, suns[0] if suns else None, lights, draws, lo, hi)
            self._shade_u = shade
            self._gbuffer_pass(draws, cam, prev)
            if need_color:
                if self.msaa_samples:
                    self._forward_msaa_pass(draws, cam, shade)
                    self._tonemap_pass()
                else:
                    if self.ssao_radius > 0:
                        self._ssao_pass()
                    self._lighting_pass(cam, shade)
                if tg.final is not None:
                    self._fxaa_pass()
            if self._resolved is not None:
                self._resolve_passes()
            core.ctx.finish()
            t1 = time.perf_counter()
            bufs = read_buffers(core.ctx, self._resolved if self._resolved is not None else tg, self.buffers)
        t2 = time.perf_counter()
        self.last_timings = {"render_s": t1 - t0, "readback_s": t2 - t1}
        settings = self.settings
        settings.update(dt=float(dt), scene=scene.name, num_triangles=int(tris))
        return Frame(buffers=bufs, K=camera.K_jittered, c2w=camera.c2w.copy(),
                     jitter_px=np.array(camera.jitter_px, dtype=np.float64), time_s=float(t), settings=settings)

    # -- passes ----------------------------------------------------------------------------------
    def _frame_uniforms(self, scene: Scene, cam: Camera, sun: DirectionalLight | None, lights: list,
                        draws: list[Draw], lo: np.ndarray, hi: np.ndarray) -> dict[str, Any]:
        """Shading uniforms of this frame; renders the shadow map when the sun casts shadows."""
        env = scene.environment
        u: dict[str, Any] = {
            "u_cam_pos": tuple(cam.c2w[:3, 3]),
            "u_cam_forward": tuple(-cam.c2w[:3, 2]),
            "u_exposure": float(2.0 ** env.exposure_ev),
            "u_ambient_sky": env.ambient_sky, "u_ambient_ground": env.ambient_ground,
            "u_sky_zenith": env.sky_zenith, "u_sky_horizon": env.sky_horizon, "u_sky_ground": env.sky_ground,
            "u_fog": (env.fog_density, env.fog_height_falloff, env.fog_height, cam.far),
            "u_fog_color": env.fog_color,
            "u_sun_dir": (0.0, 0.0, 0.0), "u_sun_radiance": (0.0, 0.0, 0.0), "u_sun_shadow": 0,
            # No disc (0 degrees): a cosine no direction reaches and no radiance.
            "u_sun_disc": ((math.cos(math.radians(env.sun_disc_deg)), env.sun_disc_intensity)
                           if env.sun_disc_deg > 0 else (2.0, 0.0)),
            "u_num_lights": len(lights),
        }
        pos = np.zeros((MAX_LIGHTS, 4), np.float32)
        col = np.zeros((MAX_LIGHTS, 4), np.float32)
        axis = np.zeros((MAX_LIGHTS, 4), np.float32)
        cos_inner = np.zeros(MAX_LIGHTS, np.float32)
        for i, light in enumerate(lights):
            pos[i, :3] = light.position
            col[i, :3] = np.asarray(light.color) * light.intensity
            col[i, 3] = light.range
            if isinstance(light, SpotLight):
                pos[i, 3] = LIGHT_SPOT
                axis[i, :3] = light.direction
                axis[i, 3] = math.cos(math.radians(light.outer_cone_deg))
                cos_inner[i] = math.cos(math.radians(light.inner_cone_deg))
            else:
                pos[i, 3] = LIGHT_POINT
        u.update(u_light_pos=pos.reshape(-1), u_light_color=col.reshape(-1), u_light_dir=axis.reshape(-1),
                 u_light_cos_inner=cos_inner)
        if sun is not None:
            u["u_sun_dir"] = tuple(-np.asarray(sun.direction))
            u["u_sun_radiance"] = tuple(np.asarray(sun.color) * sun.intensity)
            if sun.casts_shadows and self.shadow_map_size > 0:
                # Fitted with the unjittered K: LR and HR of a pair (K scaled by a power of two) then get
                # bit-identical fits, and the second one reuses the shadow map.
                vp, texel = fit_sun_shadow(np.asarray(sun.direction), cam.K, cam.c2w, cam.width, cam.height,
                                           cam.near, cam.far, lo, hi, self.shadow_map_size)
                self._shadow_pass(draws, vp)
                bias = np.array([[0.5, 0, 0, 0.5], [0, 0.5, 0, 0.5], [0, 0, 0.5, 0.5], [0, 0, 0, 1.0]])
                u.update(u_sun_shadow=1, u_shadow_mat=bias @ vp, u_shadow_normal_offset=1.5 * texel)
        return u

    def _material_uniforms(self, prog: Any, mat: Material) -> None:
        gpu = self._core.gpu
        base = gpu.texture(mat.base_color_texture, gpu.white)
        normal = gpu.texture(mat.normal_texture, gpu.flat_normal)
        base.use(0)
        normal.use(1)
        set_uniform(prog, "u_base_tex", 0)
        set_uniform(prog, "u_normal_tex", 1)
        set_uniform(prog, "u_base_color", mat.base_color)
        set_uniform(prog, "u_base_alpha", mat.base_color[3])
        set_uniform(prog, "u_roughness", mat.roughness)
        set_uniform(prog, "u_metallic", mat.metallic)
        set_uniform(prog, "u_specular", mat.specular)
        set_uniform(prog, "u_emissive", tuple(np.asarray(mat.emissive) * mat.emissive_strength))
        set_uniform(prog, "u_normal_scale", mat.normal_scale)
        set_uniform(prog, "u_alpha_cutoff", -1.0 if mat.alpha_cutoff is None else mat.alpha_cutoff)
        wrap_b = mat.base_color_texture.wrap if mat.base_color_texture is not None else "repeat"
        wrap_n = mat.normal_texture.wrap if mat.normal_texture is not None else "repeat"
        set_uniform(prog, "u_wrap_base", WRAP_CODES[wrap_b])
        set_uniform(prog, "u_wrap_normal", WRAP_CODES[wrap_n])
        set_uniform(prog, "u_lod_bias", self.lod_bias)
        set_uniform(prog, "u_lod_scale", float(2.0 ** self.lod_bias))
        set_uniform(prog, "u_max_aniso", self.anisotropy)

    def _draw_batches(self, draws: list[Draw], program_name: str, variants: tuple[str, ...],
                      uniforms: dict[str, Any], cull: bool) -> None:
        ctx, gpu = self._core.ctx, self._core.gpu
        ready: set[int] = set()  # programs whose pass uniforms are set (they keep them between draws)
        for d in draws:
            var = variants + (("ALPHA_TEST",) if d.material.alpha_cutoff is not None else ())
            if program_name == "gbuffer.glsl":  # texture lookups (and their varyings) only where used
                var += (("BASE_TEX",) if d.material.base_color_texture is not None else ()) + \
                       (("NORMAL_TEX",) if d.material.normal_texture is not None else ())
            prog = self._core.programs.get(program_name, var)
            batch = gpu.batch(d.mesh, d.material, d.count)
            batch.instances.write(d.records.tobytes())
            if prog.glo not in ready:
                for name, value in uniforms.items():
                    set_uniform(prog, name, value)
                ready.add(prog.glo)
            self._material_uniforms(prog, d.material)
            if cull and not d.material.two_sided:
                ctx.enable(_CULL_FACE)
            else:
                ctx.disable(_CULL_FACE)
            gpu.vao(batch, prog).render(instances=d.count)

    def _shadow_pass(self, draws: list[Draw], light_vp: np.ndarray) -> None:
        ctx = self._core.ctx
        tex, fbo = self._core.shadow_map(self.shadow_map_size)
        self._shadow_tex = tex
        gpu = self._core.gpu
        key = (self.shadow_map_size, light_vp.tobytes(),
               tuple((gpu.batch(d.mesh, d.material, d.count).serial, d.records[:, :16].tobytes()) for d in draws))
        if self._core.shadow_key == key:  # same casters, same fit (e.g. the HR frame of a pair)
            return
        self._core.shadow_key = key
        ctx.front_face = "ccw"
        ctx.enable(_DEPTH_TEST)
        ctx.depth_func = "<"
        ctx.polygon_offset = (2.0, 4.0)
        fbo.use()
        fbo.clear(depth=1.0)
        self._draw_batches(draws, "shadow.glsl", (), {"u_light_view_proj": light_vp}, cull=False)
        ctx.polygon_offset = (0.0, 0.0)

    def _camera_uniforms(self, cam: Camera, prev: Camera) -> dict[str, Any]:
        proj = _FLIP_Y @ cam.projection()
        prev_proj = _FLIP_Y @ prev.projection()
        view, prev_view = np.linalg.inv(cam.c2w), np.linalg.inv(prev.c2w)
        rot, prev_rot = np.eye(4), np.eye(4)
        rot[:3, :3], prev_rot[:3, :3] = view[:3, :3], prev_view[:3, :3]
        return {"u_view_proj": proj @ view, "u_prev_view_proj": prev_proj @ prev_view,
                "u_proj": proj, "u_inv_proj": np.linalg.inv(proj), "u_cam_rot": cam.c2w[:3, :3],
                "u_view_proj_rot": proj @ rot, "u_prev_view_proj_rot": prev_proj @ prev_rot,
                "u_size": (float(cam.width), float(cam.height)),
                "u_cam_pos": tuple(cam.c2w[:3, 3]), "u_cam_forward": tuple(-cam.c2w[:3, 2])}

    def _gbuffer_pass(self, draws: list[Draw], cam: Camera, prev: Camera) -> None:
        ctx, tg = self._core.ctx, self._targets
        self._cam_u = self._camera_uniforms(cam, prev)
        ctx.front_face = "cw"  # the y flip mirrors winding
        ctx.cull_face = "back"
        ctx.enable(_DEPTH_TEST)
        ctx.depth_func = "<"
        ctx.disable(_BLEND)
        # G-buffer attachments clear to 0 (a clear-only pass: measured faster on llvmpipe than a clear
        # at the start of the G-buffer pass); the sky pass then writes motion, tag and +inf depth
        # where no geometry was drawn.
        tg.gbuffer.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        if self.depth_prepass:  # shade each G-buffer pixel once: llvmpipe pays per shaded fragment
            tg.depth_only.use()
            # Cut-outs stay out of the pre-pass: their coverage depends on the biased, anisotropic
            # alpha lookup of the G-buffer shader, and a pre-pass that keeps a texel the G-buffer pass
            # discards would leave a pixel with depth written but no G-buffer values.
            opaque = [d for d in draws if d.material.alpha_cutoff is None]
            self._draw_batches(opaque, "shadow.glsl", (), {"u_light_view_proj": self._cam_u["u_view_proj"]}, cull=True)
            ctx.depth_func = "<="
        tg.gbuffer.use()
        ctx.enable_direct(_GL_FRAMEBUFFER_SRGB)  # encode writes to the sRGB basecolor attachment
        self._draw_batches(draws, "gbuffer.glsl", (), dict(self._cam_u, u_exposure=self._shade_u["u_exposure"]),
                           cull=True)
        ctx.depth_func = "<"
        ctx.disable_direct(_GL_FRAMEBUFFER_SRGB)
        tg.sky.use()
        self._sky(())

    def _sky(self, variants: tuple[str, ...]) -> None:
        """Sky on the far plane of the bound framebuffer wherever no geometry was drawn (depth test
        LEQUAL): motion, tag and depth into ``Targets.sky``, or radiance with FORWARD."""
        ctx = self._core.ctx
        prog = self._core.programs.get("sky.glsl", variants)
        for name, value in {**self._shade_u, **self._cam_u}.items():
            set_uniform(prog, name, value)
        ctx.disable(_CULL_FACE)
        ctx.depth_func = "<="
        self._fullscreen(prog)
        ctx.depth_func = "<"

    def _fullscreen(self, prog: Any) -> None:
        vao = self._core.fullscreen_vaos.get(prog.glo)
        if vao is None:
            vao = self._core.ctx.vertex_array(prog, [])
            self._core.fullscreen_vaos[prog.glo] = vao
        vao.render(vertices=3)

    def _ssao_pass(self) -> None:
        """Ambient visibility from depth and normals (raw, then a 4 x 4 box blur) into ``ao``."""
        ctx, tg = self._core.ctx, self._targets
        ctx.disable(_DEPTH_TEST)
        ctx.disable(_BLEND)
        prog = self._core.programs.get("ssao.glsl")
        tg.ssao_raw.use()
        for name in ("u_proj", "u_inv_proj", "u_cam_rot", "u_size"):
            set_uniform(prog, name, self._cam_u[name])
        set_uniform(prog, "u_ssao_radius", self.ssao_radius)
        set_uniform(prog, "u_ssao_kernel", _ssao_kernel().reshape(-1))  # vec3 array: flat, in order
        for unit, name in ((0, "depth"), (1, "normal")):
            tg.tex[name].use(unit)
            set_uniform(prog, "u_" + name, unit)
        self._fullscreen(prog)
        blur = self._core.programs.get("ssao.glsl", ("BLUR",))
        tg.ssao.use()
        tg.tex["ao_raw"].use(0)
        set_uniform(blur, "u_ao_raw", 0)
        self._fullscreen(blur)

    def _lighting_pass(self, cam: Camera, shade: dict[str, Any]) -> None:
        ctx, tg = self._core.ctx, self._targets
        prog = self._core.programs.get("lighting.glsl", ("SSAO",) if self.ssao_radius > 0 else ())
        ctx.disable(_DEPTH_TEST)
        ctx.disable(_BLEND)
        tg.lit.use()
        for name, value in {**shade, **self._cam_u}.items():
            set_uniform(prog, name, value)
        inputs = ("basecolor", "normal", "material", "depth", "scene_color") + (("ao",) if self.ssao_radius > 0 else ())
        for unit, name in enumerate(inputs, start=3):
            tg.tex[name].use(unit)
            set_uniform(prog, "u_" + name, unit)
        self._bind_shadow(prog)
        self._fullscreen(prog)

    def _bind_shadow(self, prog: Any | None) -> None:
        """Bind this frame's shadow map (or a 1x1 dummy when shadows are off) to texture unit 2."""
        tex = self._shadow_tex if self._shadow_tex is not None else self._core.shadow_map(1)[0]
        tex.use(2)
        if prog is not None:
            set_uniform(prog, "u_shadow_map", 2)

    def _forward_msaa_pass(self, draws: list[Draw], cam: Camera, shade: dict[str, Any]) -> None:
        ctx, tg = self._core.ctx, self._targets
        ctx.front_face = "cw"
        ctx.enable(_DEPTH_TEST)
        ctx.depth_func = "<"
        tg.msaa.use()
        tg.msaa.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        self._bind_shadow(None)
        self._draw_batches(draws, "gbuffer.glsl", ("FORWARD",), {**shade, **self._cam_u, "u_shadow_map": 2},
                           cull=True)
        self._sky(("FORWARD",))
        ctx.copy_framebuffer(tg.hdr, tg.msaa)

    def _tonemap_pass(self) -> None:
        """hdr -> ldr (MSAA path; the deferred lighting pass tone-maps in the same pass)."""
        ctx, tg = self._core.ctx, self._targets
        ctx.disable(_DEPTH_TEST)
        ctx.disable(_BLEND)
        prog = self._core.programs.get("tonemap.glsl")
        tg.ldr.use()
        tg.tex["hdr"].use(0)
        set_uniform(prog, "u_hdr", 0)
        self._fullscreen(prog)

    def _resolve_passes(self) -> None:
        """SSAA: reduce every s x s block of the supersampled targets to one output pixel, on the GL
        side (rules of :mod:`gameir.render.downsample`), so only output-size buffers are read back."""
        ctx, tg, out = self._core.ctx, self._targets, self._resolved
        ctx.disable(_DEPTH_TEST)
        ctx.disable(_BLEND)
        ctx.disable_direct(_GL_FRAMEBUFFER_SRGB)  # basecolor codes are written raw
        linear = ("hdr", "basecolor") if self.ssaa == 2 else ()  # read by bilinear lookups (SSAA2)
        filters = {name: tg.tex[name].filter for name in linear}
        for name in linear:
            tg.tex[name].filter = (_GL_LINEAR, _GL_LINEAR)
        for program, fbo, inputs in (("resolve_color.glsl", out.color, ("ldr", "hdr", "basecolor", "material")),
                                     ("resolve_geometry.glsl", out.geometry, RESOLVE_GEOMETRY_OUTPUTS)):
            prog = self._core.programs.get(program, ("SSAA2",) if self.ssaa == 2 else ())
            fbo.use()
            for unit, name in enumerate(inputs):
                tg.tex[name].use(unit)
                set_uniform(prog, "u_" + name, unit)
            set_uniform(prog, "u_ssaa", self.ssaa)
            set_uniform(prog, "u_srgb_to_linear", SRGB_TO_LINEAR)
            set_uniform(prog, "u_code_steps", CODE_STEPS)
            self._fullscreen(prog)
        for name, filt in filters.items():  # back to nearest for the lighting pass's texel-centre reads
            tg.tex[name].filter = filt

    def _fxaa_pass(self) -> None:
        ctx, tg = self._core.ctx, self._targets
        ctx.disable(_DEPTH_TEST)
        ctx.disable(_BLEND)
        fx = self._core.programs.get("fxaa.glsl")
        tg.final.use()
        tg.tex["ldr"].filter = (_GL_LINEAR, _GL_LINEAR)
        tg.tex["ldr"].use(0)
        set_uniform(fx, "u_ldr", 0)
        set_uniform(fx, "u_size", (float(tg.size[0]), float(tg.size[1])))
        self._fullscreen(fx)
