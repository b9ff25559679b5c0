"""`gameir import folders|gameir-release IN --to DIR`: pack other datasets into shards + manifest.

The module is ``import_`` because ``import`` is a Python keyword; the verb is ``import``.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import", help="pack a folder dataset (LR/HR PNG pairs, G-buffers, cameras) or the GameIR release into shards",
        description="Convert another dataset layout into GameIR shards and a manifest.",
        epilog="examples:\n  gameir import folders exports/val --to data/reimported\n"
               "  gameir import folders DIV2K --lr DIV2K_train_LR_bicubic/X2 --hr DIV2K_train_HR --split train --to data/div2k\n"
               "  gameir import gameir-release exports/release/*.tar --split test --to data/release\n"
               "  gameir import gameir-release https://example.org/rel/GameIR-SR-000.tar --to data/gameir-release",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = parser.add_subparsers(dest="import_kind", metavar="FORMAT", required=True)
    folders = kinds.add_parser(
        "folders", help="LR/<clip>/<frame>.png + HR/... (or flat LR/*.png + HR/*.png), optional <LEVEL>_<buffer>/",
        description="One shard per clip folder (or per image, for flat folders). Frames match by file stem across "
                    "LR and HR. Optional G-buffers in <LRDIR>_<buffer>/ and <HRDIR>_<buffer>/ (depth as .npy metres "
                    "or 16-bit PNG millimetres with 0 = none; semantic 8-bit PNG; instance 16-bit PNG; normal/motion/"
                    "hdr .npy), optional cameras/<clip>.json as written by `gameir export folders`. Shards already "
                    "present are kept, so an interrupted import resumes.",
        epilog="examples:\n  gameir import folders exports/val --to data/reimported\n"
               "  gameir import folders REDS --lr train_sharp_bicubic/X4 --hr train_sharp --split train --to data/reds",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    folders.add_argument("source", help="folder dataset")
    folders.add_argument("--to", required=True, help="dataset root to write (shards under <split>/)")
    folders.add_argument("--split", help="split of the imported clips (default: from cameras JSON, else train)")
    folders.add_argument("--lr", default="LR", help="LR folder relative to SOURCE (default: LR)")
    folders.add_argument("--hr", default="HR", help="HR folder relative to SOURCE (default: HR)")
    folders.add_argument("--quiet", action="store_true", help="no progress bar")
    folders.set_defaults(func=_folders)

    release = kinds.add_parser(
        "gameir-release", help="the published GameIR release: tar shards or folders of GameIR-SR/<scene>/<spawn>/...",
        description="Convert the GameIR release layout (uncompressed tar shards, local or by URL, and/or extracted "
                    "folders with GameIR-SR/<scene>/<spawn>/<720p|1440p>/<frame>.<rgb|depth|seg>.png, CARLA 24-bit "
                    "depth, CARLA tags in the R channel of seg) into one shard per <scene>/<spawn> video at "
                    "DIR/<split>/<scene>/<spawn>.h5: levels lr (720p) and hr (1440p), buffers rgb, depth (metres; "
                    "CARLA's far-plane code becomes +inf) and semantic where the clip has seg members. Each frame "
                    "keeps its release frame number as frame_index. Tar URLs (http(s):// with byte ranges, fsspec "
                    "URLs) are read member by member with range requests, without downloading the tars. The "
                    "release has no cameras: K is stored as zeros and c2w as identity. Existing shards are kept "
                    "(resume).",
        epilog="examples:\n  gameir import gameir-release release/GameIR-SR-test-*.tar --split test --to data/gameir-release\n"
               "  gameir import gameir-release /data/GameIR-extracted --split train --to data/gameir-release",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    release.add_argument("paths", nargs="+", help="release .tar shards (paths or URLs) and/or folders")
    release.add_argument("--to", required=True, help="dataset root to write")
    release.add_argument("--split", default="train", help="split of the imported clips (default: train)")
    release.add_argument("--far-as-depth", action="store_true",
                         help="keep CARLA's far-plane code as 1000 m instead of +inf (sky)")
    release.add_argument("--retries", type=int, default=5,
                         help="retries of a range request to a tar URL after a transient error (default: 5)")
    release.add_argument("--quiet", action="store_true", help="no progress bar")
    release.set_defaults(func=_release)


def _folders(args: argparse.Namespace) -> int:
    from gameir.interop.import_folders import import_folders

    manifest = import_folders(args.source, args.to, split=args.split, lr_dir=args.lr, hr_dir=args.hr, quiet=args.quiet)
    return _summary(args, manifest)


def _release(args: argparse.Namespace) -> int:
    from gameir.interop.import_release import import_release

    try:
        manifest = import_release(args.paths, args.to, split=args.split, far_as_inf=not args.far_as_depth,
                                  retries=args.retries, quiet=args.quiet)
    except ConnectionError as exc:  # a remote tar still failing after the retries; the message names the URL
        print(f"gameir import: error: {exc}", file=sys.stderr)
        return 2
    return _summary(args, manifest)


def _summary(args: argparse.Namespace, manifest: dict) -> int:
    for split, body in manifest["splits"].items():
        print(f"{split:<8} {len(body['shards']):>5} shards {body['frames']:>7} frames")
    print(f"wrote {args.to}/manifest.json")
    return 0
