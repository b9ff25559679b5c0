"""End-to-end dataset building: seconds and bytes per LR/HR pair, memory, and where the time goes.

    python benchmarks/bench_pipeline.py                          # gameir-sr, 2 clips x 3 frames + a long clip
    python benchmarks/bench_pipeline.py --clips 4 --frames 6 --long-frames 100 --long-lr 480x360
    python benchmarks/bench_pipeline.py --rounds 0 --long-frames 0 --profile 4   # only the per-stage profile

Part 1, side by side in one run, each configuration in a fresh process: the pure render time (world
build + native LR and HR render + readback of the same clips, nothing written), then `render_dataset`
(what `gameir render` runs) sequential (``in_flight=0``) and overlapped (writer thread, ``in_flight=2``)
with 1 and 2 workers: seconds per pair and peak RSS per render worker (``ru_maxrss``). Part 2 renders
one long clip overlapped at a reduced size and samples the worker's RSS every frame (flat or not).
With ``--profile N``, part 3 splits one worker's time over an N-frame clip stage by stage (see
:func:`profile`).
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


from gameir.pipeline.clip import ClipRenderer
from gameir.pipeline.plan import plan_clips
from gameir.pipeline.presets import load_preset
from gameir.pipeline.run import render_dataset


class StageClock:
    """Seconds per named stage, summed over a run; ``wrap`` times a callable under a name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - t0)
        return timed


def profile(preset, tmp: Path, frames: int) -> dict[str, float]:
    """Per-pair seconds of every stage of one worker rendering one clip sequentially (``in_flight=0``).

    Runs the code ``gameir render`` runs (:meth:`ClipRenderer.render_clip`), with each stage wrapped
    by a timer: every render pass followed by ``ctx.finish()`` (so GL work is charged to its pass),
    readback per buffer (grouped by stored dtype; float16 buffers are converted by the driver),
    the float-buffer NaN/inf check, chunk cutting, byte shuffle, zlib deflate, HDF5 chunk writes, the
    per-frame camera datasets, the shard's close (flush, fsync, rename) and its SHA-256 (the manifest
    entry). Compression runs on this thread (``GAMEIR_THREADS=1``) so the stages add up; what no
    timer covers is reported as Python overhead.
    """
    import gameir.pipeline.clip as clip_mod
    import gameir.render.pair as pair_mod
    import gameir.render.renderer as renderer_mod
    import gameir.shards.chunks as chunks_mod
    import gameir.shards.writer as writer_mod
    from gameir.buffers import get_spec
    from gameir.fileio import sha256_file

    clock = StageClock()
    cr = ClipRenderer(preset)
    for level, renderer in (("lr", cr.lr), ("hr", cr.hr)):
        for render_pass in renderer.passes:
            def run(frame, _run=render_pass.run, _name=f"{level} pass {type(render_pass).__name__}"):
                t0 = time.perf_counter()
                _run(frame)
                frame.core.ctx.finish()
                clock.add(_name, time.perf_counter() - t0)
            render_pass.run = run
        renderer._render = clock.wrap(f"{level} render call", renderer._render)
    original_read = renderer_mod.read_buffers

    def read_buffers(ctx, targets, names):
        out = {}
        level = "hr" if targets.size[0] == cr.hr_size_wh[0] else "lr"
        for name in names:
            t0 = time.perf_counter()
            out.update(original_read(ctx, targets, (name,)))
            clock.add(f"{level} readback {get_spec(name).dtype}", time.perf_counter() - t0)
        return out

    renderer_mod.read_buffers = read_buffers
    pair_mod.collect_draws = clock.wrap("collect draws (scene transforms)", pair_mod.collect_draws)
    clip_mod.build_world = clock.wrap("world build", clip_mod.build_world)
    writer_mod.check_buffer_values = clock.wrap("NaN/inf check of float buffers", writer_mod.check_buffer_values)
    chunks_mod.shuffle_bytes = clock.wrap("byte shuffle (copy)", chunks_mod.shuffle_bytes)
    writer_mod.deflate_chunk = clock.wrap("deflate chunk (shuffle + zlib)", writer_mod.deflate_chunk)
    original_chunks = writer_mod.frame_chunks

    def frame_chunks(array, chunk):
        it = original_chunks(array, chunk)
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                clock.add("cut frames into chunks", time.perf_counter() - t0)
                return
            clock.add("cut frames into chunks", time.perf_counter() - t0)
            yield item

    writer_mod.frame_chunks = frame_chunks
    writer_mod.ShardWriter._write_buffers = clock.wrap("write buffers", writer_mod.ShardWriter._write_buffers)
    writer_mod.ShardWriter.write_frame = clock.wrap("write_frame", writer_mod.ShardWriter.write_frame)
    writer_mod.ShardWriter.close = clock.wrap("shard close (flush, fsync, rename)", writer_mod.ShardWriter.close)
    spec = plan_clips(preset, "test")[0]
    target = tmp / "profile.h5"
    t0 = time.perf_counter()
    cr.render_clip(spec, target, in_flight=0)
    clock.add("clip total", time.perf_counter() - t0)
    t0 = time.perf_counter()
    sha256_file(target)
    clock.add("SHA-256 of the shard (manifest entry)", time.perf_counter() - t0)
    cr.release()
    s = clock.seconds
    readback = {k: v for k, v in s.items() if " readback " in k}
    passes = {k: v for k, v in s.items() if " pass " in k}
    deflate = s["deflate chunk (shuffle + zlib)"]
    out = dict(passes) | readback
    for level in ("lr", "hr"):
        covered = sum(v for k, v in s.items() if k.startswith(f"{level} pass ") or k.startswith(f"{level} readback "))
        out[f"{level} render Python (draw culling, uniforms, Frame)"] = s[f"{level} render call"] - covered
    out["collect draws (scene transforms)"] = s["collect draws (scene transforms)"]
    out["world build"] = s["world build"]
    out["NaN/inf check of float buffers"] = s["NaN/inf check of float buffers"]
    out["cut frames into chunks"] = s["cut frames into chunks"]
    out["byte shuffle (copy)"] = s["byte shuffle (copy)"]
    out["zlib deflate level 1"] = deflate - s["byte shuffle (copy)"]
    out["HDF5 chunk writes (write_direct_chunk)"] = s["write buffers"] - deflate - s["cut frames into chunks"]
    out["camera/time datasets, frame checks"] = (s["write_frame"] - s["write buffers"]
                                                 - s["NaN/inf check of float buffers"])
    out["shard close (flush, fsync, rename)"] = s["shard close (flush, fsync, rename)"]
    out["SHA-256 of the shard (manifest entry)"] = s["SHA-256 of the shard (manifest entry)"]
    covered = (s["lr render call"] + s["hr render call"] + s["collect draws (scene transforms)"] + s["world build"]
               + s["write_frame"] + s["shard close (flush, fsync, rename)"])
    out["Python overhead (loop, camera path, rest)"] = s["clip total"] - covered
    per_pair = {k: v / frames for k, v in out.items()}
    per_pair["total (clip, sequential) + SHA-256"] = (s["clip total"] + s["SHA-256 of the shard (manifest entry)"]) / frames
    per_pair["bytes per pair (MB)"] = target.stat().st_size / frames / 1e6
    return per_pair


def readback_modes(preset, frames: int) -> dict[str, dict[str, float]]:
    """Per-pair seconds with the LR frame read synchronously vs through pixel-buffer objects.

    One clip's frames in one process, the two modes alternating frame by frame (the same frames in
    clip order, so TAA histories are those of a real render): whole pair, LR readback (sync: the
    ``glReadPixels`` calls; pbo: starting the reads + copying them out after the HR frame).
    """
    from gameir.pipeline.clip import path_kind_for
    from gameir.scene.camera import halton_jitter
    from gameir.worlds.build import build_world
    from gameir.worlds.cameras import make_path

    render, clips = preset.section("render"), preset.section("clips")
    w, h = render["lr"]
    cr = ClipRenderer(preset)
    spec = plan_clips(preset, "test")[0]
    world = build_world(spec.family, spec.seed, weather=spec.weather, dynamic=spec.dynamic, detail=render["detail"])
    path = make_path(world, path_kind_for(clips["camera"], spec.family), frames, fps=clips["fps"], width=w, height=h,
                     fov_y_deg=render["fov_y_deg"])
    out = {m: {"pair_s": 0.0, "lr_readback_s": 0.0, "pairs": 0} for m in ("sync", "pbo")}
    prev = None
    for i in range(frames):
        mode = ("sync", "pbo")[i % 2]
        cr.pair.readback = mode
        cam = path.camera(i)
        cam = cam.with_jitter(halton_jitter(i, render["taa_phases"])) if render["jitter"] else cam
        t0 = time.perf_counter()
        cr.pair.render(world.scene, cam, float(path.times_s[i]), dt=1 / clips["fps"], prev_camera=prev or cam,
                       frame_index=i, reset=i == 0)
        out[mode]["pair_s"] += time.perf_counter() - t0
        t = cr.lr.last_timings
        out[mode]["lr_readback_s"] += t["readback_s"] + t.get("collect_s", 0.0)
        out[mode]["pairs"] += 1
        prev = cam
    cr.release()
    return {m: {k: v / r["pairs"] for k, v in r.items() if k != "pairs"} for m, r in out.items()}


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of process ``pid`` (default this one) now, MB."""
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1e3  # Linux: kilobytes


def child(job: dict) -> dict:
    """One configuration, run in this (fresh) process; returns seconds, pairs and peak RSS."""
    preset = load_preset(job["preset"], job["overrides"])
    out = Path(job["out"])
    if job["mode"] == "profile":
        out.mkdir(parents=True, exist_ok=True)
        return {"stages": profile(preset, out, job["frames"])}
    if job["mode"] == "readback":
        return {"modes": readback_modes(preset, job["frames"])}
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
                cam = cam.with_jitter(halton_jitter(i, render["taa_phases"])) if render["jitter"] else cam
                cr.pair.render(world.scene, cam, float(path.times_s[i]), dt=1 / clips["fps"], prev_camera=prev or cam,
                               frame_index=i, reset=i == 0)
                prev, pairs = cam, pairs + 1
        seconds = time.perf_counter() - start
        cr.release()
        cpu = os.times()
        return {"seconds": seconds, "pairs": pairs, "worker_rss_mb": peak_rss_mb(), "cpu_s": cpu.user + cpu.system}
    if job["mode"] == "long":  # one long clip, overlapped, RSS sampled after every frame
        spec = plan_clips(preset, "test")[0]
        cr = ClipRenderer(preset)
        samples: list[float] = []
        writer: list[float] = []

        def sample() -> None:
            samples.append(rss_mb())
            if cr._writer_process is not None and cr._writer_process.pid is not None:
                writer.append(rss_mb(cr._writer_process.pid))

        start = time.perf_counter()
        cr.render_clip(spec, out / "long.h5", on_frame=sample, in_flight=job["in_flight"])
        seconds = time.perf_counter() - start
        cr.release()
        return {"seconds": seconds, "pairs": len(samples), "rss_mb": samples, "writer_rss_mb": writer,
                "worker_rss_mb": peak_rss_mb(), "writer_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN)}
    start = time.perf_counter()
    summary = render_dataset(preset, out, split="test", workers=job["workers"], in_flight=job["in_flight"], quiet=True)
    seconds = time.perf_counter() - start
    # one worker renders in this process (its writer process is a child); with two, the render
    # workers and their writer processes are all descendants: the largest of them is reported
    rss = peak_rss_mb() if job["workers"] == 1 else peak_rss_mb(resource.RUSAGE_CHILDREN)
    writer = peak_rss_mb(resource.RUSAGE_CHILDREN) if job["workers"] == 1 and job["in_flight"] else None
    cpu = os.times()
    return {"seconds": seconds, "pairs": summary.frames, "bytes": summary.bytes, "worker_rss_mb": rss,
            "writer_rss_mb": writer, "cpu_s": cpu.user + cpu.system + cpu.children_user + cpu.children_system}


def run_child(job: dict) -> dict:
    env = os.environ | job.get("env", {})
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)], capture_output=True, text=True,
                          env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"configuration {job} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def side_by_side(args: argparse.Namespace, overrides: list[str], tmp: Path) -> None:
    """Every configuration once per round, rounds alternating, so load changes hit them alike."""
    rows = [("pure render (no writing)", {"mode": "pure", "workers": 1, "in_flight": 0})]
    for workers in (1, 2):
        for label, in_flight in (("sequential", 0), (f"overlapped, {args.in_flight} in flight", args.in_flight)):
            rows.append((f"{label}, {workers} worker(s)", {"mode": "dataset", "workers": workers, "in_flight": in_flight}))
    for nice in [v for v in args.writer_nice.split(",") if v]:  # the overlapped 1-worker run per writer niceness
        rows.append((f"overlapped, 1 worker, writer nice +{nice}",
                     {"mode": "dataset", "workers": 1, "in_flight": args.in_flight,
                      "env": {"GAMEIR_WRITER_NICE": nice}}))
    if args.only:  # keep the pure render (the reference) and the configurations named
        keep = set(args.only.split(","))
        rows = [rows[0]] + [(label, job) for label, job in rows[1:]
                            if f"{'overlapped' if job['in_flight'] else 'sequential'}{job['workers']}" in keep or "env" in job]
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
    print(f"{'configuration':<38} {'s/pair':>7} {'x pure':>7} {'pairs/s':>8} {'MB/pair':>8} {'CPU s/pair':>10} "
          f"{'peak RSS/worker MB':>19} {'writer proc MB':>15}")
    pure = min(r["seconds"] / r["pairs"] for r in results[rows[0][0]])
    for label, _ in rows:
        r = min(results[label], key=lambda r: r["seconds"] / r["pairs"])
        per_pair = r["seconds"] / r["pairs"]
        mb = f"{r['bytes'] / r['pairs'] / 1e6:.1f}" if "bytes" in r else "-"
        rss = max(x["worker_rss_mb"] for x in results[label])
        writer = [x["writer_rss_mb"] for x in results[label] if x.get("writer_rss_mb")]
        writer = f"{max(writer):.0f}" if writer else "-"
        print(f"{label:<38} {per_pair:>7.2f} {per_pair / pure:>7.2f} {r['pairs'] / r['seconds']:>8.2f} {mb:>8} "
              f"{r['cpu_s'] / r['pairs']:>10.2f} {rss:>19.0f} {writer:>15}", flush=True)
    if args.long_frames:
        w, h = (int(v) for v in args.long_lr.split("x"))
        long_overrides = overrides + [f"clips.frames={args.long_frames}", f"render.lr=[{w},{h}]"]
        r = run_child({"mode": "long", "preset": args.preset, "overrides": long_overrides, "workers": 1,
                       "in_flight": args.in_flight, "out": str(tmp / "long")})
        rss = r["rss_mb"]
        marks = sorted({0, 9, len(rss) // 2, len(rss) - 1} & set(range(len(rss))))
        print(f"\nlong clip: {len(rss)} frames at LR {w}x{h} (+ HR x{args.scale_note}), overlapped, "
              f"{r['seconds'] / len(rss):.2f} s/pair; render process RSS after frame " +
              ", ".join(f"{i + 1}: {rss[i]:.0f} MB" for i in marks) +
              f"; peak {r['worker_rss_mb']:.0f} MB; growth frame 10 -> last {rss[-1] - rss[min(9, len(rss) - 1)]:+.0f} MB")
        wr = r["writer_rss_mb"]
        if wr:
            print(f"writer process RSS after frame " + ", ".join(f"{i + 1}: {wr[i]:.0f} MB" for i in marks if i < len(wr))
                  + f"; peak {r['writer_peak_rss_mb']:.0f} MB; growth frame 10 -> last "
                  f"{wr[-1] - wr[min(9, len(wr) - 1)]:+.0f} MB")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(json.loads(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="gameir-sr")
    parser.add_argument("--clips", type=int, default=2, help="test clips (families cycle town, nature, interior)")
    parser.add_argument("--frames", type=int, default=3, help="frames per clip")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of every configuration (best one reported; 0: skip the side-by-side table)")
    parser.add_argument("--in-flight", type=int, default=2, help="frames in flight of the overlapped runs")
    parser.add_argument("--long-frames", type=int, default=100, help="frames of the long clip (0: skip it)")
    parser.add_argument("--long-lr", default="480x360", help="LR size WxH of the long clip (reduced to keep it short)")
    parser.add_argument("--profile", type=int, default=0, metavar="FRAMES",
                        help="also profile one worker stage by stage over a clip of FRAMES frames (0: skip)")
    parser.add_argument("--writer-nice", default="", metavar="N,M",
                        help="also the overlapped 1-worker run with these writer-process niceness values")
    parser.add_argument("--only", default="", metavar="CONFIGS",
                        help="side by side only these besides the pure render, e.g. overlapped1,sequential1")
    parser.add_argument("--readback", type=int, default=0, metavar="PAIRS",
                        help="also compare sync and PBO readback over PAIRS pairs per mode (0: skip)")
    parser.add_argument("--override", action="append", default=[])
    args = parser.parse_args()
    overrides = [f"clips.frames={args.frames}", f"splits.test.clips={args.clips}"] + args.override
    preset = load_preset(args.preset, overrides)
    w, h = preset.section("render")["lr"]
    s = args.scale_note = preset.section("render")["scale"]
    print(f"preset {preset.name}: LR {w}x{h} + HR {w * s}x{h * s} (HR aa={preset.section('render')['aa_hr']}"
          f"{', ssaa=' + str(preset.section('render')['ssaa']) if preset.section('render')['aa_hr'] == 'ssaa' else ''}), {args.clips} clips x {args.frames} frames, every buffer, "
          f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.rounds:
            side_by_side(args, overrides, tmp)
            print(f"load average after: {os.getloadavg()[0]:.2f}")
        if args.readback:
            r = run_child({"mode": "readback", "preset": args.preset, "overrides": overrides, "out": str(tmp / "rb"),
                           "frames": 2 * args.readback})
            print(f"\nLR readback, {args.readback} pairs per mode alternating (load average {os.getloadavg()[0]:.2f})")
            print(f"{'mode':<44} {'s/pair':>7} {'LR readback s':>14}")
            for mode, label in (("sync", "sync (glReadPixels into numpy)"),
                                ("pbo", "pbo (queued, copied out after the HR frame)")):
                v = r["modes"][mode]
                print(f"{label:<44} {v['pair_s']:>7.3f} {v['lr_readback_s']:>14.4f}")
        if not args.profile:
            return
        frames = args.profile
        r = run_child({"mode": "profile", "preset": args.preset, "overrides": overrides + [f"clips.frames={frames}"],
                       "out": str(tmp / "profile"), "frames": frames,
                       "env": {"GAMEIR_THREADS": "1", "LP_NUM_THREADS": str(os.cpu_count())}})
    b = r["stages"]
    print(f"\none worker, one {frames}-frame clip, sequential, compression on the writer's thread "
          f"(GAMEIR_THREADS=1, LP_NUM_THREADS={os.cpu_count()}); load average after: {os.getloadavg()[0]:.2f}")
    print(f"{'stage, per pair':<58} {'seconds':>8}")
    for label, v in b.items():
        print(f"{label:<58} {v:>8.3f}")

if __name__ == "__main__":
    main()
