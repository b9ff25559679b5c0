"""Bad checkpoints and architectures through the command line: one line on stderr, exit code 2, naming the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from gameir.models.spandrel_io import write_sidecar

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.needs_spandrel


def _eval(root: Path, path: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "gameir", "eval", "sr", "--data", str(root), "--method",
                           f"spandrel:{path}", "--max-frames", "1", "--quiet"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    line = proc.stderr.strip()
    assert "\n" not in line and str(path) in line, line
    return line


def test_bad_checkpoints_are_one_line_errors(synthetic_root, tmp_path):
    from gameir.models.standard import build_standard, save_state_dict

    truncated = tmp_path / "edsr_cut.pth"
    full = tmp_path / "edsr_full.pth"
    save_state_dict(build_standard("edsr-baseline", scale=2, n_feats=8, n_blocks=1), full)
    truncated.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    assert "cannot read the checkpoint" in _eval(synthetic_root, truncated)

    classifier = tmp_path / "resnet_head.pth"
    torch.save({"fc.weight": torch.zeros(10, 512), "fc.bias": torch.zeros(10)}, classifier)
    assert "not an architecture spandrel" in _eval(synthetic_root, classifier)

    # G-buffer checkpoints whose channels the sidecar (or its absence) does not match
    rcan = save_state_dict(build_standard("rcan-small", scale=2, n_aux=4, n_feats=8, n_blocks=1), tmp_path / "rcan.pth")
    write_sidecar(rcan, arch="rcan-small", scale=2, aux_channels=["depth"], gbuffers=["depth"])
    line = _eval(synthetic_root, rcan)
    assert "takes 7 input channels" in line and "3 + 1" in line and "rcan.pth.json" in line


def test_gbuffer_channel_mismatches_name_the_file(tmp_path):
    """The same checks in-process (the CLI prints these messages as above)."""
    from gameir.evaluation.sr_methods import resolve_sr_method
    from gameir.models.standard import build_standard, save_state_dict

    edsr = save_state_dict(build_standard("edsr-baseline", scale=2, n_aux=4, n_feats=8, n_blocks=1),
                           tmp_path / "edsr_gbuf.pth")
    cpu = torch.device("cpu")
    with pytest.raises(ValueError, match=r"edsr_gbuf\.pth: checkpoint takes 7 input channels but 3 \+ 0 are given "
                                         r"\(no sidecar: RGB only\)"):
        resolve_sr_method(f"spandrel:{edsr}", scale=2, device=cpu)
    write_sidecar(edsr, arch="edsr-baseline", scale=2, aux_channels=["depth", "albedo.r", "albedo.g", "albedo.b"],
                  gbuffers=["depth", "albedo"])
    with pytest.raises(ValueError, match=r"edsr_gbuf\.pth: aux channel 'albedo\.r' matches no G-buffer"):
        resolve_sr_method(f"spandrel:{edsr}", scale=2, device=cpu)
    write_sidecar(edsr, arch="edsr-baseline", scale=2, aux_channels=["depth", "normal.x", "normal.y", "normal.z"],
                  gbuffers=["depth", "normal"])
    assert resolve_sr_method(f"spandrel:{edsr}", scale=2, device=cpu).gbuffers == ("depth", "normal")


def test_train_sr_unknown_arch_and_bad_pretrained_are_one_line_errors(synthetic_root, tmp_path, capsys):
    def train(*extra: str) -> str:
        proc = subprocess.run([sys.executable, str(REPO / "loaders" / "train_sr.py"), "--data", str(synthetic_root),
                               "--out", str(tmp_path / "run"), "--steps", "1", "--quiet", "--device", "cpu", *extra],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 2, (proc.returncode, proc.stderr)
        line = proc.stderr.strip()
        assert "\n" not in line, line
        return line

    assert "unknown --arch 'rcan'; choose from compact, edsr-baseline, rrdb-small, rcan-small, swinir-light" in train(
        "--arch", "rcan")
    import importlib.util

    spec = importlib.util.spec_from_file_location("train_sr_errors_script", REPO / "loaders" / "train_sr.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    not_sr = tmp_path / "not_sr.pth"
    torch.save({"fc.weight": torch.zeros(2, 2)}, not_sr)
    assert script.main(["--data", str(synthetic_root), "--out", str(tmp_path / "run2"), "--steps", "1", "--quiet",
                        "--device", "cpu", "--arch", "edsr-baseline", "--pretrained", str(not_sr)]) == 2
    line = capsys.readouterr().err.strip()
    assert "\n" not in line and str(not_sr) in line and "not an architecture spandrel" in line
