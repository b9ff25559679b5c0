"""`gameir verify PATH`: checksums + schema validation; one line per bad shard, exit 1 if any."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify", help="check a dataset's shards against manifest checksums and the format",
        description="Verify a dataset root (every shard's size and SHA-256 against manifest.json, the format "
                    "validator with every chunk and checksum decoded, and every metadata field of each manifest "
                    "entry against the shard) or a single shard (validator only). Prints one line per fault "
                    "naming the file; exits 1 if any. Splits that a `gameir download` copy never fetched are "
                    "warnings naming the command that fetches them; a missing path or a malformed manifest is "
                    "an error (exit 2).",
        epilog="examples:\n  gameir verify data/tiny\n  gameir verify data/tiny --split test\n"
               "  gameir verify data/tiny/train/town-000000-ClearNoon-dynamic.h5",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="dataset root (with manifest.json) or a shard file")
    parser.add_argument("--split", help="only this split")
    parser.add_argument("--no-values", action="store_true", help="skip decoding the buffers (chunk corruption and the NaN/inf scan of float buffers)")
    parser.add_argument("--quiet", action="store_true", help="print faults only")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gameir.shards.verify import verify_path

    faults, warnings = verify_path(args.path, split=args.split, check_values=not args.no_values)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in faults:
        print(f"FAIL {line}")
    if not args.quiet:
        print(f"{args.path}: {'OK' if not faults else f'{len(faults)} fault(s)'}")
    return 1 if faults else 0
