"""`gameir info PATH`: buffers, shapes, dtypes, sizes, compression ratio and metadata."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "info", help="describe a shard or a dataset root",
        description="Describe a shard (buffers, shapes, dtypes, chunks, stored size, compression ratio, "
                    "scene and render metadata) or a dataset root (splits, clips, frames, bytes).",
        epilog="examples:\n  gameir info data/tiny\n  gameir info data/tiny/train/town-000000-ClearNoon-dynamic.h5 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="shard file or dataset root")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def _print_shard(info: dict[str, Any]) -> None:
    meta = info["meta"]
    print(f"shard    {info['path']}  ({info['bytes'] / 1e6:.2f} MB, format v{meta['format_version']}, {meta['generator']})")
    print(f"clip     {meta['clip_id']}  split={meta['split'] or '-'}  kind={meta['kind']}  "
          f"frames={meta['num_frames']}  views={meta['num_views'] or '-'}  codec={meta['codec']}")
    print("levels   " + "  ".join(f"{k}={w}x{h}" for k, (h, w) in info["sizes"].items()))
    print(f"scene    {json.dumps(meta['scene'], sort_keys=True)}")
    print(f"render   {json.dumps(meta['render'], sort_keys=True)}")
    print(f"{'level':<6} {'buffer':<10} {'shape':<24} {'dtype':<8} {'chunks':<18} {'stored MB':>10} {'ratio':>6}")
    for row in info["datasets"]:
        ratio = f"{row['ratio']:.2f}" if row["ratio"] else "-"
        print(f"{row['level']:<6} {row['buffer']:<10} {str(tuple(row['shape'])):<24} {row['dtype']:<8} "
              f"{str(tuple(row['chunks'])):<18} {row['stored_bytes'] / 1e6:>10.3f} {ratio:>6}")
    print(f"total    {info['stored_bytes'] / 1e6:.2f} MB stored, {info['raw_bytes'] / 1e6:.2f} MB raw, "
          f"ratio {info['ratio']:.2f}")


def run(args: argparse.Namespace) -> int:
    from gameir.shards.info import describe_path  # h5py: imported only when the verb runs

    info = describe_path(args.path)
    if args.json:
        print(json.dumps(info, indent=2, default=str))
        return 0
    if "splits" in info:
        print(f"dataset  {info['root']}  ({info['generator']}, manifest v{info['format_version']})")
        for name, s in info["splits"].items():
            note = "" if s["downloaded"] else "  (not downloaded)"
            print(f"  {name:<8} {s['shards']:>5} shards {s['clips']:>5} clips {s['frames']:>7} frames "
                  f"{s['bytes'] / 1e6:>10.1f} MB{note}")
        print(f"  {'total':<8} {info['frames']:>31} frames {info['bytes'] / 1e6:>10.1f} MB")
        for name, command in info["not_downloaded"].items():
            print(f"warning: split {name!r} is listed in the manifest but was not downloaded; fetch it with "
                  f"`{command}`", file=sys.stderr)
        if info["example_shard"]:
            print()
            _print_shard(info["example_shard"])
    else:
        _print_shard(info)
    return 0
