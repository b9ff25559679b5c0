"""CompactSR / TemporalSR: shapes, input checks, parameter counts, TorchScript export."""

from __future__ import annotations

import pytest
import torch

from gameir.models import (CompactSR, SRConfig, TemporalSR, build_model, count_parameters, export_torchscript,
                           load_torchscript, run_sequence)


def _config(kind="compact", aux=("depth", "normal.x", "normal.y", "normal.z"), **kw):
    return SRConfig(kind=kind, scale=2, aux_channels=aux, n_feats=8, n_blocks=2, **kw)


def test_output_shape_and_starts_as_bilinear():
    torch.manual_seed(0)
    model = build_model(_config()).eval()
    x = torch.rand(2, 7, 10, 12)
    out = model(x)
    assert out.shape == (2, 3, 20, 24)
    # zero-initialised last convolution: the untrained network is the bilinear upsampler
    ref = torch.nn.functional.interpolate(x[:, :3], scale_factor=2, mode="bilinear", align_corners=False)
    assert torch.allclose(out, ref.clamp(0, 1), atol=1e-6)


def test_parameter_counts_in_documented_range():
    # default width/depth: 0.1-1 M parameters with RGB + depth, normal, basecolor
    aux = ("depth",) + ("n",) * 3 + ("b",) * 3
    assert 100_000 <= count_parameters(build_model(SRConfig(aux_channels=aux))) <= 1_000_000
    assert count_parameters(build_model(SRConfig(n_feats=64, n_blocks=8))) <= 1_000_000
    # head width follows the input channels: 3 x 3 x (3 + 7) x n_feats weights
    m = CompactSR(SRConfig(aux_channels=aux, n_feats=16, n_blocks=0))
    assert m.head.weight.shape == (16, 10, 3, 3)


def test_wrong_channel_count_is_a_clear_error():
    model = build_model(_config())
    with pytest.raises(ValueError, match=r"expected input \(N, 7, h, w\)"):
        model(torch.rand(1, 3, 8, 8))


def test_config_checks():
    with pytest.raises(ValueError, match="kind must be one of"):
        SRConfig(kind="gan")
    with pytest.raises(ValueError, match="scale must be an int"):
        SRConfig(scale=0)
    cfg = _config()
    assert SRConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize("kind", ["compact", "temporal"])
def test_torchscript_export_equals_module(tmp_path, kind):
    torch.manual_seed(1)
    model = build_model(_config(kind))
    with torch.no_grad():  # make the residual branch non-trivial
        model.upsample.weight.normal_(0, 0.05)
    x = torch.rand(2, 7, 9, 11)
    path = export_torchscript(model, tmp_path / "model.pt", metadata={"steps": 3})
    assert model.training  # export leaves the module's mode alone
    scripted = torch.jit.load(str(path))  # plain torch, no gameir needed
    model.eval()
    with torch.no_grad():
        assert torch.equal(scripted(x), model(x))
        if kind == "temporal":
            prev, motion = torch.rand(2, 3, 18, 22), torch.randn(2, 2, 9, 11)
            assert torch.equal(scripted(x, prev, motion), model(x, prev, motion))
    _, config, meta = load_torchscript(path)
    assert config["aux_channels"] == list(_config().aux_channels)
    assert meta["steps"] == 3 and meta["format"].startswith("gameir-sr-torchscript")


def test_temporal_history_changes_output_and_needs_motion():
    torch.manual_seed(2)
    model = build_model(_config("temporal")).eval()
    with torch.no_grad():
        model.upsample.weight.normal_(0, 0.05)
    x = torch.rand(1, 7, 6, 8)
    prev = torch.rand(1, 3, 12, 16)
    with torch.no_grad():
        a = model(x)
        b = model(x, prev, torch.zeros(1, 2, 6, 8))
    assert not torch.allclose(a, b)
    with pytest.raises(ValueError, match="motion"):
        model(x, prev)
    seq = run_sequence(model, torch.rand(1, 3, 7, 6, 8), torch.zeros(1, 3, 2, 6, 8))
    assert seq.shape == (1, 3, 3, 12, 16)
    assert isinstance(model, TemporalSR)
