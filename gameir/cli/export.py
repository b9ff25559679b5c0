"""`gameir export folders|nerfstudio ...`: write shards out as PNG/NPY folders or a nerfstudio dataset."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export", help="export shards to PNG/NPY folders (BasicSR layout) or to nerfstudio transforms.json",
        description="Write a dataset's frames out for other tools.",
        epilog="examples:\n  gameir export folders data/gameir --split val --to exports/val\n"
               "  gameir export nerfstudio data/gameir/test/rig-0003.h5 --to exports/rig-0003 --test-views 5",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = parser.add_subparsers(dest="export_kind", metavar="FORMAT", required=True)

    folders = kinds.add_parser(
        "folders", help="LR/<clip>/<frame>.png, HR/..., <LEVEL>_<buffer>/..., cameras/<clip>.json",
        description="Export every frame as files: rgb as LR/<clip>/<frame:08d>.png and HR/... (REDS/BasicSR video "
                    "layout); other buffers under <LEVEL>_<buffer>/: depth .npy float32 metres (keeps +inf), "
                    "normal/motion/hdr .npy float16, semantic 8-bit PNG, instance 16-bit PNG, basecolor/material "
                    "RGB PNG; cameras and metadata as cameras/<clip>.json. `gameir import folders` reads it back "
                    "losslessly.",
        epilog="examples:\n  gameir export folders data/gameir --to exports/all\n"
               "  gameir export folders data/gameir --split val --buffers rgb depth --to exports/val\n"
               "  gameir export folders data/gameir/train/town-0001.h5 --to exports/one",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    folders.add_argument("source", help="dataset root (with manifest.json) or one shard")
    folders.add_argument("--to", required=True, help="output folder")
    folders.add_argument("--split", help="only this split of a dataset root")
    folders.add_argument("--buffers", nargs="+", help="buffers to export (default: all)")
    folders.add_argument("--quiet", action="store_true", help="no progress bar")
    folders.set_defaults(func=_folders)

    ns = kinds.add_parser(
        "nerfstudio", help="transforms.json + images/ + depths/ (16-bit PNG mm) for nerfstudio, instant-ngp, 3DGS",
        description="Export one shard (multi-view rig or single camera) as a nerfstudio dataset: transforms.json "
                    "with fl_x, fl_y, cx, cy, w, h and per-image transform_matrix (camera-to-world, OpenGL axes, "
                    "as nerfstudio expects), depth_file_path PNGs in millimetres (0 = sky or > 65.535 m), and "
                    "train/val/test_filenames holding out --test-views.",
        epilog="examples:\n  gameir export nerfstudio data/gameir/test/rig-0003.h5 --to ns/rig-0003\n"
               "  gameir export nerfstudio rig.h5 --to ns/rig --level lr --frames 0 1 2 --test-views 0 3\n"
               "  ns-train nerfacto --data ns/rig-0003",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ns.add_argument("shard", help="one shard file")
    ns.add_argument("--to", required=True, help="output folder")
    ns.add_argument("--level", help="resolution level (default: hr if present)")
    ns.add_argument("--frames", type=int, nargs="+", help="frame indices to export (default: all)")
    ns.add_argument("--test-views", type=int, nargs="+", help="views held out (default: the last view)")
    ns.add_argument("--no-depth", action="store_true", help="do not write depth PNGs")
    ns.add_argument("--quiet", action="store_true", help="no progress bar")
    ns.set_defaults(func=_nerfstudio)


def _folders(args: argparse.Namespace) -> int:
    from gameir.interop.export_folders import export_folders

    summary = export_folders(args.source, args.to, split=args.split, buffers=args.buffers, quiet=args.quiet)
    print(f"exported {summary['frames']} frames of {len(summary['clips'])} clips to {args.to}")
    return 0


def _nerfstudio(args: argparse.Namespace) -> int:
    from gameir.interop.export_nerfstudio import export_nerfstudio

    meta = export_nerfstudio(args.shard, args.to, level=args.level, frames=args.frames, test_views=args.test_views,
                             depth=not args.no_depth, quiet=args.quiet)
    print(f"wrote {args.to}/transforms.json: {len(meta['frames'])} images {meta['w']}x{meta['h']}, "
          f"{len(meta['train_filenames'])} train / {len(meta['test_filenames'])} test")
    return 0
