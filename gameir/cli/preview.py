"""`gameir preview --world town --seed 3 --out preview.png`: contact sheet of one LR/HR pair and its G-buffers;
`gameir preview --stats`: the census of worlds (no rendering)."""

from __future__ import annotations

import argparse
import time


from gameir.png import write_png

__all__ = ["register", "run", "run_stats", "parse_size"]


def parse_size(text: str) -> tuple[int, int]:
    """``"320x240"`` -> (320, 240); ValueError naming the flag otherwise."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size must look like WIDTHxHEIGHT (e.g. 320x240), got {text!r}") from None
    if w < 16 or h < 16 or w > 4096 or h > 4096:
        raise ValueError(f"--size must be between 16x16 and 4096x4096, got {text!r}")
    return w, h


def register(sub: argparse._SubParsersAction) -> None:
    from gameir.worlds.build import FAMILIES
    from gameir.worlds.cameras import PATH_KINDS
    from gameir.worlds.weather import WEATHER_PRESETS

    parser = sub.add_parser(
        "preview", help="render one LR/HR pair of a procedural world and write a contact sheet PNG",
        description="Build a procedural world, put a camera on one of its paths, render the LR frame and the HR "
                    "frame natively (HR = --scale x LR) with every G-buffer, and write a labelled contact sheet: "
                    "LR rgb, HR rgb, depth and motion colour-mapped, semantic with the CARLA palette, ...",
        epilog="examples:\n  gameir preview --world town --seed 3 --out preview.png\n"
               "  gameir preview --world town --seed 3 --weather Night --size 320x240 --out night.png\n"
               "  gameir preview --world nature --seed 1 --camera fly --frame 20 --out nature.png\n"
               "  gameir preview --stats                      # census of every family, seeds 0-4, medium\n"
               "  gameir preview --stats --world town --seeds 0,1 --detail high\n"
               f"worlds: {', '.join(FAMILIES)}; cameras: {', '.join(PATH_KINDS)}; "
               f"weather: {', '.join(sorted(WEATHER_PRESETS))}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", default=None, help="scene family (default town; all with --stats)")
    parser.add_argument("--seed", type=int, default=0, help="layout seed (default 0)")
    parser.add_argument("--weather", default="ClearNoon", help="weather preset (default ClearNoon)")
    parser.add_argument("--size", default="320x240", help="LR size WIDTHxHEIGHT (default 320x240)")
    parser.add_argument("--scale", type=int, default=2, help="HR/LR factor (default 2)")
    parser.add_argument("--camera", default=None, help="camera path kind (default: vehicle in towns, walk elsewhere)")
    parser.add_argument("--frame", type=int, default=10, help="frame index on the path at --fps (default 10)")
    parser.add_argument("--fps", type=float, default=20.0, help="frame rate of the path (default 20)")
    parser.add_argument("--static", action="store_true", help="freeze actors (the static variant)")
    parser.add_argument("--detail", default="medium", help="low, medium or high (default medium)")
    parser.add_argument("--tile-width", type=int, default=320, help="width of each sheet tile (default 320)")
    parser.add_argument("--out", default=None, help="PNG file to write (required unless --stats)")
    parser.add_argument("--stats", action="store_true",
                        help="print the census (triangles, instances, meshes, materials, textures, lights, moving "
                             "objects, pedestrians) of worlds instead of rendering; --world all (default with "
                             "--stats) for every family")
    parser.add_argument("--seeds", default="0,1,2,3,4", help="comma-separated seeds for --stats (default 0,1,2,3,4)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    parser.set_defaults(func=run)


def run_stats(args: argparse.Namespace) -> int:
    """Print the census table of ``--world`` (or every family) for ``--seeds`` at ``--detail``."""
    from gameir.worlds.build import FAMILIES
    from gameir.worlds.census import census_table

    families = FAMILIES if args.world in (None, "all") else (args.world,)
    try:
        seeds = [int(s) for s in str(args.seeds).split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"--seeds must be comma-separated integers (e.g. 0,1,2), got {args.seeds!r}") from None
    print(census_table(families, seeds, args.detail, weather=args.weather, dynamic=not args.static))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.stats:
        return run_stats(args)
    if args.out is None:
        raise ValueError("--out is required (a .png file) unless --stats is given")
    args.world = args.world or "town"
    from gameir.preview import contact_sheet
    from gameir.render import PairRenderer
    from gameir.worlds.build import build_world
    from gameir.worlds.cameras import make_path

    w, h = parse_size(args.size)
    if args.scale < 1:
        raise ValueError(f"--scale must be a positive integer, got {args.scale}")
    if args.frame < 1:
        raise ValueError(f"--frame must be >= 1 (motion needs the previous frame), got {args.frame}")
    if not str(args.out).lower().endswith(".png"):
        raise ValueError(f"--out must be a .png file, got {args.out!r}")
    t0 = time.perf_counter()
    world = build_world(args.world, args.seed, weather=args.weather, dynamic=not args.static, detail=args.detail)
    kind = args.camera or ("vehicle" if world.lanes else "walk")
    path = make_path(world, kind, args.frame + 1, fps=args.fps, width=w, height=h)
    t1 = time.perf_counter()
    i = args.frame
    with PairRenderer((w, h), args.scale) as pr:
        lr, hr = pr.render(world.scene, path.camera(i), float(path.times_s[i]), dt=1.0 / args.fps,
                           prev_camera=path.camera(i - 1))
    t2 = time.perf_counter()
    title = (f"{args.world} seed {args.seed} {args.weather} {'static' if args.static else 'dynamic'} {kind} "
             f"frame {i}  {world.metadata['triangles']} tris  LR {w}x{h}  HR x{args.scale}")
    sheet = contact_sheet(lr, hr, tile_width=args.tile_width, title=title)
    write_png(args.out, sheet)
    if not args.quiet:
        print(f"wrote {args.out} ({sheet.shape[1]}x{sheet.shape[0]}): build {t1 - t0:.1f} s, "
              f"render LR+HR {t2 - t1:.1f} s")
    return 0
