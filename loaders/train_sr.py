#!/usr/bin/env python
"""Train a GameIR SR model (optionally with G-buffer inputs): CompactSR or a standard architecture.

Writes RUN/model.pt (TorchScript, --arch compact) or RUN/model.pth + RUN/model.pth.json (a state
dict that `--method spandrel:` loads, and its G-buffer sidecar; --arch edsr-baseline, rrdb-small,
rcan-small, swinir-light),
RUN/log.csv, RUN/summary.json, RUN/curves.png and RUN/checkpoint.pt (for --resume). Input
contract: docs/TRAINING.md.

Examples:
    gameir render tiny --out data/tiny
    python loaders/train_sr.py --data data/tiny --steps 300 --out runs/tiny-rgb
    python loaders/train_sr.py --data data/tiny --gbuffers depth,normal,basecolor --lr-source native \\
        --steps 300 --out runs/tiny-gbuf
    python loaders/train_sr.py --data data/tiny --lr-source bicubic --steps 300 --out runs/tiny-bicubic
    python loaders/train_sr.py --data data/tiny --steps 600 --out runs/tiny-rgb --resume
    python loaders/train_sr.py --data data/tiny --arch rrdb-small --gbuffers depth,normal --steps 300 --out runs/rrdb
    gameir eval sr --data data/tiny --method spandrel:runs/rrdb/model.pth
    python loaders/train_sr.py --data data/tiny --arch edsr-baseline --n-feats 64 --n-blocks 16 \\
        --pretrained edsr_baseline_x2-1bc95232.pt --gbuffers depth,normal --steps 300 --out runs/edsr
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys

from gameir.models.standard import ARCHS
from gameir.training import DEVICES, LR_SOURCES, TrainConfig, Trainer, TrainingInterrupted


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("Examples:")[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="dataset root (manifest.json) with train and val splits")
    p.add_argument("--out", required=True, help="run directory")
    p.add_argument("--gbuffers", default="", help="comma-separated G-buffers after RGB, in this order "
                   "(e.g. depth,normal,basecolor); empty: RGB only")
    p.add_argument("--gbuffer-res", default="lr", choices=("lr", "hr"),
                   help="G-buffers at LR, or at HR folded to LR by a pixel unshuffle (s^2 channels each)")
    p.add_argument("--lr-source", default="native", choices=LR_SOURCES,
                   help="LR input: the natively rendered frame, or HR degraded (MATLAB-style bicubic / box / "
                   "Real-ESRGAN-style second-order 'realistic')")
    p.add_argument("--steps", type=int, default=1000, help="optimisation steps (cosine schedule length)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--patch", type=int, default=48, help="LR crop side in pixels (HR crop = scale x this)")
    p.add_argument("--lr", type=float, default=1e-3, help="AdamW peak learning rate")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=None, help="warm-up steps (default min(100, steps/20))")
    p.add_argument("--model", default="compact", choices=("compact", "temporal"))
    p.add_argument("--arch", default="compact", help=f"single-frame network: {', '.join(ARCHS)} "
                   "(default: %(default)s; edsr-baseline is GameIR's EDSR, the others spandrel's classes; all take "
                   "--gbuffers; docs/TRAINING.md)")
    p.add_argument("--pretrained", default=None, help="RGB .pth/.safetensors of the same --arch and scale to start "
                   "from (G-buffer channels added with zero weights)")
    p.add_argument("--n-feats", type=int, default=32, help="feature channels")
    p.add_argument("--n-blocks", type=int, default=5, help="residual blocks")
    p.add_argument("--frames", type=int, default=3, help="training window for --model temporal")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--val-every", type=int, default=200, help="validate every N steps (0: at the end only)")
    p.add_argument("--val-frames", type=int, default=8, help="full val frames scored per validation")
    p.add_argument("--ckpt-every", type=int, default=200, help="checkpoint every N steps")
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--device", default="auto", choices=DEVICES)
    p.add_argument("--no-amp", action="store_true", help="no float16 autocast on CUDA (AMP is never used on CPU)")
    p.add_argument("--no-augment", action="store_true", help="no random flips/transposes")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--resume", action="store_true", help="continue RUN/checkpoint.pt")
    p.add_argument("--stop-at", type=int, default=None,
                   help="stop after this step (checkpointed); continue later with --resume")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    a = parse_args(argv)
    gbuffers = tuple(g.strip() for g in a.gbuffers.split(",") if g.strip())
    try:
        config = TrainConfig(
            data=a.data, out=a.out, gbuffers=gbuffers, gbuffer_res=a.gbuffer_res, lr_source=a.lr_source, steps=a.steps,
            batch_size=a.batch_size, lr_patch=a.patch, learning_rate=a.lr, weight_decay=a.weight_decay,
            warmup_steps=a.warmup, seed=a.seed, model=a.model, arch=a.arch, pretrained=a.pretrained,
            n_feats=a.n_feats, n_blocks=a.n_blocks,
            frames=a.frames, val_every=a.val_every, val_frames=a.val_frames, ckpt_every=a.ckpt_every,
            log_every=a.log_every, device=a.device, amp=not a.no_amp, augment=not a.no_augment,
            threads=a.threads, quiet=a.quiet)
        summary = Trainer(config).run(resume=a.resume, stop_at=a.stop_at)
    except (ValueError, TypeError, FileNotFoundError, ImportError) as exc:
        print(f"train_sr: error: {exc}", file=sys.stderr)
        return 2
    except TrainingInterrupted as stop:
        again = argv if a.resume else argv + ["--resume"]
        print(f"train_sr: {stop.signal_name}: stopped after step {stop.step} of {stop.total_steps}; saved "
              f"{stop.checkpoint}. Resume with:\n  python loaders/train_sr.py {shlex.join(again)}", file=sys.stderr)
        return stop.exit_code
    v, b = summary["val"], summary["val_bicubic"]
    print(json.dumps({"steps": summary["steps"], "parameters": summary["parameters"],
                      "val_psnr": round(v["psnr"], 3), "val_psnr_bicubic": round(b["psnr"], 3),
                      "val_ssim": round(v["ssim"], 4), "val_ssim_bicubic": round(b["ssim"], 4),
                      "out": a.out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
