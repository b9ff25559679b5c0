"""End-to-end dataset building: seconds and bytes per LR/HR pair, memory, and where the time goes.

    python benchmarks/bench_pipeline.py                          # gameir-sr, 2 clips x 3 frames + a long clip
    python benchmarks/bench_pipeline.py --clips 4 --frames 6 --long-frames 100 --long-lr 480x360
    python benchmarks/bench_pipeline.py --breakdown              # also the per-stage split and PNG comparison

Part 1, side by side in one run, each configuration in a fresh process: the pure render time (world
build + native LR and HR render + readback of the same clips, nothing written), then `render_dataset`
(what `gameir render` runs) sequential (``in_flight=0``) and overlapped (writer thread, ``in_flight=2``)
with 1 and 2 workers: seconds per pair and peak RSS per render worker (``ru_maxrss``). Part 2 renders
one long clip overlapped at a reduced size and samples the worker's RSS every frame (flat or not).
With ``--breakdown``, part 3 splits one worker's time into world build, GL passes, readback,
compression + HDF5 write, and compares storage with PNG files and native LR with bicubic-from-HR.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
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


def rss_mb() -> float:
    """Resident set size of this process now, MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1e3  # Linux: kilobytes


def child(job: dict) -> dict:
    """One configuration, run in this (fresh) process; returns seconds, pairs and peak RSS."""
    preset = load_preset(job["preset"], job["overrides"])
    out = Path(job["out"])
    if job["mode"] == "pure":  # the same clips, rendered and read back, nothing written
        from gameir.pipeline.clip import path_kind_for
        from gameir.scene.camera import halton_jitter
        from gameir.worlds.build import build_world
        from gameir.worlds.cameras import make_path

        render, clips = preset.section("render"), preset.section("clips")
        w, h = render["lr"]
        cr = ClipRenderer(preset)
        start, pairs = time.perf_counter(), 0
        for spec in plan_clips(preset, "test"):
            world = build_world(spec.family, spec.seed, weather=spec.weather, dynamic=spec.dynamic,
                                detail=render["detail"])
            path = make_path(world, path_kind_for(clips["camera"], spec.family), clips["frames"], fps=clips["fps"],
                             width=w, height=h, fov_y_deg=render["fov_y_deg"])
            prev = None
            for i in range(clips["frames"]):
                cam = path.camera(i)
                cam = cam.with_jitter(halton_jitter(i)) if render["jitter"] else cam
                cr.pair.render(world.scene, cam, float(path.times_s[i]), dt=1 / clips["fps"], prev_camera=prev or cam)
                prev, pairs = cam, pairs + 1
        seconds = time.perf_counter() - start
        cr.release()
        return {"seconds": seconds, "pairs": pairs, "worker_rss_mb": peak_rss_mb()}
    if job["mode"] == "long":  # one long clip, overlapped, RSS sampled after every frame
        spec = plan_clips(preset, "test")[0]
        cr = ClipRenderer(preset)
        samples: list[float] = []
        start = time.perf_counter()
        cr.render_clip(spec, out / "long.h5", on_frame=lambda: samples.append(rss_mb()), in_flight=job["in_flight"])
        seconds = time.perf_counter() - start
        cr.release()
        return {"seconds": seconds, "pairs": len(samples), "rss_mb": samples, "worker_rss_mb": peak_rss_mb()}
    start = time.perf_counter()
    summary = render_dataset(preset, out, split="test", workers=job["workers"], in_flight=job["in_flight"], quiet=True)
    seconds = time.perf_counter() - start
    rss = peak_rss_mb() if job["workers"] == 1 else peak_rss_mb(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "pairs": summary.frames, "bytes": summary.bytes, "worker_rss_mb": rss}


def run_child(job: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"configuration {job} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def side_by_side(args: argparse.Namespace, overrides: list[str], tmp: Path) -> None:
    """Every configuration once per round, rounds alternating, so load changes hit them alike."""
    rows = [("pure render (no writing)", {"mode": "pure", "workers": 1, "in_flight": 0})]
    for workers in (1, 2):
        for label, in_flight in (("sequential", 0), (f"overlapped, {args.in_flight} in flight", args.in_flight)):
            rows.append((f"{label}, {workers} worker(s)", {"mode": "dataset", "workers": workers, "in_flight": in_flight}))
    results: dict[str, list[dict]] = {label: [] for label, _ in rows}
    for round_ in range(args.rounds):
        for n, (label, job) in enumerate(rows):
            job = job | {"preset": args.preset, "overrides": overrides, "out": str(tmp / f"run{n}")}
            r = run_child(job)
            r["load"] = os.getloadavg()[0]
            results[label].append(r)
            print(f"  round {round_ + 1}: {label:<38} {r['seconds'] / r['pairs']:.2f} s/pair (load {r['load']:.2f})",
                  flush=True)
            shutil.rmtree(job["out"], ignore_errors=True)
    print(f"\nbest of {args.rounds} round(s) per configuration")
    print(f"{'configuration':<38} {'s/pair':>7} {'x pure':>7} {'pairs/s':>8} {'MB/pair':>8} {'peak RSS/worker MB':>19}")
    pure = min(r["seconds"] / r["pairs"] for r in results[rows[0][0]])
    for label, _ in rows:
        r = min(results[label], key=lambda r: r["seconds"] / r["pairs"])
        per_pair = r["seconds"] / r["pairs"]
        mb = f"{r['bytes'] / r['pairs'] / 1e6:.1f}" if "bytes" in r else "-"
        rss = max(x["worker_rss_mb"] for x in results[label])
        print(f"{label:<38} {per_pair:>7.2f} {per_pair / pure:>7.2f} {r['pairs'] / r['seconds']:>8.2f} {mb:>8} "
              f"{rss:>19.0f}", flush=True)
    if args.long_frames:
        w, h = (int(v) for v in args.long_lr.split("x"))
        long_overrides = overrides + [f"clips.frames={args.long_frames}", f"render.lr=[{w},{h}]"]
        r = run_child({"mode": "long", "preset": args.preset, "overrides": long_overrides, "workers": 1,
                       "in_flight": args.in_flight, "out": str(tmp / "long")})
        rss = r["rss_mb"]
        marks = sorted({0, 9, len(rss) // 2, len(rss) - 1} & set(range(len(rss))))
        print(f"\nlong clip: {len(rss)} frames at LR {w}x{h} (+ HR x{args.scale_note}), overlapped, "
              f"{r['seconds'] / len(rss):.2f} s/pair; RSS after frame " +
              ", ".join(f"{i + 1}: {rss[i]:.0f} MB" for i in marks) +
              f"; peak {r['worker_rss_mb']:.0f} MB; growth frame 10 -> last {rss[-1] - rss[min(9, len(rss) - 1)]:+.0f} MB")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(json.loads(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="gameir-sr")
    parser.add_argument("--clips", type=int, default=2, help="test clips (families cycle town, nature, interior)")
    parser.add_argument("--frames", type=int, default=3, help="frames per clip")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every configuration (best one reported)")
    parser.add_argument("--in-flight", type=int, default=2, help="frames in flight of the overlapped runs")
    parser.add_argument("--long-frames", type=int, default=100, help="frames of the long clip (0: skip it)")
    parser.add_argument("--long-lr", default="480x360", help="LR size WxH of the long clip (reduced to keep it short)")
    parser.add_argument("--breakdown", action="store_true", help="also the per-stage split and storage comparison")
    parser.add_argument("--override", action="append", default=[])
    args = parser.parse_args()
    overrides = [f"clips.frames={args.frames}", f"splits.test.clips={args.clips}"] + args.override
    preset = load_preset(args.preset, overrides)
    w, h = preset.section("render")["lr"]
    s = args.scale_note = preset.section("render")["scale"]
    print(f"preset {preset.name}: LR {w}x{h} + HR {w * s}x{h * s} (HR aa={preset.section('render')['aa_hr']}, "
          f"ssaa={preset.section('render')['ssaa']}), {args.clips} clips x {args.frames} frames, every buffer, "
          f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        side_by_side(args, overrides, tmp)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        if not args.breakdown:
            return
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
