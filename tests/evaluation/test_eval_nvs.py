"""NVS harness and baselines: analytic warp-blend, end to end on a rendered rig, folder: predictions."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from gameir.baselines import nearest_views, warp_blend
from gameir.cli.main import main
from gameir.data import NVSDataset
from gameir.evaluation import evaluate_nvs
from gameir.evaluation.predictions import prediction_path


def _pose(x: float) -> np.ndarray:
    c2w = np.eye(4)
    c2w[0, 3] = x
    return c2w


def test_warp_blend_two_views_of_a_plane_reproduce_the_middle_view():
    # fronto-parallel plane at 5 m, f = 50 px: a 0.2 m baseline shifts it by 2 px; sky in the top rows
    h, w = 12, 16
    K = np.array([[50.0, 0, w / 2], [0, 50.0, h / 2], [0, 0, 1]])
    depth = np.full((h, w), 5.0, np.float32)
    depth[:3] = np.inf
    xs = np.arange(-4, w + 4, dtype=np.float32)
    tex = np.stack([xs / 40, np.full_like(xs, 0.5), 1 - xs / 40], -1)  # colour = f(world x)
    def view(shift_px: int) -> np.ndarray:
        img = np.repeat(tex[None, 4 + shift_px:4 + shift_px + w], h, axis=0).copy()
        img[:3] = (0.2, 0.4, 0.9)
        return img
    left, right, middle = view(-2), view(2), view(0)
    out = warp_blend([left, right], [depth, depth], [K, K], [_pose(-0.2), _pose(0.2)], K, _pose(0.0), (h, w))
    np.testing.assert_allclose(out, middle, atol=1e-6)


def test_nearest_views_orders_by_distance():
    src = [_pose(x) for x in (3.0, -1.0, 0.5, 10.0)]
    assert nearest_views(src, _pose(0.0), 2) == [2, 1]
    assert nearest_views(src, _pose(0.0), 9) == [2, 1, 0, 3]


def test_nvs_end_to_end_warp_beats_nearest_view(tiny_nvs, tmp_path):
    warp = evaluate_nvs(tiny_nvs, "test", "warp", holdout=(1, 2), out=tmp_path / "warp", worst=1)
    near = evaluate_nvs(tiny_nvs, "test", "nearest-view", holdout=(1, 2))
    assert warp["overall"]["count"] == near["overall"]["count"] == 3 * 1 * 2
    assert warp["overall"]["psnr"] > near["overall"]["psnr"]
    assert 0 < warp["overall"]["flip"] < near["overall"]["flip"] < 1  # FLIP agrees: warping is closer
    assert warp["protocol"]["holdout"] == [1, 2]
    md = (tmp_path / "warp" / "report.md").read_text()
    assert "held-out views 1,2" in md and "| world family | town |" in md
    assert len(list((tmp_path / "warp" / "worst").glob("*.png"))) == 1


def test_nvs_folder_predictions(tiny_nvs, tmp_path):
    ds = NVSDataset(tiny_nvs, "test", holdout_views=(3,))
    folder = tmp_path / "renders"
    for i in range(len(ds)):
        item = ds[i]
        for rgb, v in zip(item["target"]["rgb"], item["target"]["view"].tolist()):
            path = prediction_path(folder, item["clip_id"], item["frame"], v)
            path.parent.mkdir(parents=True, exist_ok=True)
            img = np.rint(rgb.permute(1, 2, 0).numpy() * 255).astype(np.uint8)
            cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    s = evaluate_nvs(tiny_nvs, "test", f"folder:{folder}", holdout=(3,))
    assert s["overall"]["psnr"] == math.inf and s["overall"]["ssim"] == pytest.approx(1.0, abs=1e-12)
    assert s["overall"]["flip"] == pytest.approx(0.0, abs=1e-7)
    victim = sorted(folder.rglob("*.png"))[-1]
    victim.unlink()
    with pytest.raises(FileNotFoundError, match=f"view 3: missing prediction file {victim}"):
        evaluate_nvs(tiny_nvs, "test", f"folder:{folder}", holdout=(3,))


def test_cli_eval_nvs_prints_table(tiny_nvs, capsys):
    assert main(["eval", "nvs", "--data", str(tiny_nvs), "--method", "nearest-view", "--holdout", "-1",
                 "--max-frames", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Protocol: protocol custom; task nvs; split test; held-out views -1")
    assert main(["eval", "nvs", "--data", str(tiny_nvs), "--method", "nerf", "--holdout", "1"]) == 2
    assert "unknown NVS method 'nerf'" in capsys.readouterr().err
