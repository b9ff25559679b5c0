"""The post chain: which post-processing steps run, in which order, with which parameters.

Steps run in the order engines use (UE4, COD): lighting (+ ``ssao``, which scales the ambient
terms) -> [TAA or an upscaler, an anti-aliasing mode] -> ``motion_blur`` -> ``bloom`` ->
``tonemap`` -> ``vignette`` -> ``grain`` (FXAA, an anti-aliasing mode, then runs on the result).
The ``hdr`` buffer is always the linear radiance before any post step. :class:`PostChain` checks a
chain once; :meth:`PostChain.settings` is what a frame records of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["POST_STEPS", "DEFAULT_POST", "PostChain", "check_post_steps"]

#: Every post step, in the one order they run in.
POST_STEPS: tuple[str, ...] = ("ssao", "motion_blur", "bloom", "tonemap", "vignette", "grain")

#: The chain of a renderer given no other: tone mapping alone (what every shard written before the
#: post chain holds; their render settings have no ``post`` key).
DEFAULT_POST: tuple[str, ...] = ("tonemap",)


def check_post_steps(steps: Any, arg: str = "post") -> tuple[str, ...]:
    """``steps`` as a tuple, checked: known names, no repeats, in :data:`POST_STEPS` order, with
    ``"tonemap"`` (the ``rgb`` buffer is tone-mapped sRGB).

    Raises:
        ValueError: naming ``arg``, the offending step and the valid steps in their order.
    """
    valid = ", ".join(repr(s) for s in POST_STEPS)
    if isinstance(steps, str) or not isinstance(steps, (list, tuple)):
        raise ValueError(f"{arg} must be a list of post steps in this order: {valid}; got {steps!r}")
    for step in steps:
        if step not in POST_STEPS:
            raise ValueError(f"{arg}: unknown post step {step!r}; valid steps, in the order they run: {valid}")
    if len(set(steps)) != len(steps):
        raise ValueError(f"{arg}: a post step is listed twice in {list(steps)!r}")
    ranks = [POST_STEPS.index(s) for s in steps]
    for (a, ra), (b, rb) in zip(zip(steps, ranks), zip(steps[1:], ranks[1:])):
        if rb < ra:
            raise ValueError(f"{arg}: {b!r} cannot run after {a!r} in {list(steps)!r}; post steps run in this "
                             f"order: {valid}")
    if "tonemap" not in steps:
        raise ValueError(f"{arg}: {list(steps)!r} has no 'tonemap' (the rgb buffer is tone-mapped sRGB); "
                         f"valid steps, in order: {valid}")
    return tuple(steps)


def _number(value: Any, name: str, lo: float, hi: float, *, lo_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < lo or value > hi or (lo_open and value == lo):
        bound = f"({lo}, {hi}]" if lo_open else f"[{lo}, {hi}]"
        raise ValueError(f"PostChain: {name} must be a number in {bound}, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class PostChain:
    """A checked post chain.

    Attributes:
        steps: post steps in the order they run (:func:`check_post_steps`).
        ssao_radius_m: SSAO hemisphere radius in metres (> 0), with ``"ssao"``.
        bloom_threshold: exposed linear radiance above which a pixel blooms (>= 0); a pixel of
            brightness b = max(r, g, b) > threshold gives ``c * (b - threshold) / b`` to the bloom.
        bloom_intensity: fraction of that excess energy spread over the image (0, 1]; the pixel
            itself keeps its radiance, so the frame gains ``intensity * excess`` in total.
        motion_blur_shutter: exposure as a fraction of the frame interval (0, 1] (0.5 = a 180 degree
            shutter): a pixel moving m pixels per frame is smeared over ``shutter * |m|`` pixels.
        vignette_intensity: k of the falloff ``1 / (1 + k r^2)^2`` (the cos^4 law with
            k = tan^2 of the corner's field angle), r = distance from the image centre over the
            half-diagonal; applied to the tone-mapped linear colour. >= 0.
        grain_intensity: amplitude of the zero-mean triangular film grain added to the sRGB-encoded
            values (0 ... 0.5; 0.02 = about 5 codes peak).
        grain_seed: seed of the grain (0 ... 2^32 - 1); the pattern is a function of the seed, the
            scene's name and the frame time only.
    """

    steps: tuple[str, ...] = DEFAULT_POST
    ssao_radius_m: float = 0.5
    bloom_threshold: float = 1.0
    bloom_intensity: float = 0.1
    motion_blur_shutter: float = 0.5
    vignette_intensity: float = 0.3
    grain_intensity: float = 0.02
    grain_seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", check_post_steps(self.steps, "PostChain: steps"))
        object.__setattr__(self, "ssao_radius_m", _number(self.ssao_radius_m, "ssao_radius_m", 0.0, 1e3,
                                                          lo_open=True))
        object.__setattr__(self, "bloom_threshold", _number(self.bloom_threshold, "bloom_threshold", 0.0, 1e6))
        object.__setattr__(self, "bloom_intensity", _number(self.bloom_intensity, "bloom_intensity", 0.0, 1.0,
                                                            lo_open=True))
        object.__setattr__(self, "motion_blur_shutter", _number(self.motion_blur_shutter, "motion_blur_shutter",
                                                                0.0, 1.0, lo_open=True))
        object.__setattr__(self, "vignette_intensity", _number(self.vignette_intensity, "vignette_intensity",
                                                               0.0, 100.0))
        object.__setattr__(self, "grain_intensity", _number(self.grain_intensity, "grain_intensity", 0.0, 0.5))
        seed = self.grain_seed
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 32:
            raise ValueError(f"PostChain: grain_seed must be an integer in [0, 2^32), got {seed!r}")

    @classmethod
    def resolve(cls, post: "PostChain | Sequence[str] | None", ssao_radius: float) -> "PostChain":
        """The chain of a renderer given ``post`` (a chain, step names, or None) and its older
        ``ssao_radius`` argument (> 0 adds ``"ssao"`` with that radius when ``post`` is None)."""
        if isinstance(post, PostChain):
            if ssao_radius > 0 and ("ssao" not in post.steps or ssao_radius != post.ssao_radius_m):
                raise ValueError(f"Renderer: ssao_radius={ssao_radius!r} disagrees with post={post!r}; "
                                 "give the radius in the PostChain alone")
            return post
        radius = {"ssao_radius_m": float(ssao_radius)} if ssao_radius > 0 else {}
        if post is None:
            return cls(("ssao", "tonemap") if ssao_radius > 0 else DEFAULT_POST, **radius)
        steps = check_post_steps(post)
        if ssao_radius > 0 and "ssao" not in steps:
            raise ValueError(f"Renderer: ssao_radius={ssao_radius!r} but post={list(steps)!r} has no 'ssao'")
        return cls(steps, **radius)

    def has(self, step: str) -> bool:
        if step not in POST_STEPS:
            raise ValueError(f"PostChain.has: unknown post step {step!r}; valid: {', '.join(POST_STEPS)}")
        return step in self.steps

    @property
    def is_default(self) -> bool:
        """Tone mapping alone: the chain of every shard written before post steps existed."""
        return self.steps == DEFAULT_POST

    @property
    def changes_hdr(self) -> bool:
        """Whether a step after lighting rewrites the HDR colour before tone mapping."""
        return self.has("motion_blur") or self.has("bloom")

    @property
    def needs_tonemap_pass(self) -> bool:
        """Whether tone mapping needs its own pass (the deferred lighting pass tone-maps the
        lit colour itself when nothing comes between them and no film step follows)."""
        return self.changes_hdr or self.has("vignette") or self.has("grain")

    def settings(self) -> dict[str, Any]:
        """What a frame records: ``{}`` for the default chain (so default shards keep their bytes),
        else ``post`` (steps in the order run) and the parameters of each step that ran (SSAO's
        radius stays in the renderer's ``ssao_radius``)."""
        if self.is_default:
            return {}
        from gameir.render.constants import BLOOM_LEVELS, MOTION_BLUR_SAMPLES, MOTION_BLUR_TILE
        out: dict[str, Any] = {"post": list(self.steps)}
        if self.has("motion_blur"):
            out["motion_blur"] = {"shutter": self.motion_blur_shutter, "samples": MOTION_BLUR_SAMPLES,
                                  "max_radius_px": MOTION_BLUR_TILE, "method": "mcguire2012-reconstruction"}
        if self.has("bloom"):
            out["bloom"] = {"threshold": self.bloom_threshold, "intensity": self.bloom_intensity,
                            "max_levels": BLOOM_LEVELS, "method": "threshold-downsample-blur-upsample-add"}
        if self.has("vignette"):
            out["vignette"] = {"intensity": self.vignette_intensity, "formula": "1/(1+k*r^2)^2"}
        if self.has("grain"):
            out["grain"] = {"intensity": self.grain_intensity, "seed": self.grain_seed,
                            "distribution": "triangular, zero-mean, on sRGB codes"}
        return out
