"""--lr-source: bicubic = MATLAB imresize (independent numpy implementation), bilinear-aa = box average."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from gameir.training import degrade_hr, matlab_bicubic_downscale, model_inputs


def _cubic(x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    return ((1.5 * a**3 - 2.5 * a**2 + 1) * (a <= 1)
            + (-0.5 * a**3 + 2.5 * a**2 - 4 * a + 2) * ((a > 1) & (a <= 2)))


def _imresize_matrix(n_in: int, s: int) -> np.ndarray:
    """MATLAB imresize's contributions() for scale 1/s, bicubic, antialiasing on (1-based maths)."""
    n_out = n_in // s
    x = np.arange(1, n_out + 1)
    u = x * s + 0.5 * (1 - s)
    kernel_width = 4.0 * s
    left = np.floor(u - kernel_width / 2)
    taps = int(np.ceil(kernel_width)) + 2
    idx = left[:, None] + np.arange(taps)[None, :] - 1
    w = _cubic((u[:, None] - idx - 1) / s) / s
    w = w / w.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(n_in), np.arange(n_in)[::-1]])
    idx = mirror[np.mod(idx, 2 * n_in).astype(int)]
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        np.add.at(m[i], idx[i], w[i])
    return m


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_bicubic_equals_matlab_imresize(scale):
    rng = np.random.default_rng(scale)
    H, W = 12 * scale, 10 * scale
    hr = rng.random((2, 3, H, W))
    ours = matlab_bicubic_downscale(torch.from_numpy(hr), scale).numpy()
    mh, mw = _imresize_matrix(H, scale), _imresize_matrix(W, scale)
    ref = np.einsum("ij,ncjk,lk->ncil", mh, hr, mw)
    assert np.abs(ours - ref).max() < 1e-10  # every pixel, borders included


def test_degrade_rounds_to_uint8_levels_and_box_is_inter_area():
    rng = np.random.default_rng(0)
    hr = torch.from_numpy(rng.random((1, 3, 32, 24)).astype(np.float32))
    lr = degrade_hr(hr, 2, "bicubic")
    assert lr.shape == (1, 3, 16, 12) and lr.min() >= 0 and lr.max() <= 1
    assert torch.equal(lr, torch.round(lr * 255) / 255)
    box = degrade_hr(hr, 2, "bilinear-aa")
    area = cv2.resize(hr[0].permute(1, 2, 0).numpy(), (12, 16), interpolation=cv2.INTER_AREA)
    expected = np.round(np.clip(area, 0, 1) * 255) / 255
    assert np.abs(box[0].permute(1, 2, 0).numpy() - expected).max() < 1e-6
    with pytest.raises(ValueError, match="nothing to degrade"):
        degrade_hr(hr, 2, "native")
    with pytest.raises(ValueError, match="not a multiple of scale"):
        degrade_hr(hr[..., :31, :], 2, "bicubic")


def test_lr_source_bicubic_feeds_degraded_hr_to_the_model(random_root):
    from gameir.data import SRDataset
    from gameir.training import StepBatches

    ds = SRDataset(random_root, "train", lr_patch=12, gbuffers=("depth",), seed=3, augment=True)
    batch = StepBatches(ds, batch_size=3, seed=3, prefetch=0).batch(5)
    x, hr = model_inputs(batch, n_aux=1, lr_source="bicubic", scale=2)
    hr64 = batch["hr"].double().numpy()
    mh, mw = _imresize_matrix(24, 2), _imresize_matrix(24, 2)
    ref = np.round(np.clip(np.einsum("ij,ncjk,lk->ncil", mh, hr64, mw), 0, 1) * 255) / 255
    assert np.abs(x[:, :3].double().numpy() - ref).max() < 1e-6
    assert torch.equal(x[:, 3:], batch["lr_aux"])  # the G-buffers stay native
    assert torch.equal(hr, batch["hr"])
    x_native, _ = model_inputs(batch, n_aux=1, lr_source="native", scale=2)
    assert torch.equal(x_native[:, :3], batch["lr"])
