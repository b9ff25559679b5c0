"""Temporal anti-aliasing in linear HDR after lighting (shaders/taa.glsl), with its history.

The pass owns the history of one renderer: two ping-pong sets of (resolved colour, depth,
instance) at the render size. Each frame reads the previous set and writes the other; the
frame's ``hdr_source`` then names the resolved colour, so the post chain and the tone map read it
while the stored ``hdr`` buffer keeps the one-sample lit radiance.
"""

from __future__ import annotations

from typing import Any

import moderngl
import numpy as np

from gameir.render.constants import TAA_CLIP_MODES, TAA_DEPTH_TOL, TAA_HISTORY_MODES
from gameir.render.core import set_uniform
from gameir.render.passes.base import FrameState, Pass, fullscreen

__all__ = ["TAAPass", "TAA_DEPTH_TOL", "check_taa_options"]


def check_taa_options(phases: Any, blend: Any, where: str = "Renderer", history: Any = "bilinear",
                      clip: Any = "minmax") -> tuple[int, float, str, str]:
    """``(phases, blend, history, clip)`` checked: the Halton jitter phase count (integer >= 2), the
    weight of the current frame in the exponential blend, in (0, 1], the history fetch (one of
    :data:`TAA_HISTORY_MODES`) and the history rectification (one of :data:`TAA_CLIP_MODES`).

    Raises:
        ValueError: naming ``taa_phases``, ``taa_blend``, ``taa_history`` or ``taa_clip``, the value
            and what is expected.
    """
    if isinstance(phases, bool) or not isinstance(phases, (int, np.integer)) or phases < 2:
        raise ValueError(f"{where}: taa_phases must be an integer >= 2 (Halton jitter phases), got {phases!r}")
    if isinstance(blend, bool) or not isinstance(blend, (int, float)) or not 0.0 < blend <= 1.0:
        raise ValueError(f"{where}: taa_blend must be a number in (0, 1] (weight of the current frame), "
                         f"got {blend!r}")
    if history not in TAA_HISTORY_MODES:
        raise ValueError(f"{where}: taa_history must be one of {', '.join(TAA_HISTORY_MODES)} (history fetch), "
                         f"got {history!r}")
    if clip not in TAA_CLIP_MODES:
        raise ValueError(f"{where}: taa_clip must be one of {', '.join(TAA_CLIP_MODES)} (history rectification in "
                         f"YCoCg), got {clip!r}")
    return int(phases), float(blend), str(history), str(clip)


class TAAPass(Pass):
    """``frame.hdr_source`` + the reprojected history -> ``taa_color_k``; ``hdr_source`` names it.

    The weight of the current frame is ``max(blend, 1 / n)`` with n the frames accumulated since
    the last reset (an exact running mean for the first 1/blend frames, then exponential).

    Args:
        blend: weight of the current frame in the exponential blend, (0, 1].
        history: history fetch, ``"bilinear"`` or ``"catmull-rom-5"`` (program variant ``CATMULL_ROM``).
        clip: ``"minmax"`` (clamp to the 3 x 3 min/max box) or ``"variance"`` (clip to the variance
            box, program variant ``VARIANCE_CLIP``).
        tonemap: also write the tone-mapped output to ``ldr`` (program variant ``TONEMAP``), when
            no post step comes between TAA and the tone map: one full-screen pass less.

    Attributes:
        frames_accumulated: frames in the history after the last frame (1 right after a reset).
        last_time_s / last_pose: time and (c2w, K) of the last frame rendered, None before the first.
    """

    def __init__(self, blend: float = 0.1, history: str = "bilinear", clip: str = "minmax",
                 tonemap: bool = False) -> None:
        self.blend = float(blend)
        self.tonemap = bool(tonemap)
        self.variants = (("CATMULL_ROM",) if history == "catmull-rom-5" else ()) + \
                        (("VARIANCE_CLIP",) if clip == "variance" else ()) + (("TONEMAP",) if tonemap else ())
        self.parity = 0
        self.frames_accumulated = 0
        self.last_time_s: float | None = None
        self.last_pose: tuple[np.ndarray, np.ndarray] | None = None
        self._reset = True

    def request_reset(self) -> None:
        """Drop the history: the next frame starts a new one (a clip's first frame, a camera cut)."""
        self._reset = True

    def run(self, frame: FrameState) -> None:
        core, tg = frame.core, frame.targets
        ctx = core.ctx
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.BLEND)
        reset = self._reset or self.frames_accumulated == 0
        self.frames_accumulated = 1 if reset else self.frames_accumulated + 1
        cur, prev = self.parity, 1 - self.parity
        prog = core.programs.get("taa.glsl", self.variants)
        tg.post[f"taa_ldr_{cur}" if self.tonemap else f"taa_{cur}"].use()
        cur_to_prev = np.linalg.inv(frame.prev.c2w) @ frame.cam.c2w
        set_uniform(prog, "u_jitter_delta", tuple(float(p - c) for p, c in zip(frame.prev.jitter_px,
                                                                                frame.cam.jitter_px)))
        set_uniform(prog, "u_inv_proj", frame.cam_u["u_inv_proj"])
        set_uniform(prog, "u_cur_to_prev_view", cur_to_prev)
        set_uniform(prog, "u_alpha", 1.0 if reset else max(self.blend, 1.0 / self.frames_accumulated))
        set_uniform(prog, "u_reset", int(reset))
        inputs = {"current": frame.hdr_source, "history": f"taa_color_{prev}", "motion": "motion", "depth": "depth",
                  "instance": "instance", "prev_depth": f"taa_depth_{prev}", "prev_instance": f"taa_instance_{prev}"}
        for unit, (name, tex) in enumerate(inputs.items()):
            tg.tex[tex].use(unit)
            set_uniform(prog, "u_" + name, unit)
        fullscreen(core, prog)
        frame.hdr_source = f"taa_color_{cur}"
        self.parity = prev
        self._reset = False
        self.last_time_s = frame.time_s
        self.last_pose = (frame.cam.c2w.copy(), np.array(frame.cam.K, dtype=np.float64))

    def stats(self, frame: FrameState) -> dict[str, float]:
        """What the history held this frame (after the GL work finished): frames accumulated and
        the fraction of pixels whose history was rejected (1.0 on a reset)."""
        mask = np.frombuffer(frame.targets.post[f"taa_{1 - self.parity}"].read(components=1, attachment=3, dtype="f1"),
                             dtype=np.uint8)
        return {"taa_history_frames": float(self.frames_accumulated),
                "taa_rejected_fraction": float(np.count_nonzero(mask)) / max(mask.size, 1)}
