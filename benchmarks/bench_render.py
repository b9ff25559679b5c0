"""Renderer benchmark: time per native LR+HR pair (960x720 + 1920x1440) with every G-buffer.

Standard scene (~100k triangles, sun shadows): a textured ground, instanced spheres, boxes and
cylinders. Prints one table: our pair (render vs readback split, Mpixel/s, triangles/s) beside
the usual alternatives: reading back with ``fbo.read()`` + numpy channel slicing, and making LR by
resizing HR (cv2 INTER_AREA), which is what "synthetic LR" datasets do (shown for cost only: it is
not a native LR frame).

    python benchmarks/bench_render.py            # 960x720 + 1920x1440, 5 timed pairs
    python benchmarks/bench_render.py --lr 480 360 --pairs 3
    python benchmarks/bench_render.py --readback  # readback methods at 1920x1440
    python benchmarks/bench_render.py --ssaa 2    # SSAA HR frame: GL-side resolve vs numpy downsampling
    python benchmarks/bench_render.py --post      # post chain: one-sample pair vs + SSAO + bloom, ...
    python benchmarks/bench_render.py --aa        # one LR frame: one sample vs TAA vs SSAA 4x4
    python benchmarks/bench_render.py --profile   # ms per pass (GL finished after each) of those modes and chains
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from gameir.render import PairRenderer, Renderer, gl_info
from gameir.scene.camera import halton_jitter
from gameir.scene import (
    Camera, DirectionalLight, Environment, Instance, Material, Scene, box, checker_texture, compose, cylinder,
    look_at, noise_texture, plane, rotate, sphere, translate,
)


def standard_scene(seed: int = 0) -> Scene:
    """~100k triangles: ground (2k), 80 instanced spheres (960 each), 400 boxes, 100 cylinders."""
    rng = np.random.default_rng(seed)
    scene = Scene(name="bench-100k", environment=Environment(fog_density=0.01, fog_height_falloff=0.05))
    ground_tex = checker_texture(256, 32)
    scene.add(Instance(plane(120, 120, uv_scale=24, segments=32), Material(base_color_texture=ground_tex, roughness=0.8),
                       np.eye(4), semantic=1))
    ball = sphere(1.0, 32, 16)
    cube, pole = box((1, 1, 1)), cylinder(0.5, 1.0, 48)
    mats = [Material(base_color=tuple(rng.uniform(0.1, 0.9, 3)) + (1.0,), roughness=float(rng.uniform(0.2, 0.9)),
                     metallic=float(rng.integers(0, 2))) for _ in range(6)]
    noisy = Material(base_color_texture=noise_texture(128, rng), roughness=0.6)
    for k in range(80):
        x, y = rng.uniform(-30, 30), rng.uniform(5, 60)
        r = rng.uniform(0.4, 1.5)
        scene.add(Instance(ball, mats[k % 6], translate(x, y, r) @ np.diag([r, r, r, 1.0]), semantic=21,
                           instance_id=k + 1))
    for k in range(400):
        x, y = rng.uniform(-40, 40), rng.uniform(2, 70)
        s = rng.uniform(0.5, 3.0, 3)
        scene.add(Instance(cube, noisy if k % 2 else mats[k % 6],
                           compose(translate(x, y, s[2] / 2), rotate((0, 0, 1), rng.uniform(0, 90)),
                                   np.diag([*s, 1.0])), semantic=3, instance_id=100 + k))
    for k in range(100):
        x, y = rng.uniform(-40, 40), rng.uniform(2, 70)
        scene.add(Instance(pole, mats[k % 6], translate(x, y, 0) @ np.diag([0.3, 0.3, 6.0, 1.0]), semantic=6))
    scene.add(DirectionalLight(direction=(0.4, 0.5, -0.75), intensity=3.0))
    return scene


def standard_camera(w: int, h: int, k: int, *, jitter: bool = False) -> Camera:
    """Frame ``k`` of the benchmark's clip over :func:`standard_scene`: the camera slides 5 cm right
    and 10 cm forward per frame; ``jitter`` adds Halton(2, 3) phase ``k`` (the TAA sequence)."""
    c2w = look_at([0.0, -8.0, 6.0], [0.0, 30.0, 0.0])
    c2w[:3, 3] += [0.05 * k, 0.1 * k, 0.0]
    cam = Camera(w, h, c2w, fov_y_deg=60.0)
    return cam.with_jitter(halton_jitter(k)) if jitter else cam


def _cpu_s() -> float:
    """CPU seconds of this process, llvmpipe's rasteriser threads included."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _print_versus_first(labels: list[str], times: list[list[float]], cpus: list[list[float]], *, what: str,
                        unit: str, versus: str) -> None:
    """One row per label: median wall and CPU seconds, each as a percentage over the first row's."""
    base, base_cpu = float(np.median(times[0])), float(np.median(cpus[0]))
    width = max(len(label) for label in labels) + 2
    print(f"{what:{width}s} {unit:>8s} {versus:>13s} {'CPU-s':>6s} {versus:>13s}")
    for label, row, cpu in zip(labels, times, cpus):
        med, med_cpu = float(np.median(row)), float(np.median(cpu))
        print(f"{label:{width}s} {med:8.3f} {100 * (med / base - 1):+12.0f}% {med_cpu:6.3f} "
              f"{100 * (med_cpu / base_cpu - 1):+12.0f}%")


def _naive_readback(renderer) -> float:
    """Time of the textbook readback: fbo.read() -> bytes -> numpy, 4-channel targets sliced to 3."""
    core, tg = renderer._core, renderer._targets
    t0 = time.perf_counter()
    with core.ctx:
        for name, tex in tg.tex.items():
            if name in ("ldr", "final") and tex is not tg.output:
                continue
            dtype = {"f1": np.uint8, "f2": np.float16, "f4": np.float32, "u1": np.uint8, "u2": np.uint16}[tex.dtype]
            arr = np.frombuffer(tex.read(), dtype).reshape(tex.height, tex.width, tex.components)[::-1]
            if tex.components == 4:
                np.ascontiguousarray(arr[..., :3])
            else:
                np.ascontiguousarray(arr)
    return time.perf_counter() - t0


def readback_table(width: int, height: int, repeats: int = 5) -> None:
    """Time ways of reading one frame's attachments back on this driver (prints a table)."""
    from gameir.render.context import create_context
    from gameir.render.readback import read_buffers
    from gameir.render.targets import Targets

    ctx = create_context()
    tg = Targets(ctx, width, height, fxaa=False, msaa_samples=0)
    tg.gbuffer.clear(0.3, 0.5, 0.7, 1.0)
    tg.lit.clear(0.3, 0.5, 0.7, 1.0)
    ctx.finish()
    names = ("rgb", "hdr", "depth", "normal", "basecolor", "material", "semantic", "instance", "motion")

    def timed(fn) -> float:
        fn()
        t0 = time.perf_counter()
        for _ in range(repeats):
            fn()
        return (time.perf_counter() - t0) / repeats

    n4 = np.empty((height, width, 4), np.float16)
    n3 = np.empty((height, width, 3), np.float16)
    pbo = ctx.buffer(reserve=width * height * 8)

    pbos = [ctx.buffer(reserve=t.width * t.height * t.components * 4) for t in tg.tex.values()]
    outs = [np.empty(t.width * t.height * t.components * 4, np.uint8) for t in tg.tex.values()]

    def pbo_all() -> None:  # "overlapped": queue every attachment into PBOs first, then map them
        for t, b in zip(tg.tex.values(), pbos):
            t.read_into(b)
        for b, o in zip(pbos, outs):
            b.read_into(o)

    rows = [
        ("ours: read_buffers(), all 9 buffers into numpy", timed(lambda: read_buffers(ctx, tg, names))),
        ("alt: every attachment via PBOs, then mapped", timed(pbo_all)),
        ("normal: glReadPixels(GL_RGB) into numpy (ours)",
         timed(lambda: tg.gbuffer.read_into(n3, components=3, attachment=2, dtype="f2"))),
        ("normal: RGBA into numpy, then [..., :3] copy", timed(lambda: (tg.tex["normal"].read_into(n4),
                                                                      np.ascontiguousarray(n4[..., :3])))),
        ("normal: RGBA tex.read() -> bytes -> frombuffer", timed(lambda: np.frombuffer(tg.tex["normal"].read(),
                                                                                       np.float16))),
        ("normal: RGBA into numpy (4 channels, no slicing)", timed(lambda: tg.tex["normal"].read_into(n4))),
        ("normal: RGBA into PBO, then PBO -> numpy", timed(lambda: (tg.tex["normal"].read_into(pbo),
                                                                   pbo.read_into(n4)))),
    ]
    print(f"\nreadback at {width}x{height}, mean of {repeats}\n")
    print(f"{'method':52s} {'ms':>7s}")
    for name, sec in rows:
        print(f"{name:52s} {sec * 1000:7.1f}")
    pbo.release()
    for b in pbos:
        b.release()
    tg.release()
    ctx.release()


def ssaa_table(width: int, height: int, s: int, frames: int = 4) -> None:
    """One SSAA frame at ``width`` x ``height``: ours (render at s x, GL resolve passes, output-size
    readback) beside the alternative (render at s x, read every buffer back whole, numpy
    :func:`gameir.render.downsample_buffers`, the reference the resolve passes are tested against)."""
    from gameir.render import Renderer, downsample_buffers

    scene = standard_scene()
    cam = Camera(width, height, look_at([0.0, -8.0, 6.0], [0.0, 30.0, 0.0]), fov_y_deg=60.0)
    rows = []
    for label, make, run in (
        ("ours: GL resolve, output-size readback",
         lambda: Renderer(width, height, aa="ssaa", ssaa=s),
         lambda r: r.render(scene, cam, 0.0).buffers),
        ("alt: full-size readback + numpy downsample_buffers",
         lambda: Renderer(width * s, height * s),
         lambda r: downsample_buffers(r.render(scene, cam.scaled(s), 0.0).buffers, s)),
    ):
        with make() as r:
            run(r)  # warm-up
            walls, cpus, parts = [], [], []
            for _ in range(frames):
                t0, c0 = time.perf_counter(), _cpu_s()
                run(r)
                walls.append(time.perf_counter() - t0)
                cpus.append(_cpu_s() - c0)
                parts.append(r.last_timings["render_s"])
        wall = float(np.median(walls))
        render = float(np.median(parts))
        rows.append((label, wall, render, wall - render, float(np.median(cpus))))
    print(f"\nSSAA x{s} frame at {width}x{height} (rendered at {width * s}x{height * s}), every buffer, "
          f"median of {frames}; 1-min load average {os.getloadavg()[0]:.1f}\n")
    print(f"{'method':52s} {'s/frame':>8s} {'GL passes':>10s} {'rest':>6s} {'CPU-s':>6s}")
    for label, wall, render, rest, cpu in rows:
        print(f"{label:52s} {wall:8.2f} {render:10.2f} {rest:6.2f} {cpu:6.2f}")


#: Post chains timed side by side by ``--post`` (the first is the baseline the others are compared to).
POST_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("one sample, tone map only (default chain)", ("tonemap",)),
    ("+ SSAO", ("ssao", "tonemap")),
    ("+ bloom", ("bloom", "tonemap")),
    ("+ SSAO + bloom (gameir-sr)", ("ssao", "bloom", "tonemap")),
    ("+ motion blur", ("motion_blur", "tonemap")),
    ("+ vignette + grain", ("tonemap", "vignette", "grain")),
    ("every step", ("ssao", "motion_blur", "bloom", "tonemap", "vignette", "grain")),
)


def post_table(w: int, h: int, scale: int, pairs: int, shadow_map: int) -> None:
    """Seconds per native pair (aa none, every buffer) for each chain of :data:`POST_ROWS`, the
    chains alternated pair by pair in one sitting so that load changes hit all rows alike."""
    scene = standard_scene()
    renderers = [PairRenderer((w, h), scale, shadow_map_size=shadow_map, post=steps) for _, steps in POST_ROWS]
    times: list[list[float]] = [[] for _ in POST_ROWS]
    cpus: list[list[float]] = [[] for _ in POST_ROWS]
    try:
        for k in range(-1, pairs):  # k = -1: warm-up (programs, uploads)
            cam = standard_camera(w, h, max(k, 0))
            for i, pair in enumerate(renderers):
                t0, c0 = time.perf_counter(), _cpu_s()
                pair.render(scene, cam, max(k, 0) / 30.0)
                if k >= 0:
                    times[i].append(time.perf_counter() - t0)
                    cpus[i].append(_cpu_s() - c0)
    finally:
        for pair in renderers:
            pair.release()
    print(f"\npost chain: LR {w}x{h} + HR {w * scale}x{h * scale}, aa none, every buffer, {pairs} pairs per row "
          f"alternated, medians; 1-min load average {os.getloadavg()[0]:.1f}\n")
    _print_versus_first([label for label, _ in POST_ROWS], times, cpus, what="chain", unit="s/pair",
                        versus="vs default")


#: Anti-aliasing modes timed side by side by ``--aa`` at one size (the first is the baseline).
AA_ROWS: tuple[tuple[str, dict], ...] = (
    ("one sample, jittered (aa none)", {"aa": "none"}),
    ("TAA (8 Halton phases, blend 0.1)", {"aa": "taa"}),
    ("TAA, Catmull-Rom history (gameir-sr)", {"aa": "taa", "taa_history": "catmull-rom-5"}),
    ("SSAA 4x4 (16 spp)", {"aa": "ssaa", "ssaa": 4}),
)


def aa_table(w: int, h: int, frames: int, shadow_map: int) -> None:
    """Seconds per frame at ``w`` x ``h`` (every buffer) for each mode of :data:`AA_ROWS`: a clip
    of jittered frames in order, the modes alternated frame by frame in one sitting; wall time and
    CPU time of the process (llvmpipe's threads included: steadier than wall time on a loaded machine)."""
    scene = standard_scene()
    renderers = [Renderer(w, h, shadow_map_size=shadow_map, **kw) for _, kw in AA_ROWS]
    times: list[list[float]] = [[] for _ in AA_ROWS]
    cpus: list[list[float]] = [[] for _ in AA_ROWS]
    prev = None
    try:
        for k in range(frames + 1):  # frame 0: warm-up (programs, uploads)
            cam = standard_camera(w, h, k, jitter=True)
            for i, renderer in enumerate(renderers):
                t0, c0 = time.perf_counter(), _cpu_s()
                renderer.render(scene, cam, k / 30.0, prev_camera=prev or cam, reset=k == 0)
                if k > 0:
                    times[i].append(time.perf_counter() - t0)
                    cpus[i].append(_cpu_s() - c0)
            prev = cam
    finally:
        for renderer in renderers:
            renderer.release()
    print(f"\nanti-aliasing: {w}x{h}, every buffer, {frames} frames per row alternated, medians; "
          f"1-min load average {os.getloadavg()[0]:.1f}\n")
    _print_versus_first([label for label, _ in AA_ROWS], times, cpus, what="mode", unit="s/frame",
                        versus="vs one sample")


#: Renderers profiled pass by pass by ``--profile``: label -> Renderer keywords.
PROFILE_ROWS: tuple[tuple[str, dict], ...] = (
    ("one sample", {}),
    ("TAA", {"aa": "taa"}),
    ("TAA, Catmull-Rom history (gameir-sr)", {"aa": "taa", "taa_history": "catmull-rom-5"}),
    ("one sample + SSAO + bloom", {"post": ("ssao", "bloom", "tonemap")}),
    ("TAA + SSAO + bloom (gameir-sr LR)", {"aa": "taa", "taa_history": "catmull-rom-5",
                                          "post": ("ssao", "bloom", "tonemap")}),
)


def profile_table(w: int, h: int, frames: int, shadow_map: int) -> None:
    """CPU milliseconds per pass (this process, llvmpipe's threads included: steadier than wall time
    on a loaded machine) at ``w`` x ``h`` for each renderer of :data:`PROFILE_ROWS`: the GL work is
    finished after every pass (``ctx.finish()``), so each pass's time is its own; the readback is
    timed apart (wall). The finishes themselves add a little, so the totals exceed a normal frame's."""
    scene = standard_scene()
    renderers = [Renderer(w, h, shadow_map_size=shadow_map, **kw) for _, kw in PROFILE_ROWS]
    spent: list[dict[str, list[float]]] = [{} for _ in PROFILE_ROWS]

    def timed(renderer: Renderer, render_pass, row: dict[str, list[float]]):
        run = render_pass.run

        def run_and_finish(frame) -> None:
            c0 = _cpu_s()
            run(frame)
            renderer._core.ctx.finish()
            row.setdefault(type(render_pass).__name__, []).append(_cpu_s() - c0)
        return run_and_finish

    for renderer, row in zip(renderers, spent):
        for render_pass in renderer.passes:
            render_pass.run = timed(renderer, render_pass, row)
    prev = None
    try:
        for k in range(frames + 1):  # frame 0: warm-up (programs, uploads)
            cam = standard_camera(w, h, k, jitter=True)
            for renderer, row in zip(renderers, spent):
                if k == 1:
                    row.clear()
                renderer.render(scene, cam, k / 30.0, prev_camera=prev or cam, reset=k == 0)
                row.setdefault("readback", []).append(renderer.last_timings["readback_s"])
            prev = cam
    finally:
        for renderer in renderers:
            renderer.release()
    names = list(dict.fromkeys(name for row in spent for name in row))
    print(f"\nper-pass profile: {w}x{h}, every buffer, {frames} frames, medians in CPU-ms (GL finished after "
          f"each pass; readback: wall ms); 1-min load average {os.getloadavg()[0]:.1f}\n")
    print(f"{'pass':18s}" + "".join(f"{label[:22]:>24s}" for label, _ in PROFILE_ROWS))
    for name in names + ["total"]:
        cells = []
        for row in spent:
            if name == "total":
                value = sum(float(np.median(v)) for v in row.values())
            else:
                value = float(np.median(row[name])) if name in row else float("nan")
            cells.append(f"{1000 * value:24.1f}" if value == value else f"{'-':>24s}")
        print(f"{name:18s}" + "".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lr", type=int, nargs=2, default=(960, 720), metavar=("W", "H"))
    ap.add_argument("--scale", type=int, default=2)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--shadow-map", type=int, default=2048)
    ap.add_argument("--readback", action="store_true", help="only compare readback methods at HR size")
    ap.add_argument("--ssaa", type=int, default=0, metavar="S",
                    help="only compare SSAA xS resolves for one HR frame (GL passes vs numpy)")
    ap.add_argument("--post", action="store_true", help="only compare post chains side by side (pairs alternated)")
    ap.add_argument("--aa", action="store_true", help="only compare one sample, TAA and SSAA 4x4 at LR size")
    ap.add_argument("--profile", action="store_true", help="only time each pass of one sample, TAA and the post "
                                                           "chain at LR size")
    args = ap.parse_args()
    if args.profile:
        profile_table(*args.lr, args.pairs, args.shadow_map)
        return
    if args.aa:
        aa_table(*args.lr, args.pairs, args.shadow_map)
        return
    if args.post:
        post_table(*args.lr, args.scale, args.pairs, args.shadow_map)
        return
    if args.readback:
        readback_table(args.lr[0] * args.scale, args.lr[1] * args.scale)
        return
    if args.ssaa:
        ssaa_table(args.lr[0] * args.scale, args.lr[1] * args.scale, args.ssaa)
        return
    import cv2

    scene = standard_scene()
    w, h = args.lr
    info = gl_info()
    print(f"GL: {info['renderer']} | {info['version']} | cpus={os.cpu_count()} "
          f"LP_NUM_THREADS={os.environ.get('LP_NUM_THREADS', '(default)')}")
    print(f"scene: {scene.num_triangles:,} triangles, {len(scene.instances)} instances, "
          f"{len(scene.batches())} draw calls")
    rows = []
    with PairRenderer((w, h), args.scale, shadow_map_size=args.shadow_map) as pair:
        cam = standard_camera(w, h, 0)
        pair.render(scene, cam, 0.0)  # warm-up: compile programs, upload meshes and textures
        times, naive, resize, cpus = [], [], [], []
        for k in range(args.pairs):
            cam_k = standard_camera(w, h, k)
            t0, c0 = time.perf_counter(), _cpu_s()
            lr, hr = pair.render(scene, cam_k, k / 30.0, prev_camera=cam)
            times.append((time.perf_counter() - t0, pair.last_timings))
            cpus.append(_cpu_s() - c0)
            naive.append(_naive_readback(pair.lr) + _naive_readback(pair.hr))
            t1 = time.perf_counter()
            cv2.resize(hr.buffers["rgb"], (w, h), interpolation=cv2.INTER_AREA)
            resize.append(time.perf_counter() - t1)
            cam = cam_k
        total = np.median([t for t, _ in times])
        tim = {key: np.median([d[key] for _, d in times]) for key in times[0][1]}
        readback = tim["lr_readback_s"] + tim["hr_readback_s"]
        render = tim["lr_render_s"] + tim["hr_render_s"]
        mpix = (w * h + w * h * args.scale ** 2) / 1e6
        tris = 2 * scene.num_triangles
        rows.append(("ours: native pair, all 9 buffers", total, render, readback, mpix / total, tris / total))
        rows.append(("  LR only", tim["lr_render_s"] + tim["lr_readback_s"], tim["lr_render_s"],
                     tim["lr_readback_s"], w * h / 1e6 / (tim["lr_render_s"] + tim["lr_readback_s"]), np.nan))
        rows.append(("  HR only", tim["hr_render_s"] + tim["hr_readback_s"], tim["hr_render_s"],
                     tim["hr_readback_s"], w * h * args.scale ** 2 / 1e6 / (tim["hr_render_s"] + tim["hr_readback_s"]),
                     np.nan))
        nv = float(np.median(naive))
        rows.append(("alt: same pair, naive fbo.read()+slice readback", render + nv, render, nv,
                     mpix / (render + nv), tris / (render + nv)))
        hr_only = tim["hr_render_s"] + tim["hr_readback_s"] + float(np.median(resize))
        rows.append(("alt: HR render + cv2 INTER_AREA resize to LR (not native)", hr_only,
                     tim["hr_render_s"], tim["hr_readback_s"], mpix / hr_only, np.nan))
    load = os.getloadavg()[0]
    print(f"\n{args.pairs} timed pairs, medians; LR {w}x{h} + HR {w * args.scale}x{h * args.scale}, "
          f"shadow map {args.shadow_map}, aa none; ours used {np.median(cpus):.2f} CPU-s per pair "
          f"(all threads); 1-min load average {load:.1f}\n")
    print(f"{'method':58s} {'s/pair':>7s} {'render':>7s} {'readback':>8s} {'Mpix/s':>7s} {'Mtri/s':>7s}")
    for name, tot, ren, rb, mps, tps in rows:
        print(f"{name:58s} {tot:7.3f} {ren:7.3f} {rb:8.3f} {mps:7.2f} {tps / 1e6:7.2f}")


if __name__ == "__main__":
    main()
