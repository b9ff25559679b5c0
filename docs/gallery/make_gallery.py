"""Write the docs/gallery PNGs (run by hand: ``python docs/gallery/make_gallery.py docs/gallery``).

Three contact sheets (LR and HR rgb plus every HR G-buffer, ``gameir.preview.contact_sheet``) and
one grid of HR frames across weathers and camera kinds. PNGs are quantised to 256 colours to keep
the gallery a few hundred KB.
"""

import sys

import cv2
import numpy as np

from gameir.preview import contact_sheet
from gameir.render import PairRenderer
from gameir.worlds import build_world, make_path


def pair(pr, fam, seed, weather, kind, frame=10, detail="medium"):
    w = build_world(fam, seed, weather=weather, detail=detail)
    p = make_path(w, kind, frame + 1, fps=20.0, width=pr.lr.width, height=pr.lr.height)
    lr, hr = pr.render(w.scene, p.camera(frame), float(p.times_s[frame]), dt=0.05, prev_camera=p.camera(frame - 1))
    return w, lr, hr


def save(path, img):
    from PIL import Image
    q = Image.fromarray(np.ascontiguousarray(img)).quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                            dither=Image.Dither.NONE)
    q.save(path, optimize=True)


out = sys.argv[1] if len(sys.argv) > 1 else "docs/gallery"
with PairRenderer((160, 120), 2) as pr:
    for fam, seed, weather, kind in (("town", 3, "ClearNoon", "vehicle"), ("nature", 1, "ClearSunset", "walk"),
                                     ("interior", 2, "ClearNoon", "walk")):
        w, lr, hr = pair(pr, fam, seed, weather, kind)
        save(f"{out}/{fam}_{weather}_sheet.png", contact_sheet(lr, hr, tile_width=160, columns=5,
             title=f"gameir preview --world {fam} --seed {seed} --weather {weather} --camera {kind}"))
    tiles = []
    for fam, seed, weather, kind in (("town", 3, "Night", "vehicle"), ("town", 3, "HardRain", "vehicle"),
                                     ("town", 7, "Fog", "vehicle"), ("town", 5, "ClearSunset", "orbit"),
                                     ("nature", 4, "CloudyNoon", "fly"), ("nature", 2, "ClearNoon", "walk"),
                                     ("town", 2, "WetNoon", "fly"), ("interior", 5, "ClearNoon", "fly")):
        w, lr, hr = pair(pr, fam, seed, weather, kind)
        img = np.ascontiguousarray(hr.buffers["rgb"])
        cv2.rectangle(img, (0, 0), (400, 16), (0, 0, 0), -1)
        cv2.putText(img, f"{fam} {seed} {weather} {kind}", (4, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1,
                    cv2.LINE_AA)
        tiles.append(img)
    grid = np.concatenate([np.concatenate(tiles[i:i + 4], 1) for i in (0, 4)], 0)
    save(f"{out}/weathers_hr.png", grid)
