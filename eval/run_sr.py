"""Score several SR methods on one split with one protocol and print them side by side.

    python eval/run_sr.py --data data/gameir-sr --protocol gameir-sr-x2 \
        --methods nearest,bicubic,lanczos,gbuffer-jbu --out runs/sr
    python eval/run_sr.py --data data/gameir-sr --methods bicubic,spandrel:RealESRGAN_x2plus.pth

Each method's full reports (frames.csv, summary.json, report.md, worst/) go to OUT/<method>/;
the printed table has one row per method (overall PSNR / SSIM / FLIP, and the warping errors when the
protocol sets temporal). Same library call as `gameir eval sr` (gameir.evaluation.evaluate_sr).
"""

from __future__ import annotations

import _compare
from gameir.evaluation import evaluate_sr


def main() -> int:
    parser = _compare.build_parser(__doc__, data_help="dataset root", protocol="gameir-sr-x2",
                                   methods="nearest,bilinear,bicubic,lanczos,gbuffer-jbu")
    parser.add_argument("--max-frames", type=int, help="first N frames only (quick look)")
    args = parser.parse_args()
    summaries = _compare.score_methods(evaluate_sr, "sr", args, max_frames=args.max_frames)
    _compare.print_table(summaries, ("psnr", "ssim", "flip", "warp_mse", "warp_mse_gt", "count", "images_per_s"),
                         "frames")
    return 0


if __name__ == "__main__":
    _compare.run(main, __file__)
