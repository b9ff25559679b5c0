"""Standard architectures for the trainer (spandrel classes) and the zero-initialised widened first convolution."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from gameir.models.spandrel_io import load_spandrel, write_sidecar
from gameir.models.standard import ARCHS, HALF_ARCHS, build_standard, save_state_dict, widen_first_conv


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


AUX = ["depth", "normal.x", "normal.y", "normal.z"]
FIRST_CONV = {"edsr-baseline": "head.0", "rrdb-small": "model.0", "rcan-small": "head.0", "swinir-light": "conv_first"}


@pytest.mark.needs_spandrel
@pytest.mark.parametrize("n_aux", [0, 4])
@pytest.mark.parametrize("arch", [a for a in ARCHS if a != "compact"])
def test_built_models_round_trip_through_the_spandrel_loader(tmp_path, arch, n_aux):
    torch.manual_seed(0)
    model = build_standard(arch, scale=2, n_aux=n_aux, n_feats=16, n_blocks=1).eval()
    conv = model.get_submodule(FIRST_CONV[arch])
    assert conv.in_channels == 3 + n_aux
    with torch.no_grad():  # as after training: the G-buffer weights are no longer zero
        conv.weight[:, 3:] = torch.randn_like(conv.weight[:, 3:]) * 0.3
    path = save_state_dict(model, tmp_path / "model.pth")
    if n_aux:
        write_sidecar(path, arch=arch, scale=2, aux_channels=AUX, gbuffers=["depth", "normal"])
    loaded = load_spandrel(path, scale=2)
    # 13x21: not a multiple of SwinIR's window, so its padding of RGB and of the aux channels is exercised
    x = torch.rand(1, 3 + n_aux, 13, 21, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        direct = model(x.clone()).clamp(0, 1)
    assert loaded.info["input_channels"] == 3 + n_aux and loaded.info["architecture"] == FIRST_ARCH[arch]
    assert loaded.info["parameters"] == sum(p.numel() for p in model.parameters())
    assert loaded.descriptor.supports_half == (arch in HALF_ARCHS)  # the trainer's AMP choice follows the loader
    out = loaded(x)
    assert out.shape == (1, 3, 26, 42) and torch.allclose(out, direct, atol=1e-6, rtol=0)
    if n_aux:  # the aux channels reach the network
        x2 = x.clone()
        x2[:, 3:] = 1 - x2[:, 3:]
        assert (loaded(x2) - out).abs().max() > 1e-4


FIRST_ARCH = {"edsr-baseline": "EDSR", "rrdb-small": "ESRGAN", "rcan-small": "RCAN", "swinir-light": "SwinIR"}


@pytest.mark.needs_spandrel
@pytest.mark.parametrize("arch", [a for a in ARCHS if a != "compact"])
def test_rgb_pretrained_checkpoint_starts_identical_with_gbuffers(tmp_path, arch):
    torch.manual_seed(3)
    rgb = build_standard(arch, scale=2, n_feats=16, n_blocks=2).eval()
    path = save_state_dict(rgb, tmp_path / "rgb.pth")
    widened = build_standard(arch, scale=2, n_aux=7, pretrained=path).eval()
    x, aux = torch.rand(2, 3, 16, 24), torch.rand(2, 7, 16, 24) * 10
    with torch.no_grad():
        assert torch.allclose(widened(torch.cat([x, aux], 1)), rgb(x.clone()), atol=1e-6, rtol=0)
    conv = widened.get_submodule(FIRST_CONV[arch])
    assert conv.weight.shape[1] == 10 and torch.count_nonzero(conv.weight[:, 3:]) == 0


@pytest.mark.needs_spandrel
def test_gbuffer_rcan_wrong_input_and_sidecar_errors(tmp_path):
    model = build_standard("rcan-small", scale=2, n_aux=4, n_feats=8, n_blocks=1).eval()
    with pytest.raises(ValueError, match=r"RCAN with G-buffer inputs expects \(N, 7, h, w\) = RGB \+ 4 aux channels, "
                                         r"got \[1, 3, 8, 8\]"):
        model(torch.rand(1, 3, 8, 8))
    path = save_state_dict(model, tmp_path / "rcan.pth")
    write_sidecar(path, arch="rcan-small", scale=2, aux_channels=["depth"], gbuffers=["depth"])
    with pytest.raises(ValueError, match=r"rcan\.pth: checkpoint takes 7 input channels \(head\.0\.weight\) but 3 \+ 1 "
                                         r"are given \(rcan\.pth\.json lists 1 aux channels\)"):
        load_spandrel(path, scale=2)
    write_sidecar(path, arch="swinir-light", scale=2, aux_channels=AUX, gbuffers=["depth", "normal"])
    with pytest.raises(ValueError, match=r"rcan\.pth: sidecar says --arch swinir-light \(SwinIR\) but the state dict "
                                         r"has no conv_first\.weight"):
        load_spandrel(path, scale=2)
    path.with_name("rcan.pth.json").unlink()
    with pytest.raises(ValueError, match=r"rcan\.pth: cannot read the checkpoint .*; a G-buffer checkpoint needs its "
                                         r"rcan\.pth\.json"):
        load_spandrel(path, scale=2)


@pytest.mark.needs_spandrel
def test_arch_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="unknown --arch 'edsr'; choose from compact, edsr-baseline, rrdb-small, "
                                         "rcan-small, swinir-light"):
        build_standard("edsr", scale=2)
    rcan = save_state_dict(build_standard("rcan-small", scale=2, n_feats=8, n_blocks=1), tmp_path / "rcan.pth")
    with pytest.raises(ValueError, match=r"rcan\.pth: a RCAN checkpoint, but --arch rrdb-small is ESRGAN"):
        build_standard("rrdb-small", scale=2, pretrained=rcan)
    with pytest.raises(ValueError, match=r"rcan\.pth: a RCAN checkpoint, but --arch edsr-baseline is EDSR"):
        build_standard("edsr-baseline", scale=2, pretrained=rcan)
    with pytest.raises(ValueError, match=r"rcan\.pth: a RCAN checkpoint, but --arch rrdb-small is ESRGAN"):
        build_standard("rrdb-small", scale=2, pretrained=rcan)
    with pytest.raises(ValueError, match=r"rcan\.pth: checkpoint is x2 \(RCAN\) but the data is x4"):
        build_standard("rcan-small", scale=4, pretrained=rcan)


@pytest.mark.needs_spandrel
@pytest.mark.parametrize("arch,cuda_auto", [("edsr-baseline", torch.float16), ("rrdb-small", torch.float16),
                                            ("rcan-small", torch.bfloat16), ("swinir-light", torch.bfloat16)])
def test_gbuffer_checkpoints_in_bfloat16_on_the_cpu(tmp_path, arch, cuda_auto):
    """The reduced-precision path with G-buffer inputs (bf16 on the CPU; what CUDA's auto choice would be)."""
    from gameir.models.spandrel_io import _pick_dtype

    torch.manual_seed(2)
    model = build_standard(arch, scale=2, n_aux=4, n_feats=16, n_blocks=1).eval()
    path = save_state_dict(model, tmp_path / "model.pth")
    write_sidecar(path, arch=arch, scale=2, aux_channels=AUX, gbuffers=["depth", "normal"])
    fp32, bf16 = load_spandrel(path, scale=2), load_spandrel(path, scale=2, precision="bf16")
    assert bf16.info["dtype"] == "bfloat16" and next(bf16.descriptor.model.parameters()).dtype == torch.bfloat16
    x = torch.rand(1, 7, 16, 16)
    out = bf16(x)
    assert out.dtype == torch.float32 and out.shape == (1, 3, 32, 32)
    assert (out - fp32(x)).abs().max() < 0.05
    assert _pick_dtype(fp32.descriptor, torch.device("cuda"), "auto") == cuda_auto


@pytest.mark.needs_spandrel
def test_rgb_swinir_runs_in_bfloat16_at_any_size(tmp_path):
    """spandrel 0.4.2's SwinIR builds a float32 attention mask for sizes other than img_size; the loader casts it."""
    path = save_state_dict(build_standard("swinir-light", scale=2, n_feats=16, n_blocks=1), tmp_path / "swinir.pth")
    fp32, bf16 = load_spandrel(path, scale=2), load_spandrel(path, scale=2, precision="bf16")
    for side in (64, 24):  # 64: the size it was built for; 24: shifted-window mask made at run time
        x = torch.rand(1, 3, side, side)
        assert (bf16(x) - fp32(x)).abs().max() < 0.05
