"""joint_bilateral_upscale(): beats bicubic where edges follow the G-buffers; invariants; errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gameir.baselines import joint_bilateral_upscale, upscale
from gameir.metrics import psnr, ssim


def _to_nchw(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(np.atleast_3d(a).transpose(2, 0, 1)))[None].float()


def synthetic_scene(h: int, w: int, seed: int) -> dict[str, torch.Tensor]:
    """HR frame = piecewise-constant albedo (sharp discs and half-planes) x smooth coloured lighting.

    Depth and normal are constant per region too, so every edge of the image follows the G-buffers.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    label = np.zeros((h, w), int)
    for k in range(1, 12):
        if rng.random() < 0.5:
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(4, h / 4)
            inside = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        else:
            ang, c = rng.uniform(0, np.pi), rng.uniform(-0.5, 0.5) * w
            inside = (xx - w / 2) * np.cos(ang) + (yy - h / 2) * np.sin(ang) > c
        label[inside] = k
    albedo = rng.uniform(0.1, 0.9, (12, 3))[label]
    depth = rng.uniform(2.0, 50.0, 12)[label]
    depth[label == 0] = np.inf  # sky
    normal = rng.normal(size=(12, 3))
    normal = (normal / np.linalg.norm(normal, axis=1, keepdims=True))[label]
    light = (0.55 + 0.35 * np.sin(xx / w * 2.1 + 0.3) * np.cos(yy / h * 1.7))[..., None] + [0.05, 0.0, -0.05]
    return {"rgb": _to_nchw(albedo * light), "basecolor": _to_nchw(albedo), "depth": _to_nchw(depth),
            "normal": _to_nchw(normal)}


def box_down(x: torch.Tensor, s: int) -> torch.Tensor:
    """Area average over each LR pixel's s x s footprint (what a supersampled LR render sees)."""
    return F.avg_pool2d(x, s)


@pytest.mark.parametrize("scale", [2, 4])
def test_guided_beats_bicubic_when_edges_follow_guides(scale):
    hr = synthetic_scene(96, 128, seed=scale)
    lr_rgb = box_down(hr["rgb"], scale)
    hr_g = {k: hr[k] for k in ("depth", "normal", "basecolor")}
    # LR G-buffers: box-averaged albedo and normals; depth point-sampled (no meaningful average with sky)
    lr_g = {"basecolor": box_down(hr["basecolor"], scale), "normal": box_down(hr["normal"], scale),
            "depth": hr["depth"][:, :, scale // 2::scale, scale // 2::scale]}
    bicubic = upscale(lr_rgb, scale, "bicubic", data_range=1.0)
    p_bic = psnr(bicubic, hr["rgb"], 1.0).item()
    guided = joint_bilateral_upscale(lr_rgb, scale, hr_g, lr_g)
    assert guided.shape == hr["rgb"].shape
    p_jbu = psnr(guided, hr["rgb"], 1.0).item()
    assert p_jbu > p_bic + 10.0, (p_jbu, p_bic)
    assert ssim(guided, hr["rgb"], 1.0).item() > ssim(bicubic, hr["rgb"], 1.0).item()
    # without demodulation the range weights alone still sharpen the edges
    plain = joint_bilateral_upscale(lr_rgb, scale, hr_g, lr_g, demodulate=False)
    assert psnr(plain, hr["rgb"], 1.0).item() > p_bic + 5.0
    # LR guides sampled from HR (Kopf et al.'s setting) also beat bicubic
    kopf = joint_bilateral_upscale(lr_rgb, scale, hr_g)
    assert psnr(kopf, hr["rgb"], 1.0).item() > p_bic + 2.0


def test_constant_inputs_are_reproduced_and_batch_is_independent():
    g = torch.Generator().manual_seed(0)
    lr = torch.full((2, 3, 6, 5), 0.25)
    lr[1] = 0.75
    guides = {"depth": torch.rand(2, 1, 18, 15, generator=g) + 1, "normal": torch.rand(2, 3, 18, 15, generator=g)}
    out = joint_bilateral_upscale(lr, 3, guides, demodulate=False)
    torch.testing.assert_close(out[0], torch.full((3, 18, 15), 0.25), rtol=0, atol=1e-6)
    torch.testing.assert_close(out[1], torch.full((3, 18, 15), 0.75), rtol=0, atol=1e-6)
    one = joint_bilateral_upscale(lr[1:], 3, {k: v[1:] for k, v in guides.items()}, demodulate=False)
    torch.testing.assert_close(one, out[1:])


def test_without_guides_is_a_normalised_gaussian_filter():
    """No guides: out(p) = sum_q I(q) w_s / sum_q w_s; check one interior pixel by hand."""
    lr = torch.rand(1, 3, 8, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    out = joint_bilateral_upscale(lr, 2, {}, demodulate=False, radius=2, sigma_spatial=1.0)
    y, x = 7, 8  # HR pixel; its centre in LR units is (3.75, 4.25): LR centres 2.5 .. 5.5 are nearest
    cy, cx = (y + 0.5) / 2, (x + 0.5) / 2
    num, den = torch.zeros(3, dtype=torch.float64), 0.0
    for i in range(2, 6):  # the 4 LR rows nearest to 3.75: 2..5
        for j in range(2, 6):
            wgt = np.exp(-((cy - i - 0.5) ** 2 + (cx - j - 0.5) ** 2) / 2)
            num += wgt * lr[0, :, i, j]
            den += wgt
    torch.testing.assert_close(out[0, :, y, x], num / den, rtol=0, atol=1e-12)


def test_guided_errors():
    lr = torch.rand(1, 3, 4, 4)
    with pytest.raises(ValueError, match=r"hr_guides buffer 'depth': expected shape \(1, 1, 8, 8\), got \(1, 1, 4, 4\)"):
        joint_bilateral_upscale(lr, 2, {"depth": torch.ones(1, 1, 4, 4)})
    with pytest.raises(ValueError, match=r"demodulate=True needs a 'basecolor' guide"):
        joint_bilateral_upscale(lr, 2, {"depth": torch.ones(1, 1, 8, 8)})
    with pytest.raises(ValueError, match=r"unknown buffers \['albedo'\]"):
        joint_bilateral_upscale(lr, 2, {"albedo": torch.ones(1, 3, 8, 8)})
    with pytest.raises(ValueError, match=r"lr_rgb must be an \(N, 3, h, w\) float tensor, got \(1, 1, 4, 4\)"):
        joint_bilateral_upscale(lr[:, :1], 2, {}, demodulate=False)
    with pytest.raises(ValueError, match=r"must name the same buffers"):
        joint_bilateral_upscale(lr, 2, {"basecolor": torch.ones(1, 3, 8, 8)}, {"depth": torch.ones(1, 1, 4, 4)})
