#!/usr/bin/env python
"""One job of the matrix, run in its own process: train a run until flattened, then score it.

    python loaders/evidence/worker.py RUN_DIR      # RUN_DIR/job.json says what to do

Training goes in chunks of ``val_every`` steps (``Trainer.run(resume=True, stop_at=...)``), each
ending with a validation and a checkpoint; after each chunk the flattening rule
(:func:`flattened`) decides whether to go on. ``done.json`` marks a finished training (steps, why it
stopped, the validation curve, wall time); ``scores/<test>.json`` a finished test set. Every file is
written atomically, so a job killed at any moment resumes from its last checkpoint and finished
parts are never redone. Baseline jobs (bicubic, joint-bilateral) only score.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence.jobs import read_json  # noqa: E402


def flattened(val_psnr: list[float], window: int, min_gain_db: float) -> bool:
    """The flattening rule: the best validation PSNR of the last ``window`` validations beats the
    best of all earlier ones by less than ``min_gain_db`` dB (needs more than ``window`` validations)."""
    if window < 1:
        raise ValueError(f"flatten_window must be >= 1, got {window}")
    if len(val_psnr) <= window:
        return False
    return max(val_psnr[-window:]) - max(val_psnr[:-window]) < min_gain_db


def val_curve(log_csv: Path) -> tuple[list[int], list[float]]:
    """``(steps, val PSNR dB)`` of the validation rows of a run's ``log.csv``."""
    with open(log_csv, newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("val_psnr") not in (None, "")]
    return [int(r["step"]) for r in rows], [float(r["val_psnr"]) for r in rows]


def _checkpoint_step(run_dir: Path) -> int:
    from gameir.training.checkpoint import read_checkpoint

    ckpt = run_dir / "checkpoint.pt"
    return int(read_checkpoint(ckpt)["step"]) if ckpt.is_file() else 0


def train(job: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    """Train in chunks until flattened or ``max_steps``; write and return ``done.json``."""
    from gameir.fileio import atomic_write_json
    from gameir.training import TrainConfig, Trainer

    done_path = run_dir / "done.json"
    if done_path.is_file() and read_json(done_path).get("digest") == job["digest"]:
        return read_json(done_path)
    rule = job["flatten"]
    opts = dict(job["options"], out=str(run_dir / "train"))
    max_steps, every = int(opts["steps"]), int(opts["val_every"])
    step = _checkpoint_step(run_dir / "train")
    reason, summary = None, None
    while reason is None:
        stop = min(max_steps, (step // every + 1) * every)
        summary = Trainer(TrainConfig(**opts)).run(resume=step > 0, stop_at=stop)
        step = int(summary["steps"])
        vx, vy = val_curve(run_dir / "train" / "log.csv")
        if step >= max_steps:
            reason = f"max_steps {max_steps} reached"
        elif step >= rule["min_steps"] and flattened(vy, rule["window"], rule["min_gain_db"]):
            reason = (f"flattened: best val PSNR of the last {rule['window']} validations beat the earlier best by "
                      f"{max(vy[-rule['window']:]) - max(vy[:-rule['window']]):+.3f} dB < {rule['min_gain_db']} dB")
    done = {"digest": job["digest"], "steps": step, "reason": reason, "curve": {"step": vx, "val_psnr": vy},
            "val_bicubic_psnr": summary["val_bicubic"]["psnr"], "val_psnr": summary["val"]["psnr"],
            "seconds": summary["seconds_total"], "parameters": summary["parameters"],
            "curves_png": str((run_dir / "train" / "curves.png").resolve())}
    atomic_write_json(done_path, done)
    return done


def score(job: dict[str, Any], run_dir: Path) -> None:
    """Score the run (or baseline) on each of its test sets not scored yet."""
    import torch

    from evidence.testsets import baseline_predictor, degrade_items, iter_items, run_predictor, score_clips
    from gameir.evaluation import resolve_device
    from gameir.fileio import atomic_write_json

    device = resolve_device(job["device"])
    scale = int(job["scale"])
    todo = [t for t in job["tests"] if not _scored(run_dir / "scores" / f"{t['name']}.json", job["score_digest"])]
    if not todo:
        return
    if job["kind"] == "run":
        predict = run_predictor(run_dir / "train", job["spec"], device)
    else:
        predict = baseline_predictor(job["baseline"], scale)
    for t in todo:  # frames are read again for each test set: a full-size test set does not fit in memory
        items = degrade_items(iter_items(Path(t["root"]), int(job["test_frames"])), scale, t["source"])
        t0 = time.perf_counter()
        with torch.no_grad():
            r = score_clips(predict, items, scale, bool(job["flip"]), device)
        atomic_write_json(run_dir / "scores" / f"{t['name']}.json",
                          {"digest": job["score_digest"], "test": t, "seconds": time.perf_counter() - t0, **r})


def _scored(path: Path, digest: str) -> bool:
    return path.is_file() and read_json(path).get("digest") == digest


def main(argv: list[str] | None = None) -> int:
    import torch

    from gameir.training import TrainingInterrupted

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: worker.py RUN_DIR", file=sys.stderr)
        return 2
    run_dir = Path(argv[0])
    job = read_json(run_dir / "job.json")
    torch.set_num_threads(int(job.get("threads", 1)))
    try:
        if job["kind"] == "run":
            train(job, run_dir)
        score(job, run_dir)
    except TrainingInterrupted as stop:
        print(f"worker: {stop.signal_name}: {run_dir.name} stopped after step {stop.step}; rerun to resume",
              file=sys.stderr)
        return stop.exit_code
    except KeyboardInterrupt:  # SIGINT while scoring: the finished test sets are kept
        print(f"worker: SIGINT: {run_dir.name} stopped while scoring; rerun to continue", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
