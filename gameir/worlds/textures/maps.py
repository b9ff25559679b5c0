"""`TextureMaps`: the images one procedural material is made of (plain numpy, no GL)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gameir.worlds.textures.noise import normal_from_height

__all__ = ["TextureMaps", "mip_chain"]


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


def mip_chain(rgba: np.ndarray) -> list[np.ndarray]:
    """Box-filtered mip chain of a square power-of-two image, level 0 first, down to 1x1.

    Colour is averaged in linear light would be more exact; this averages the stored values (what
    ``glGenerateMipmap`` does for RGBA8 textures), alpha premultiplied so cut-out edges do not bleed.

    Args:
        rgba: (S, S, 4) uint8.

    Returns:
        list of (S / 2^k, S / 2^k, 4) uint8 arrays.
    """
    img = np.asarray(rgba)
    if img.ndim != 3 or img.shape[2] != 4 or img.shape[0] != img.shape[1]:
        raise ValueError(f"rgba: expected (S, S, 4), got {img.shape}")
    levels = [img]
    cur = img.astype(np.float32)
    while cur.shape[0] > 1:
        a = cur[..., 3:4] / 255.0
        pre = np.concatenate([cur[..., :3] * a, cur[..., 3:4]], axis=-1)
        s = pre.shape[0] // 2
        pre = pre.reshape(s, 2, s, 2, 4).mean(axis=(1, 3))
        a2 = pre[..., 3:4] / 255.0
        rgb = np.where(a2 > 0, pre[..., :3] / np.maximum(a2, 1e-6), 0.0)
        cur = np.concatenate([rgb, pre[..., 3:4]], axis=-1)
        levels.append(np.clip(np.round(cur), 0, 255).astype(np.uint8))
    return levels
