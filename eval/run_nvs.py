"""Score the NVS baselines (and any other methods) on one split with one protocol, side by side.

    python eval/run_nvs.py --data data/tiny-nvs --protocol gameir-nvs-holdout-1-3 \
        --methods nearest-view,warp,folder:renders/ --out runs/nvs

Same library call as `gameir eval nvs` (gameir.evaluation.evaluate_nvs); one row per method.
"""

from __future__ import annotations

import _compare
from gameir.evaluation import evaluate_nvs


def main() -> int:
    parser = _compare.build_parser(__doc__, data_help="dataset root with nvs clips", protocol="gameir-nvs-holdout-1-3",
                                   methods="nearest-view,warp")
    args = parser.parse_args()
    summaries = _compare.score_methods(evaluate_nvs, "nvs", args)
    _compare.print_table(summaries, ("psnr", "ssim", "count", "images_per_s"), "images")
    return 0


if __name__ == "__main__":
    _compare.run(main, __file__)
