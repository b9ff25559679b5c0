"""Scene materials made from procedural textures, cached per (kind, variant) so meshes share them."""

from __future__ import annotations

from typing import Callable

import numpy as np

from gameir.scene import Material, Texture
from gameir.worlds.textures import GENERATORS, TextureMaps

__all__ = ["DETAIL_LEVELS", "MaterialLibrary"]

#: detail level -> (texture side in pixels, object-count multiplier)
DETAIL_LEVELS: dict[str, tuple[int, float]] = {"low": (64, 0.5), "medium": (256, 1.0), "high": (512, 1.5)}


class MaterialLibrary:
    """Creates and caches :class:`gameir.scene.Material` objects from seeded texture generators.

    Args:
        rng: random generator; each new texture draws a child seed from it, so the library's output
            depends only on the order of requests (deterministic for a given builder).
        texture_size: side in pixels of generated textures (power of two).

    Attributes:
        texture_bytes: GPU bytes of all textures created so far (RGBA8 with full mip chains).
    """

    def __init__(self, rng: np.random.Generator, texture_size: int) -> None:
        self.rng = rng
        self.size = int(texture_size)
        self._cache: dict[tuple[str, int], Material] = {}
        self.texture_bytes = 0
        self.maps: dict[tuple[str, int], TextureMaps] = {}

    def textured(self, kind: str, variant: int = 0, *, size: int | None = None, two_sided: bool = False,
                 alpha_cutoff: float | None = None, normal_strength: float = 2.0,
                 generator: Callable[..., TextureMaps] | None = None, **kwargs) -> Material:
        """Material from texture generator ``kind`` (see :data:`gameir.worlds.textures.GENERATORS`).

        The same (kind, variant) returns the same Material object (so instances batch together).
        Cut-out textures get ``alpha_cutoff`` 0.5 by default.
        """
        key = (kind, variant)
        if key in self._cache:
            return self._cache[key]
        gen = generator or GENERATORS.get(kind)
        if gen is None:
            raise ValueError(f"unknown texture kind {kind!r}; known: {sorted(GENERATORS)}")
        child = np.random.default_rng(int(self.rng.integers(0, 2 ** 63)))
        maps = gen(child, size or self.size, **kwargs)
        self.maps[key] = maps
        tex = Texture(maps.rgba, srgb=True, name=f"{kind}{variant}")
        nrm = maps.normal_map(normal_strength)
        ntex = Texture(nrm, srgb=False, name=f"{kind}{variant}_n") if nrm is not None else None
        self.texture_bytes += maps.rgba.nbytes * 4 // 3 + (nrm.nbytes * 4 // 3 if nrm is not None else 0)
        if alpha_cutoff is None and maps.has_alpha:
            alpha_cutoff = 0.5
        mat = Material(base_color_texture=tex, normal_texture=ntex, roughness=maps.roughness,
                       metallic=maps.metallic, alpha_cutoff=alpha_cutoff, two_sided=two_sided,
                       name=f"{kind}{variant}")
        self._cache[key] = mat
        return mat

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
