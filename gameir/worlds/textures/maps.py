"""`TextureMaps`: the images one procedural material is made of (plain numpy, no GL)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gameir.worlds.textures.noise import normal_from_height

__all__ = ["TextureMaps"]


@dataclass
class TextureMaps:
    """Images of one generated surface, all the same size, top row first.

    Attributes:
        name: generator name, e.g. ``"bricks"``.
        rgba: (S, S, 4) uint8 base colour, sRGB-encoded; alpha 255 = opaque, 0 = cut out.
        height: (S, S) float32 in [0, 1] bump height (1 = towards the viewer), or None.
        emissive: (S, S, 3) uint8 sRGB emissive colour mask (lit windows, sign lamps), or None.
        roughness: suggested scalar roughness in [0, 1].
        metallic: suggested scalar metallic in [0, 1].
    """

    name: str
    rgba: np.ndarray
    height: np.ndarray | None = None
    emissive: np.ndarray | None = None
    roughness: float = 0.8
    metallic: float = 0.0

    @property
    def size(self) -> int:
        return int(self.rgba.shape[0])

    @property
    def has_alpha(self) -> bool:
        """True if any texel is not fully opaque (needs alpha testing)."""
        return bool((self.rgba[..., 3] < 255).any())

    def normal_map(self, strength: float = 2.0) -> np.ndarray | None:
        """(S, S, 4) uint8 tangent-space normal map from :attr:`height`, or None without height."""
        return None if self.height is None else normal_from_height(self.height, strength)

    def nbytes_gpu(self) -> int:
        """Bytes on the GPU as RGBA8 images with full mip chains: colour, normal (if height), emissive."""
        n_images = 1 + (self.height is not None) + (self.emissive is not None)
        return int(n_images * self.size * self.size * 4 * 4 // 3)

