"""The one PNG encoder keeps RGB order and bit depth, read back by an independent decoder (Pillow)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from gameir.png import encode_png, write_png


@pytest.mark.parametrize("compression", [1, 3])
def test_rgb_rgba_and_16_bit_grey_round_trip_through_pillow(tmp_path, compression):
    rgb = np.zeros((2, 3, 3), np.uint8)
    rgb[0, 0] = (255, 0, 0)  # red stays red: no BGR swap reaches the file
    rgb[1, 2] = (10, 200, 30)
    back = np.asarray(Image.open(io.BytesIO(encode_png(rgb, compression=compression))))
    np.testing.assert_array_equal(back, rgb)
    rgba = np.dstack([rgb, np.full((2, 3), 128, np.uint8)])
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(encode_png(rgba)))), rgba)
    grey16 = np.array([[0, 1, 65535]], np.uint16)
    path = write_png(tmp_path / "depth.png", grey16, compression=compression)
    np.testing.assert_array_equal(np.asarray(Image.open(path)).astype(np.uint16), grey16)


def test_an_image_png_cannot_hold_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"frame 3 of clip x: cannot encode a \(2, 2\) float32 array as PNG"):
        encode_png(np.zeros((2, 2), np.float32), where="frame 3 of clip x")
    with pytest.raises(ValueError, match=r"cannot encode a \(2, 2, 3\) uint16 array"):
        encode_png(np.zeros((2, 2, 3), np.uint16))
