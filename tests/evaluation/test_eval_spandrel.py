"""`--method spandrel:FILE`: standard SR checkpoints loaded by spandrel, scored by the harness."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
import torch

from gameir.models.spandrel_io import import_spandrel  # noqa: E402

try:  # import_spandrel also turns a torchvision that does not match torch (a RuntimeError) into ImportError
    spandrel = import_spandrel()
except ImportError as exc:
    pytest.skip(str(exc), allow_module_level=True)

from spandrel.architectures.Compact import Compact  # noqa: E402
from spandrel.architectures.ESRGAN import ESRGAN  # noqa: E402
from spandrel.architectures.RCAN import RCAN  # noqa: E402
from spandrel.architectures.SPAN import SPAN  # noqa: E402
from spandrel.architectures.SwinIR import SwinIR  # noqa: E402

from gameir.evaluation import evaluate_sr  # noqa: E402
from gameir.evaluation.sr_methods import resolve_sr_method  # noqa: E402
from gameir.models.spandrel_io import load_spandrel, write_sidecar  # noqa: E402

CPU = torch.device("cpu")

#: small randomly initialised networks of five architectures spandrel detects, x2
ARCHS = {
    "ESRGAN": lambda s, c: ESRGAN(in_nc=c, out_nc=3, num_filters=16, num_blocks=1, scale=s),
    "RCAN": lambda s, c: RCAN(scale=s, n_resgroups=1, n_resblocks=1, n_feats=16, reduction=4),
    "SwinIR": lambda s, c: SwinIR(upscale=s, img_size=16, window_size=4, depths=[2], num_heads=[2], embed_dim=16,
                                  mlp_ratio=2.0, upsampler="pixelshuffledirect"),
    "Compact": lambda s, c: Compact(num_in_ch=3, num_out_ch=3, num_feat=16, num_conv=2, upscale=s),
    "SPAN": lambda s, c: SPAN(num_in_ch=3, num_out_ch=3, feature_channels=16, upscale=s),
}


def _save(tmp_path, arch: str, scale: int = 2, in_ch: int = 3, fmt: str = "pth"):
    torch.manual_seed(1)
    model = ARCHS[arch](scale, in_ch).eval()
    path = tmp_path / f"{arch.lower()}_x{scale}.{fmt}"
    if fmt == "safetensors":
        from safetensors.torch import save_file
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    else:
        torch.save(model.state_dict(), path)
    return model, path


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gameir", "eval", "sr", *args], capture_output=True, text=True,
                          timeout=600)


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_saved_checkpoints_load_and_match_the_direct_call(tmp_path, arch):
    model, path = _save(tmp_path, arch, fmt="safetensors" if arch == "SPAN" else "pth")
    method = resolve_sr_method(f"spandrel:{path}", scale=2, device=CPU)
    x = torch.rand(1, 3, 24, 32, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        direct = model(x.clone()).clamp(0, 1)  # RCAN scales its input in place: give it a copy
    out = method.predict({"lr": x})
    assert out.shape == (1, 3, 48, 64) and out.dtype == torch.float32
    assert torch.allclose(out, direct, atol=1e-6, rtol=0)
    info = method.info
    assert info["architecture"] == arch and info["scale"] == 2 and info["dtype"] == "float32"
    assert info["parameters"] == sum(p.numel() for p in model.parameters())
    assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert method.gbuffers == ()


def test_gbuffer_checkpoint_takes_the_sidecar_channels(tmp_path):
    model, path = _save(tmp_path, "ESRGAN", in_ch=7)
    write_sidecar(path, arch="rrdb-small", scale=2, aux_channels=["depth", "normal.x", "normal.y", "normal.z"],
                  gbuffers=["depth", "normal"])
    method = resolve_sr_method(f"spandrel:{path}", scale=2, device=CPU)
    assert method.gbuffers == ("depth", "normal") and method.info["input_channels"] == 7
    lr, aux = torch.rand(1, 3, 12, 16), torch.rand(1, 4, 12, 16)
    with torch.no_grad():
        direct = model(torch.cat([lr, aux], 1)).clamp(0, 1)
    assert torch.allclose(method.predict({"lr": lr, "lr_aux": aux}), direct, atol=1e-6, rtol=0)


def test_eval_sr_cli_reports_architecture_parameters_and_sha(tiny_sr, tmp_path):
    model, path = _save(tmp_path, "ESRGAN")
    out = tmp_path / "run"
    proc = _cli("--data", str(tiny_sr), "--method", f"spandrel:{path}", "--out", str(out), "--quiet", "--tile", "16",
                "--worst", "1", "--max-frames", "2")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    info = summary["method_info"]
    assert info["architecture"] == "ESRGAN" and info["parameters"] == sum(p.numel() for p in model.parameters())
    assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert 0 < summary["overall"]["flip"] < 1 and "FLIP" in (out / "report.md").read_text()
    # the library on the whole first frame gives the PSNR of the direct model call
    from gameir.data import SRDataset
    from gameir.metrics import psnr

    item = SRDataset(tiny_sr, "test")[0]
    with torch.no_grad():
        direct = model(item["lr"].unsqueeze(0).clone()).clamp(0, 1)
    first = evaluate_sr(tiny_sr, "test", f"spandrel:{path}", max_frames=1)
    assert first["overall"]["psnr"] == pytest.approx(float(psnr(direct, item["hr"].unsqueeze(0), 1.0, crop_border=2)[0]),
                                                     abs=1e-9)


def test_scale_mismatch_names_file_and_both_scales(tiny_sr, tmp_path):
    _, path = _save(tmp_path, "ESRGAN", scale=4)
    with pytest.raises(ValueError, match=r"esrgan_x4\.pth: checkpoint is x4 \(ESRGAN\) but the data is x2"):
        load_spandrel(path, scale=2)
    proc = _cli("--data", str(tiny_sr), "--method", f"spandrel:{path}")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "x4" in lines[0] and "x2" in lines[0]


def test_channel_mismatch_names_file_and_both_counts(tiny_sr, tmp_path):
    _, path = _save(tmp_path, "ESRGAN", in_ch=7)
    with pytest.raises(ValueError, match=r"esrgan_x2\.pth: checkpoint takes 7 input channels but 3 \+ 0 are given "
                                         r"\(no sidecar: RGB only\)"):
        load_spandrel(path, scale=2)
    write_sidecar(path, arch="rrdb-small", scale=2, aux_channels=["depth"], gbuffers=["depth"])
    proc = _cli("--data", str(tiny_sr), "--method", f"spandrel:{path}")
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert "\n" not in line and str(path) in line and "7 input channels but 3 + 1" in line and "esrgan_x2.pth.json" in line


def test_corrupt_and_non_sr_checkpoints_are_one_line_errors(tiny_sr, tmp_path):
    bad = tmp_path / "truncated.pth"
    bad.write_bytes(b"\x80\x02not a pickle")
    not_sr = tmp_path / "classifier.pth"
    torch.save({"fc.weight": torch.zeros(10, 5), "fc.bias": torch.zeros(10)}, not_sr)
    edsr = tmp_path / "edsr.pth"  # BasicSR's EDSR layout: spandrel 0.4 has no EDSR
    torch.save({"conv_first.weight": torch.zeros(16, 3, 3, 3), "body.0.conv1.weight": torch.zeros(16, 16, 3, 3),
                "upsample.0.weight": torch.zeros(64, 16, 3, 3), "conv_last.weight": torch.zeros(3, 16, 3, 3)}, edsr)
    for path, what in ((bad, "cannot read the checkpoint"), (not_sr, "not an architecture spandrel"),
                       (edsr, "not an architecture spandrel"), (tmp_path / "missing.pth", "no such checkpoint file")):
        proc = _cli("--data", str(tiny_sr), "--method", f"spandrel:{path}")
        assert proc.returncode == 2, proc.stderr
        line = proc.stderr.strip()
        assert "\n" not in line and str(path) in line and what in line
    bad_sidecar = tmp_path / "esrgan_x2.pth"
    _save(tmp_path, "ESRGAN")
    (tmp_path / "esrgan_x2.pth.json").write_text('{"format": "other"}')
    with pytest.raises(ValueError, match=r"esrgan_x2\.pth\.json: sidecar format 'other', expected 'gameir-sr-sidecar-1'"):
        load_spandrel(bad_sidecar, scale=2)


def test_list_methods_names_spandrel_architectures():
    proc = _cli("--list-methods")
    assert proc.returncode == 0
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("spandrel:FILE"))
    for arch in ("ESRGAN", "RCAN", "SwinIR", "SPAN", "Compact"):
        assert arch in line
    assert "bicubic" in proc.stdout and "torchscript:FILE" in proc.stdout


def test_run_sr_script_scores_a_spandrel_checkpoint_beside_bicubic(tiny_sr, tmp_path):
    from pathlib import Path

    _, path = _save(tmp_path, "Compact")
    script = Path(__file__).resolve().parents[2] / "eval" / "run_sr.py"
    proc = subprocess.run([sys.executable, str(script), "--data", str(tiny_sr), "--methods", f"bicubic,spandrel:{path}",
                           "--max-frames", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "| method | PSNR (dB) | SSIM | FLIP |" in proc.stdout
    row = next(ln for ln in proc.stdout.splitlines() if ln.startswith(f"| spandrel:{path}"))
    assert 0 < float(row.split("|")[4]) < 1  # the FLIP column


def test_inference_dtype_follows_spandrel_support_flags(tmp_path):
    """float32 on the CPU; on CUDA float16 where spandrel says so (ESRGAN), else bfloat16 (RCAN)."""
    from gameir.models.spandrel_io import _pick_dtype

    _, esrgan = _save(tmp_path, "ESRGAN")
    _, rcan = _save(tmp_path, "RCAN")
    e = spandrel.ModelLoader().load_from_file(str(esrgan))
    r = spandrel.ModelLoader().load_from_file(str(rcan))
    cuda = torch.device("cuda")  # a device object only: nothing runs on it
    assert _pick_dtype(e, CPU, "auto") == torch.float32 and _pick_dtype(r, CPU, "auto") == torch.float32
    assert _pick_dtype(e, cuda, "auto") == torch.float16 and _pick_dtype(r, cuda, "auto") == torch.bfloat16
    assert _pick_dtype(r, cuda, "fp32") == torch.float32
    with pytest.raises(ValueError, match="RCAN does not support float16 \\(spandrel\\); use bf16 or fp32"):
        _pick_dtype(r, cuda, "fp16")
    with pytest.raises(ValueError, match="precision 'fp16' needs a CUDA device, got cpu"):
        _pick_dtype(e, CPU, "fp16")
    with pytest.raises(ValueError, match="precision must be one of auto, fp32, fp16, bf16, got 'int8'"):
        _pick_dtype(e, cuda, "int8")
