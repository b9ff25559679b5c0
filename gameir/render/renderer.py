"""`Renderer`: the headless deferred renderer (scene + camera + time -> Frame of G-buffers).

A frame runs the passes of :mod:`gameir.render.passes` in order (docs/RENDERER.md): sun shadow map
-> depth pre-pass + G-buffer MRT + sky motion, tag and depth -> optional SSAO -> deferred lighting
with the sky, fog and ACES tone mapping to sRGB 8-bit in one pass (or, with MSAA, a forward-shaded
multisampled colour pass, resolved, then tone-mapped) -> the post chain's motion blur,
bloom and tone map + vignette + grain when asked for (gameir/render/post_chain.py; the tone map then
runs in its own pass; with ``aa="taa"`` the TAA pass comes first, in linear HDR) -> optional FXAA -> with SSAA, resolve passes to the output size -> readback.
This module validates options, owns the targets, and runs them.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from gameir.buffers import BUFFER_NAMES, get_spec
from gameir.frame import Frame
from gameir.render.constants import (AA_MODES, MAX_LIGHTS, MAX_SSAA, MOTION_BLUR_TILE, TAA_DEPTH_TOL,
                                     TAA_VARIANCE_GAMMA)
from gameir.render.core import GLCore
from gameir.render.draws import collect_draws, cull_draws, distance_cull
from gameir.render.passes import (FrameState, FXAAPass, ForwardMSAAPass, GBufferPass, LightingPass, MaterialSampling,
                                  Pass, ResolvePass, ShadowPass, SSAOPass, camera_uniforms, post_passes,
                                  shading_uniforms)
from gameir.render.passes.bloom import bloom_levels
from gameir.render.passes.rain import RainPass
from gameir.render.passes.reflections import WetCompositePass
from gameir.render.passes.taa import TAAPass, check_taa_options
from gameir.render.post_chain import PostChain
from gameir.render.readback import PixelBufferReadback, read_buffers
from gameir.render.targets import ResolveTargets, Targets
from gameir.scene.camera import Camera, halton_jitter
from gameir.scene.lights import DirectionalLight, PointLight, SpotLight
from gameir.scene.scene import Scene

__all__ = ["Renderer"]


class Renderer:
    """Headless deferred renderer at one output resolution.

    Args:
        width, height: output size in pixels.
        aa: anti-aliasing mode, one of ``"none"`` (1 sample per pixel, aliased), ``"fxaa"``
            (FXAA on the tone-mapped image), ``"msaa"`` (multisampled forward-shaded colour;
            G-buffers stay 1 spp) or ``"ssaa"`` (everything rendered at ``ssaa`` times the size and
            box-downsampled by resolve passes on the GL side, by the rules of
            :mod:`gameir.render.downsample`) or ``"taa"`` (temporal anti-aliasing in linear HDR
            after lighting: frames must come in clip order, each jittered by the caller, e.g. with
            :meth:`taa_jitter`; the ``hdr`` buffer stays the one-sample lit radiance, ``rgb`` is
            the tone-mapped TAA output; docs/RENDERER.md, "TAA").
        msaa_samples: 2, 4 or 8 (limited by the driver's GL_MAX_SAMPLES) for ``aa="msaa"``.
        ssaa: integer supersampling factor; must be 2 ... 4 with ``aa="ssaa"`` (up to 16 samples
            per pixel) and 1 otherwise.
        taa_phases: with ``aa="taa"``, the number of Halton (2, 3) jitter phases (>= 2, default 8).
        taa_blend: with ``aa="taa"``, the weight of the current frame in the exponential blend
            (0, 1], default 0.1.
        taa_history: with ``aa="taa"``, the history fetch: ``"bilinear"`` (default) or
            ``"catmull-rom-5"`` (bicubic, keeps the history sharper under sub-pixel motion).
        taa_clip: with ``aa="taa"``, the history rectification in YCoCg: ``"minmax"`` (default,
            clamp to the current 3 x 3's min/max box) or ``"variance"`` (clip to mean +- 1 sigma).
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
            (not with ``aa="msaa"``, which shades forward). Shorthand for ``post`` with "ssao".
        post: the post chain: a :class:`gameir.render.post_chain.PostChain`, or step names in
            order (default parameters), e.g. ``["ssao", "bloom", "tonemap"]``; None = tone mapping
            alone (plus SSAO when ``ssao_radius`` > 0). The ``hdr`` buffer stays pre-post radiance.
        share: another Renderer whose GL context, programs and uploaded scene data to reuse
            (e.g. LR and HR renderers of a pair); the context is released with the last user.

    Use as a context manager or call :meth:`release`.
    """

    def __init__(self, width: int, height: int, *, aa: str = "none", msaa_samples: int = 4, ssaa: int = 1,
                 lod_bias: float = 0.0, anisotropy: float = 8.0, shadow_map_size: int = 2048,
                 buffers: tuple[str, ...] | list[str] | None = None, depth_prepass: bool = True,
                 ssao_radius: float = 0.0, post: "PostChain | list[str] | tuple[str, ...] | None" = None,
                 taa_phases: int = 8, taa_blend: float = 0.1, taa_history: str = "bilinear",
                 taa_clip: str = "minmax", share: "Renderer | None" = None) -> None:
        if isinstance(width, bool) or isinstance(height, bool) or int(width) != width or int(height) != height \
                or width < 1 or height < 1:
            raise ValueError(f"Renderer: width and height must be positive integers, got {width!r} x {height!r}")
        if aa not in AA_MODES:
            raise ValueError(f"Renderer: aa must be one of {AA_MODES}, got {aa!r}")
        if int(ssaa) != ssaa or ssaa < 1:
            raise ValueError(f"Renderer: ssaa must be a positive integer, got {ssaa!r}")
        if ssaa > MAX_SSAA:
            raise ValueError(f"Renderer: ssaa must be at most {MAX_SSAA} ({MAX_SSAA}x{MAX_SSAA} samples per pixel), "
                             f"got ssaa={ssaa}")
        if aa == "ssaa" and ssaa < 2:
            raise ValueError(f"Renderer: aa='ssaa' needs ssaa >= 2, got ssaa={ssaa}")
        if aa != "ssaa" and ssaa != 1:
            raise ValueError(f"Renderer: ssaa={ssaa} requires aa='ssaa', got aa={aa!r}")
        if aa == "msaa" and msaa_samples not in (2, 4, 8):
            raise ValueError(f"Renderer: msaa_samples must be 2, 4 or 8, got {msaa_samples!r}")
        self.taa_phases, self.taa_blend, self.taa_history, self.taa_clip = check_taa_options(
            taa_phases, taa_blend, history=taa_history, clip=taa_clip)
        if not math.isfinite(lod_bias) or abs(lod_bias) > 16:
            raise ValueError(f"Renderer: lod_bias must be finite in [-16, 16], got {lod_bias!r}")
        if not 1.0 <= anisotropy <= 16.0:
            raise ValueError(f"Renderer: anisotropy must lie in [1, 16], got {anisotropy!r}")
        if not (math.isfinite(ssao_radius) and ssao_radius >= 0):
            raise ValueError(f"Renderer: ssao_radius must be a finite number of metres >= 0, got {ssao_radius!r}")
        self.post = PostChain.resolve(post, ssao_radius)  # post chain: steps and their parameters
        ssao_radius = self.post.ssao_radius_m if self.post.has("ssao") else 0.0
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
        self.cull = True  # frustum + shadow-sweep instance culling (exact: see draws.cull_draws)
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
                                                    msaa_samples=self.msaa_samples, ssao=self.ssao_radius > 0,
                                                    post_hdr=self.post.has("motion_blur"),
                                                    bloom_levels=bloom_levels(rw, rh) if self.post.has("bloom") else 0,
                                                    motion_blur_tile=MOTION_BLUR_TILE if self.post.has("motion_blur")
                                                    else 0, taa=aa == "taa")
            self._resolved: ResolveTargets | None = (ResolveTargets(core.ctx, self.width, self.height)
                                                     if self.ssaa > 1 else None)
        # TAA tone-maps its output itself when no post step comes between them (one pass less)
        self.taa: TAAPass | None = (TAAPass(self.taa_blend, self.taa_history, self.taa_clip,
                                            tonemap=not self.post.needs_tonemap_pass) if aa == "taa" else None)
        self.passes: list[Pass] = self._build_passes()
        #: seconds spent in the last frame: {"render_s": issuing + finishing passes, "readback_s": ...};
        #: a deferred frame's are issuing the passes and starting the reads
        self.last_timings: dict[str, float] = {}
        self._pixel_buffers: PixelBufferReadback | None = None  # deferred readback, made on first use

    def _build_passes(self) -> list[Pass]:
        """The passes of one frame, in order (docs/RENDERER.md)."""
        sampling = MaterialSampling(self.lod_bias, self.anisotropy)
        passes: list[Pass] = [ShadowPass(self.shadow_map_size), GBufferPass(sampling, self.depth_prepass)]
        if "rgb" in self.buffers or "hdr" in self.buffers:
            if self.msaa_samples:
                passes += [ForwardMSAAPass(sampling)]
            else:
                fused_tonemap = not self.post.needs_tonemap_pass and self.taa is None
                passes += ([SSAOPass(self.ssao_radius)] if self.ssao_radius > 0 else []) + \
                          [LightingPass(ssao=self.ssao_radius > 0, tonemap=fused_tonemap)]
            passes += [RainPass(), WetCompositePass()]  # wet reflections and rain into hdr; no-ops when dry
            passes += [self.taa] if self.taa is not None else []  # TAA, then the post chain
            # motion blur -> bloom -> tone map + film, at the render size (docs/RENDERER.md)
            passes += post_passes(self.post, self._targets.size,
                                  tonemapped=not self.msaa_samples and (self.taa is None or self.taa.tonemap))
            if self.aa == "fxaa":
                passes.append(FXAAPass())
        if self.ssaa > 1:
            passes.append(ResolvePass(self.ssaa))
        return passes

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
        if getattr(self, "_pixel_buffers", None) is not None:
            with core.ctx:
                self._pixel_buffers.release()
            self._pixel_buffers = None
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
    def pixel_buffers(self) -> PixelBufferReadback:
        """The pixel-buffer readback of deferred frames (see :meth:`_render`)."""
        if self._pixel_buffers is None:
            raise ValueError("Renderer.pixel_buffers: no frame was rendered with deferred readback")
        return self._pixel_buffers

    @property
    def settings(self) -> dict[str, Any]:
        """Render settings recorded in every Frame."""
        return {"renderer": "gameir-deferred", "width": self.width, "height": self.height, "aa": self.aa,
                "msaa_samples": self.msaa_samples, "ssaa": self.ssaa, "lod_bias": self.lod_bias,
                "anisotropy": self.anisotropy, "shadow_map_size": self.shadow_map_size,
                "ssao_radius": self.ssao_radius,
                "tonemap": "aces-narkowicz", "motion_includes_jitter": True,
                "gl_renderer": self._core.gl_renderer if self._core else "", **self.post.settings(),
                **({"taa": self.taa_settings} if self.aa == "taa" else {})}

    @property
    def taa_settings(self) -> dict[str, Any]:
        """How the TAA pass works, recorded in the settings of a ``aa="taa"`` renderer."""
        return {"jitter": "halton-2-3", "phases": self.taa_phases, "blend": self.taa_blend,
                "blend_rule": "max(blend, 1/frames_accumulated)", "history_fetch": self.taa_history,
                "clamp": ("ycocg-minmax-3x3" if self.taa_clip == "minmax" else
                          f"ycocg-variance-clip-3x3-gamma-{TAA_VARIANCE_GAMMA:g}"), "rejection": "instance+depth", "depth_tolerance": TAA_DEPTH_TOL,
                "space": "linear-hdr-before-post", "hdr_buffer": "one-sample, before taa"}

    def taa_jitter(self, frame_index: int) -> tuple[float, float]:
        """Sub-pixel jitter of clip frame ``frame_index`` in pixels: Halton (2, 3) over
        :attr:`taa_phases` phases (:func:`gameir.scene.camera.halton_jitter`)."""
        return halton_jitter(frame_index, self.taa_phases)

    # -- rendering -------------------------------------------------------------------------------
    def render(self, scene: Scene, camera: Camera, t: float = 0.0, *, dt: float = 1.0 / 30.0,
               prev_camera: Camera | None = None, reset: bool = False, lod_eye_m: np.ndarray | None = None) -> Frame:
        """Render ``scene`` seen by ``camera`` at time ``t`` seconds.

        Args:
            scene: the scene; instance transforms are evaluated at ``t`` and ``t - dt``.
            camera: camera of exactly this renderer's size (its jitter is applied and recorded).
            t: scene time in seconds.
            dt: time step to the previous frame in seconds (> 0), for motion vectors.
            prev_camera: camera of the previous frame (same size; its jitter counts); default
                ``camera`` (motion from moving objects only).
            reset: with ``aa="taa"``, start a new history (a clip's first frame, a camera cut). The
                history also restarts on the first frame and when ``prev_camera``'s pose is not the
                pose of the frame in the history (a cut). Otherwise ``t`` must be the previous
                frame's time + ``dt`` (frames in clip order), else ValueError.
            lod_eye_m: (3,) world point, metres, that mesh draw distances (``Mesh.draw_distance_m``)
                are measured from; default the camera's position. A multi-view rig passes one point
                for all its views so that every view holds the same instances.

        Returns:
            A :class:`gameir.frame.Frame` with the requested buffers, ``K`` including the jitter,
            the camera's ``c2w`` and ``jitter_px``, ``time_s = t`` and :attr:`settings`.
        """
        return self._render(scene, camera, t, dt=dt, prev_camera=prev_camera, reset=reset, lod_eye_m=lod_eye_m)

    def _check_taa_sequence(self, t: float, dt: float, prev_camera: Camera | None, reset: bool) -> None:
        """Reset the TAA history on a cut; refuse a frame out of clip order."""
        taa = self.taa
        if taa is None or reset or taa.last_time_s is None:
            if taa is not None:
                taa.request_reset()
            return
        if prev_camera is not None and taa.last_pose is not None:
            c2w, K = taa.last_pose
            if not (np.allclose(prev_camera.c2w, c2w, atol=1e-9) and np.allclose(prev_camera.K, K, atol=1e-9)):
                taa.request_reset()  # a camera cut: the previous camera is not the history's
                return
        if abs(t - dt - taa.last_time_s) > 1e-6 * max(1.0, abs(t)):
            raise ValueError(f"Renderer: aa='taa' needs frames in clip order: got t={t!r} with dt={dt!r}, but the "
                             f"history holds t={taa.last_time_s!r}; render the frames in order, or pass "
                             "reset=True to start a new history")

    def _render(self, scene: Scene, camera: Camera, t: float = 0.0, *, dt: float = 1.0 / 30.0,
                prev_camera: Camera | None = None, collected: tuple | None = None, reset: bool = False,
                lod_eye_m: np.ndarray | None = None, deferred: bool = False) -> Frame:
        """:meth:`render`, optionally with ``collected`` = :func:`collect_draws` (scene, t, dt) computed
        once for the LR and HR frames of a pair.

        ``deferred``: no ``ctx.finish()``; the reads are queued into this renderer's pixel-buffer
        objects (:attr:`pixel_buffers`) and the returned frame's ``buffers`` stay empty until the
        caller fills them with ``frame.buffers.update(renderer.pixel_buffers.collect())``.
        """
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
        self._check_taa_sequence(float(t), float(dt), prev_camera, bool(reset))
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
        eye = camera.c2w[:3, 3] if lod_eye_m is None else np.asarray(lod_eye_m, np.float64)
        if eye.shape != (3,) or not np.isfinite(eye).all():
            raise ValueError(f"render: lod_eye_m must be a finite (3,) world point in metres, got {lod_eye_m!r}")
        draws = distance_cull(draws, eye)  # per-mesh draw distances (what is drawn)
        if self.cull:  # conservative: drops only instances that touch neither the view nor a shadow in it
            draws = cull_draws(draws, cam.projection() @ cam.view(), suns[0].direction if suns else None, float(lo[2]))
        core, tg = self._core, self._targets
        t0 = time.perf_counter()
        with core.ctx:
            core.gpu.purge()
            sun = suns[0] if suns else None
            frame = FrameState(core=core, targets=tg, resolved=self._resolved, draws=draws, cam=cam, prev=prev,
                               sun=sun, bounds=(lo, hi), shade=shading_uniforms(scene, cam, sun, lights),
                               cam_u=camera_uniforms(cam, prev), rain=scene.environment.rain, time_s=float(t),
                               scene_name=scene.name)
            for render_pass in self.passes:
                render_pass.run(frame)
            if not deferred:
                core.ctx.finish()
            stats = {"exposure": float(2.0 ** scene.environment.exposure_ev)}
            if self.taa is not None:
                stats.update(self.taa.stats(frame))
            t1 = time.perf_counter()
            source = self._resolved if self._resolved is not None else tg
            if deferred:
                if self._pixel_buffers is None:
                    self._pixel_buffers = PixelBufferReadback(core.ctx)
                self._pixel_buffers.start(source, self.buffers)
                bufs: dict[str, np.ndarray] = {}
            else:
                bufs = read_buffers(core.ctx, source, self.buffers)
        t2 = time.perf_counter()
        self.last_timings = {"render_s": t1 - t0, "readback_s": t2 - t1}
        settings = self.settings
        settings.update(dt=float(dt), scene=scene.name, num_triangles=int(tris))
        return Frame(buffers=bufs, K=camera.K_jittered, c2w=camera.c2w.copy(),
                     jitter_px=np.array(camera.jitter_px, dtype=np.float64), time_s=float(t), settings=settings,
                     stats=stats)
