"""Worlds benchmark: build time, triangles and texture memory per family; LR+HR render time per pair.

For each family it builds a few seeds (detail ``medium`` by default; the slowest build is shown, and the
median load from the on-disk world cache of ``gameir.worlds.cache``), then renders native LR+HR
pairs along the family's default camera path (vehicle in towns, walk elsewhere) with every
G-buffer. The side-by-side comparison is GL instancing (our worlds share one Mesh across all
copies of a prop: one draw call per mesh/material batch) against the usual naive scene graph
(one Mesh per placed object: one draw call per instance), on the same town and camera.

    python benchmarks/bench_worlds.py                      # 960x720 + 1920x1440 pairs
    python benchmarks/bench_worlds.py --lr 320 240 --pairs 2 --seeds 2
    python benchmarks/bench_worlds.py --lr 320 240 --pairs 3 --dressing   # sparse vs dressed, side by side
    python benchmarks/bench_worlds.py --pairs 2 --materials   # sparse | dressed, plain materials | dressed + material detail
    python benchmarks/bench_worlds.py --build-only --seeds 5              # build / cache-load CPU s per seed
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from gameir.render import PairRenderer, gl_info
from gameir.scene import Instance, Mesh, Scene
from gameir.worlds import FAMILIES, build_world, make_path
from gameir.worlds import cache as world_cache


def _uninstanced(scene: Scene) -> Scene:
    """The same scene with a private copy of every Mesh (no instancing)."""
    out = Scene(name=scene.name + "-uninstanced", lights=list(scene.lights), environment=scene.environment)
    for inst in scene.instances:
        m = inst.mesh
        copy = Mesh(m.positions.copy(), m.indices.copy(), m.normals.copy(), m.uvs.copy(), m.tangents.copy(), m.name)
        out.add(Instance(copy, inst.material, inst.transform, inst.semantic, inst.instance_id, inst.name))
    return out


def _time_pairs(pr: PairRenderer, scene: Scene, path, pairs: int) -> tuple[float, float, float]:
    """(first pair incl. upload, median wall s of the next ``pairs``, median CPU s of those).

    CPU seconds count every thread of this process (llvmpipe's rasteriser threads included), so
    they do not grow when other jobs share the machine.
    """
    times, cpu = [], []
    for i in range(pairs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        pr.render(scene, path.camera(i + 1), float(path.times_s[i + 1]), dt=float(path.times_s[1] - path.times_s[0]),
                  prev_camera=path.camera(i))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return times[0], statistics.median(times[1:]), statistics.median(cpu[1:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lr", type=int, nargs=2, default=(960, 720), metavar=("W", "H"))
    ap.add_argument("--scale", type=int, default=2)
    ap.add_argument("--pairs", type=int, default=3, help="timed pairs per family (after one warm-up pair)")
    ap.add_argument("--seeds", type=int, default=3, help="seeds built per family for the build-time figures")
    ap.add_argument("--build-only", action="store_true", help="only the build and cache-load figures (no rendering)")
    ap.add_argument("--detail", default="medium")
    ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated families (default: all)")
    ap.add_argument("--dressing", action="store_true",
                    help="only compare each family's seed 0 without and with the set dressing (same layout, same "
                         "camera), alternating the two in one run")
    ap.add_argument("--materials", action="store_true",
                    help="only compare each family's seed 0 sparse (no dressing, plain materials), dressed with "
                         "plain materials, and dressed with material detail (maps, tiling, decals), alternated in one run")
    args = ap.parse_args()
    args.families = [f for f in args.families.split(",") if f]
    unknown = sorted(set(args.families) - set(FAMILIES))
    if unknown:
        ap.error(f"unknown families {unknown}; known: {', '.join(FAMILIES)}")
    if args.dressing:
        return compare_dressing(args)
    if args.materials:
        return compare_materials(args)
    if args.build_only:
        return build_times(args)
    w, h = args.lr
    info = gl_info()
    print(f"GL: {info['renderer']} | LR {w}x{h}, HR {w * args.scale}x{h * args.scale}, detail {args.detail}")
    rows = []
    town = None
    with PairRenderer((w, h), args.scale) as pr:
        for fam in args.families:
            builds, worlds, loads = [], [], []
            for seed in range(args.seeds):
                t0 = time.process_time()
                worlds.append(build_world(fam, seed, detail=args.detail, cache=False))
                builds.append(time.process_time() - t0)
            with tempfile.TemporaryDirectory() as folder:  # the on-disk world cache: store, then load
                os.environ[world_cache.CACHE_ENV] = folder
                for seed in range(args.seeds):
                    build_world(fam, seed, detail=args.detail)
                    t0 = time.process_time()
                    build_world(fam, seed, detail=args.detail)
                    loads.append(time.process_time() - t0)
                os.environ.pop(world_cache.CACHE_ENV)
            world = worlds[0]
            kind = "vehicle" if world.lanes else "walk"
            path = make_path(world, kind, args.pairs + 2, fps=20.0, width=w, height=h)
            first, med, cpu = _time_pairs(pr, world.scene, path, args.pairs)
            meta = world.metadata
            rows.append((fam, max(builds), statistics.median(loads), meta["triangles"], meta["instances"],
                         len(world.scene.batches()), world.texture_bytes / 2 ** 20, first, med, cpu))
            if fam == "town":
                town = (world, path)
        if town is not None:
            world, path = town
            flat = _uninstanced(world.scene)
            _, inst_t, inst_c = _time_pairs(pr, world.scene, path, args.pairs)
            first_u, flat_t, flat_c = _time_pairs(pr, flat, path, args.pairs)
    print()
    print(f"{'family':<9} {'max build CPU s':>15} {'cached CPU s':>12} {'triangles':>10} {'instances':>9} {'draws':>6} "
          f"{'tex MiB':>8} {'1st pair s':>10} {'pair s':>7} {'pair CPU s':>10}")
    for fam, b, ld, tri, ni, nd, tex, first, med, cpu in rows:
        print(f"{fam:<9} {b:15.2f} {ld:12.2f} {tri:10d} {ni:9d} {nd:6d} {tex:8.1f} {first:10.2f} {med:7.2f} {cpu:10.2f}")
    if town is None:
        return
    print()
    print(f"town, LR+HR pair    | ours: GL instancing ({len(world.scene.batches())} draws) | "
          f"naive: one mesh per object ({len(flat.batches())} draws)")
    print(f"wall s per pair     | {inst_t:<34.2f}| {flat_t:.2f} (first pair incl. upload {first_u:.2f})")
    print(f"CPU s per pair      | {inst_c:<34.2f}| {flat_c:.2f}")


def build_times(args: argparse.Namespace) -> None:
    """Build CPU seconds per family and seed (no cache), and the load from the world cache."""
    print(f"detail {args.detail}: build CPU s (no cache) | load CPU s from the on-disk world cache, per seed")
    with tempfile.TemporaryDirectory() as folder:
        for fam in args.families:
            builds, loads = [], []
            for seed in range(args.seeds):
                t0 = time.process_time()
                build_world(fam, seed, detail=args.detail, cache=False)
                builds.append(time.process_time() - t0)
                os.environ[world_cache.CACHE_ENV] = folder
                build_world(fam, seed, detail=args.detail)  # stores
                t0 = time.process_time()
                build_world(fam, seed, detail=args.detail)  # loads
                loads.append(time.process_time() - t0)
                os.environ.pop(world_cache.CACHE_ENV)
            print(f"{fam:<9} build {' '.join(f'{b:.2f}' for b in builds)} (max {max(builds):.2f}) | "
                  f"cached {' '.join(f'{x:.2f}' for x in loads)} (max {max(loads):.2f})")


def compare_dressing(args: argparse.Namespace) -> None:
    """Render cost of the sparse layout vs the dressed world, per family, interleaved in one sitting."""
    w, h = args.lr
    print(f"GL: {gl_info()['renderer']} | LR {w}x{h}, HR {w * args.scale}x{h * args.scale}, detail {args.detail}")
    print(f"{'family':<9} {'tris sparse':>11} {'tris dressed':>12} {'pair s sparse':>13} {'pair s dressed':>14} "
          f"{'ratio':>6} {'CPU s sparse':>12} {'CPU s dressed':>13}")
    with PairRenderer((w, h), args.scale) as pr:
        for fam in args.families:
            sparse = build_world(fam, 0, detail=args.detail, dressing=False, cache=False)
            dressed = build_world(fam, 0, detail=args.detail, cache=False)
            kind = "vehicle" if sparse.lanes else "walk"
            path = make_path(sparse, kind, args.pairs + 2, fps=20.0, width=w, height=h)
            t = {"s": [], "d": []}
            c = {"s": [], "d": []}
            for _ in range(2):  # alternate so load changes hit both
                for key, world in (("s", sparse), ("d", dressed)):
                    _, med, cpu = _time_pairs(pr, world.scene, path, args.pairs)
                    t[key].append(med)
                    c[key].append(cpu)
            ts, td = statistics.median(t["s"]), statistics.median(t["d"])
            print(f"{fam:<9} {sparse.scene.num_triangles:11d} {dressed.scene.num_triangles:12d} {ts:13.3f} {td:14.3f} "
                  f"{td / ts:6.2f} {statistics.median(c['s']):12.3f} {statistics.median(c['d']):13.3f}")


def compare_materials(args: argparse.Namespace) -> None:
    """Render cost of material detail: the sparse pre-dressing layout with plain materials, the
    dressed world with plain materials and the dressed world with material detail, per family,
    interleaved in one sitting (same layout, same camera)."""
    w, h = args.lr
    print(f"GL: {gl_info()['renderer']} | LR {w}x{h}, HR {w * args.scale}x{h * args.scale}, detail {args.detail}")
    print(f"{'family':<9} {'pair s sparse':>13} {'pair s dressed':>14} {'pair s +materials':>17} "
          f"{'vs sparse':>9} {'vs dressed':>10} {'CPU s sparse':>12} {'CPU s dressed':>13} {'CPU s +mat':>10}")
    with PairRenderer((w, h), args.scale) as pr:
        for fam in FAMILIES:
            worlds = {"s": build_world(fam, 0, detail=args.detail, dressing=False, material_detail=False),
                      "d": build_world(fam, 0, detail=args.detail, material_detail=False),
                      "m": build_world(fam, 0, detail=args.detail)}
            kind = "vehicle" if worlds["s"].lanes else "walk"
            path = make_path(worlds["s"], kind, args.pairs + 2, fps=20.0, width=w, height=h)
            t: dict[str, list[float]] = {key: [] for key in worlds}
            c: dict[str, list[float]] = {key: [] for key in worlds}
            for _ in range(2):  # alternate so load changes hit all three
                for key, world in worlds.items():
                    _, med, cpu = _time_pairs(pr, world.scene, path, args.pairs)
                    t[key].append(med)
                    c[key].append(cpu)
            ts, td, tm = (statistics.median(t[key]) for key in "sdm")
            cs, cd, cm = (statistics.median(c[key]) for key in "sdm")
            print(f"{fam:<9} {ts:13.3f} {td:14.3f} {tm:17.3f} {tm / ts:9.2f} {tm / td:10.2f} {cs:12.3f} {cd:13.3f} {cm:10.3f}")


if __name__ == "__main__":
    main()
