"""Line charts drawn with OpenCV (no matplotlib): training loss and validation PSNR curves."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from gameir.deprecation import renamed_argument
from gameir.png import write_png

__all__ = ["Panel", "draw_panels", "save_png"]

_COLOURS = [(180, 119, 31), (14, 127, 255), (44, 160, 44), (40, 39, 214), (189, 103, 148)]  # BGR
_FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass
class Panel:
    """One chart: named series of (x, y) points, optional horizontal reference lines.

    Attributes:
        title: text above the chart.
        series: label -> (xs, ys).
        hlines: label -> y of a dashed horizontal line (e.g. the bicubic PSNR).
        log_y: logarithmic y axis (values must be > 0).
        x_label: text under the x axis.
    """

    title: str
    series: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    hlines: dict[str, float] = field(default_factory=dict)
    log_y: bool = False
    x_label: str = "step"


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), default=10 * mag)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt(v: float, step: float | None = None) -> str:
    """Tick label; with the tick spacing ``step``, enough decimals to tell neighbours apart."""
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.1e}"
    if step is not None and step > 0:
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        return f"{v:.{decimals}f}"
    return f"{v:.3g}"


def _spacing(ticks: list[float]) -> float | None:
    return min(b - a for a, b in zip(ticks, ticks[1:])) if len(ticks) > 1 else None


def _draw_panel(img: np.ndarray, panel: Panel, box: tuple[int, int, int, int]) -> None:
    x0, y0, w, h = box
    left, right, top, bottom = 70, 15, 30, 45
    px0, py0, pw, ph = x0 + left, y0 + top, w - left - right, h - top - bottom
    cv2.putText(img, panel.title, (px0, y0 + 20), _FONT, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.rectangle(img, (px0, py0), (px0 + pw, py0 + ph), (0, 0, 0), 1)
    fy = (lambda v: math.log10(v)) if panel.log_y else (lambda v: v)
    xs_all = [x for xs, _ in panel.series.values() for x in xs]
    ys_all = [fy(y) for _, ys in panel.series.values() for y in ys if not panel.log_y or y > 0]
    ys_all += [fy(v) for v in panel.hlines.values() if not panel.log_y or v > 0]
    if not xs_all or not ys_all:
        cv2.putText(img, "no data", (px0 + 10, py0 + ph // 2), _FONT, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        return
    xlo, xhi = min(xs_all), max(xs_all)
    ylo, yhi = min(ys_all), max(ys_all)
    if xhi == xlo:
        xhi = xlo + 1
    pad = 0.05 * (yhi - ylo) if yhi > ylo else 0.5
    ylo, yhi = ylo - pad, yhi + pad

    def to_px(x: float, y: float) -> tuple[int, int]:
        return (int(round(px0 + (x - xlo) / (xhi - xlo) * pw)), int(round(py0 + ph - (y - ylo) / (yhi - ylo) * ph)))

    xticks = _nice_ticks(xlo, xhi)
    for t in xticks:
        u, _ = to_px(t, ylo)
        cv2.line(img, (u, py0 + ph), (u, py0 + ph + 4), (0, 0, 0), 1)
        cv2.putText(img, _fmt(t, _spacing(xticks)), (u - 12, py0 + ph + 18), _FONT, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    if panel.log_y:
        cands = [math.log10(m * 10.0 ** k) for k in range(math.floor(ylo) - 1, math.ceil(yhi) + 1) for m in (1, 2, 5)]
        yticks = [t for t in cands if ylo <= t <= yhi]
        if len(yticks) < 2:  # narrow range: round values, placed on the log axis
            yticks = [math.log10(t) for t in _nice_ticks(10 ** ylo, 10 ** yhi) if t > 0]
    else:
        yticks = _nice_ticks(ylo, yhi)
    for t in yticks:
        _, v = to_px(xlo, t)
        cv2.line(img, (px0 - 4, v), (px0 + pw, v), (225, 225, 225), 1)
        label = _fmt(10 ** t) if panel.log_y else _fmt(t, _spacing(yticks))
        cv2.putText(img, label, (x0 + 5, v + 4), _FONT, 0.4, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(img, panel.x_label, (px0 + pw // 2 - 15, py0 + ph + 38), _FONT, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    legend_x = px0 + pw
    for i, (label, value) in enumerate(panel.hlines.items()):
        if panel.log_y and value <= 0:
            continue
        _, v = to_px(xlo, fy(value))
        for u in range(px0, px0 + pw, 12):
            cv2.line(img, (u, v), (min(u + 6, px0 + pw), v), (120, 120, 120), 1)
        cv2.putText(img, f"{label} {value:.4g}", (px0 + 8, v - 4), _FONT, 0.4, (90, 90, 90), 1, cv2.LINE_AA)
    for i, (label, (xs, ys)) in enumerate(panel.series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        pts = [to_px(x, fy(y)) for x, y in zip(xs, ys) if not panel.log_y or y > 0]
        if len(pts) > 1:
            cv2.polylines(img, [np.asarray(pts, np.int32)], False, colour, 2, cv2.LINE_AA)
        for p in pts if len(pts) < 40 else pts[-1:]:
            cv2.circle(img, p, 3, colour, -1, cv2.LINE_AA)
        (tw, _), _ = cv2.getTextSize(label, _FONT, 0.45, 1)
        legend_x -= tw + 10
        cv2.putText(img, label, (legend_x, y0 + 20), _FONT, 0.45, colour, 1, cv2.LINE_AA)


def draw_panels(panels: list[Panel], *, panel_size_wh: tuple[int, int] | None = None,
                panel_size: tuple[int, int] | None = None) -> np.ndarray:
    """Draw panels side by side, each ``panel_size_wh`` = (width, height) pixels (default (480, 320);
    ``panel_size`` is its former name); returns an (H, W, 3) uint8 BGR image (white background)."""
    if not panels:
        raise ValueError("draw_panels: no panels")
    panel_size_wh = renamed_argument(panel_size_wh, panel_size, where="draw_panels", new_name="panel_size_wh",
                                     old_name="panel_size", meaning="(width, height) of one panel in pixels")
    w, h = (480, 320) if panel_size_wh is None else panel_size_wh
    img = np.full((h, w * len(panels), 3), 255, np.uint8)
    for i, panel in enumerate(panels):
        _draw_panel(img, panel, (i * w, 0, w, h))
    return img


def save_png(path: str | os.PathLike, image_bgr: np.ndarray) -> Path:
    """Write a BGR uint8 image (the panels are drawn with OpenCV) as PNG, atomically."""
    return write_png(path, image_bgr[..., ::-1])
