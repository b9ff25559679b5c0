"""FLIP against NVIDIA's reference implementation (flip-evaluator) on photographs and rendered frames."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch

from gameir.metrics import FLIP_DEFAULT_PPD, flip, flip_map, flip_ppd, hdr_flip
from gameir.metrics.flip import _feature_filters, _separable, _spatial_filters

fe = pytest.importorskip("flip_evaluator", reason="the reference FLIP (pip install flip-evaluator) is a test dependency")

from tests.metrics.conftest import PHOTOS  # noqa: E402


def _t(img: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(img, dtype=np.float32)).permute(2, 0, 1).unsqueeze(0)


def _jpeg(img01: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", np.rint(img01[..., ::-1] * 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].astype(np.float32) / 255.0


def _reference(ref: np.ndarray, test: np.ndarray, kind: str = "LDR") -> tuple[np.ndarray, float, float]:
    """flip-evaluator's error map, its own (float32-summed) mean, and the map's float64 mean."""
    emap, mean, _ = fe.evaluate(np.ascontiguousarray(ref, np.float32), np.ascontiguousarray(test, np.float32), kind,
                                applyMagma=False)
    return emap[..., 0], float(mean), float(emap[..., 0].mean(dtype=np.float64))


@pytest.fixture(scope="module")
def degraded_photos():
    """(photo, kind) -> (test, reference): scikit-image photographs, noisy / blurred / JPEG q=20, float32 in [0, 1]."""
    from skimage import data

    rng = np.random.default_rng(7)
    out = {}
    for name in PHOTOS:
        ref = getattr(data, name)().astype(np.float32) / 255.0
        out[(name, "noise")] = (np.clip(ref + rng.normal(0, 0.04, ref.shape), 0, 1).astype(np.float32), ref)
        out[(name, "blur")] = (cv2.GaussianBlur(ref, (0, 0), 1.2), ref)
        out[(name, "jpeg")] = (_jpeg(ref, 20), ref)
    return out


@pytest.mark.parametrize("kind", ["noise", "blur", "jpeg"])
@pytest.mark.parametrize("name", PHOTOS)
def test_ldr_flip_matches_reference_on_photographs(degraded_photos, name, kind):
    test, ref = degraded_photos[(name, kind)]
    emap, ref_mean, ref_mean64 = _reference(ref, test)
    ours_map = flip_map(_t(test), _t(ref), 1.0)[0].numpy()
    ours = float(flip(_t(test), _t(ref), 1.0)[0])
    assert 0.02 < ours < 0.9  # a real, visible difference
    assert abs(ours - ref_mean) < 1e-4  # the reference's mean (its float32 sum has ~1e-5 rounding)
    assert abs(ours - ref_mean64) < 1e-5  # the mean of its error map
    assert np.abs(ours_map - emap).max() < 2e-4  # every pixel


def test_flip_batch_devices_and_range(degraded_photos):
    (a, ra), (b, rb) = degraded_photos[("chelsea", "noise")], degraded_photos[("chelsea", "blur")]
    pred, target = torch.cat([_t(a), _t(b)]), torch.cat([_t(ra), _t(rb)])
    batch = flip(pred, target, 1.0)
    assert batch.shape == (2,) and batch.dtype == torch.float64
    assert batch[0].item() == pytest.approx(flip(_t(a), _t(ra), 1.0)[0].item(), abs=1e-7)
    assert batch[1].item() == pytest.approx(flip(_t(b), _t(rb), 1.0)[0].item(), abs=1e-7)
    # 0..255 input with data_range 255 gives the same values; identical images give 0
    assert flip(pred * 255, target * 255, 255.0).numpy() == pytest.approx(batch.numpy(), abs=1e-6)
    assert flip(target, target, 1.0).numpy() == pytest.approx([0.0, 0.0], abs=1e-8)
    # crop_border scores the centre only
    cropped = flip(pred, target, 1.0, crop_border=8)
    assert cropped[0].item() == pytest.approx(flip(pred[..., 8:-8, 8:-8], target[..., 8:-8, 8:-8], 1.0)[0].item())
    if torch.cuda.is_available():
        on_gpu = flip(pred.cuda(), target.cuda(), 1.0).cpu()
        assert on_gpu.numpy() == pytest.approx(batch.numpy(), abs=1e-5)


def test_opencv_and_conv2d_filter_paths_agree():
    """The CPU path (OpenCV sepFilter2D) and the path used on GPUs (grouped conv2d) filter alike."""
    x = torch.rand(2, 4, 37, 53, generator=torch.Generator().manual_seed(0))
    ky = list(_spatial_filters(FLIP_DEFAULT_PPD))
    g, dg, ddg = _feature_filters(FLIP_DEFAULT_PPD)
    for kx, kyy in ((ky, ky), ([dg, ddg, g, g], [g, g, dg, ddg])):
        a = _separable(x, kx, kyy, opencv=True)
        b = _separable(x, kx, kyy, opencv=False)
        assert a.shape == x.shape and torch.allclose(a, b, atol=1e-5)


def test_flip_ppd_and_filter_sizes():
    assert FLIP_DEFAULT_PPD == pytest.approx(67.0206, abs=1e-3)  # flip-evaluator reports 67.02064514160156
    assert flip_ppd(0.7, 3840, 0.7) == FLIP_DEFAULT_PPD
    assert len(_spatial_filters(FLIP_DEFAULT_PPD)[0]) == 21 and len(_feature_filters(FLIP_DEFAULT_PPD)[0]) == 19


def test_flip_other_ppd_matches_reference(degraded_photos):
    test, ref = degraded_photos[("coffee", "blur")]
    emap, _, _ = fe.evaluate(ref, test, "LDR", applyMagma=False, parameters={"ppd": 30.0})
    assert float(flip(_t(test), _t(ref), 1.0, pixels_per_degree=30.0)[0]) == pytest.approx(
        float(emap.mean(dtype=np.float64)), abs=1e-5)


def test_flip_bad_inputs_name_the_problem():
    x = torch.rand(1, 3, 8, 8)
    with pytest.raises(ValueError, match="pixels_per_degree must be a positive number, got -1"):
        flip(x, x, 1.0, pixels_per_degree=-1)
    with pytest.raises(ValueError, match="flip: expected 3 RGB channels, got C = 1"):
        flip(x[:, :1], x[:, :1], 1.0)
    with pytest.raises(ValueError, match="flip: pred and target shapes differ"):
        flip(x, x[..., :4], 1.0)
    with pytest.raises(ValueError, match="hdr_flip: pred must be finite and non-negative"):
        hdr_flip(-x, x)
    with pytest.raises(ValueError, match="tone_mapper must be one of aces, hable, reinhard, got 'filmic'"):
        hdr_flip(x, x, tone_mapper="filmic")


@pytest.fixture(scope="module")
def rendered_frames(tmp_path_factory):
    """One rendered clip of `gameir render tiny` (128x96 HR, rgb + hdr): LR and HR of frame 0."""
    from gameir.data import SRDataset

    root = tmp_path_factory.mktemp("flip") / "tiny"
    cmd = [sys.executable, "-m", "gameir", "render", "tiny", "--split", "test", "--out", str(root), "--quiet",
           "--override", "clips.frames=1", "--override", 'render.buffers=["rgb", "hdr"]']
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    src = SRDataset(root, "test").source
    return [{b: {r: src.read(c, b, r, 0) for r in ("lr", "hr")} for b in ("rgb", "hdr")} for c in range(len(src.clips))]


def test_ldr_and_hdr_flip_match_reference_on_rendered_frames(rendered_frames):
    for frame in rendered_frames:
        hr = frame["rgb"]["hr"].astype(np.float32) / 255.0
        lr = frame["rgb"]["lr"].astype(np.float32) / 255.0
        up = np.clip(cv2.resize(lr, (hr.shape[1], hr.shape[0]), interpolation=cv2.INTER_CUBIC), 0, 1)
        _, ref_mean, ref_mean64 = _reference(hr, up)
        ours = float(flip(_t(up), _t(hr), 1.0)[0])
        assert ours > 0.01 and abs(ours - ref_mean) < 1e-4 and abs(ours - ref_mean64) < 1e-5
        # HDR-FLIP on the linear radiance buffer (LR nearest-upscaled vs HR)
        h_hr = frame["hdr"]["hr"].astype(np.float32)
        h_up = np.repeat(np.repeat(frame["hdr"]["lr"].astype(np.float32), 2, axis=0), 2, axis=1)
        emap, h_ref_mean, params = fe.evaluate(h_hr, h_up, "HDR", applyMagma=False)
        h_ours = float(hdr_flip(_t(h_up), _t(h_hr))[0])
        assert params["numExposures"] >= 2 and h_ours > 0.01
        assert abs(h_ours - float(emap[..., 0].mean(dtype=np.float64))) < 1e-4
        assert abs(h_ours - h_ref_mean) < 1e-4
