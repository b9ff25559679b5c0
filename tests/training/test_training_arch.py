"""`loaders/train_sr.py --arch`: standard architectures (spandrel classes) trained a few steps, scored back
through `gameir eval sr --method spandrel:RUN/model.pth`."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import torch

from gameir.training import TrainConfig, Trainer

REPO = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("train_sr_arch_script", REPO / "loaders" / "train_sr.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _config(root, out, **kw) -> TrainConfig:
    base = dict(data=str(root), out=str(out), steps=3, batch_size=2, lr_patch=16, n_feats=8, n_blocks=1,
                val_every=0, val_frames=1, ckpt_every=3, log_every=1, quiet=True, prefetch=1, threads=1,
                device="cpu")
    base.update(kw)
    return TrainConfig(**base)


@pytest.mark.needs_spandrel
@pytest.mark.parametrize("arch,gbuffers", [("rrdb-small", ("depth", "normal")), ("rcan-small", ("depth", "normal")),
                                           ("swinir-light", ("depth", "normal")), ("edsr-baseline", ("depth", "normal")),
                                           ("edsr-baseline", ())])
def test_trained_checkpoint_loads_through_spandrel_method(random_root, tmp_path, arch, gbuffers):
    from gameir.data import SRDataset
    from gameir.evaluation import evaluate_sr
    from gameir.metrics import psnr
    from gameir.models.standard import build_standard

    out = tmp_path / arch
    summary = Trainer(_config(random_root, out, arch=arch, gbuffers=gbuffers)).run()
    assert summary["arch"] == arch and summary["steps"] == 3
    assert summary["files"]["model"] == "model.pth" and (out / "model.pth").is_file()
    sidecar = json.loads((out / "model.pth.json").read_text())
    assert sidecar["arch"] == arch and sidecar["gbuffers"] == list(gbuffers) and sidecar["scale"] == 2
    n_aux = len(sidecar["aux_channels"])
    assert n_aux == (4 if gbuffers else 0)
    scored = evaluate_sr(random_root, "test", f"spandrel:{out}/model.pth", max_frames=1)
    info = scored["method_info"]
    # the same weights called directly on the same input give the same PSNR
    model = build_standard(arch, scale=2, n_aux=n_aux, n_feats=8, n_blocks=1).eval()
    # the summary counts trainable parameters; the loader all (EDSR's fixed mean shift: 24 more)
    assert summary["parameters"] == sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert info["input_channels"] == 3 + n_aux and info["parameters"] == sum(p.numel() for p in model.parameters())
    model.load_state_dict(torch.load(out / "model.pth"))
    item = SRDataset(random_root, "test", gbuffers=gbuffers)[0]
    x = torch.cat([item["lr"], item["lr_aux"]], 0) if gbuffers else item["lr"]
    with torch.no_grad():
        direct = model(x.unsqueeze(0).clone()).clamp(0, 1)
    assert scored["overall"]["psnr"] == pytest.approx(
        float(psnr(direct, item["hr"].unsqueeze(0), 1.0, crop_border=2)[0]), abs=1e-6)


def test_unknown_arch_is_a_one_line_error(random_root, tmp_path, capsys):
    script = _script()
    args = ["--data", str(random_root), "--out", str(tmp_path / "run"), "--steps", "1", "--quiet"]
    assert script.main(args + ["--arch", "edsr"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "unknown --arch 'edsr'; choose from compact, edsr-baseline, rrdb-small" in err
    assert script.main(args + ["--arch", "rrdb-small", "--model", "temporal"]) == 2
    assert "--arch rrdb-small is a single-frame network" in capsys.readouterr().err
    assert script.main(args + ["--pretrained", str(tmp_path / "x.pth")]) == 2
    assert "--pretrained needs a standard --arch" in capsys.readouterr().err


@pytest.mark.needs_spandrel
def test_bad_pretrained_checkpoint_names_file(random_root, tmp_path, capsys):
    script = _script()
    args = ["--data", str(random_root), "--out", str(tmp_path / "run"), "--steps", "1", "--quiet", "--device", "cpu",
            "--patch", "16"]
    bad = tmp_path / "broken.pth"
    bad.write_bytes(b"not a checkpoint")
    assert script.main(args + ["--arch", "rrdb-small", "--pretrained", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(bad) in err and "cannot read the checkpoint" in err
