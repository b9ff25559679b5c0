"""Pictures of rendered frames: colour maps for every G-buffer and a labelled contact sheet.

Works on :class:`gameir.frame.Frame` objects (plain numpy); knows nothing of GL or files.
"""

from __future__ import annotations

import cv2
import numpy as np

from gameir.frame import Frame
from gameir.semantics import colorize_semantic

__all__ = ["label_tile", "colorize_depth", "colorize_motion", "colorize_normal", "colorize_instance", "colorize_buffer",
           "contact_sheet"]


def colorize_depth(depth: np.ndarray, near_m: float | None = None, far_m: float | None = None) -> np.ndarray:
    """Depth as a TURBO colour map of inverse depth (near = red, far = blue); sky (+inf) is black.

    Args:
        depth: (H, W) float32 metres, +inf where no geometry.
        near_m, far_m: range mapped to the colour map (default: 1st / 99th percentile of finite depth).

    Returns:
        (H, W, 3) uint8 RGB.
    """
    d = np.asarray(depth, np.float32)
    finite = np.isfinite(d) & (d > 0)
    out = np.zeros(d.shape + (3,), np.uint8)
    if not finite.any():
        return out
    lo = float(np.percentile(d[finite], 1)) if near_m is None else near_m
    hi = float(np.percentile(d[finite], 99)) if far_m is None else far_m
    inv = np.where(finite, 1.0 / np.maximum(d, 1e-6), 0.0)
    a, b = 1.0 / max(hi, 1e-6), 1.0 / max(lo, 1e-6)
    x = np.clip((inv - a) / max(b - a, 1e-12), 0, 1)
    cm = cv2.applyColorMap((x * 255).astype(np.uint8), cv2.COLORMAP_TURBO)[..., ::-1]
    out[finite] = cm[finite]
    return out


def colorize_motion(motion: np.ndarray, max_px: float | None = None) -> np.ndarray:
    """Motion vectors as the usual optical-flow colour wheel: hue = direction, brightness = length.

    Args:
        motion: (H, W, 2) float (dx, dy) in pixels.
        max_px: length mapped to full brightness (default: 99th percentile, at least 0.5 px).

    Returns:
        (H, W, 3) uint8 RGB; zero motion is black.
    """
    m = np.asarray(motion, np.float32)
    mag = np.hypot(m[..., 0], m[..., 1])
    scale = max(float(np.percentile(mag, 99)) if max_px is None else max_px, 0.5)
    ang = (np.degrees(np.arctan2(m[..., 1], m[..., 0])) % 360) / 2
    hsv = np.stack([ang, np.full_like(ang, 255), np.clip(mag / scale, 0, 1) * 255], -1).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def colorize_normal(normal: np.ndarray) -> np.ndarray:
    """World-space unit normals (H, W, 3) as RGB = (n + 1) / 2; no geometry (0) is black."""
    n = np.asarray(normal, np.float32)
    rgb = np.clip((n * 0.5 + 0.5) * 255, 0, 255).astype(np.uint8)
    rgb[np.all(n == 0, axis=-1)] = 0
    return rgb


def colorize_instance(instance: np.ndarray) -> np.ndarray:
    """Instance ids (H, W) uint16 as distinct pseudo-random colours (id 0 black)."""
    ids = np.asarray(instance).astype(np.uint32)
    h = (ids * np.uint32(2654435761)) & np.uint32(0xFFFFFF)
    rgb = np.stack([(h >> 16) & 255, (h >> 8) & 255, h & 255], -1).astype(np.uint8) | np.uint8(40)
    rgb[ids == 0] = 0
    return rgb


def colorize_buffer(name: str, array: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB picture of G-buffer ``name`` (see :mod:`gameir.buffers`)."""
    if name in ("rgb", "basecolor", "material"):
        return np.asarray(array, np.uint8)
    if name == "hdr":
        x = np.asarray(array, np.float32)
        return np.clip((x / (1 + x)) ** (1 / 2.2) * 255, 0, 255).astype(np.uint8)  # Reinhard, for a look only
    if name == "depth":
        return colorize_depth(array)
    if name == "normal":
        return colorize_normal(array)
    if name == "semantic":
        return colorize_semantic(array)
    if name == "instance":
        return colorize_instance(array)
    if name == "motion":
        return colorize_motion(array)
    raise ValueError(f"colorize_buffer: unknown buffer {name!r}")


def label_tile(img: np.ndarray, text: str) -> np.ndarray:
    """Draw ``text`` in white on a black strip at the top-left of an (H, W, 3) uint8 image (in place when contiguous)."""
    img = np.ascontiguousarray(img)
    cv2.rectangle(img, (0, 0), (min(img.shape[1] - 1, 8 + 7 * len(text)), 16), (0, 0, 0), -1)
    cv2.putText(img, text, (4, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA)
    return img


def contact_sheet(lr: Frame | None, hr: Frame, *, tile_width: int = 320, columns: int = 4,
                  title: str | None = None) -> np.ndarray:
    """Labelled grid: the LR frame (nearest-neighbour enlarged), the HR frame, then every HR G-buffer.

    Args:
        lr: the LR frame (or None); hr: the HR frame (its buffers fill the sheet).
        tile_width: width of each tile in pixels (tiles keep the frame's aspect ratio).
        columns: tiles per row.
        title: optional text drawn in a strip above the grid.

    Returns:
        (H, W, 3) uint8 RGB.
    """
    if columns < 1 or tile_width < 16:
        raise ValueError(f"contact_sheet: need columns >= 1 and tile_width >= 16, got {columns}, {tile_width}")
    tile_h = round(hr.height * tile_width / hr.width)
    tiles = []

    def add(img: np.ndarray, label: str) -> None:
        img = cv2.resize(img, (tile_width, tile_h), interpolation=cv2.INTER_NEAREST if img.shape[1] < tile_width
                         else cv2.INTER_AREA)
        tiles.append(label_tile(img, label))

    if lr is not None and "rgb" in lr.buffers:
        add(lr.buffers["rgb"], f"LR rgb {lr.width}x{lr.height}")
    for name, arr in hr.buffers.items():
        add(colorize_buffer(name, arr), f"HR {name}" + (f" {hr.width}x{hr.height}" if name == "rgb" else ""))
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.concatenate(tiles[i:i + columns], axis=1) for i in range(0, len(tiles), columns)]
    sheet = np.concatenate(rows, axis=0)
    if title:
        strip = np.zeros((22, sheet.shape[1], 3), np.uint8)
        cv2.putText(strip, title, (6, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
        sheet = np.concatenate([strip, sheet], axis=0)
    return sheet
