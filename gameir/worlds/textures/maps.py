"""`TextureMaps`: the images one procedural material is made of (plain numpy, no GL)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
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
        roughness: suggested scalar roughness in [0, 1] (the surface's typical value).
        metallic: suggested scalar metallic in [0, 1].
        roughness_map: (S, S) float32 roughness in [0, 1] per texel (worn paint, cracks, wet-looking
            dips), or None (the scalar everywhere).
        metallic_map: (S, S) float32 metalness in [0, 1] per texel (bare metal trims, rust), or None.
    """

    name: str
    rgba: np.ndarray
    height: np.ndarray | None = None
    emissive: np.ndarray | None = None
    roughness: float = 0.8
    metallic: float = 0.0
    roughness_map: np.ndarray | None = None
    metallic_map: np.ndarray | None = None

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

    @property
    def has_metallic_roughness(self) -> bool:
        """True if roughness or metalness varies across the texture (a map is worth sampling)."""
        return self.roughness_map is not None or self.metallic_map is not None

    def metallic_roughness_rgba(self) -> np.ndarray | None:
        """(S/2, S/2, 4) uint8 linear map in glTF's layout (R 255, G roughness, B metallic, A 255), or
        None without :attr:`roughness_map` and :attr:`metallic_map`. Half the colour map's side (area
        averaged): roughness and metalness change slowly, and a smaller map is cheaper to sample."""
        if not self.has_metallic_roughness:
            return None
        s = self.size
        rough = self.roughness_map if self.roughness_map is not None else np.full((s, s), self.roughness, np.float32)
        metal = self.metallic_map if self.metallic_map is not None else np.full((s, s), self.metallic, np.float32)
        for name, m in (("roughness_map", rough), ("metallic_map", metal)):
            if m.shape != (s, s):
                raise ValueError(f"texture {self.name!r}: {name} must be ({s}, {s}) like rgba, got {m.shape}")
        half = max(1, s // 2)
        g = cv2.resize(np.asarray(rough, np.float32), (half, half), interpolation=cv2.INTER_AREA)
        b = cv2.resize(np.asarray(metal, np.float32), (half, half), interpolation=cv2.INTER_AREA)
        out = np.full((half, half, 4), 255, np.uint8)
        out[..., 1] = np.clip(np.rint(g * 255.0), 0, 255).astype(np.uint8)
        out[..., 2] = np.clip(np.rint(b * 255.0), 0, 255).astype(np.uint8)
        return out

    def nbytes_gpu(self) -> int:
        """Bytes on the GPU as RGBA8 images with full mip chains: colour, normal (if height), emissive,
        and the half-side metallic-roughness map (if any)."""
        n_images = 1 + (self.height is not None) + (self.emissive is not None)
        mr = (self.size // 2) ** 2 * 4 * 4 // 3 if self.has_metallic_roughness else 0
        return int(n_images * self.size * self.size * 4 * 4 // 3 + mr)

