"""Native LR/HR pairs: the same camera and instant rendered at LR and at s x LR, never resampled."""

from __future__ import annotations

import math
import time
from typing import Any

from gameir.deprecation import renamed_argument
from gameir.frame import Frame
from gameir.render.draws import collect_draws
from gameir.render.post_chain import PostChain
from gameir.render.renderer import Renderer
from gameir.scene.camera import Camera
from gameir.scene.scene import Scene

__all__ = ["render_pair", "PairRenderer", "auto_lod_bias", "READBACK_MODES"]

#: How a pair's LR frame is read back: "sync" (glReadPixels into numpy before the HR frame renders),
#: "pbo" (queued into pixel-buffer objects, copied out after the HR frame's GL work was issued, so
#: the LR transfer overlaps the HR render where the driver copies asynchronously), "auto" ("sync"
#: on Mesa's llvmpipe, where the driver copies at once and the PBO round trip only adds a copy;
#: "pbo" elsewhere).
READBACK_MODES = ("auto", "sync", "pbo")


def auto_lod_bias(scale: int) -> float:
    """The LR texture LOD bias game upscalers recommend for a x``scale`` pair: log2(LR/HR) = -log2(scale)."""
    return math.log2(1.0 / scale)


def render_pair(scene: Scene, camera: Camera, t: float, lr_renderer: Renderer, hr_renderer: Renderer, *,
                dt: float = 1.0 / 30.0, prev_camera: Camera | None = None,
                hr_jitter: bool = False, hr_jitter_px: tuple[tuple[float, float], tuple[float, float]] | None = None,
                reset: bool = False, readback: str = "sync") -> tuple[Frame, Frame]:
    """Render ``scene`` at time ``t`` natively at LR and HR through one frustum.

    Args:
        scene: the scene.
        camera: the LR camera (size of ``lr_renderer``); its jitter is applied to LR.
        t: scene time, seconds.
        lr_renderer, hr_renderer: renderers whose sizes differ by one integer factor s
            (HR = s x LR in both axes).
        dt, prev_camera: as :meth:`Renderer.render` (``prev_camera`` at LR size).
        hr_jitter: apply the same jitter to HR (``s * jitter`` HR pixels) instead of none; the
            default renders HR unjittered, the clean target an upscaler is trained towards.
        hr_jitter_px: (current, previous) HR jitter in HR pixels, overriding ``hr_jitter``: an HR
            renderer with its own TAA jitter sequence.
        reset: start new TAA histories (a clip's first frame, a camera cut); see :meth:`Renderer.render`.
        readback: "sync" or "pbo" (:data:`READBACK_MODES`); the frames' bytes are the same.

    Returns:
        ``(lr_frame, hr_frame)``; ``hr_frame.K = diag(s, s, 1) @ lr K`` (before jitter).
    """
    s = hr_renderer.width // lr_renderer.width
    if s < 1 or hr_renderer.width != s * lr_renderer.width or hr_renderer.height != s * lr_renderer.height:
        raise ValueError(f"render_pair: HR size {hr_renderer.width}x{hr_renderer.height} is not an integer "
                         f"multiple of LR size {lr_renderer.width}x{lr_renderer.height}")
    if not (isinstance(t, (int, float)) and isinstance(dt, (int, float)) and math.isfinite(t) and math.isfinite(dt)
            and dt > 0):
        raise ValueError(f"render_pair: need finite t and dt > 0, got t={t!r}, dt={dt!r}")
    if readback not in ("sync", "pbo"):
        raise ValueError(f"render_pair: readback must be 'sync' or 'pbo', got {readback!r}")
    collected = collect_draws(scene, t, dt)  # evaluate and validate the transforms once for both
    lr = lr_renderer._render(scene, camera, t, dt=dt, prev_camera=prev_camera, collected=collected, reset=reset,
                             deferred=readback == "pbo")
    hr_cam = camera.scaled(s, jitter=hr_jitter)
    hr_prev = None if prev_camera is None else prev_camera.scaled(s, jitter=hr_jitter)
    if hr_jitter_px is not None:
        hr_cam = hr_cam.with_jitter(hr_jitter_px[0])
        hr_prev = (hr_prev if hr_prev is not None else camera.scaled(s)).with_jitter(hr_jitter_px[1])
    hr = hr_renderer._render(scene, hr_cam, t, dt=dt, prev_camera=hr_prev, collected=collected, reset=reset)
    if readback == "pbo":  # the LR reads were queued before the HR frame's GL work
        t0 = time.perf_counter()
        with lr_renderer._core.ctx:
            lr.buffers.update(lr_renderer.pixel_buffers.collect())
        lr_renderer.last_timings["collect_s"] = time.perf_counter() - t0
    lr.settings.update(pair_role="lr", pair_scale=s)
    hr.settings.update(pair_role="hr", pair_scale=s, hr_jitter=hr_jitter or hr_jitter_px is not None)
    return lr, hr


class PairRenderer:
    """Two renderers sharing one GL context: LR at ``lr_size_wh`` and HR at ``scale`` x ``lr_size_wh``.

    Args:
        lr_size_wh: (width, height) of the LR frame in pixels, e.g. (960, 720); default (960, 720).
        scale: integer HR/LR factor (2 for the GameIR release's 960x720 -> 1920x1440).
        aa_lr, aa_hr: anti-aliasing modes (see :class:`Renderer`); the LR default "none" keeps
            the aliasing an upscaler must undo.
        ssaa_lr, ssaa_hr: supersampling factors (>= 2 implies ``aa_lr`` / ``aa_hr`` = "ssaa").
        msaa_samples: samples for "msaa" modes.
        lod_bias_lr: texture LOD bias of the LR frame, a number or ``"auto"`` (:func:`auto_lod_bias`).
        hr_jitter: see :func:`render_pair`.
        taa_phases, taa_blend, taa_history, taa_clip: TAA options of both levels (:class:`Renderer`); an HR level with
            ``aa_hr="taa"`` is jittered by its own Halton sequence in HR pixels.
        anisotropy, shadow_map_size, buffers, ssao_radius, post: as :class:`Renderer` (both frames: the
            engine runs its post chain at LR and at HR alike).
        lr_size: former name of ``lr_size_wh`` (accepted with a DeprecationWarning).
        readback: :data:`READBACK_MODES`; "auto" picks "sync" on llvmpipe, "pbo" on other drivers
            (the chosen mode is :attr:`readback`).
    """

    def __init__(self, lr_size_wh: tuple[int, int] | None = None, scale: int = 2, *, aa_lr: str = "none",
                 aa_hr: str = "none", ssaa_lr: int = 1, ssaa_hr: int = 1, msaa_samples: int = 4,
                 lod_bias_lr: float | str = 0.0,
                 hr_jitter: bool = False, anisotropy: float = 8.0, shadow_map_size: int = 2048,
                 buffers: tuple[str, ...] | None = None, ssao_radius: float = 0.0,
                 post: "PostChain | list[str] | tuple[str, ...] | None" = None, taa_phases: int = 8,
                 taa_blend: float = 0.1, taa_history: str = "bilinear", taa_clip: str = "minmax",
                 lr_size: tuple[int, int] | None = None, readback: str = "auto") -> None:
        lr_size_wh = renamed_argument(lr_size_wh, lr_size, where="PairRenderer", new_name="lr_size_wh",
                                      old_name="lr_size", meaning="(width, height) of the LR frame")
        lr_size_wh = (960, 720) if lr_size_wh is None else lr_size_wh
        if readback not in READBACK_MODES:
            raise ValueError(f"PairRenderer: readback must be one of {READBACK_MODES}, got {readback!r}")
        if len(tuple(lr_size_wh)) != 2:
            raise ValueError(f"PairRenderer: lr_size_wh must be (width, height), got {lr_size_wh!r}")
        if isinstance(scale, bool) or int(scale) != scale or scale < 1:
            raise ValueError(f"PairRenderer: scale must be a positive integer, got {scale!r}")
        if lod_bias_lr == "auto":
            lod_bias_lr = auto_lod_bias(scale)
        elif isinstance(lod_bias_lr, str):
            raise ValueError(f"PairRenderer: lod_bias_lr must be a number or 'auto', got {lod_bias_lr!r}")
        if ssaa_lr > 1:
            aa_lr = "ssaa"
        if ssaa_hr > 1:
            aa_hr = "ssaa"
        w, h = lr_size_wh
        self.scale, self.hr_jitter = int(scale), bool(hr_jitter)
        self.lr = Renderer(w, h, aa=aa_lr, ssaa=ssaa_lr, msaa_samples=msaa_samples, lod_bias=float(lod_bias_lr),
                           anisotropy=anisotropy, shadow_map_size=shadow_map_size, buffers=buffers,
                           ssao_radius=ssao_radius, post=post, taa_phases=taa_phases, taa_blend=taa_blend,
                           taa_history=taa_history, taa_clip=taa_clip)
        try:
            self.hr = Renderer(w * self.scale, h * self.scale, aa=aa_hr, ssaa=ssaa_hr, msaa_samples=msaa_samples,
                               anisotropy=anisotropy, shadow_map_size=shadow_map_size, buffers=buffers,
                               ssao_radius=ssao_radius, post=post, taa_phases=taa_phases, taa_blend=taa_blend,
                               taa_history=taa_history, taa_clip=taa_clip, share=self.lr)
        except Exception:
            self.lr.release()
            raise
        if readback == "auto":
            readback = "sync" if "llvmpipe" in self.lr._core.gl_renderer.lower() else "pbo"
        #: "sync" or "pbo": how the LR frame of each pair is read back (see :data:`READBACK_MODES`).
        self.readback = readback

    def render(self, scene: Scene, camera: Camera, t: float = 0.0, *, dt: float = 1.0 / 30.0,
               prev_camera: Camera | None = None, frame_index: int | None = None,
               reset: bool = False) -> tuple[Frame, Frame]:
        """``(lr_frame, hr_frame)`` of ``scene`` at ``t``; ``camera`` is the LR camera.

        With ``aa_hr="taa"``, ``frame_index`` (the frame's index in its clip) picks the HR
        jitter phase (the previous frame's phase for the previous camera); ``reset`` starts new
        TAA histories at both levels.
        """
        hr_jitter_px = None
        if self.hr.aa == "taa":
            if frame_index is None:
                raise ValueError("PairRenderer.render: aa_hr='taa' needs frame_index (the frame's index in its clip)")
            hr_jitter_px = (self.hr.taa_jitter(frame_index),
                            self.hr.taa_jitter(frame_index - 1 if frame_index > 0 and not reset else frame_index))
        return render_pair(scene, camera, t, self.lr, self.hr, dt=dt, prev_camera=prev_camera,
                           hr_jitter=self.hr_jitter, hr_jitter_px=hr_jitter_px, reset=reset,
                           readback=self.readback)

    @property
    def last_timings(self) -> dict[str, float]:
        """Render/readback seconds of the last pair, per resolution."""
        return {f"lr_{k}": v for k, v in self.lr.last_timings.items()} | \
               {f"hr_{k}": v for k, v in self.hr.last_timings.items()}

    def release(self) -> None:
        self.hr.release()
        self.lr.release()

    def __enter__(self) -> "PairRenderer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
