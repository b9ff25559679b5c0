"""Score the NVS baselines (and any other methods) on one split with one protocol, side by side.

    python eval/run_nvs.py --data data/tiny-nvs --protocol gameir-nvs-holdout-1-3 \
        --methods nearest-view,warp,folder:renders/ --out runs/nvs

Same library call as `gameir eval nvs` (gameir.evaluation.evaluate_nvs); one row per method.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from gameir.evaluation import evaluate_nvs, load_protocol, protocol_line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="dataset root with nvs clips")
    parser.add_argument("--protocol", default="gameir-nvs-holdout-1-3",
                        help="shipped protocol name or protocol .json file (default: %(default)s)")
    parser.add_argument("--methods", default="nearest-view,warp", help="comma-separated --method values")
    parser.add_argument("--out", help="output folder (one sub-folder per method)")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    proto = load_protocol(args.protocol, "nvs")
    name = proto.pop("name", "custom")
    proto.pop("task", None)
    split = proto.pop("split", "test")
    rows, summary = [], None
    for method in args.methods.split(","):
        out = None if args.out is None else Path(args.out) / re.sub(r"[^A-Za-z0-9_.-]+", "_", method)
        summary = evaluate_nvs(args.data, split, method, device=args.device, out=out, protocol_name=name,
                               quiet=False, **proto)
        o = summary["overall"]
        rows.append((method, o["psnr"], o["ssim"], o["count"], summary["images_per_s"]))
    print(protocol_line(summary["protocol"], summary["dataset"]))
    print("\n| method | PSNR (dB) | SSIM | images | images/s |\n|---|---:|---:|---:|---:|")
    for m, p, s, n, ips in rows:
        print(f"| {m} | {p:.3f} | {s:.4f} | {n} | {ips:.2f} |")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except (ValueError, FileNotFoundError, FileExistsError, ImportError) as exc:  # one line, as `gameir eval`
        print(f"{Path(__file__).name}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
