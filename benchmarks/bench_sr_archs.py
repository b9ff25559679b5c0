"""Frames/s of `gameir eval sr` for each `loaders/train_sr.py --arch` on 1920x1440 frames (x2 from 960x720).

Writes a synthetic dataset (every buffer, LR 960x720, HR 1920x1440, --frames per split), trains each
architecture for --steps steps (the weights do not matter for speed), then runs `gameir eval sr` on
the test split (--frames frames, whole-frame inference unless --tile) and prints one table row per
architecture: parameters, seconds, frames/s and the 1-minute load average before and after (the
reference machine is a shared 2-core CPU). All architectures run one after another in one sitting,
so their ratios are comparable; `uptime` is printed at the start and the end. With --gbuffers the
networks take those G-buffers after RGB (the sidecar makes `gameir eval sr` load and feed them).

Run (needs spandrel for the non-compact architectures):
    python benchmarks/bench_sr_archs.py --workdir /tmp/gameir-archs
    python benchmarks/bench_sr_archs.py --archs compact,rrdb-small --frames 1 --tile 240
    nice -n 10 python benchmarks/bench_sr_archs.py --frames 1 --gbuffers depth,normal
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", default="/tmp/gameir-archs")
    ap.add_argument("--archs", default="compact,edsr-baseline,rrdb-small,rcan-small,swinir-light")
    ap.add_argument("--gbuffers", default="", help="comma-separated G-buffers after RGB (e.g. depth,normal); empty: RGB")
    ap.add_argument("--frames", type=int, default=2, help="frames per split (and scored)")
    ap.add_argument("--steps", type=int, default=2, help="training steps before timing")
    ap.add_argument("--tile", type=int, default=None, help="LR tile size for `gameir eval sr --tile`")
    args = ap.parse_args()

    from gameir.shards.synthetic import write_synthetic_dataset

    work = Path(args.workdir)
    data = work / "data"
    if not (data / "manifest.json").is_file():
        write_synthetic_dataset(data, frames=args.frames, lr_shape_hw=(720, 960), scale=2)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, data {data} (LR 960x720 -> HR 1920x1440), "
          f"G-buffers: {args.gbuffers or 'none (RGB)'}")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
    print("| arch | G-buffers | input channels | parameters | frames | seconds | frames/s | load before | load after |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for arch in args.archs.split(","):
        run = work / (arch + ("-" + args.gbuffers.replace(",", "-") if args.gbuffers else ""))
        train = [sys.executable, str(REPO / "loaders" / "train_sr.py"), "--data", str(data), "--out", str(run),
                 "--arch", arch, "--steps", str(args.steps), "--batch-size", "2", "--patch", "32",
                 "--val-frames", "1", "--val-every", "0", "--device", "cpu", "--quiet", "--gbuffers", args.gbuffers]
        if not (run / "summary.json").is_file():
            subprocess.run(train, check=True, env=env, capture_output=True, text=True)
        params = json.loads((run / "summary.json").read_text())["parameters"]
        method = f"torchscript:{run / 'model.pt'}" if arch == "compact" else f"spandrel:{run / 'model.pth'}"
        cmd = [sys.executable, "-m", "gameir", "eval", "sr", "--data", str(data), "--method", method, "--device", "cpu",
               "--max-frames", str(args.frames), "--worst", "0", "--quiet", "--out", str(run / "eval")]
        if args.tile:
            cmd += ["--tile", str(args.tile)]
        before = os.getloadavg()[0]
        subprocess.run(cmd, check=True, env=env, capture_output=True, text=True)
        after = os.getloadavg()[0]
        s = json.loads((run / "eval" / "summary.json").read_text())
        info = s.get("method_info", {})
        channels = info.get("input_channels") or 3 + len(info.get("config", {}).get("aux_channels", []))
        print(f"| {arch} | {args.gbuffers or '-'} | {channels} | {params} | {s['overall']['count']} | {s['seconds']:.1f} | "
              f"{s['images_per_s']:.3f} | {before:.1f} | {after:.1f} |", flush=True)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
