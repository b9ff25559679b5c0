"""Training loop: the loss falls, resume continues the same run, G-buffers reach the model as documented."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from gameir.models import build_model, load_torchscript, SRConfig
from gameir.shards import ShardReader
from gameir.training import StepBatches, TrainConfig, Trainer, model_inputs

REPO = Path(__file__).resolve().parents[2]


def _small(root, out, **kw) -> TrainConfig:
    base = dict(data=str(root), out=str(out), steps=4, batch_size=2, lr_patch=8, n_feats=8, n_blocks=1,
                val_every=0, val_frames=2, ckpt_every=2, log_every=1, quiet=True, prefetch=1, threads=1)
    base.update(kw)
    return TrainConfig(**base)


def _losses(run: Path) -> dict[int, float]:
    with open(run / "log.csv") as fh:
        return {int(r["step"]): float(r["loss"]) for r in csv.DictReader(fh) if r["loss"]}


def test_a_few_steps_reduce_the_loss_on_a_fixed_batch(random_root, tmp_path):
    torch.manual_seed(0)
    trainer = Trainer(_small(random_root, tmp_path / "run", gbuffers=("depth", "normal"), learning_rate=3e-3,
                             warmup_steps=0, steps=30))
    batch = trainer.batches.batch(0)
    losses = [trainer.train_step(batch) for _ in range(25)]
    assert losses[-1] < 0.8 * losses[0]


def test_resume_continues_the_same_run(random_root, tmp_path):
    script = _load_script()
    args = ["--data", str(random_root), "--steps", "4", "--batch-size", "2", "--patch", "8", "--n-feats", "8",
            "--n-blocks", "1", "--val-every", "0", "--val-frames", "2", "--ckpt-every", "2", "--log-every", "1",
            "--gbuffers", "depth,basecolor", "--threads", "1", "--quiet"]
    assert script.main(args + ["--out", str(tmp_path / "straight")]) == 0
    assert script.main(args + ["--out", str(tmp_path / "split"), "--stop-at", "2"]) == 0
    assert script.main(args + ["--out", str(tmp_path / "split"), "--resume"]) == 0
    straight, split = _losses(tmp_path / "straight"), _losses(tmp_path / "split")
    assert sorted(split) == [1, 2, 3, 4]
    assert split == straight  # bit-identical losses after the resume
    for name in ("model.pt", "log.csv", "summary.json", "curves.png", "checkpoint.pt"):
        assert (tmp_path / "split" / name).is_file()
    summary = json.loads((tmp_path / "split" / "summary.json").read_text())
    assert summary["steps"] == 4 and summary["resumed_from"] == 2 and summary["finished"]
    module, config, meta = load_torchscript(tmp_path / "split" / "model.pt")
    assert config["aux_channels"] == ["depth", "basecolor.r", "basecolor.g", "basecolor.b"]
    assert meta["steps"] == 4 and meta["lr_source"] == "native"
    assert module(torch.rand(1, 7, 10, 12)).shape == (1, 3, 20, 24)
    # resuming with other options is refused, naming them
    assert script.main(args + ["--out", str(tmp_path / "split"), "--resume", "--lr-source", "bicubic"]) == 2
    # and without --resume an existing run is not overwritten
    assert script.main(args + ["--out", str(tmp_path / "split")]) == 2


def test_gbuffers_reach_the_model_in_documented_order_and_normalisation(random_root, tmp_path):
    config = _small(random_root, tmp_path / "run", gbuffers=("normal", "depth", "basecolor"), augment=False,
                    lr_patch=24)  # full height: the sky rows are in the crop
    trainer = Trainer(config)
    assert trainer.model.config.aux_channels == ("normal.x", "normal.y", "normal.z", "depth",
                                                 "basecolor.r", "basecolor.g", "basecolor.b")
    seen = {}
    trainer.model.head.register_forward_pre_hook(lambda m, args: seen.setdefault("x", args[0].detach().clone()))
    batch = trainer.batches.batch(1)
    trainer.train_step(batch)
    x = seen["x"]
    assert x.shape == (2, 10, 24, 24)
    shard = sorted((Path(random_root) / "train").glob("*.h5"))[0]
    with ShardReader(shard) as reader:
        for b in range(2):
            frame = int(batch["frame"][b])
            r0, c0 = (int(v) for v in batch["crop"][b])
            win = dict(rows=(r0, r0 + 24), cols=(c0, c0 + 24))
            rgb = reader.read("rgb", "lr", frame, **win).astype(np.float64) / 255
            depth = reader.read("depth", "lr", frame, **win).astype(np.float64)
            normal = reader.read("normal", "lr", frame, **win).astype(np.float64)
            base = reader.read("basecolor", "lr", frame, **win).astype(np.float64) / 255
            R = reader.camera("lr", frame)["c2w"][:3, :3]
            normal_cam = normal @ R  # R^T n: world -> OpenGL camera axes
            inv_depth = np.where(np.isfinite(depth), 1.0 / depth, 0.0)
            expected = np.concatenate([rgb, normal_cam, inv_depth[..., None], base], axis=-1).transpose(2, 0, 1)
            assert np.abs(x[b].double().numpy() - expected).max() < 1e-5
    assert np.isfinite(x.numpy()).all() and float(x[:, 6].min()) == 0.0  # sky -> inverse depth 0


def test_temporal_training_runs_and_exports(random_root, tmp_path):
    config = _small(random_root, tmp_path / "run", model="temporal", frames=2, steps=2, gbuffers=("depth",))
    summary = Trainer(config).run()
    assert summary["model"]["kind"] == "temporal" and np.isfinite(summary["val"]["psnr"])
    module, _, _ = load_torchscript(tmp_path / "run" / "model.pt")
    x = torch.rand(1, 4, 6, 8)
    out0 = module(x)
    out1 = module(x, out0, torch.zeros(1, 2, 6, 8))
    assert out1.shape == (1, 3, 12, 16)


def _load_script():
    spec = importlib.util.spec_from_file_location("train_sr_script", REPO / "loaders" / "train_sr.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_quick_reports_model_and_bicubic(random_root):
    from gameir.training import train_quick

    r = train_quick(random_root, seconds=2.0, lr_patch=8, batch_size=2, threads=1)
    assert r["steps"] >= 3 and r["test_frames"] == 3 and r["run_dir"] is None
    assert np.isfinite(r["psnr_model"]) and np.isfinite(r["psnr_bicubic"])
    assert r["beats_bicubic"] == (r["psnr_model"] > r["psnr_bicubic"])
    with pytest.raises(ValueError, match="seconds must be > 0"):
        train_quick(random_root, seconds=0)


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_signal_checkpoints_the_step_and_prints_the_resume_command(random_root, tmp_path, signame):
    """Ctrl-C (SIGINT) or a scheduler's SIGTERM: no traceback, checkpoint of the step reached, resumable."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "run"
    args = ["--data", str(random_root), "--steps", "100000", "--batch-size", "2", "--patch", "8", "--n-feats", "8",
            "--n-blocks", "1", "--val-every", "0", "--val-frames", "2", "--ckpt-every", "100000", "--log-every", "1",
            "--threads", "1", "--quiet", "--out", str(out)]
    proc = subprocess.Popen([sys.executable, str(REPO / "loaders" / "train_sr.py"), *args], stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not ((out / "log.csv").exists() and len(_losses(out)) >= 3):
        time.sleep(0.05)
    os.kill(proc.pid, getattr(signal, signame))
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + getattr(signal, signame), stderr
    assert "Traceback" not in stderr
    payload = torch.load(out / "checkpoint.pt", map_location="cpu", weights_only=False)
    step = int(payload["step"])
    assert step >= 3
    assert f"train_sr: {signame}: stopped after step {step} of 100000; saved {out / 'checkpoint.pt'}" in stderr
    assert "Resume with:\n  python loaders/train_sr.py --data" in stderr and stderr.rstrip().endswith("--resume")
    script = _load_script()
    assert script.main(args + ["--resume", "--stop-at", str(step + 2)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed_from"] == step and summary["steps"] == step + 2
