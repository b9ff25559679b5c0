"""Contact-sheet pictures (gameir.preview) and the `gameir preview` verb."""

import cv2
import numpy as np
import pytest

from gameir.cli.main import main
from gameir.frame import Frame
from gameir.preview import colorize_depth, colorize_instance, colorize_motion, contact_sheet
from gameir.semantics import PALETTE


def test_colorize_depth_sky_black_near_warm():
    d = np.array([[1.0, 10.0, np.inf]], np.float32)
    rgb = colorize_depth(d, near_m=1.0, far_m=10.0)
    assert tuple(rgb[0, 2]) == (0, 0, 0)
    assert rgb[0, 0, 0] > rgb[0, 0, 2] and rgb[0, 1, 2] > rgb[0, 1, 0]  # near red, far blue


def test_colorize_motion_direction_and_zero():
    m = np.zeros((1, 3, 2), np.float32)
    m[0, 1] = (4, 0)
    m[0, 2] = (-4, 0)
    rgb = colorize_motion(m, max_px=4.0).astype(int)
    assert rgb[0, 0].sum() == 0
    assert rgb[0, 1].max() == 255 and not np.array_equal(rgb[0, 1], rgb[0, 2])


def test_colorize_instance_distinct_and_zero_black():
    ids = np.arange(200, dtype=np.uint16).reshape(10, 20)
    rgb = colorize_instance(ids)
    assert tuple(rgb[0, 0]) == (0, 0, 0)
    assert len({tuple(c) for c in rgb.reshape(-1, 3)[1:]}) > 190


def _frame(h, w):
    rng = np.random.default_rng(0)
    bufs = {"rgb": rng.integers(0, 255, (h, w, 3), dtype=np.uint8),
            "depth": np.full((h, w), 5.0, np.float32),
            "semantic": np.full((h, w), 14, np.uint8),
            "motion": np.zeros((h, w, 2), np.float16)}
    return Frame(bufs, np.eye(3), np.eye(4))


def test_contact_sheet_layout():
    lr, hr = _frame(12, 16), _frame(24, 32)
    sheet = contact_sheet(lr, hr, tile_width=32, columns=3, title="t")
    # 5 tiles (LR rgb, HR rgb, depth, semantic, motion) in rows of 3 -> 2 rows of 24 px + a 22 px title
    assert sheet.shape == (22 + 2 * 24, 3 * 32, 3) and sheet.dtype == np.uint8
    sem_tile = sheet[22 + 24 + 20, 16]  # row 2, column 1 = HR semantic, below the label
    assert tuple(sem_tile) == tuple(PALETTE[14])
    with pytest.raises(ValueError, match="columns"):
        contact_sheet(lr, hr, columns=0)


def test_preview_verb_writes_png(tmp_path, capsys):
    out = tmp_path / "p.png"
    rc = main(["preview", "--world", "interior", "--seed", "1", "--size", "32x24", "--detail", "low",
               "--frame", "2", "--tile-width", "64", "--out", str(out)])
    assert rc == 0 and "wrote" in capsys.readouterr().out
    img = cv2.imread(str(out))
    assert img is not None and img.shape[1] == 4 * 64  # LR + 9 HR buffers -> 10 tiles, 4 per row
    assert img.shape[0] == 22 + 3 * 48


@pytest.mark.parametrize("argv,msg", [
    (["--size", "big"], "--size must look like"),
    (["--world", "moon"], "unknown world family"),
    (["--weather", "Snow"], "unknown weather"),
])
def test_preview_verb_errors(tmp_path, capsys, argv, msg):
    rc = main(["preview", "--out", str(tmp_path / "x.png"), "--detail", "low", "--size", "32x24"] + argv)
    assert rc == 2 and msg in capsys.readouterr().err
