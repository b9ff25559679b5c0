"""Textures with structure and text: building facades with windows, signs, billboards, graffiti."""

from __future__ import annotations

import cv2
import numpy as np

from gameir.worlds.textures.maps import TextureMaps
from gameir.worlds.textures.noise import check_size, fbm, to_rgba

__all__ = ["HERSHEY_FONTS", "fit_text", "facade", "sign", "billboard", "graffiti", "random_words"]

#: OpenCV's Hershey fonts, used in turn so text appears in several typefaces.
HERSHEY_FONTS: tuple[int, ...] = (
    cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
    cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_COMPLEX_SMALL,
    cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX,
)

_SYLLABLES = ("ka", "ro", "mi", "zen", "tor", "la", "vex", "qu", "an", "bel", "dri", "on", "sta", "mo",
              "lux", "pi", "ter", "ga", "ne", "ox")
_WORDS = ("STOP", "CAFE", "HOTEL", "OPEN", "SALE", "PARK", "BANK", "PIZZA", "TAXI", "EXIT", "MARKET",
          "GARAGE", "24H", "BAR", "NO ENTRY", "ONE WAY", "SCHOOL", "BUS")


def random_words(rng: np.random.Generator, n: int = 1) -> str:
    """``n`` words: a mix of common sign words and invented brand names (ASCII, upper case)."""
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append(str(rng.choice(_WORDS)))
        else:
            k = int(rng.integers(2, 4))
            out.append("".join(str(rng.choice(_SYLLABLES)) for _ in range(k)).upper())
    return " ".join(out)


def fit_text(img: np.ndarray, text: str, box: tuple[int, int, int, int], font: int,
              colour: tuple[float, ...], thickness: int) -> None:
    """Draw ``text`` centred in ``box`` = (x0, y0, x1, y1), scaled to fit, anti-aliased.

    ``img`` is float32 (H, W, C) or (H, W) in [0, 1]; the glyphs are rasterised into a uint8 coverage
    mask (OpenCV's putText needs 8-bit images) and blended in with ``colour``.
    """
    x0, y0, x1, y1 = box
    (tw, th), base = cv2.getTextSize(text, font, 1.0, thickness)
    scale = min((x1 - x0) * 0.9 / max(tw, 1), (y1 - y0) * 0.7 / max(th + base, 1))
    (tw, th), base = cv2.getTextSize(text, font, scale, thickness)
    org = (int((x0 + x1 - tw) / 2), int((y0 + y1 + th) / 2))
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.putText(mask, text, org, font, scale, 255, thickness, cv2.LINE_AA)
    cov = mask.astype(np.float32) / 255.0
    col = np.asarray(colour, np.float32)
    if img.ndim == 3:
        cov = cov[..., None]
    img[...] = img * (1.0 - cov) + col * cov


def facade(rng: np.random.Generator, size: int = 256, floors: int = 1, columns: int = 1,
           lit_fraction: float = 0.35) -> TextureMaps:
    """One facade bay (``floors`` x ``columns`` windows) of a plastered or brick wall.

    Window panes are dark glass with frames and mullions, some with curtains; the emissive map
    lights a ``lit_fraction`` of windows (used by the Night preset). Tile it per bay.
    """
    size = check_size(size)
    wall_col = np.clip(np.array([0.75, 0.7, 0.62]) * rng.uniform(0.5, 1.15, 3), 0, 1).astype(np.float32)
    f = fbm(rng, size, 4, 5)
    rgb = wall_col * (0.85 + 0.25 * f[..., None])
    height = (0.8 + 0.2 * f).astype(np.float32)
    emissive = np.zeros((size, size, 3), np.float32)
    cw, ch = size / columns, size / floors
    wx, wy = rng.uniform(0.45, 0.7), rng.uniform(0.45, 0.65)
    frame_col = (np.array([0.9, 0.9, 0.88]) if rng.random() < 0.5 else np.array([0.2, 0.17, 0.15])).tolist()
    for i in range(floors):
        for j in range(columns):
            x0 = int(j * cw + cw * (1 - wx) / 2)
            x1 = int(j * cw + cw * (1 + wx) / 2)
            y0 = int(i * ch + ch * (1 - wy) / 2)
            y1 = int(i * ch + ch * (1 + wy) / 2)
            fw = max(1, size // 64)
            cv2.rectangle(rgb, (x0 - fw, y0 - fw), (x1 + fw, y1 + fw), frame_col, -1)
            glass = np.array([0.1, 0.13, 0.17]) * rng.uniform(0.7, 1.4)
            cv2.rectangle(rgb, (x0, y0), (x1, y1), glass.tolist(), -1)
            if rng.random() < 0.3:
                curtain = rng.uniform(0.3, 0.9, 3)
                cv2.rectangle(rgb, (x0, y0), (x0 + (x1 - x0) // 3, y1), curtain.tolist(), -1)
            xm, ym = (x0 + x1) // 2, y0 + (y1 - y0) // 3
            cv2.line(rgb, (xm, y0), (xm, y1), frame_col, fw, cv2.LINE_AA)
            cv2.line(rgb, (x0, ym), (x1, ym), frame_col, fw, cv2.LINE_AA)
            cv2.rectangle(rgb, (x0 - 2 * fw, y1 + fw), (x1 + 2 * fw, y1 + 3 * fw), frame_col, -1)
            height[y0:y1 + 1, x0:x1 + 1] = 0.0
            if rng.random() < lit_fraction:
                warm = np.array([1.0, 0.8, 0.5]) * rng.uniform(0.6, 1.0)
                cv2.rectangle(emissive, (x0, y0), (x1, y1), warm.tolist(), -1)
    # panes (height 0) are glass: smooth; frames painted, plaster rough
    rough = np.where(height == 0.0, 0.06, 0.7 + 0.2 * f).astype(np.float32)
    return TextureMaps("facade", to_rgba(np.clip(rgb, 0, 1)), height,
                       emissive=to_rgba(emissive)[..., :3], roughness=0.75, roughness_map=rough)


def sign(rng: np.random.Generator, size: int = 128, text: str | None = None,
         shape: str = "rect") -> TextureMaps:
    """Traffic or street sign face with a border and printed text.

    Args:
        rng: random generator.
        size: side in pixels.
        text: text to print (random sign word if None).
        shape: ``"rect"``, ``"octagon"`` (red STOP-like) or ``"circle"`` (red-ringed limit);
            alpha cuts out the shape.
    """
    size = check_size(size)
    text = text if text is not None else random_words(rng, 1)
    rgb = np.zeros((size, size, 3), np.float32)
    alpha = np.zeros((size, size), np.float32)
    font = HERSHEY_FONTS[int(rng.integers(0, 4))]
    th = max(1, size // 48)
    c = size // 2
    if shape == "rect":
        bg = [(0.1, 0.35, 0.15), (0.1, 0.2, 0.55), (0.95, 0.95, 0.92), (0.95, 0.75, 0.1)][int(rng.integers(0, 4))]
        fg = (0.05, 0.05, 0.05) if sum(bg) > 2.0 else (0.97, 0.97, 0.97)
        cv2.rectangle(rgb, (0, size // 4), (size - 1, 3 * size // 4), fg, -1)
        cv2.rectangle(rgb, (th * 2, size // 4 + th * 2), (size - 1 - th * 2, 3 * size // 4 - th * 2), bg, -1)
        alpha[size // 4:3 * size // 4] = 1.0
        fit_text(rgb, text, (th * 3, size // 4, size - th * 3, 3 * size // 4), font, fg, th)
    elif shape == "octagon":
        ang = np.radians(22.5 + 45 * np.arange(8))
        pts = np.stack([c + 0.48 * size * np.cos(ang), c + 0.48 * size * np.sin(ang)], -1).astype(np.int32)
        cv2.fillPoly(rgb, [pts], (0.97, 0.97, 0.97), cv2.LINE_AA)
        cv2.fillPoly(alpha, [pts], 1.0)
        cv2.fillPoly(rgb, [((pts - c) * 0.9 + c).astype(np.int32)], (0.75, 0.05, 0.05), cv2.LINE_AA)
        fit_text(rgb, text, (size // 8, size // 4, 7 * size // 8, 3 * size // 4), font, (0.97, 0.97, 0.97), th)
    elif shape == "circle":
        cv2.circle(rgb, (c, c), int(0.48 * size), (0.8, 0.05, 0.05), -1, cv2.LINE_AA)
        cv2.circle(alpha, (c, c), int(0.48 * size), 1.0, -1)
        cv2.circle(rgb, (c, c), int(0.38 * size), (0.97, 0.97, 0.97), -1, cv2.LINE_AA)
        fit_text(rgb, text, (size // 5, size // 4, 4 * size // 5, 3 * size // 4), font, (0.05, 0.05, 0.05), th)
    else:
        raise ValueError(f"sign shape must be one of 'rect', 'octagon', 'circle', got {shape!r}")
    return TextureMaps("sign", to_rgba(rgb, alpha), None, roughness=0.4)


def billboard(rng: np.random.Generator, size: int = 256, lines: int = 3) -> TextureMaps:
    """Advertising billboard: gradient background, big headline and smaller lines in other fonts.

    Text sizes shrink line by line so one board carries large and tiny glyphs; the emissive map is
    the whole board at reduced strength (back-lit at night).
    """
    size = check_size(size)
    y = np.linspace(0, 1, size, dtype=np.float32)[:, None, None]
    c0, c1 = rng.uniform(0, 1, 3).astype(np.float32), rng.uniform(0, 1, 3).astype(np.float32)
    rgb = np.ascontiguousarray(np.broadcast_to(c0 * (1 - y) + c1 * y, (size, size, 3)))
    cv2.circle(rgb, (int(size * rng.uniform(0.6, 0.9)), int(size * rng.uniform(0.2, 0.8))),
               int(size * rng.uniform(0.1, 0.25)), rng.uniform(0, 1, 3).tolist(), -1, cv2.LINE_AA)
    fg = (0.02, 0.02, 0.02) if float(np.mean(c0 + c1)) > 0.5 else (0.98, 0.98, 0.98)
    top = size * 0.12
    h = size * 0.32
    for k in range(lines):
        font = HERSHEY_FONTS[int(rng.integers(0, len(HERSHEY_FONTS)))]
        txt = random_words(rng, 1 if k == 0 else 2)
        fit_text(rgb, txt, (int(size * 0.05), int(top), int(size * 0.95), int(top + h)), font, fg,
                  max(1, int(h / 20)))
        top += h
        h *= 0.55
    emissive = (np.clip(rgb, 0, 1) * 0.6)
    return TextureMaps("billboard", to_rgba(np.clip(rgb, 0, 1)), None, emissive=to_rgba(emissive)[..., :3],
                       roughness=0.5)


def graffiti(rng: np.random.Generator, size: int = 256, strokes: int = 6) -> TextureMaps:
    """Spray-paint decal: thick bright strokes and a tag in a script font, transparent elsewhere."""
    size = check_size(size)
    rgb = np.zeros((size, size, 3), np.float32)
    alpha = np.zeros((size, size), np.float32)
    for _ in range(strokes):
        col = rng.uniform(0, 1, 3)
        col[int(rng.integers(0, 3))] = 1.0
        pts = rng.uniform(0.1, 0.9, (int(rng.integers(3, 7)), 2)) * size
        th = int(rng.integers(max(2, size // 40), max(3, size // 12)))
        cv2.polylines(rgb, [pts.astype(np.int32)], False, col.tolist(), th, cv2.LINE_AA)
        cv2.polylines(alpha, [pts.astype(np.int32)], False, 1.0, th, cv2.LINE_AA)
    font = HERSHEY_FONTS[6 + int(rng.integers(0, 2))]
    txt = random_words(rng, 1).lower()
    col = rng.uniform(0, 1, 3).tolist()
    fit_text(rgb, txt, (0, size // 4, size, 3 * size // 4), font, col, max(2, size // 40))
    fit_text(alpha, txt, (0, size // 4, size, 3 * size // 4), font, 1.0, max(2, size // 40))
    return TextureMaps("graffiti", to_rgba(np.clip(rgb, 0, 1), np.clip(alpha, 0, 1)), None, roughness=0.6)
