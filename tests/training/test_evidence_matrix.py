"""loaders/evidence_matrix.py on a tiny matrix: end to end, reuse, resumption, CI-gated claims."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from gameir.evaluation.stats import Interval
from gameir.frame import Frame
from gameir.shards import ShardWriter
from gameir.shards.manifest import rebuild_manifest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "loaders"))

from evidence.claims import claim, collect, paired  # noqa: E402
from evidence.worker import flattened  # noqa: E402

LR_HW = (16, 20)
MATRIX = """
[matrix]
seeds = [0]
scales = [2]
level = 0.95
bootstrap_resamples = 200
min_clips_for_claim = 2
[domains.random]
preset = "tiny"
[data]
hr_size = [40, 32]
frames = 2
detail = "low"
train_clips = 1
val_clips = 1
test_clips = 3
heldout_weather = "Fog"
heldout_weather_clips = 2
train_weathers = ["ClearNoon"]
[sources]
train = ["native", "bicubic"]
test = ["native", "bicubic"]
[train]
max_steps = 4
val_every = 2
flatten_window = 1
flatten_min_gain_db = 0.0
min_steps = 2
batch_size = 2
patch = 6
lr = 1e-3
val_frames = 1
threads = 1
[archs.compact]
n_feats = 4
n_blocks = 1
[eval]
test_frames = 2
flip = true
[tracks.core]
train_sources = ["native", "bicubic"]
archs = ["compact"]
test = "all"
"""


def _frame(h: int, w: int, rng: np.random.Generator, t: int) -> Frame:
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    normal = rng.normal(size=(h, w, 3))
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    motion = np.full((h, w, 2), 0.5, np.float16)
    return Frame(buffers={"rgb": rgb, "depth": rng.uniform(1, 20, (h, w)).astype(np.float32),
                          "normal": normal.astype(np.float16),
                          "basecolor": rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "motion": motion},
                 K=np.array([[w, 0, w / 2], [0, w, h / 2], [0, 0, 1.0]]), c2w=np.eye(4), jitter_px=np.zeros(2),
                 time_s=t / 30.0, settings={"source": "test"})


def _write(root: Path, clips: dict[str, int]) -> None:
    h, w = LR_HW
    for split, n in clips.items():
        for k in range(n):
            rng = np.random.default_rng([len(split), k])
            clip_id = f"random-{split}-{k}"
            with ShardWriter(root / split / f"{clip_id}.h5", shapes_hw={"lr": (h, w), "hr": (2 * h, 2 * w)},
                             buffers=("rgb", "depth", "normal", "basecolor", "motion"), clip_id=clip_id, split=split,
                             scene={"family": "random", "seed": k}, render={"source": "test", "scale": 2}) as wr:
                for t in range(2):
                    wr.write_frame({"lr": _frame(h, w, rng, t), "hr": _frame(2 * h, 2 * w, rng, t)})
    rebuild_manifest(root, extra={"preset": "random-test"})


@pytest.fixture(scope="module")
def matrix_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("evidence")
    (out / "matrix.toml").write_text(MATRIX)
    _write(out / "data" / "random-x2", {"train": 1, "val": 1, "test": 3})
    _write(out / "data" / "random-x2-heldout", {"test": 2})
    return out


def test_flattening_rule():
    assert not flattened([20.0, 21.0], window=2, min_gain_db=0.02)  # not enough validations
    assert flattened([20.0, 21.0, 21.01, 21.0], window=2, min_gain_db=0.02)
    assert not flattened([20.0, 21.0, 21.5, 21.0], window=2, min_gain_db=0.02)


def test_claims_only_where_the_interval_excludes_zero():
    sure = Interval(0.3, 0.2, 0.4, 12, 0.95, "bootstrap-percentile")
    unsure = Interval(0.1, -0.05, 0.25, 12, 0.95, "bootstrap-percentile")
    assert claim("A", "B", sure, "psnr", "x").startswith("A is better than B in PSNR dB on x: +0.30 [+0.20, +0.40]")
    assert "worse" in claim("A", "B", sure, "warp_mse", "x")  # lower warp error is better
    text = claim("A", "B", unsure, "psnr", "x")
    assert "includes zero" in text and "better" not in text and "worse" not in text
    few = claim("A", "B", Interval(0.3, 0.2, 0.4, 3, 0.95, "bootstrap-percentile"), "psnr", "x", min_clips=10)
    assert "fewer than the 10" in few and "better" not in few


def test_runner_end_to_end_reuses_and_resumes(matrix_out, capsys):
    import evidence_matrix

    out = matrix_out
    results = out / "RESULTS.md"
    argv = ["--matrix", str(out / "matrix.toml"), "--out", str(out), "--results", str(results), "--workers", "3"]
    assert evidence_matrix.main(argv) == 0
    text = results.read_text()
    assert "## Native vs degraded training, per domain and scale" in text
    assert "| random native |" in text and "| bicubic (no training) |" in text
    for line in text.splitlines():  # every directional sentence carries an interval that excludes zero
        if " is better than " in line or " is worse than " in line:
            lo, hi = (float(v) for v in line.split("[")[1].split("]")[0].split(","))
            assert lo > 0 or hi < 0, line
    done = json.loads((out / "runs" / "core-random-x2-compact-native-s0" / "done.json").read_text())
    assert done["steps"] in (2, 4) and len(done["curve"]["val_psnr"]) >= 1

    # a second invocation reuses every finished job
    capsys.readouterr()
    assert evidence_matrix.main(argv) == 0
    assert "0 to run" in capsys.readouterr().out

    # an interrupted run (checkpoint at step 2 of 4, no done.json) resumes from its checkpoint
    from evidence.jobs import read_json
    from evidence.worker import train
    from gameir.training import TrainConfig, Trainer

    run_dir = out / "resume"
    job = read_json(out / "runs" / "core-random-x2-compact-bicubic-s0" / "job.json")
    job["flatten"] = {"window": 1, "min_gain_db": -1e9, "min_steps": 4}  # never flattened: train to max_steps
    job["digest"] = "resume-test"
    Trainer(TrainConfig(**dict(job["options"], out=str(run_dir / "train")))).run(stop_at=2)
    done = train(job, run_dir)
    summary = json.loads((run_dir / "train" / "summary.json").read_text())
    assert done["steps"] == 4 and summary["resumed_from"] == 2

    # scores pair the same clips for both arms
    scores = collect(out, [read_json(p) for p in sorted((out / "runs").glob("*/job.json"))])
    ci = paired(scores, "core/random/x2/compact/native", "core/random/x2/compact/bicubic", "random-x2-native",
                "psnr", level=0.95, resamples=200)
    assert ci is not None and ci.n == 3
