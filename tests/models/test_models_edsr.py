"""EDSR (Lim et al. 2017) with the reference's key names, checked against an independent functional
implementation of the reference forward, and loaded through `--method spandrel:`."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from gameir.models.edsr import DIV2K_RGB_MEAN, EDSR, edsr_from_state_dict, is_edsr_state_dict
from gameir.models.spandrel_io import load_spandrel


def _reference_state(scale: int, n_blocks: int, n_feats: int, rgb_range: float, seed: int = 0) -> dict:
    """A state dict laid out as EDSR-PyTorch's ``src/model/edsr.py`` writes it, random weights."""
    g = torch.Generator().manual_seed(seed)

    def conv(cin, cout, k=3):
        return (torch.randn(cout, cin, k, k, generator=g) * (0.5 / math.sqrt(cin * k * k)),
                torch.randn(cout, generator=g) * 0.01)

    state = {}
    mean = torch.tensor(DIV2K_RGB_MEAN)
    for name, sign in (("sub_mean", -1), ("add_mean", 1)):
        state[f"{name}.weight"], state[f"{name}.bias"] = torch.eye(3).view(3, 3, 1, 1), sign * rgb_range * mean
    state["head.0.weight"], state["head.0.bias"] = conv(3, n_feats)
    for i in range(n_blocks):
        for j in (0, 2):
            state[f"body.{i}.body.{j}.weight"], state[f"body.{i}.body.{j}.bias"] = conv(n_feats, n_feats)
    state[f"body.{n_blocks}.weight"], state[f"body.{n_blocks}.bias"] = conv(n_feats, n_feats)
    stages = [(9, 3)] if scale == 3 else [(4, 2)] * int(math.log2(scale))
    for k, (mult, _) in enumerate(stages):
        state[f"tail.0.{2 * k}.weight"], state[f"tail.0.{2 * k}.bias"] = conv(n_feats, mult * n_feats)
    state["tail.1.weight"], state["tail.1.bias"] = conv(n_feats, 3)
    return state


def _reference_forward(state: dict, x255: torch.Tensor, scale: int, n_blocks: int, res_scale: float) -> torch.Tensor:
    """The reference forward written out with F.conv2d over the state dict (input/output in 0..rgb_range)."""
    def c(x, name, pad=1):
        return F.conv2d(x, state[f"{name}.weight"], state[f"{name}.bias"], padding=pad)

    x = c(x255, "sub_mean", 0)
    x = c(x, "head.0")
    res = x
    for i in range(n_blocks):
        res = res + res_scale * c(F.relu(c(res, f"body.{i}.body.0")), f"body.{i}.body.2")
    res = c(res, f"body.{n_blocks}") + x
    stages = [3] if scale == 3 else [2] * int(math.log2(scale))
    for k, r in enumerate(stages):
        res = F.pixel_shuffle(c(res, f"tail.0.{2 * k}"), r)
    return c(c(res, "tail.1"), "add_mean", 0)


def test_edsr_baseline_has_the_reference_keys_and_parameter_count():
    net = EDSR(scale=4)  # B=16, F=64: the paper's EDSR-baseline (1.5M parameters at x4)
    keys = set(net.state_dict())
    assert keys == set(_reference_state(4, 16, 64, 255.0))
    assert sum(p.numel() for p in net.parameters()) == 1_517_595
    x2 = EDSR(scale=2)
    assert sum(p.numel() for p in x2.parameters()) == 1_369_883  # one 64 -> 256 upsampling conv fewer
    assert is_edsr_state_dict(net.state_dict())


@pytest.mark.parametrize("scale,rgb_range,res_scale", [(2, 255.0, 1.0), (3, 1.0, 1.0), (4, 255.0, 0.1)])
def test_loaded_reference_state_matches_the_functional_reference(scale, rgb_range, res_scale):
    state = _reference_state(scale, 3, 16, rgb_range)
    net = edsr_from_state_dict(state, res_scale=res_scale).eval()
    assert (net.scale, net.rgb_range, len(net.body) - 1, net.head[0].out_channels) == (scale, rgb_range, 3, 16)
    x = torch.rand(2, 3, 9, 13, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        ours = net(x)
        ref = _reference_forward(state, x * rgb_range, scale, 3, res_scale) / rgb_range
    assert ours.shape == (2, 3, 9 * scale, 13 * scale)
    assert torch.allclose(ours, ref, atol=1e-5, rtol=0)


def test_edsr_bad_state_dicts_name_the_problem():
    state = _reference_state(2, 1, 8, 1.0)
    bad = dict(state)
    bad["tail.0.0.weight"] = torch.zeros(20, 8, 3, 3)
    with pytest.raises(ValueError, match=r"m\.pth: EDSR upsampler tail\.0\.0 has 20 outputs for 8 features"):
        edsr_from_state_dict(bad, where="m.pth")
    with pytest.raises(ValueError, match=r"x: not an EDSR state dict \(missing sub_mean\.weight"):
        edsr_from_state_dict({k: v for k, v in state.items() if not k.startswith("sub_mean")}, where="x")
    with pytest.raises(ValueError, match=r"EDSR expects input \(N, 3, h, w\) = RGB \+ 0 aux channels, got \[1, 4, 5, 5\]"):
        edsr_from_state_dict(state)(torch.rand(1, 4, 5, 5))


@pytest.mark.needs_spandrel
@pytest.mark.parametrize("ext", ["pth", "pt"])
def test_reference_checkpoint_loads_through_the_spandrel_method(tmp_path, ext):
    """A reference-layout EDSR file (rgb_range 255, as the published .pt files) scored through --method spandrel:."""
    from gameir.evaluation.sr_methods import resolve_sr_method

    state = _reference_state(2, 2, 16, 255.0, seed=3)
    path = tmp_path / f"edsr_baseline_x2.{ext}"
    torch.save(state, path)
    method = resolve_sr_method(f"spandrel:{path}", scale=2, device=torch.device("cpu"))
    x = torch.rand(1, 3, 12, 16, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        ref = (_reference_forward(state, x * 255.0, 2, 2, 1.0) / 255.0).clamp(0, 1)
    out = method.predict({"lr": x})
    assert out.dtype == torch.float32 and torch.allclose(out, ref, atol=1e-6, rtol=0)
    info = method.info
    assert info["architecture"] == "EDSR" and info["scale"] == 2 and info["input_channels"] == 3
    assert info["parameters"] == sum(v.numel() for v in state.values()) and "rgb_range 255" in info["tags"]
    with pytest.raises(ValueError, match=r"edsr_baseline_x2\.\w+: checkpoint is x2 \(EDSR\) but the data is x4"):
        load_spandrel(path, scale=4)


@pytest.mark.needs_spandrel
def test_edsr_dtype_plumbing_bf16_on_the_cpu(tmp_path):
    """bfloat16 inference on request (the CUDA auto path picks float16 for EDSR; unmeasured here)."""
    from gameir.models.spandrel_io import _pick_dtype

    path = tmp_path / "edsr.pth"
    torch.save(_reference_state(2, 1, 8, 255.0), path)
    fp32 = load_spandrel(path, scale=2)
    bf16 = load_spandrel(path, scale=2, precision="bf16")
    assert fp32.info["dtype"] == "float32" and bf16.info["dtype"] == "bfloat16"
    assert next(bf16.descriptor.model.parameters()).dtype == torch.bfloat16
    x = torch.rand(1, 3, 10, 12)
    out = bf16(x)
    assert out.dtype == torch.float32 and (out - fp32(x)).abs().max() < 0.05
    assert _pick_dtype(fp32.descriptor, torch.device("cuda"), "auto") == torch.float16
    with pytest.raises(ValueError, match="precision 'fp16' needs a CUDA device, got cpu"):
        load_spandrel(path, scale=2, precision="fp16")


@pytest.mark.needs_spandrel
def test_eval_cli_scores_an_edsr_checkpoint(synthetic_root, tmp_path):
    import json

    path = tmp_path / "edsr.pth"
    torch.save(_reference_state(2, 1, 8, 255.0), path)
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "gameir", "eval", "sr", "--data", str(synthetic_root), "--method",
                           f"spandrel:{path}", "--max-frames", "1", "--worst", "0", "--quiet", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    info = json.loads((out / "summary.json").read_text())["method_info"]
    assert info["architecture"] == "EDSR" and info["sha256"]


@pytest.mark.needs_spandrel
def test_reference_checkpoint_as_pretrained_starts_identical_with_gbuffers(tmp_path):
    """--arch edsr-baseline --pretrained REFERENCE.pt --gbuffers ...: the widened start equals the reference."""
    from gameir.models.standard import build_standard

    state = _reference_state(2, 2, 16, 255.0, seed=7)
    path = tmp_path / "edsr_baseline_x2.pt"
    torch.save(state, path)
    widened = build_standard("edsr-baseline", scale=2, n_aux=4, pretrained=path).eval()
    assert widened.in_channels == 7 and widened.rgb_range == 255.0
    x, aux = torch.rand(1, 3, 8, 10), torch.rand(1, 4, 8, 10)
    with torch.no_grad():
        ours = widened(torch.cat([x, aux], 1))
        ref = _reference_forward(state, x * 255.0, 2, 2, 1.0) / 255.0
    assert torch.allclose(ours, ref, atol=1e-5, rtol=0)
    assert not any(p.requires_grad for p in widened.sub_mean.parameters())  # the mean shift stays fixed
