"""Semantic tag ids and palette: CARLA 0.9.14+ (Cityscapes-style), ids 0..28."""

from __future__ import annotations

import numpy as np

__all__ = ["SEMANTIC_CLASSES", "SEMANTIC_IDS", "PALETTE", "colorize_semantic"]

#: (id, name, RGB colour) in CARLA 0.9.14+ order.
SEMANTIC_CLASSES: tuple[tuple[int, str, tuple[int, int, int]], ...] = (
    (0, "unlabeled", (0, 0, 0)),
    (1, "road", (128, 64, 128)),
    (2, "sidewalk", (244, 35, 232)),
    (3, "building", (70, 70, 70)),
    (4, "wall", (102, 102, 156)),
    (5, "fence", (190, 153, 153)),
    (6, "pole", (153, 153, 153)),
    (7, "traffic_light", (250, 170, 30)),
    (8, "traffic_sign", (220, 220, 0)),
    (9, "vegetation", (107, 142, 35)),
    (10, "terrain", (152, 251, 152)),
    (11, "sky", (70, 130, 180)),
    (12, "pedestrian", (220, 20, 60)),
    (13, "rider", (255, 0, 0)),
    (14, "car", (0, 0, 142)),
    (15, "truck", (0, 0, 70)),
    (16, "bus", (0, 60, 100)),
    (17, "train", (0, 80, 100)),
    (18, "motorcycle", (0, 0, 230)),
    (19, "bicycle", (119, 11, 32)),
    (20, "static", (110, 190, 160)),
    (21, "dynamic", (170, 120, 50)),
    (22, "other", (55, 90, 80)),
    (23, "water", (45, 60, 150)),
    (24, "road_line", (157, 234, 50)),
    (25, "ground", (81, 0, 81)),
    (26, "bridge", (150, 100, 100)),
    (27, "rail_track", (230, 150, 140)),
    (28, "guard_rail", (180, 165, 180)),
)

#: name -> id, e.g. ``SEMANTIC_IDS["car"] == 14``.
SEMANTIC_IDS: dict[str, int] = {name: i for i, name, _ in SEMANTIC_CLASSES}

#: (256, 3) uint8 lookup table; ids above 28 map to white.
PALETTE: np.ndarray = np.full((256, 3), 255, dtype=np.uint8)
for _i, _name, _rgb in SEMANTIC_CLASSES:
    PALETTE[_i] = _rgb


def colorize_semantic(semantic: np.ndarray) -> np.ndarray:
    """Map ``(H, W)`` uint8 tag ids to an ``(H, W, 3)`` uint8 RGB picture with :data:`PALETTE`."""
    return PALETTE[np.asarray(semantic, dtype=np.uint8)]
