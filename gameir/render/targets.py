"""Render targets of one resolution: G-buffer MRT, lit colour, tone-mapped colour, MSAA colour.

Created once per (size, aa) and reused every frame; :meth:`Targets.release` frees them.
"""

from __future__ import annotations

from typing import Any, Callable

import moderngl

from gameir.render.constants import GL_SRGB8_ALPHA8, SSAO_DOWNSCALE
from gameir.render.contract import GBUFFER, RESOLVE_GEOMETRY_OUTPUTS, SKY_OUTPUTS

__all__ = ["Targets", "ResolveTargets"]

class Targets:
    """Textures and framebuffers for rendering at ``width`` x ``height`` pixels.

    Attributes:
        tex: attachment name -> moderngl texture: the G-buffer attachments (``scene_color`` holds
            emissive radiance), ``hdr`` (exposed linear radiance), ``ldr`` (tone-mapped sRGB, alpha =
            luma) and, with FXAA, ``final``.
        gbuffer: framebuffer of the 8 G-buffer attachments + depth; depth_only: its depth alone.
        sky: ``motion``, ``semantic`` and ``depth`` attachments over the same depth buffer (the sky
            pass; depth writes masked).
        lit: framebuffer of ``hdr`` + ``ldr`` (deferred lighting and tone mapping in one pass).
        hdr: framebuffer of ``hdr`` alone (MSAA resolve target).
        ldr / final: tone-mapped RGBA8 framebuffers (``final`` only with FXAA).
        msaa: multisampled colour + depth framebuffer (only when ``msaa_samples`` > 0).
        ssao_raw / ssao: framebuffers of ``ao_raw`` / ``ao`` (ambient visibility, R16F, at
            1/SSAO_DOWNSCALE of the size; only with ``ssao``).
        post: name -> framebuffer of the post chain's HDR targets (RGBA16F, same names in ``tex``):
            ``post_a`` / ``post_b`` (ping-pong colour, with ``post_hdr``); ``bloom_down_k``,
            ``bloom_tmp_k``, ``bloom_up_k`` at 1/2^k of the size, k = 1 .. ``bloom_levels``
            (linear filtering); ``mb_tiles`` / ``mb_neighbors`` (RG16F, one texel per
            ``motion_blur_tile`` pixels, with ``motion_blur_tile`` > 0).
    """

    def __init__(self, ctx: Any, width: int, height: int, *, fxaa: bool, msaa_samples: int,
                 ssao: bool = False, post_hdr: bool = False, bloom_levels: int = 0,
                 motion_blur_tile: int = 0, taa: bool = False) -> None:
        self.size = (width, height)
        self._objects: list[Any] = []
        self._scratch: dict[str, Any] = {}
        self.tex: dict[str, Any] = {}
        order = [a.name for a in GBUFFER]  # attachment i is location i (gameir/render/contract.py)
        for a in GBUFFER:
            # basecolor is stored sRGB-encoded by the hardware (GL_SRGB8_ALPHA8 + GL_FRAMEBUFFER_SRGB),
            # and decoded for free when the lighting pass fetches it.
            srgb = GL_SRGB8_ALPHA8 if a.srgb else None
            tex = self._keep(ctx.texture((width, height), a.components, dtype=a.dtype, internal_format=srgb))
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
            tex.repeat_x = tex.repeat_y = False
            self.tex[a.name] = tex
        depth = self._keep(ctx.depth_renderbuffer((width, height)))
        self.gbuffer = self._keep(ctx.framebuffer([self.tex[n] for n in order], depth))
        self.depth_only = self._keep(ctx.framebuffer(depth_attachment=depth))  # depth pre-pass
        # The sky pass writes only what differs from the G-buffer clear (0) on sky pixels: motion,
        # tag and +inf depth; the lighting pass computes the sky radiance. It tests depth, never writes it.
        self.sky = self._keep(ctx.framebuffer([self.tex[n] for n in SKY_OUTPUTS], depth))
        self.sky.depth_mask = False
        self.tex["hdr"] = self._keep(ctx.texture((width, height), 4, dtype="f2"))
        self.tex["ldr"] = self._keep(ctx.texture((width, height), 4, dtype="f1"))
        self.tex["ldr"].repeat_x = self.tex["ldr"].repeat_y = False
        self.lit = self._keep(ctx.framebuffer([self.tex["hdr"], self.tex["ldr"]]))
        self.hdr = self._keep(ctx.framebuffer([self.tex["hdr"]]))
        self.ldr = self._keep(ctx.framebuffer([self.tex["ldr"]]))
        self.final = None
        if fxaa:
            self.tex["final"] = self._keep(ctx.texture((width, height), 4, dtype="f1"))
            self.final = self._keep(ctx.framebuffer([self.tex["final"]]))
        self.ssao_raw = self.ssao = None
        if ssao:  # ambient visibility, raw and blurred (R16F), at 1/SSAO_DOWNSCALE of the size
            ao_size = (-(-width // SSAO_DOWNSCALE), -(-height // SSAO_DOWNSCALE))
            for name in ("ao_raw", "ao"):
                tex = self._keep(ctx.texture(ao_size, 1, dtype="f2"))
                # the lighting pass upsamples ``ao`` bilinearly; the blur reads texel centres
                tex.filter = (moderngl.LINEAR, moderngl.LINEAR) if name == "ao" else (moderngl.NEAREST, moderngl.NEAREST)
                tex.repeat_x = tex.repeat_y = False
                self.tex[name] = tex
            self.ssao_raw = self._keep(ctx.framebuffer([self.tex["ao_raw"]]))
            self.ssao = self._keep(ctx.framebuffer([self.tex["ao"]]))
        self.post: dict[str, Any] = {}
        self._post_targets(ctx, width, height, post_hdr, bloom_levels, motion_blur_tile)
        if taa:
            self._taa_targets(ctx, width, height)
        self.msaa = None
        if msaa_samples > 0:
            color = self._keep(ctx.renderbuffer((width, height), 4, samples=msaa_samples, dtype="f2"))
            ms_depth = self._keep(ctx.depth_renderbuffer((width, height), samples=msaa_samples))
            self.msaa = self._keep(ctx.framebuffer([color], ms_depth))

    def _post_targets(self, ctx: Any, width: int, height: int, post_hdr: bool, bloom_levels: int,
                      tile: int) -> None:
        sizes: dict[str, tuple[tuple[int, int], int, bool]] = {}  # name -> (size, components, linear)
        if post_hdr:
            sizes.update(post_a=((width, height), 4, False), post_b=((width, height), 4, False))
        for k in range(1, bloom_levels + 1):
            size = (max(1, width >> k), max(1, height >> k))
            for role in ("down", "tmp", "up"):
                sizes[f"bloom_{role}_{k}"] = (size, 4, True)
        if tile > 0:
            tiles = (-(-width // tile), -(-height // tile))
            sizes.update(mb_tiles=(tiles, 2, False), mb_neighbors=(tiles, 2, False))
        for name, (size, components, linear) in sizes.items():
            tex = self._keep(ctx.texture(size, components, dtype="f2"))
            tex.filter = (moderngl.LINEAR, moderngl.LINEAR) if linear else (moderngl.NEAREST, moderngl.NEAREST)
            tex.repeat_x = tex.repeat_y = False
            self.tex[name] = tex
            self.post[name] = self._keep(ctx.framebuffer([tex]))

    def _taa_targets(self, ctx: Any, width: int, height: int) -> None:
        """TAA history, two ping-pong sets k = 0, 1: ``taa_color_k`` (RGBA16F, linear filtering),
        ``taa_depth_k`` (R32F), ``taa_instance_k`` (R16UI), with the shared ``taa_reject`` (R8) as
        framebuffer ``post["taa_k"]``, and with ``ldr`` too as ``post["taa_ldr_k"]``."""
        reject = self._keep(ctx.texture((width, height), 1, dtype="f1"))
        self.tex["taa_reject"] = reject
        for k in (0, 1):
            color = self._keep(ctx.texture((width, height), 4, dtype="f2"))
            color.filter = (moderngl.LINEAR, moderngl.LINEAR)
            depth = self._keep(ctx.texture((width, height), 1, dtype="f4"))
            instance = self._keep(ctx.texture((width, height), 1, dtype="u2"))
            for tex in (color, depth, instance, reject):
                tex.repeat_x = tex.repeat_y = False
            for tex in (depth, instance):
                tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
            self.tex.update({f"taa_color_{k}": color, f"taa_depth_{k}": depth, f"taa_instance_{k}": instance})
            self.post[f"taa_{k}"] = self._keep(ctx.framebuffer([color, depth, instance, reject]))
            # the same with ``ldr`` as attachment 4, for a TAA pass that tone-maps its output itself
            self.post[f"taa_ldr_{k}"] = self._keep(ctx.framebuffer([color, depth, instance, reject, self.tex["ldr"]]))

    def _keep(self, obj: Any) -> Any:
        self._objects.append(obj)
        return obj

    def scratch(self, key: str, create: Callable[[], Any]) -> Any:
        """The GL object for ``key``, made by ``create()`` on first use and freed by :meth:`release`
        (targets of passes that run for some scenes only: rain, wet reflections)."""
        if key not in self._scratch:
            self._scratch[key] = self._keep(create())
        return self._scratch[key]

    @property
    def output(self) -> Any:
        """Texture holding the final 8-bit colour (FXAA output or the tone-mapped image)."""
        return self.tex.get("final", self.tex["ldr"])

    def release(self) -> None:
        for obj in reversed(self._objects):
            obj.release()
        self._objects.clear()
        self._scratch.clear()
        self.tex.clear()


class ResolveTargets(Targets):
    """Output-size targets of a supersampling renderer: the SSAA resolve passes write here and the
    readback reads here (same attachment names as :class:`Targets`).

    Attributes:
        color: framebuffer of ``ldr`` (rgb), ``hdr``, ``basecolor``, ``material``.
        geometry: framebuffer of ``depth``, ``normal``, ``motion``, ``semantic``, ``instance``.
    """

    def __init__(self, ctx: Any, width: int, height: int) -> None:
        super().__init__(ctx, width, height, fxaa=False, msaa_samples=0)
        t = self.tex
        self.color = self._keep(ctx.framebuffer([t["ldr"], t["hdr"], t["basecolor"], t["material"]]))
        self.geometry = self._keep(ctx.framebuffer([t[n] for n in RESOLVE_GEOMETRY_OUTPUTS]))
