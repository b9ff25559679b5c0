"""Score several SR methods on one split with one protocol and print them side by side.

    python eval/run_sr.py --data data/gameir-sr --protocol gameir-sr-x2 \
        --methods nearest,bicubic,lanczos,gbuffer-jbu --out runs/sr
    python eval/run_sr.py --data data/gameir-sr --methods bicubic,spandrel:RealESRGAN_x2plus.pth

Each method's full reports (frames.csv, summary.json, report.md, worst/) go to OUT/<method>/;
the printed table has one row per method (overall PSNR / SSIM / FLIP, and the warping errors when the
protocol sets temporal). Same library call as `gameir eval sr` (gameir.evaluation.evaluate_sr).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from gameir.evaluation import evaluate_sr, load_protocol, protocol_line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="dataset root")
    parser.add_argument("--protocol", default="gameir-sr-x2",
                        help="shipped protocol name or protocol .json file (default: %(default)s)")
    parser.add_argument("--methods", default="nearest,bilinear,bicubic,lanczos,gbuffer-jbu",
                        help="comma-separated --method values (default: %(default)s)")
    parser.add_argument("--out", help="output folder (one sub-folder per method)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--max-frames", type=int, help="first N frames only (quick look)")
    args = parser.parse_args()
    proto = load_protocol(args.protocol, "sr")
    name = proto.pop("name", "custom")
    proto.pop("task", None)
    split = proto.pop("split", "test")
    rows = []
    summary = None
    for method in args.methods.split(","):
        out = None if args.out is None else Path(args.out) / re.sub(r"[^A-Za-z0-9_.-]+", "_", method)
        summary = evaluate_sr(args.data, split, method, device=args.device, out=out, max_frames=args.max_frames,
                              protocol_name=name, quiet=False, **proto)
        o, t = summary["overall"], summary.get("optional", {}).get("overall", {})
        rows.append((method, o["psnr"], o["ssim"], o["flip"], t.get("warp_mse"), t.get("warp_mse_gt"), o["count"],
                     summary["images_per_s"]))
    print(protocol_line(summary["protocol"], summary["dataset"]))
    print("\n| method | PSNR (dB) | SSIM | FLIP | warp MSE (pred) | warp MSE (GT) | frames | frames/s |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|")
    for m, p, s, f, w, wg, n, fps in rows:
        fmt = lambda v: "-" if v is None else f"{v:.3e}"
        print(f"| {m} | {p:.3f} | {s:.4f} | {f:.4f} | {fmt(w)} | {fmt(wg)} | {n} | {fps:.2f} |")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except (ValueError, FileNotFoundError, FileExistsError, ImportError) as exc:  # one line, as `gameir eval`
        print(f"{Path(__file__).name}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
