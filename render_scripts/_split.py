"""What render_sr.py and render_nvs.py share: their options and render -> card -> verify.

Not a module of the package: the scripts in this folder import it by file location.
"""

from __future__ import annotations

import argparse
import sys

from gameir.pipeline.card import write_card
from gameir.pipeline.presets import describe_preset_dirs, list_presets, load_preset
from gameir.pipeline.run import render_dataset
from gameir.shards.verify import verify_path


def build_parser(kind: str, default_preset: str, doc: str) -> argparse.ArgumentParser:
    """Options of a split script; ``kind`` ("sr" or "nvs") is the preset kind it accepts."""
    lines = doc.strip().splitlines()
    parser = argparse.ArgumentParser(
        description=lines[0], epilog="\n".join(lines[1:]).strip() + f"\n\npresets: {', '.join(list_presets())}\n"
                                     f"{describe_preset_dirs()}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default=default_preset,
                        help=f"a {kind} preset name or .toml file (default: %(default)s)")
    parser.add_argument("--out", required=True, help="dataset root to write (re-running resumes)")
    parser.add_argument("--split", help="render only this split")
    parser.add_argument("--clips", type=int, help="render only the first N clips of each split")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default: %(default)s)")
    parser.add_argument("--num-shards", type=int, help="cluster jobs splitting the clip list (default: from "
                        "SLURM_ARRAY_TASK_* / JOB_COMPLETION_INDEX, else 1)")
    parser.add_argument("--shard-index", type=int, help="this job's index in 0..num-shards-1")
    parser.add_argument("--override", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="override a preset value (TOML literal), repeatable")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(kind=kind)
    return parser


def run(args: argparse.Namespace) -> int:
    """Render (or resume) the split; with a single job also write the card and verify every shard.

    Returns 0 on success, 1 when verification finds faults.

    Raises:
        ValueError: unknown preset, bad override, or a preset of another kind (named).
    """
    preset = load_preset(args.preset, args.override)
    if preset.kind != args.kind:
        raise ValueError(f"{preset.source}: preset {preset.name!r} has kind {preset.kind!r}; this script renders "
                         f"kind {args.kind!r} presets (use render_scripts/render_{preset.kind}.py)")
    summary = render_dataset(preset, args.out, split=args.split, max_clips=args.clips, workers=args.workers,
                             num_shards=args.num_shards, shard_index=args.shard_index, quiet=args.quiet)
    print(f"{preset.name} (digest {preset.digest()}): rendered {len(summary.rendered)} clip(s), skipped "
          f"{len(summary.skipped)} finished; {summary.frames} frames, {summary.bytes / 1e6:.1f} MB in "
          f"{summary.seconds:.1f} s")
    if summary.manifest is None:
        print(f"wrote {summary.part}; after every job: gameir manifest merge {args.out} && gameir verify {args.out}")
        return 0
    write_card(args.out, preset)
    faults, _ = verify_path(args.out)
    for line in faults:
        print(f"FAIL {line}")
    print(f"{args.out}: {'verified' if not faults else f'{len(faults)} fault(s)'} "
          f"(manifest.json, card.json, README.md, contact_sheet.png)")
    return 1 if faults else 0


def main(kind: str, default_preset: str, doc: str, argv: list[str] | None = None) -> int:
    """Parse the options and run; a bad preset or option is one line on stderr and exit code 2."""
    parser = build_parser(kind, default_preset, doc)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (ValueError, FileNotFoundError) as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
