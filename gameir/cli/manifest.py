"""`gameir manifest rebuild DIR`: regenerate manifest.json from the shards on disk."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "manifest", help="rebuild or merge a dataset's manifest.json",
        description="Manage a dataset root's manifest.json.",
        epilog="example:\n  gameir manifest rebuild data/tiny",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="manifest_verb", metavar="ACTION", required=True)
    rebuild = verbs.add_parser(
        "rebuild", help="hash every shard under DIR and write DIR/manifest.json atomically",
        epilog="example:\n  gameir manifest rebuild data/tiny",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    rebuild.add_argument("dir", help="dataset root")
    rebuild.add_argument("--allow-incomplete", action="store_true",
                         help="index the shards on disk even if a render under DIR/parts is unfinished (by default "
                              "refused: re-run that render instead, it resumes)")
    rebuild.set_defaults(func=_rebuild)
    merge = verbs.add_parser(
        "merge", help="join the per-job part files of a cluster render into DIR/manifest.json",
        description="Join DIR/parts/part-*-of-*.json written by `gameir render --num-shards N --shard-index I` "
                    "jobs. Refuses parts of different plans, missing jobs or unfinished clips (gaps) and clips "
                    "claimed by two jobs (overlaps), naming them.",
        epilog="example:\n  gameir manifest merge data/gameir-sr",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    merge.add_argument("dir", help="dataset root")
    merge.set_defaults(func=_merge)


def _merge(args: argparse.Namespace) -> int:
    from gameir.shards.merge import merge_parts

    manifest = merge_parts(args.dir)
    _print_summary(manifest)
    print(f"wrote {args.dir}/manifest.json")
    return 0


def _print_summary(manifest: dict) -> None:
    for split, body in manifest["splits"].items():
        print(f"{split:<8} {len(body['shards']):>5} shards {body['frames']:>7} frames {body['bytes'] / 1e6:>10.1f} MB")


def _rebuild(args: argparse.Namespace) -> int:
    from gameir.shards.manifest import rebuild_manifest

    manifest = rebuild_manifest(args.dir, allow_incomplete=args.allow_incomplete)
    _print_summary(manifest)
    print(f"wrote {args.dir}/manifest.json")
    return 0
