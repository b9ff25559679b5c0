"""Standard architectures for the trainer (spandrel classes) and the zero-initialised widened first convolution."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from gameir.models.spandrel_io import import_spandrel, load_spandrel, write_sidecar
from gameir.models.standard import ARCHS, HALF_ARCHS, build_standard, save_state_dict, widen_first_conv


def _spandrel_error() -> str | None:
    try:
        import_spandrel()
    except ImportError as exc:
        return str(exc)
    return None


needs_spandrel = pytest.mark.skipif(_spandrel_error() is not None, reason=f"{_spandrel_error()}")


def test_widen_first_conv_keeps_outputs_for_any_aux():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 3, 3, padding=1))
    x = torch.rand(2, 3, 9, 11)
    before = net(x)
    widen_first_conv(net, "0", 5)
    assert net[0].weight.shape == (8, 8, 3, 3) and torch.count_nonzero(net[0].weight[:, 3:]) == 0
    for aux in (torch.zeros(2, 5, 9, 11), torch.rand(2, 5, 9, 11) * 100):
        assert torch.equal(net(torch.cat([x, aux], 1)), before)
    with pytest.raises(TypeError, match="1 of Sequential is a ReLU, expected nn.Conv2d"):
        widen_first_conv(net, "1", 2)


@needs_spandrel
@pytest.mark.parametrize("arch", [a for a in ARCHS if a != "compact"])
def test_built_models_round_trip_through_spandrel(tmp_path, arch):
    n_aux = 4 if arch == "rrdb-small" else 0
    model = build_standard(arch, scale=2, n_aux=n_aux, n_feats=16, n_blocks=1).eval()
    path = save_state_dict(model, tmp_path / "model.pth")
    if n_aux:
        write_sidecar(path, arch=arch, scale=2, aux_channels=["depth", "normal.x", "normal.y", "normal.z"],
                      gbuffers=["depth", "normal"])
    loaded = load_spandrel(path, scale=2)
    x = torch.rand(1, 3 + n_aux, 16, 24)
    with torch.no_grad():
        direct = model(x.clone()).clamp(0, 1)
    assert loaded.info["input_channels"] == 3 + n_aux
    assert loaded.descriptor.supports_half == (arch in HALF_ARCHS)  # the trainer's AMP choice follows spandrel
    assert torch.allclose(loaded(x), direct, atol=1e-6, rtol=0)


@needs_spandrel
def test_rgb_pretrained_checkpoint_starts_identical_with_gbuffers(tmp_path):
    torch.manual_seed(3)
    rgb = build_standard("rrdb-small", scale=2, n_feats=16, n_blocks=2).eval()
    path = save_state_dict(rgb, tmp_path / "rgb.pth")
    widened = build_standard("rrdb-small", scale=2, n_aux=7, pretrained=path).eval()
    x, aux = torch.rand(2, 3, 12, 20), torch.rand(2, 7, 12, 20)
    with torch.no_grad():
        assert torch.equal(widened(torch.cat([x, aux], 1)), rgb(x))
    assert widened.model[0].weight.shape[1] == 10


@needs_spandrel
def test_arch_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="unknown --arch 'edsr-baseline'; choose from compact, rrdb-small, rcan-small, swinir-light"):
        build_standard("edsr-baseline", scale=2)
    with pytest.raises(ValueError, match="--arch rcan-small takes RGB only .* 4 extra input channels"):
        build_standard("rcan-small", scale=2, n_aux=4)
    rcan = save_state_dict(build_standard("rcan-small", scale=2, n_feats=8, n_blocks=1), tmp_path / "rcan.pth")
    with pytest.raises(ValueError, match=r"rcan\.pth: a RCAN checkpoint, but --arch rrdb-small is spandrel's ESRGAN"):
        build_standard("rrdb-small", scale=2, pretrained=rcan)
    with pytest.raises(ValueError, match=r"rcan\.pth: checkpoint is x2 \(RCAN\) but the data is x4"):
        build_standard("rcan-small", scale=4, pretrained=rcan)
