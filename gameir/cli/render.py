"""`gameir render PRESET --out DIR`: render (or resume) a preset's clips into shards + manifest."""

from __future__ import annotations

import argparse
import shlex
import sys

from gameir.pipeline.presets import describe_preset_dirs, list_presets, load_preset

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "render", help="render a preset (tiny, gameir-sr, gameir-nvs, ...) into HDF5 shards",
        description="Render a preset's clips natively at LR and HR with every G-buffer into shards under --out. "
                    "Re-running the same command resumes: finished shards (checksums in the job's part file) are "
                    "skipped. --num-shards/--shard-index (or SLURM_ARRAY_TASK_ID/COUNT, or JOB_COMPLETION_INDEX "
                    "with GAMEIR_NUM_SHARDS) split the clips across cluster jobs; join them with "
                    "`gameir manifest merge DIR`.",
        epilog="examples:\n"
               "  gameir render tiny --out data/tiny\n"
               "  gameir render gameir-sr --out data/gameir-sr --clips 2 --split test --workers 2\n"
               "  gameir render gameir-sr --out data/gameir-sr --num-shards 100 --shard-index 7\n"
               "  gameir render tiny --out data/t --override clips.frames=8 --override render.lr=[96,72]\n"
               f"presets: {', '.join(list_presets())}\n"
               f"{describe_preset_dirs()}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("preset", help="preset name (looked up as below) or path to a .toml file")
    parser.add_argument("--out", required=True, help="dataset root to write")
    parser.add_argument("--clips", type=int, help="render only the first N clips of each split")
    parser.add_argument("--split", help="render only this split")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes, each with its own GL context (default: chosen from the cores and "
                             "the EGL devices, and printed)")
    parser.add_argument("--device", default="auto", metavar="auto|egl:N",
                        help="EGL device to render on (`gameir doctor` lists them); auto: one visible device per "
                             "worker, round-robin (EGL_VISIBLE_DEVICES, else CUDA_VISIBLE_DEVICES, restrict them)")
    parser.add_argument("--in-flight", type=int, default=None, metavar="N",
                        help="frames each worker compresses and writes on a background thread while the next "
                             "renders (default 2; 0 = sequential); the shard bytes are the same")
    parser.add_argument("--num-shards", type=int, help="number of cluster jobs splitting the clip list")
    parser.add_argument("--shard-index", type=int, help="this job's index in 0..num-shards-1")
    parser.add_argument("--override", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="override a preset value (TOML literal), repeatable")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _command(args: argparse.Namespace) -> str:
    """The `gameir render` command line that resumes this run (same preset, selection, job)."""
    words = ["gameir", "render", args.preset, "--out", args.out]
    for flag, value in (("--split", args.split), ("--clips", args.clips), ("--workers", args.workers),
                        ("--device", args.device if args.device != "auto" else None), ("--in-flight", args.in_flight),
                        ("--num-shards", args.num_shards), ("--shard-index", args.shard_index)):
        if value is not None:
            words += [flag, str(value)]
    for text in args.override:
        words += ["--override", text]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    from gameir.pipeline.card import write_card
    from gameir.pipeline.resources import choose_resources
    from gameir.pipeline.run import RenderInterrupted, render_dataset
    from gameir.shards.background import DEFAULT_IN_FLIGHT

    preset = load_preset(args.preset, args.override)
    resources = choose_resources(args.workers, args.device)
    in_flight = DEFAULT_IN_FLIGHT if args.in_flight is None else args.in_flight
    if not args.quiet:
        print(f"gameir render: {resources.describe()}; {in_flight} frame(s) in flight per worker", file=sys.stderr)
    try:
        summary = render_dataset(preset, args.out, split=args.split, max_clips=args.clips, resources=resources,
                                 num_shards=args.num_shards, shard_index=args.shard_index, quiet=args.quiet,
                                 in_flight=in_flight)
    except RenderInterrupted as stop:
        print(f"gameir render: interrupted: {stop.done} of {stop.total} clip(s) finished and kept in {args.out}; "
              f"the clips in flight are lost. Resume with the same command (it renders only what is missing):\n"
              f"  {_command(args)}", file=sys.stderr)
        return 130
    print(f"{preset.name}: rendered {len(summary.rendered)} clip(s), skipped {len(summary.skipped)} finished; "
          f"{summary.frames} frames, {summary.bytes / 1e6:.1f} MB in {summary.seconds:.1f} s "
          f"({summary.frames_per_s:.2f} frames/s)")
    if summary.manifest is not None:
        card = write_card(args.out, preset)
        print(f"wrote {args.out}/manifest.json, {card['readme']} and {card['contact_sheet']}")
        for line in summary.unfinished:
            print(f"note: not in manifest.json yet: {line}")
    else:
        print(f"wrote {summary.part}; after every job: gameir manifest merge {args.out}")
    return 0
