"""Write docs/gallery/material_detail.png (run by hand:
``python docs/gallery/make_material_gallery.py docs/gallery``).

One row per (family, seed, weather, camera): the frame with plain materials (colour and normal maps,
scalar roughness: ``build_world(..., material_detail=False)``), the same frame with material detail
(metallic-roughness, emissive and detail maps, stochastic tiling, decals), its basecolor, its
roughness (``material`` channel 2) and its metallic (channel 0) buffers. Rows show the town by day
(road decals and tiling), in HardRain (rain streaks, wet reflections, pedestrians) and at Night
(emissive window masks), nature in the rain and an interior (floor decals). 320x240 frames, PNG
quantised to 256 colours.
"""

import sys

import cv2
import numpy as np

from gameir.preview import label_tile
from gameir.render import Renderer
from gameir.worlds import build_world, make_path

ROWS = (("town", 3, "ClearNoon", "vehicle", 30), ("town", 3, "HardRain", "vehicle", 50), ("town", 3, "Night", "vehicle", 30),
        ("nature", 2, "HardRain", "walk", 10), ("interior", 2, "ClearNoon", "walk", 10))
W, H = 320, 240


def save(path, img):
    from PIL import Image
    q = Image.fromarray(np.ascontiguousarray(img)).quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                            dither=Image.Dither.NONE)
    q.save(path, optimize=True)


def grey(channel: np.ndarray) -> np.ndarray:
    return np.repeat(np.ascontiguousarray(channel)[..., None], 3, axis=-1)


out = sys.argv[1] if len(sys.argv) > 1 else "docs/gallery"
rows = []
with Renderer(W, H) as r:
    for fam, seed, weather, kind, frame in ROWS:
        tiles = []
        for detail in (False, True):
            w = build_world(fam, seed, weather=weather, material_detail=detail)
            p = make_path(w, kind, frame + 1, fps=20.0, width=W, height=H)
            f = r.render(w.scene, p.camera(frame), float(p.times_s[frame]), dt=0.05, prev_camera=p.camera(frame - 1))
            label = f"{fam} {seed} {weather} {kind}: " + ("material detail" if detail else "plain materials")
            tiles.append(label_tile(f.buffers["rgb"], label))
        b = f.buffers
        tiles += [label_tile(b["basecolor"], "basecolor"), label_tile(grey(b["material"][..., 2]), "roughness"),
                  label_tile(grey(b["material"][..., 0]), "metallic")]
        rows.append(np.concatenate(tiles, axis=1))
sheet = np.concatenate(rows, axis=0)
title = np.zeros((20, sheet.shape[1], 3), np.uint8)
cv2.putText(title, "python docs/gallery/make_material_gallery.py docs/gallery", (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
            (255, 255, 255), 1, cv2.LINE_AA)
save(f"{out}/material_detail.png", np.concatenate([title, sheet], axis=0))
