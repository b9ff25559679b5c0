"""Natural photographs (shipped with scikit-image) and degraded versions of them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

PHOTOS = ("astronaut", "coffee", "chelsea")


def degrade(img01: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """(H, W, 3) float64 in [0, 1] -> a noisy or blurred version, still in [0, 1]."""
    if kind == "noise":
        return np.clip(img01 + rng.normal(0.0, 0.04, img01.shape), 0.0, 1.0)
    if kind == "blur":
        return cv2.GaussianBlur(img01, (0, 0), 1.2)
    raise ValueError(kind)


@pytest.fixture(scope="session")
def photo_pairs() -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """(photo, degradation) -> (pred, target): (H, W, 3) float64 in [0, 1]."""
    rng = np.random.default_rng(1234)
    out = {}
    for name in PHOTOS:
        target = getattr(data, name)().astype(np.float64) / 255.0
        for kind in ("noise", "blur"):
            out[(name, kind)] = (degrade(target, kind, rng), target)
    return out
