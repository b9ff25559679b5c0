"""Scene materials made from procedural textures, cached per (kind, variant) so meshes share them."""

from __future__ import annotations

from typing import Callable

import numpy as np

from gameir.scene import Material, Texture
from gameir.worlds.textures import GENERATORS, TextureMaps, detail_grain

__all__ = ["DETAIL_LEVELS", "MATERIAL_DETAIL", "DETAIL_TEXTURE_SIZE", "MaterialLibrary"]

#: detail level -> (texture side in pixels, object-count multiplier)
DETAIL_LEVELS: dict[str, tuple[int, float]] = {"low": (64, 0.5), "medium": (256, 1.0), "high": (512, 1.5)}

#: texture kind -> (shared detail texture, stochastic tiling) with material detail on. Tiling only
#: for textures without directional structure or a grid (a shifted brick bond would show seams).
MATERIAL_DETAIL: dict[str, tuple[bool, bool]] = {
    "asphalt": (True, True), "lawn": (True, True), "dirt": (True, True),
    "concrete": (True, False), "bricks": (True, False),
}

#: side in pixels of the shared detail texture (small: it is one extra trilinear tap per fragment)
DETAIL_TEXTURE_SIZE = 64


class MaterialLibrary:
    """Creates and caches :class:`gameir.scene.Material` objects from seeded texture generators.

    Args:
        rng: random generator; each new texture draws a child seed from it, so the library's output
            depends only on the order of requests (deterministic for a given builder).
        texture_size: side in pixels of generated textures (power of two).
        detail_rng: None (plain materials: colour and normal maps, scalar roughness and metalness)
            or the random stream of the material detail: metallic-roughness and emissive maps where
            the generator makes them, the shared detail texture and stochastic-tiling seeds of
            :data:`MATERIAL_DETAIL`. Its own stream, so the colour textures do not change with it.

    Attributes:
        texture_bytes: GPU bytes of all textures created so far (RGBA8 with full mip chains).
    """

    def __init__(self, rng: np.random.Generator, texture_size: int,
                 detail_rng: np.random.Generator | None = None) -> None:
        self.rng = rng
        self.detail_rng = detail_rng
        self._detail_tex: Texture | None = None
        self.size = int(texture_size)
        self._cache: dict[tuple[str, int], Material] = {}
        self.texture_bytes = 0
        self.maps: dict[tuple[str, int], TextureMaps] = {}

    def textured(self, kind: str, variant: int = 0, *, size: int | None = None, two_sided: bool = False,
                 alpha_cutoff: float | None = None, normal_strength: float = 2.0,
                 generator: Callable[..., TextureMaps] | None = None, decal: bool = False, **kwargs) -> Material:
        """Material from texture generator ``kind`` (see :data:`gameir.worlds.textures.GENERATORS`).

        The same (kind, variant) returns the same Material object (so instances batch together).
        Cut-out textures get ``alpha_cutoff`` 0.5 by default. ``decal``: the material is a decal
        (``Material.decal``; its texture must have a cut-out). With material detail on (``detail_rng``),
        a generated roughness/metallic map becomes the metallic-roughness texture (factors 1), an
        emissive mask the emissive texture, and :data:`MATERIAL_DETAIL` adds detail and tiling.
        """
        key = (kind, variant)
        if key in self._cache:
            return self._cache[key]
        gen = generator or GENERATORS.get(kind)
        if gen is None:
            raise ValueError(f"unknown texture kind {kind!r}; known: {sorted(GENERATORS)}")
        # decals (made with the material detail only) draw from its stream: the other textures stay put
        src = self.detail_rng if decal and self.detail_rng is not None else self.rng
        child = np.random.default_rng(int(src.integers(0, 2 ** 63)))
        maps = gen(child, size or self.size, **kwargs)
        self.maps[key] = maps
        tex = Texture(maps.rgba, srgb=True, name=f"{kind}{variant}")
        nrm = maps.normal_map(normal_strength)
        ntex = Texture(nrm, srgb=False, name=f"{kind}{variant}_n") if nrm is not None else None
        self.texture_bytes += maps.rgba.nbytes * 4 // 3 + (nrm.nbytes * 4 // 3 if nrm is not None else 0)
        if alpha_cutoff is None and maps.has_alpha:
            alpha_cutoff = 0.5
        extra: dict = {}
        roughness, metallic = maps.roughness, maps.metallic
        if self.detail_rng is not None:
            mr = maps.metallic_roughness_rgba()
            if mr is not None:
                extra["metallic_roughness_texture"] = Texture(mr, srgb=False, name=f"{kind}{variant}_mr")
                roughness = metallic = 1.0  # the map holds the values (glTF: factor x texel)
                self.texture_bytes += mr.nbytes * 4 // 3
            if maps.emissive is not None:
                extra["emissive_texture"] = Texture(maps.emissive, srgb=True, name=f"{kind}{variant}_e")
                self.texture_bytes += maps.emissive.shape[0] * maps.emissive.shape[1] * 4 * 4 // 3
            use_detail, tiling = MATERIAL_DETAIL.get(kind, (False, False))
            if use_detail:
                extra["detail_texture"] = self.detail_texture()
            if tiling and alpha_cutoff is None:
                extra["tile_variation"] = int(self.detail_rng.integers(1, 2 ** 24))
        mat = Material(base_color_texture=tex, normal_texture=ntex, roughness=roughness,
                       metallic=metallic, alpha_cutoff=alpha_cutoff, two_sided=two_sided, decal=decal,
                       name=f"{kind}{variant}", **extra)
        self._cache[key] = mat
        return mat

    def detail_texture(self) -> Texture:
        """The library's one shared detail texture (:func:`gameir.worlds.textures.detail_grain`,
        :data:`DETAIL_TEXTURE_SIZE` px), made on first use from ``detail_rng``."""
        if self.detail_rng is None:
            raise ValueError("MaterialLibrary.detail_texture: this library has no material detail (detail_rng=None)")
        if self._detail_tex is None:
            grain = detail_grain(np.random.default_rng(int(self.detail_rng.integers(0, 2 ** 63))), DETAIL_TEXTURE_SIZE)
            self._detail_tex = Texture(grain, srgb=False, name="detail_grain")
            self.texture_bytes += grain.nbytes * 4 // 3
        return self._detail_tex

    def plain(self, name: str, colour: tuple[float, float, float], roughness: float = 0.5, metallic: float = 0.0,
              emissive: tuple[float, float, float] = (0.0, 0.0, 0.0), emissive_strength: float = 1.0,
              two_sided: bool = False) -> Material:
        """Untextured material (cached by ``name``): linear RGB ``colour``."""
        key = ("plain:" + name, 0)
        if key not in self._cache:
            self._cache[key] = Material(base_color=(*colour, 1.0), roughness=roughness, metallic=metallic,
                                        emissive=emissive, emissive_strength=emissive_strength,
                                        two_sided=two_sided, name=name)
        return self._cache[key]

    @property
    def materials(self) -> list[Material]:
        return list(self._cache.values())
