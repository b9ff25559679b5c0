"""End-to-end dataset building: seconds and bytes per LR/HR pair, and where the time goes.

    python benchmarks/bench_pipeline.py                          # gameir-sr, 2 clips x 4 frames
    python benchmarks/bench_pipeline.py --preset sr-16x9 --frames 6 --clips 3

Part 1 times `gameir render PRESET` (world build, native LR + HR render, readback, compression,
I/O) with --workers 1 and --workers 2. Part 2 renders the same clips in-process and splits one
worker's time into world build, GPU passes, readback, compression + HDF5 write; and compares the
storage with the usual alternative (PNG files per frame and buffer, as BasicSR folders hold them),
and native LR rendering with the pseudo-pair alternative (bicubic-downscaled HR).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from gameir.pipeline.clip import ClipRenderer
from gameir.pipeline.plan import plan_clips
from gameir.pipeline.presets import load_preset
from gameir.pipeline.run import render_dataset
from gameir.shards import Codec, ShardWriter


def run_cli(preset, out: Path, workers: int) -> tuple[float, int, int]:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    summary = render_dataset(preset, out, split="test", workers=workers, quiet=True)
    return time.perf_counter() - start, summary.frames, summary.bytes


def breakdown(preset, tmp: Path) -> dict[str, float]:
    """Per-pair seconds of each stage for the preset's test clips, in one process."""
    from gameir.worlds.build import build_world

    render = preset.section("render")
    cr = ClipRenderer(preset)
    times = dict(world=0.0, render_lr=0.0, readback_lr=0.0, render_hr=0.0, readback_hr=0.0, write_gzip=0.0,
                 write_none=0.0, write_png=0.0, hr_bicubic_lr=0.0)
    sizes = dict(h5=0, png=0)
    pairs = 0
    for spec in plan_clips(preset, "test"):
        t0 = time.perf_counter()
        world = build_world(spec.family, spec.seed, weather=spec.weather, dynamic=spec.dynamic, detail=render["detail"])
        times["world"] += time.perf_counter() - t0
        from gameir.pipeline.clip import path_kind_for
        from gameir.worlds.cameras import make_path

        w, h = render["lr"]
        s = render["scale"]
        clips = preset.section("clips")
        path = make_path(world, path_kind_for(clips["camera"], spec.family), clips["frames"], fps=clips["fps"],
                         width=w, height=h, fov_y_deg=render["fov_y_deg"])
        frames = []
        for i in range(clips["frames"]):
            cam = path.camera(i)
            lr = cr.lr.render(world.scene, cam, float(path.times_s[i]), dt=1 / clips["fps"])
            times["render_lr"] += cr.lr.last_timings["render_s"]
            times["readback_lr"] += cr.lr.last_timings["readback_s"]
            hr = cr.hr.render(world.scene, cam.scaled(s, jitter=False), float(path.times_s[i]), dt=1 / clips["fps"])
            times["render_hr"] += cr.hr.last_timings["render_s"]
            times["readback_hr"] += cr.hr.last_timings["readback_s"]
            t0 = time.perf_counter()
            cv2.resize(hr.buffers["rgb"], (w, h), interpolation=cv2.INTER_CUBIC)
            times["hr_bicubic_lr"] += time.perf_counter() - t0
            frames.append({"lr": lr, "hr": hr})
            pairs += 1
        for codec in ("gzip:1", "none"):
            target = tmp / f"{spec.clip_id}-{codec.replace(':', '')}.h5"
            t0 = time.perf_counter()
            with ShardWriter(target, shapes_hw={"lr": (h, w), "hr": (h * s, w * s)}, buffers=cr.buffers,
                             clip_id=spec.clip_id, codec=Codec.parse(codec)) as writer:
                for fs in frames:
                    writer.write_frame(fs)
            times["write_gzip" if codec == "gzip:1" else "write_none"] += time.perf_counter() - t0
            if codec == "gzip:1":
                sizes["h5"] += target.stat().st_size
        t0 = time.perf_counter()
        for i, fs in enumerate(frames):
            for level, fr in fs.items():
                for name, arr in fr.buffers.items():
                    folder = tmp / "png" / spec.clip_id / level / name
                    folder.mkdir(parents=True, exist_ok=True)
                    if arr.dtype == np.uint8 or arr.dtype == np.uint16:
                        img = arr
                    elif name == "depth":  # 16-bit millimetres, as BasicSR-style folders store depth
                        img = np.clip(np.nan_to_num(arr, posinf=0) * 1000, 0, 65535).astype(np.uint16)
                    else:  # float16 vectors: 16-bit fixed point per channel
                        img = np.clip((arr.astype(np.float32) + 64) * 512, 0, 65535).astype(np.uint16)
                    if img.ndim == 3 and img.shape[2] == 2:
                        img = np.dstack([img, np.zeros_like(img[..., :1])])
                    cv2.imwrite(str(folder / f"{i:08d}.png"), img)
        times["write_png"] += time.perf_counter() - t0
        sizes["png"] += sum(p.stat().st_size for p in (tmp / "png" / spec.clip_id).rglob("*.png"))
    cr.release()
    per_pair = {k: v / pairs for k, v in times.items()}
    per_pair["compression"] = per_pair["write_gzip"] - per_pair["write_none"]
    per_pair["mb_h5"] = sizes["h5"] / pairs / 1e6
    per_pair["mb_png"] = sizes["png"] / pairs / 1e6
    return per_pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="gameir-sr")
    parser.add_argument("--clips", type=int, default=2, help="test clips (families cycle town, nature, interior)")
    parser.add_argument("--frames", type=int, default=4, help="frames per clip")
    parser.add_argument("--override", action="append", default=[])
    args = parser.parse_args()
    preset = load_preset(args.preset, [f"clips.frames={args.frames}", f"splits.test.clips={args.clips}"] + args.override)
    w, h = preset.section("render")["lr"]
    s = preset.section("render")["scale"]
    print(f"preset {preset.name}: LR {w}x{h} + HR {w * s}x{h * s} (HR aa={preset.section('render')['aa_hr']}, "
          f"ssaa={preset.section('render')['ssaa']}), {args.clips} clips x {args.frames} frames, every buffer\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{'end to end (gameir render)':<34} {'s/pair':>8} {'pairs/s':>8} {'MB/pair':>8}")
        for workers in (1, 2):
            secs, frames, nbytes = run_cli(preset, tmp / f"w{workers}", workers)
            print(f"{f'--workers {workers}':<34} {secs / frames:>8.2f} {frames / secs:>8.2f} {nbytes / frames / 1e6:>8.1f}",
                  flush=True)
        b = breakdown(preset, tmp)
    print(f"\n{'one worker, per pair':<34} {'seconds':>8}")
    rows = [("world build (amortised)", b["world"]), ("LR render (GPU passes)", b["render_lr"]),
            ("LR readback", b["readback_lr"]), ("HR render (GPU passes)", b["render_hr"]),
            ("HR readback (+SSAA downsample)", b["readback_hr"]), ("compression (gzip:1 - none)", b["compression"]),
            ("HDF5 write without compression", b["write_none"])]
    for label, v in rows:
        print(f"{label:<34} {v:>8.3f}")
    print(f"\n{'storage of one pair, every buffer':<34} {'seconds':>8} {'MB':>8}")
    print(f"{'ours: HDF5 shard, gzip:1':<34} {b['write_gzip']:>8.3f} {b['mb_h5']:>8.1f}")
    print(f"{'alternative: PNG files (16-bit)':<34} {b['write_png']:>8.3f} {b['mb_png']:>8.1f}")
    print(f"\n{'getting the LR frame':<34} {'seconds':>8}")
    print(f"{'ours: native LR render + readback':<34} {b['render_lr'] + b['readback_lr']:>8.3f}")
    print(f"{'alternative: bicubic from HR rgb':<34} {b['hr_bicubic_lr']:>8.3f}")


if __name__ == "__main__":
    main()
