"""Side-by-side pictures of the worst frames: input | prediction | ground truth | error, and a zoom."""

from __future__ import annotations


import cv2
import numpy as np

from gameir.png import write_png
from gameir.preview import label_tile

__all__ = ["side_by_side", "error_map", "flip_colour_map", "worst_crop", "write_png"]  # write_png: gameir.png


def _u8(img: np.ndarray) -> np.ndarray:
    """(H, W, 3) float in [0, 1] -> uint8."""
    return np.clip(np.rint(np.asarray(img, np.float32) * 255.0), 0, 255).astype(np.uint8)


def error_map(pred: np.ndarray, gt: np.ndarray, max_err: float = 0.1) -> np.ndarray:
    """Per-pixel mean absolute error over channels as an INFERNO colour map (black 0, yellow >= ``max_err``).

    Args:
        pred, gt: (H, W, 3) float in [0, 1].

    Returns:
        (H, W, 3) uint8 RGB.
    """
    err = np.abs(np.asarray(pred, np.float32) - np.asarray(gt, np.float32)).mean(axis=2)
    x = np.clip(err / max_err, 0, 1)
    return cv2.applyColorMap((x * 255).astype(np.uint8), cv2.COLORMAP_INFERNO)[..., ::-1].copy()


def flip_colour_map(flip_err: np.ndarray) -> np.ndarray:
    """A FLIP error map (H, W) float in [0, 1] as a MAGMA colour map (FLIP's own convention), (H, W, 3) uint8 RGB."""
    x = np.clip(np.asarray(flip_err, np.float32), 0.0, 1.0)
    return cv2.applyColorMap(np.rint(x * 255).astype(np.uint8), cv2.COLORMAP_MAGMA)[..., ::-1].copy()


def worst_crop(pred: np.ndarray, gt: np.ndarray, shape_hw: tuple[int, int]) -> tuple[int, int]:
    """Top-left (row, col) of the window of ``shape_hw`` = (height, width) with the largest mean absolute error."""
    ch, cw = shape_hw
    err = np.abs(np.asarray(pred, np.float32) - np.asarray(gt, np.float32)).mean(axis=2)
    box = cv2.boxFilter(err, -1, (cw, ch), anchor=(0, 0), normalize=True, borderType=cv2.BORDER_CONSTANT)
    h, w = err.shape
    box = box[:h - ch + 1, :w - cw + 1]
    r, c = np.unravel_index(int(np.argmax(box)), box.shape)
    return int(r), int(c)


def side_by_side(panels: list[tuple[str, np.ndarray]], pred: np.ndarray, gt: np.ndarray, *, title: str = "",
                 panel_width: int = 480, zoom_fraction: float = 0.25, max_err: float = 0.1,
                 flip_err: np.ndarray | None = None) -> np.ndarray:
    """Labelled picture: the given panels, then the error map(s); below, each zoomed on the worst region.

    Args:
        panels: ``(label, (H, W, 3) float image in [0, 1])`` shown left to right, all at the ground
            truth's size (e.g. LR nearest-upscaled, prediction, ground truth).
        pred, gt: (H, W, 3) float in [0, 1], for the error map and the choice of the zoomed crop.
        title: text above the picture (frame id, PSNR).
        panel_width: width of each panel in the picture, pixels.
        zoom_fraction: crop side as a fraction of the frame side.
        max_err: mean absolute error shown as the top of the colour map.
        flip_err: optional (H, W) per-pixel FLIP in [0, 1] (:func:`gameir.metrics.flip_map`),
            drawn as a last panel with the MAGMA map (black 0, white 1).

    Returns:
        (rows, cols, 3) uint8 RGB.
    """
    h, w = gt.shape[:2]
    ch, cw = max(8, int(h * zoom_fraction)), max(8, int(w * zoom_fraction))
    ch, cw = min(ch, h), min(cw, w)
    r0, c0 = worst_crop(pred, gt, (ch, cw))
    images = [(label, _u8(img)) for label, img in panels] + [(f"|error| (0..{max_err:g})", error_map(pred, gt, max_err))]
    if flip_err is not None:
        if tuple(flip_err.shape) != (h, w):
            raise ValueError(f"side_by_side: flip_err has shape {tuple(flip_err.shape)}, expected {(h, w)}")
        images.append(("FLIP (0..1)", flip_colour_map(flip_err)))
    pw = int(panel_width)
    ph = max(1, round(pw * h / w))
    top, bottom = [], []
    for label, img in images:
        full = cv2.resize(img, (pw, ph), interpolation=cv2.INTER_AREA if pw < w else cv2.INTER_NEAREST)
        y0, x0 = round(r0 * ph / h), round(c0 * pw / w)
        cv2.rectangle(full, (x0, y0), (round((c0 + cw) * pw / w) - 1, round((r0 + ch) * ph / h) - 1), (0, 255, 0), 1)
        top.append(label_tile(full, label))
        crop = img[r0:r0 + ch, c0:c0 + cw]
        bottom.append(label_tile(cv2.resize(crop, (pw, ph), interpolation=cv2.INTER_NEAREST), f"{label} (zoom)"))
    sheet = np.concatenate([np.concatenate(top, axis=1), np.concatenate(bottom, axis=1)], axis=0)
    if title:
        bar = np.zeros((20, sheet.shape[1], 3), np.uint8)
        cv2.putText(bar, title, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
        sheet = np.concatenate([bar, sheet], axis=0)
    return sheet



