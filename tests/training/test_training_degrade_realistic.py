"""--lr-source realistic: Real-ESRGAN-style second-order degradation, against known values."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from gameir.training import degrade_hr, model_inputs
from gameir.training.batches import hr_aux_at_lr
from gameir.training.degrade_realistic import (add_gaussian_noise, add_poisson_noise, blur, gaussian_kernel,
                                               jpeg_compress, realistic_degrade)


def test_gaussian_kernel_sums_to_one_and_matches_the_formula():
    k = gaussian_kernel(7, 1.5, 1.5)
    assert k.sum() == pytest.approx(1.0, abs=1e-12)
    g = np.exp(-0.5 * (np.arange(-3, 4) / 1.5) ** 2)
    assert np.abs(k - np.outer(g, g) / np.outer(g, g).sum()).max() < 1e-12
    a = gaussian_kernel(21, 3.0, 0.5, np.pi / 2)  # rotated by 90 degrees: long axis vertical
    assert a.sum() == pytest.approx(1.0, abs=1e-12)
    assert a[:, 10].sum() > 5 * a[10, :].sum()
    with pytest.raises(ValueError, match="odd"):
        gaussian_kernel(6, 1.0, 1.0)


def test_blur_keeps_a_constant_image_and_matches_opencv():
    x = torch.full((3, 20, 24), 0.4, dtype=torch.float64)
    assert torch.allclose(blur(x, gaussian_kernel(9, 2.0, 2.0)), x, atol=1e-12)
    rng = np.random.default_rng(0)
    img = rng.random((20, 24)).astype(np.float64)
    k = gaussian_kernel(5, 1.0, 1.0)
    ref = cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT_101)
    ours = blur(torch.from_numpy(img)[None], k)[0].numpy()
    assert np.abs(ours - ref).max() < 1e-12


def test_noise_standard_deviation_is_as_asked():
    x = torch.full((3, 200, 200), 0.5, dtype=torch.float64)
    rng = np.random.default_rng(1)
    d = (add_gaussian_noise(x, 10 / 255, rng) - x).numpy()
    assert d.std() == pytest.approx(10 / 255, rel=0.02) and abs(d.mean()) < 1e-3
    grey = (add_gaussian_noise(x, 10 / 255, rng, grey=True) - x).numpy()
    assert np.array_equal(grey[0], grey[1]) and np.array_equal(grey[1], grey[2])
    # Poisson with 256 levels at intensity 0.5: std = scale * sqrt(0.5 * 256) / 256
    p = (add_poisson_noise(x, 2.0, rng) - x).numpy()
    assert p.std() == pytest.approx(2.0 * np.sqrt(128) / 256, rel=0.03)


def test_jpeg_is_opencv_round_trip_and_quality_orders_the_error():
    rng = np.random.default_rng(2)
    smooth = cv2.GaussianBlur(rng.random((32, 32, 3)).astype(np.float32), (0, 0), 2.0)
    x = torch.from_numpy(smooth).permute(2, 0, 1)
    err = {q: float((jpeg_compress(x, q) - x).abs().mean()) for q in (30, 95)}
    assert err[30] > err[95] > 0
    y = jpeg_compress(x, 95)
    assert torch.equal(y, torch.round(y * 255) / 255)


def test_realistic_degrade_is_deterministic_per_seed_and_quantised():
    hr = torch.from_numpy(np.random.default_rng(3).random((3, 3, 48, 64)).astype(np.float32))
    a = degrade_hr(hr, 2, "realistic", rng=np.random.default_rng([5, 7]))
    b = degrade_hr(hr, 2, "realistic", rng=np.random.default_rng([5, 7]))
    c = degrade_hr(hr, 2, "realistic", rng=np.random.default_rng([5, 8]))
    assert a.shape == (3, 3, 24, 32) and torch.equal(a, b) and not torch.equal(a, c)
    assert torch.equal(a, torch.round(a * 255) / 255) and a.min() >= 0 and a.max() <= 1
    x4 = realistic_degrade(hr, 4, np.random.default_rng(0))
    assert x4.shape == (3, 3, 12, 16)
    # heavier than bicubic: further from the bicubic LR than rounding could explain
    assert float((a - degrade_hr(hr, 2, "bicubic")).abs().mean()) > 0.02
    with pytest.raises(ValueError, match="needs rng"):
        degrade_hr(hr, 2, "realistic")


def test_hr_aux_folds_every_hr_pixel_to_lr():
    hr_aux = torch.arange(2 * 4 * 6, dtype=torch.float32).reshape(1, 2, 4, 6)
    lr = hr_aux_at_lr(hr_aux, 2)
    assert lr.shape == (1, 8, 2, 3)
    assert lr[0, 0, 1, 2] == hr_aux[0, 0, 2, 4] and lr[0, 3, 1, 2] == hr_aux[0, 0, 3, 5]
    assert lr[0, 4, 0, 0] == hr_aux[0, 1, 0, 0]
    batch = {"lr": torch.zeros(1, 3, 2, 3), "hr": torch.zeros(1, 3, 4, 6), "hr_aux": hr_aux}
    x, _ = model_inputs(batch, n_aux=8, scale=2)
    assert x.shape == (1, 11, 2, 3) and torch.equal(x[:, 3:], lr)


def test_trainer_runs_realistic_source_with_hr_guides(random_root, tmp_path):
    from gameir.training import TrainConfig, Trainer

    cfg = TrainConfig(data=str(random_root), out=str(tmp_path / "run"), lr_source="realistic", gbuffers=("depth",),
                      gbuffer_res="hr", steps=2, batch_size=2, lr_patch=8, val_every=0, val_frames=1,
                      ckpt_every=1, threads=1, quiet=True, prefetch=0)
    trainer = Trainer(cfg)
    assert trainer.aux_channels == ["hr:depth@0,0", "hr:depth@0,1", "hr:depth@1,0", "hr:depth@1,1"]
    batch = trainer.batches.batch(0)
    with torch.no_grad():
        l0, l1, l2 = (float(trainer.loss_on(batch, k)) for k in (0, 0, 1))
    assert l0 == l1 and l0 != l2  # the degradation follows (seed, step)  # the degradation follows (seed, step)
    summary = trainer.run()
    assert summary["steps"] == 2 and summary["model"]["aux_channels"][0] == "hr:depth@0,0"
