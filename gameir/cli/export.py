"""`gameir export folders|basicsr|gameir-release|nerfstudio ...`: shards out as PNG/NPY folders, BasicSR datasets, release tars, or NVS datasets."""

from __future__ import annotations

import argparse

from gameir.cli.arglists import ints, names

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export", help="export shards to PNG/NPY folders, BasicSR datasets, or nerfstudio / 3DGS / instant-ngp datasets",
        description="Write a dataset's frames out for other tools.",
        epilog="examples:\n  gameir export folders data/tiny --split val --to exports/val\n"
               "  gameir export basicsr data/tiny --split train --layout paired --to exports/bsr-train\n"
               "  gameir export nerfstudio data/tiny-nvs/test/nature-002001-CloudyNoon-static.h5 --to exports/ns --test-views 3",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = parser.add_subparsers(dest="export_kind", metavar="FORMAT", required=True)

    folders = kinds.add_parser(
        "folders", help="LR/<clip>/<frame>.png, HR/..., <LEVEL>_<buffer>/..., cameras/<clip>.json",
        description="Export every frame as files: rgb as LR/<clip>/<frame:08d>.png and HR/... (frames named "
                    "by their frame index; for BasicSR's own dataset classes use `gameir export basicsr`); other buffers under <LEVEL>_<buffer>/: depth .npy float32 metres (keeps +inf), "
                    "normal/motion/hdr .npy float16, semantic 8-bit PNG, instance 16-bit PNG, basecolor/material "
                    "RGB PNG; cameras and metadata as cameras/<clip>.json. `gameir import folders` reads it back "
                    "losslessly.",
        epilog="examples:\n  gameir export folders data/tiny --to exports/all\n"
               "  gameir export folders data/tiny --split val --buffers rgb,depth --to exports/val\n"
               "  gameir export folders data/tiny/train/town-000000-ClearNoon-dynamic.h5 --to exports/one",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    folders.add_argument("source", help="dataset root (with manifest.json) or one shard")
    folders.add_argument("--to", required=True, help="output folder")
    folders.add_argument("--split", help="only this split of a dataset root")
    folders.add_argument("--buffers", type=names, help="comma-separated buffers to export (default: all)")
    folders.add_argument("--quiet", action="store_true", help="no progress bar")
    folders.set_defaults(func=_folders)

    bsr = kinds.add_parser(
        "basicsr", help="LR/ + HR/ + meta_info.txt that BasicSR's PairedImageDataset or REDSDataset read unchanged",
        description="Export rgb LR/HR pairs for BasicSR 1.4.2's own dataset classes. --layout paired: flat "
                    "LR/<clip>_<frame:08d>.png and HR/... (PairedImageDataset, folder or meta_info_file mode); "
                    "--layout reds: LR/<clip>/<i:08d>.png with i counted from 0 (REDSDataset, which needs 100 "
                    "frames per clip, and VideoTestDataset). meta_info.txt lists the GT files or clips with the "
                    "HR shape. docs/DISTRIBUTION.md has the option blocks.",
        epilog="examples:\n  gameir export basicsr data/tiny --split train --to exports/bsr-train\n"
               "  gameir export basicsr data/tiny --split val --layout reds --to exports/bsr-val-video",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    bsr.add_argument("source", help="dataset root (with manifest.json) or one shard")
    bsr.add_argument("--to", required=True, help="output folder (must not exist or be empty)")
    bsr.add_argument("--layout", choices=("paired", "reds"), default="paired", help="folder layout (default: paired)")
    bsr.add_argument("--split", help="only this split of a dataset root")
    bsr.add_argument("--lq-level", default="lr", help="level written to LR/ (default: lr)")
    bsr.add_argument("--gt-level", default="hr", help="level written to HR/ (default: hr)")
    bsr.add_argument("--quiet", action="store_true", help="no progress bar")
    bsr.set_defaults(func=_basicsr)

    rel = kinds.add_parser(
        "gameir-release", help="GameIR-SR/<scene>/<spawn>/<720p|1440p>/<frame>.<rgb|depth|seg>.png tars, one per clip",
        description="Export SR clips in the published GameIR release layout (docs/DISTRIBUTION.md): one uncompressed "
                    "tar per clip, rgb PNG, depth in CARLA's 24-bit encoding, semantic tags in the R channel of "
                    "<frame>.seg.png, the shards' own frame numbers. `gameir import gameir-release` reads them back.",
        epilog="examples:\n  gameir export gameir-release data/tiny --split test --to exports/release\n"
               "  gameir import gameir-release exports/release/*.tar --split test --to data/release",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    rel.add_argument("source", help="dataset root (with manifest.json) or one SR shard")
    rel.add_argument("--to", required=True, help="output folder (must not exist or be empty)")
    rel.add_argument("--split", help="only this split of a dataset root")
    rel.set_defaults(func=_release)

    ns = kinds.add_parser(
        "nerfstudio", help="transforms.json (nerfstudio), transforms_train/test.json (3DGS, instant-ngp), images, depths",
        description="Export one shard (multi-view rig or single camera) as one static scene: transforms.json for "
                    "nerfstudio (fl_x, fl_y, cx, cy, w, h, per-image transform_matrix = camera-to-world in OpenGL "
                    "axes, depth_file_path PNGs in millimetres (0 = sky or > 65.535 m), train/val/test_filenames "
                    "holding out --test-views); transforms_train.json / transforms_test.json in the Blender layout "
                    "for the reference 3D Gaussian Splatting loader and instant-ngp (camera_angle_x, aabb_scale, "
                    "scale, offset, depth_path, train views only in the train file); points3d.ply lifted from "
                    "the train views' depth. A dynamic scene is refused for more than one frame: use --frames F "
                    "or --per-frame.",
        epilog="examples:\n  gameir export nerfstudio data/tiny-nvs/test/nature-002001-CloudyNoon-static.h5 --to ns/nature\n"
               "  gameir export nerfstudio data/tiny-nvs/test/nature-002001-CloudyNoon-static.h5 --to ns/n2 --frames 0,1 "
               "--test-views 0,3\n"
               "  gameir export nerfstudio data/tiny-nvs/test/town-002000-ClearNoon-dynamic.h5 --to ns/town --per-frame"
               "   # ns/town/frame_00000000/ ...\n"
               "  ns-train nerfacto --data ns/nature\n"
               "  python train.py -s ns/nature --eval                          # 3D Gaussian Splatting\n"
               "  instant-ngp ns/nature/transforms_train.json                  # the file, not the folder",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ns.add_argument("shard", help="one shard file")
    ns.add_argument("--to", required=True, help="output folder (must not exist or be empty)")
    ns.add_argument("--level", help="resolution level (default: hr if present)")
    ns.add_argument("--frames", type=ints, help="comma-separated frame indices to export (default: all)")
    ns.add_argument("--test-views", type=ints, help="comma-separated views held out (default: the last view)")
    ns.add_argument("--no-depth", action="store_true", help="do not write depth PNGs")
    ns.add_argument("--no-blender", action="store_true",
                    help="write only transforms.json (for jittered renders, whose principal point moves per frame)")
    ns.add_argument("--per-frame", action="store_true",
                    help="one dataset per timestep in <to>/frame_<F:08d>/ (for dynamic scenes; needs a multi-view rig)")
    ns.add_argument("--quiet", action="store_true", help="no progress bar")
    ns.set_defaults(func=_nerfstudio)


def _release(args: argparse.Namespace) -> int:
    from gameir.interop.export_release import export_release

    summary = export_release(args.source, args.to, split=args.split)
    print(f"wrote {len(summary['tars'])} release tar(s) ({summary['frames']} frames at 720p and 1440p) to {args.to}")
    return 0


def _folders(args: argparse.Namespace) -> int:
    from gameir.interop.export_folders import export_folders

    summary = export_folders(args.source, args.to, split=args.split, buffers=None if args.buffers is None else list(args.buffers),
                             quiet=args.quiet)
    print(f"exported {summary['frames']} frames of {len(summary['clips'])} clips to {args.to}")
    return 0


def _basicsr(args: argparse.Namespace) -> int:
    from gameir.interop.export_basicsr import export_basicsr

    summary = export_basicsr(args.source, args.to, layout=args.layout, split=args.split, lq_level=args.lq_level,
                             gt_level=args.gt_level, quiet=args.quiet)
    print(f"exported {summary['frames']} LR/HR pairs (x{summary['scale']}) of {len(summary['clips'])} clips to "
          f"{args.to} ({args.layout} layout, {summary['meta_info_file']})")
    return 0


def _nerfstudio(args: argparse.Namespace) -> int:
    from gameir.interop.export_nerfstudio import export_nerfstudio, export_nerfstudio_per_frame

    listed = {k: None if v is None else list(v) for k, v in (("frames", args.frames), ("test_views", args.test_views))}
    options = dict(level=args.level, **listed, depth=not args.no_depth,
                   blender=not args.no_blender, quiet=args.quiet)
    files = "transforms.json" + ("" if args.no_blender else ", transforms_train.json, transforms_test.json")
    if args.per_frame:
        metas = export_nerfstudio_per_frame(args.shard, args.to, **options)
        meta = next(iter(metas.values()))
        print(f"wrote {len(metas)} datasets {args.to}/frame_<F>/ ({files}): {len(meta['frames'])} images "
              f"{meta['w']}x{meta['h']} each, {len(meta['train_filenames'])} train / {len(meta['test_filenames'])} test")
        return 0
    meta = export_nerfstudio(args.shard, args.to, **options)
    print(f"wrote {args.to} ({files}): {len(meta['frames'])} images {meta['w']}x{meta['h']}, "
          f"{len(meta['train_filenames'])} train / {len(meta['test_filenames'])} test")
    return 0
