"""SR harness: end to end on rendered data, known answers through folder:, model checks, tiling."""

from __future__ import annotations

import csv
import json
import math
import textwrap

import cv2
import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from gameir.data import SRDataset
from gameir.evaluation import evaluate_sr, format_table
from gameir.evaluation.predictions import prediction_path


def _write_folder(root, folder, transform) -> None:
    """Write transform(HR uint8 RGB) for every test frame as DIR/<clip_id>/<frame:08d>.png."""
    ds = SRDataset(root, "test")
    for i in range(len(ds)):
        item = ds[i]
        hr = np.rint(item["hr"].permute(1, 2, 0).numpy() * 255).astype(np.uint8)
        path = prediction_path(folder, item["clip_id"], item["frame"])
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), cv2.cvtColor(transform(hr), cv2.COLOR_RGB2BGR))


def _bicubic_pairs(ds, crop):
    """(HR, OpenCV-bicubic LR) float32 pairs of every item, ``crop`` pixels cut per side."""
    for i in range(len(ds)):
        item = ds[i]
        lr = item["lr"].permute(1, 2, 0).numpy()
        hr = item["hr"].permute(1, 2, 0).numpy()
        up = np.clip(cv2.resize(lr, (hr.shape[1], hr.shape[0]), interpolation=cv2.INTER_CUBIC), 0, 1)
        yield (np.ascontiguousarray(hr[crop:-crop, crop:-crop], np.float32),
               np.ascontiguousarray(up[crop:-crop, crop:-crop], np.float32))


def test_bicubic_end_to_end_matches_independent_computation(tiny_sr, tmp_path):
    out = tmp_path / "run"
    summary = evaluate_sr(tiny_sr, "test", "bicubic", out=out, temporal=True, worst=2)
    ds = SRDataset(tiny_sr, "test")
    assert summary["overall"]["count"] == len(ds) == 9
    # independent: OpenCV bicubic on the uint8-derived float frames, scikit-image metrics, border 2
    ps, ss = [], []
    for i in range(len(ds)):
        item = ds[i]
        lr = item["lr"].permute(1, 2, 0).numpy()
        hr = item["hr"].permute(1, 2, 0).numpy().astype(np.float64)
        up = np.clip(cv2.resize(lr, (hr.shape[1], hr.shape[0]), interpolation=cv2.INTER_CUBIC), 0, 1).astype(np.float64)
        up, hr = up[2:-2, 2:-2], hr[2:-2, 2:-2]
        ps.append(peak_signal_noise_ratio(hr, up, data_range=1.0))
        ss.append(structural_similarity(hr, up, data_range=1.0, channel_axis=2, gaussian_weights=True, sigma=1.5,
                                        use_sample_covariance=False))
    assert summary["overall"]["psnr"] == pytest.approx(np.mean(ps), abs=1e-4)
    assert summary["overall"]["ssim"] == pytest.approx(np.mean(ss), abs=1e-5)
    fe = pytest.importorskip("flip_evaluator")
    fl = [fe.evaluate(hr, up, "LDR", applyMagma=False)[0].mean(dtype=np.float64)
          for hr, up in _bicubic_pairs(ds, crop=2)]
    assert summary["overall"]["flip"] == pytest.approx(np.mean(fl), abs=1e-5) and summary["overall"]["flip"] > 0.01
    assert set(summary["groups"]["scene_family"]) == {"town", "nature", "interior"}
    assert set(summary["groups"]["motion"]) <= {"static", "dynamic"}
    # temporal: one pair per consecutive frame (3 clips x 2), GT error finite and small
    t = summary["optional"]["overall"]
    assert t["count"] == 6 and 0 <= t["warp_mse_gt"] < 0.05 and t["warp_mse"] >= 0
    rows = list(csv.DictReader(open(out / "frames.csv")))
    assert len(rows) == 9 and rows[0]["warp_mse"] == "" and float(rows[1]["warp_mse_gt"]) >= 0
    saved = json.loads((out / "summary.json").read_text())
    assert saved["overall"]["psnr"] == summary["overall"]["psnr"]
    assert saved["dataset"]["digest"] == summary["dataset"]["digest"] and len(saved["dataset"]["digest"]) == 16
    assert len(list((out / "worst").glob("*.png"))) == 2
    pic = cv2.imread(str(next((out / "worst").glob("*.png"))))
    assert pic.shape[1] == 5 * 480 and pic.shape[0] > 2 * 360  # LR, prediction, GT, |error|, FLIP


def test_report_states_protocol(tiny_sr, tmp_path):
    summary = evaluate_sr(tiny_sr, "test", "nearest", y_channel=True, crop_border=3, out=tmp_path, worst=0,
                          max_frames=2)
    md = (tmp_path / "report.md").read_text()
    line = next(l for l in md.splitlines() if l.startswith("Protocol:"))
    for part in ("split test", "x2", "metrics on Y (BT.601, 0..255)", "crop 3 px", "data_range 1",
                 f"digest {summary['dataset']['digest']}", "gameir 0.1.0"):
        assert part in line
    # the protocol line sits above the table
    assert md.index("Protocol:") < md.index("| group |")
    assert format_table(summary).splitlines()[0] == line


def test_folder_identical_and_constant_offset(synthetic_root, tmp_path):
    same = tmp_path / "same"
    _write_folder(synthetic_root, same, lambda hr: hr)
    s = evaluate_sr(synthetic_root, "test", f"folder:{same}")
    assert s["overall"]["psnr"] == math.inf and s["overall"]["ssim"] == pytest.approx(1.0, abs=1e-12)
    assert "inf" in format_table(s)
    # |error| = 5 levels everywhere: PSNR = 20 log10(255 / 5)
    off = tmp_path / "offset"
    _write_folder(synthetic_root, off, lambda hr: np.where(hr <= 250, hr + 5, hr - 5).astype(np.uint8))
    s = evaluate_sr(synthetic_root, "test", f"folder:{off}", out=tmp_path / "r")
    assert s["overall"]["psnr"] == pytest.approx(20 * math.log10(255 / 5), abs=1e-4)
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["overall"]["count"] == 3


def test_folder_missing_prediction_names_file(synthetic_root, tmp_path):
    folder = tmp_path / "preds"
    _write_folder(synthetic_root, folder, lambda hr: hr)
    victim = sorted(folder.rglob("*.png"))[1]
    victim.unlink()
    with pytest.raises(FileNotFoundError, match=f"missing prediction file {victim}"):
        evaluate_sr(synthetic_root, "test", f"folder:{folder}")


def test_folder_wrong_size_names_file(synthetic_root, tmp_path):
    folder = tmp_path / "preds"
    _write_folder(synthetic_root, folder, lambda hr: hr[:-2])
    with pytest.raises(ValueError, match=r"00000000\.png is 94x128 \(HxW\), expected 96x128"):
        evaluate_sr(synthetic_root, "test", f"folder:{folder}")


_BAD_MODELS = textwrap.dedent('''
    import torch

    class Bad(torch.nn.Module):
        def __init__(self, mode):
            super().__init__()
            self.mode = mode

        def forward(self, batch):
            lr = batch["lr"]
            up = torch.nn.functional.interpolate(lr, scale_factor=2.0, mode="nearest")
            if self.mode == "shape":
                return up[..., :-1]
            if self.mode == "dtype":
                return (up * 255).to(torch.uint8)
            if self.mode == "nan":
                up = up.clone(); up[0, 0, :2, :3] = float("nan")
                return up
            return up

    def shape(): return Bad("shape")
    def dtype(): return Bad("dtype")
    def nan(): return Bad("nan")
    def good(): return Bad("good")
''')


@pytest.fixture
def bad_models(tmp_path, monkeypatch):
    (tmp_path / "eval_bad_models.py").write_text(_BAD_MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "eval_bad_models"


def test_python_model_errors_name_frame_and_shapes(synthetic_root, bad_models):
    clip = SRDataset(synthetic_root, "test")[0]["clip_id"]
    with pytest.raises(ValueError, match=rf"clip {clip} frame 0: prediction has shape \[1, 3, 96, 127\], expected \[1, 3, 96, 128\]"):
        evaluate_sr(synthetic_root, "test", f"python:{bad_models}:shape")
    with pytest.raises(TypeError, match=rf"clip {clip} frame 0: prediction has dtype torch.uint8.*\[1, 3, 96, 128\]"):
        evaluate_sr(synthetic_root, "test", f"python:{bad_models}:dtype")
    with pytest.raises(ValueError, match=rf"clip {clip} frame 0: prediction of shape \[1, 3, 96, 128\] has 6 NaN and 0 Inf"):
        evaluate_sr(synthetic_root, "test", f"python:{bad_models}:nan")
    # the same model in tiles names the tile too
    with pytest.raises(ValueError, match=r"frame 0 \(LR tile rows 0:24, cols 0:24\): prediction has shape \[1, 3, 48, 47\]"):
        evaluate_sr(synthetic_root, "test", f"python:{bad_models}:shape", tile=16, tile_overlap=8)
    good = evaluate_sr(synthetic_root, "test", f"python:{bad_models}:good")
    assert good["overall"]["psnr"] == pytest.approx(evaluate_sr(synthetic_root, "test", "nearest")["overall"]["psnr"], abs=1e-9)


def test_torchscript_model_gets_rgb_plus_aux(synthetic_root, tmp_path):
    from gameir.models import SRConfig, build_model, export_torchscript

    model = build_model(SRConfig(scale=2, aux_channels=("depth", "normal.x", "normal.y", "normal.z"), n_feats=8, n_blocks=1))
    path = export_torchscript(model, tmp_path / "m.pt")
    s = evaluate_sr(synthetic_root, "test", f"torchscript:{path}")
    # a fresh CompactSR is exactly its bilinear base (zero-initialised residual head)
    b = evaluate_sr(synthetic_root, "test", "bilinear")
    assert s["overall"]["psnr"] == pytest.approx(b["overall"]["psnr"], abs=1e-3)


def test_tiled_equals_whole_frame(synthetic_root):
    whole = evaluate_sr(synthetic_root, "test", "gbuffer-jbu")
    tiled = evaluate_sr(synthetic_root, "test", "gbuffer-jbu", tile=20, tile_overlap=4)
    assert tiled["tile"] == 20
    assert whole["overall"]["psnr"] == tiled["overall"]["psnr"]
    assert whole["overall"]["ssim"] == tiled["overall"]["ssim"]


def test_user_errors(synthetic_root):
    with pytest.raises(ValueError, match="unknown SR method 'cubic'"):
        evaluate_sr(synthetic_root, "test", "cubic")
    with pytest.raises(ValueError, match="scale 4 requested but the data is x2"):
        evaluate_sr(synthetic_root, "test", "bicubic", scale=4)
    with pytest.raises(ValueError, match="--amp needs a CUDA device"):
        evaluate_sr(synthetic_root, "test", "bicubic", amp=True, device="cpu")


def test_cli_sr_with_protocol_file(synthetic_root, tmp_path, capsys):
    from pathlib import Path

    from gameir.cli.main import main

    protocols = Path(__file__).resolve().parents[2] / "gameir" / "protocols"
    rc = main(["eval", "sr", "--data", str(synthetic_root), "--protocol", str(protocols / "gameir-sr-x2-y.json"),
               "--method", "bicubic", "--out", str(tmp_path), "--worst", "1", "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0
    assert out.startswith("Protocol: protocol gameir-sr-x2-y; task sr; split test; x2; metrics on Y (BT.601, 0..255); crop 2 px")
    assert "warp MSE (pred)" in out and f"wrote {tmp_path / 'report.md'}" in out
    rc = main(["eval", "sr", "--data", str(synthetic_root), "--protocol", "gameir-sr-x2",  # a shipped name
               "--crop-border", "0", "--method", "bicubic", "--quiet"])
    assert rc == 0 and "protocol gameir-sr-x2 modified (crop_border)" in capsys.readouterr().out
    rc = main(["eval", "nvs", "--data", str(synthetic_root), "--protocol", str(protocols / "gameir-sr-x2.json"),
               "--method", "warp"])
    assert rc == 2 and "protocol is for task 'sr'" in capsys.readouterr().err
