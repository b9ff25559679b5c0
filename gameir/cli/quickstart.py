"""`gameir quickstart`: the main job end to end on a small scale, in a couple of minutes on a laptop CPU."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gameir.cli.doctor import collect_facts
from gameir.fileio import atomic_write_bytes

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "quickstart", help="render, verify, preview, evaluate and train on the tiny SR and NVS splits",
        description="The main job on a small scale: environment facts (as `gameir doctor`); the `tiny` (SR, "
                    "64x48 -> 128x96) and `tiny-nvs` (4-view rig) presets rendered natively with every G-buffer "
                    "into --out; `gameir verify` on both; a contact sheet of one LR/HR pair and its G-buffers; "
                    "the SR baselines (bicubic, G-buffer-guided) and NVS baselines (nearest view, depth warp) "
                    "scored on the test splits; a small upscaler trained for --train-seconds and compared "
                    "with bicubic on the tiny test frames.",
        epilog="example:\n  gameir quickstart --out gameir-quickstart",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="gameir-quickstart", help="output folder (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, help="render worker processes (default: %(default)s)")
    parser.add_argument("--train-seconds", type=float, default=60.0,
                        help="training budget of the small upscaler; 0 skips training (default: %(default)s)")
    parser.set_defaults(func=run)


def _preview(root: Path, out: Path) -> Path:
    """Contact sheet of the first SR shard's first LR/HR pair and every HR G-buffer."""
    import cv2

    from gameir.preview import contact_sheet
    from gameir.shards.manifest import load_manifest, manifest_shards
    from gameir.shards.reader import ShardReader

    entry = manifest_shards(load_manifest(root), "train")[0]
    with ShardReader(root / entry["path"]) as reader:
        sheet = contact_sheet(reader.read_frame("lr", 0), reader.read_frame("hr", 0), tile_width=256,
                              title=f"{entry['clip_id']} frame 0")
    ok, png = cv2.imencode(".png", cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    atomic_write_bytes(out, png.tobytes())
    return out


def run(args: argparse.Namespace) -> int:
    from gameir.pipeline.card import write_card
    from gameir.pipeline.presets import load_preset
    from gameir.pipeline.run import render_dataset
    from gameir.shards.verify import verify_path

    start = time.perf_counter()
    out = Path(args.out)
    print("== environment")
    facts = collect_facts()
    gl = facts["gl"]
    print(f"python {facts['python']}  torch {facts['torch']}  h5py {facts['h5py']} (HDF5 {facts['hdf5']})  "
          f"cuda: {facts['cuda']}")
    if "error" in gl:
        print(f"OpenGL: {gl['error']}")
        return 1
    print(f"OpenGL: {gl['renderer']} | {gl['version']}")
    failed = False
    for name in ("tiny", "tiny-nvs"):
        preset = load_preset(name)
        root = out / name
        print(f"== render {name} -> {root}")
        summary = render_dataset(preset, root, workers=args.workers)
        write_card(root, preset)
        print(f"   {len(summary.rendered)} clip(s) rendered, {len(summary.skipped)} already done; "
              f"{summary.frames} frames, {summary.bytes / 1e6:.1f} MB, {summary.seconds:.1f} s")
        faults, _ = verify_path(root)
        for line in faults:
            print(f"   FAIL {line}")
        print(f"   verify: {'OK' if not faults else f'{len(faults)} fault(s)'}; card: {root / 'README.md'}")
        failed |= bool(faults)
    preview = _preview(out / "tiny", out / "preview.png")
    print(f"== preview (LR, HR and every G-buffer of one frame): {preview}")
    _evaluate(out)
    if args.train_seconds > 0:
        _train(out / "tiny", args.train_seconds, out / "train")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 1 if failed else 0


def _evaluate(out: Path) -> None:
    """Score the built-in SR and NVS baselines on the tiny test splits and print the tables."""
    from gameir.evaluation import evaluate_nvs, evaluate_sr, format_table

    for method in ("bicubic", "gbuffer-jbu"):
        summary = evaluate_sr(out / "tiny", "test", method, out=out / "eval" / f"sr-{method}")
        print(f"== eval sr --method {method} (tiny, test split)")
        print(format_table(summary))
    for method in ("nearest-view", "warp"):
        summary = evaluate_nvs(out / "tiny-nvs", "test", method, holdout=(1,), out=out / "eval" / f"nvs-{method}")
        print(f"== eval nvs --method {method} --holdout 1 (tiny-nvs, test split)")
        print(format_table(summary))


def _train(root: Path, seconds: float, run_dir: Path) -> None:
    """Train the small upscaler for ``seconds`` on tiny/train and compare it with bicubic on tiny/test."""
    from gameir.training import train_quick

    print(f"== train a small upscaler for {seconds:.0f} s on {root}/train, score on the test split")
    r = train_quick(root, seconds, out=run_dir)
    print(f"   {r['parameters']} parameters, {r['steps']} steps in {r['seconds']:.0f} s; "
          f"test PSNR {r['psnr_model']:.2f} dB vs bicubic {r['psnr_bicubic']:.2f} dB, "
          f"SSIM {r['ssim_model']:.4f} vs {r['ssim_bicubic']:.4f}")
    if r["beats_bicubic"]:
        print(f"   the model beats bicubic by {r['psnr_model'] - r['psnr_bicubic']:.2f} dB ({run_dir}/model.pt)")
    else:
        print("   the model does NOT beat bicubic within this budget; train longer "
              f"(python loaders/train_sr.py --data {root} --steps 2000 --out runs/tiny)")
