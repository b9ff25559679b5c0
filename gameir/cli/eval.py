"""`gameir eval sr|nvs`: score a method on a split with a fixed protocol; write CSV, JSON, Markdown, pictures."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run_sr", "run_nvs", "parse_views"]

_SR_EPILOG = """examples:
  gameir eval sr --data data/gameir-sr --split test --method bicubic --out runs/bicubic
  gameir eval sr --data data/gameir-sr --method gbuffer-jbu --y-channel --crop-border 2 --out runs/jbu
  gameir eval sr --data data/gameir-sr --method torchscript:model.pt --device cuda --tile 512 --amp --temporal --out runs/m
  gameir eval sr --data data/gameir-sr --method python:my_pkg.models:make_model --out runs/mine
  gameir eval sr --data data/gameir-sr --method spandrel:RealESRGAN_x2plus.pth --device cuda --tile 256 --out runs/esrgan
  gameir eval sr --data data/gameir-sr --method folder:preds/ --out runs/external   # preds/<clip_id>/<frame:08d>.png
  gameir eval sr --list-methods
  gameir eval sr --data data/gameir-sr --protocol gameir-sr-x2 --method bicubic   # a shipped protocol
  torchrun --nproc_per_node 4 -m gameir eval sr --data data/gameir-sr --method bicubic --out runs/bicubic
methods: nearest, bilinear, bicubic, lanczos, gbuffer-jbu, python:pkg.module:factory, torchscript:FILE,
spandrel:FILE (.pth/.safetensors), folder:DIR; `--list-methods` names them with spandrel's architectures
(input contracts and report layout: docs/EVALUATION.md)"""

_NVS_EPILOG = """examples:
  gameir eval nvs --data data/tiny-nvs --split test --method warp --holdout 1,3 --out runs/nvs-warp
  gameir eval nvs --data data/tiny-nvs --method nearest-view --holdout -1
  gameir eval nvs --data data/tiny-nvs --method folder:renders/ --holdout 1   # renders/<clip_id>/<view:02d>/<frame:08d>.png
methods: nearest-view, warp, python:pkg.module:factory, folder:DIR (docs/EVALUATION.md)"""


def parse_views(text: str) -> tuple[int, ...]:
    """``"1,3,5"`` -> (1, 3, 5); negative indices count from the last view."""
    try:
        views = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise ValueError(f"--holdout must be comma-separated view indices such as 1,3, got {text!r}") from None
    if not views:
        raise ValueError("--holdout needs at least one view index")
    return views


class _ListSRMethods(argparse.Action):
    """``--list-methods``: print what ``--method`` accepts and exit (like ``--help``, before required flags)."""

    def __init__(self, option_strings: list[str], dest: str, **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from gameir.evaluation.sr_methods import list_sr_methods

        for method, what in list_sr_methods():
            print(f"{method:28s} {what}")
        parser.exit(0)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="dataset root (manifest.json), shard files' folder or release layout")
    p.add_argument("--split", default=None, help="split to score (default: the protocol's, else test)")
    p.add_argument("--method", required=True, help="what to score (see below)")
    p.add_argument("--protocol", help="shipped protocol name (gameir-sr-x2, ...; an unknown name lists them) or a protocol .json file, "
                        "fixing split, scale, crop, Y, ...")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:K (default: %(default)s)")
    p.add_argument("--y-channel", action="store_true", default=None, help="metrics on BT.601 luma instead of RGB")
    p.add_argument("--crop-border", type=int, default=None, help="pixels cropped per side (SR default: the scale; NVS: 0)")
    p.add_argument("--out", help="output folder: frames.csv, summary.json, report.md, worst/*.png")
    p.add_argument("--worst", type=int, default=4, help="side-by-side pictures of the N worst frames (default: %(default)s)")
    p.add_argument("--max-frames", type=int, help="score only the first N images (quick checks)")
    p.add_argument("--distributed", action="store_true", default=None,
                   help="split frames across torchrun processes (automatic when WORLD_SIZE > 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("eval", help="score SR or NVS methods on a split (PSNR/SSIM, reports, pictures)",
                            description="Score a method on a GameIR split with a stated protocol.",
                            epilog="examples:\n  gameir eval sr --data data/gameir-sr --method bicubic --out runs/b\n"
                                   "  gameir eval nvs --data data/tiny-nvs --method warp --holdout 1,3\n"
                                   "Run `gameir eval sr --help` / `gameir eval nvs --help` for details.",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="eval_task", metavar="TASK")
    sr = verbs.add_parser("sr", help="super-resolution: LR (+ G-buffers) -> HR, full frames",
                          description="Score an SR method on every full frame of a split: PSNR/SSIM per frame, means "
                                      "overall, per world family, per weather and static vs dynamic.",
                          epilog=_SR_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(sr)
    sr.add_argument("--list-methods", action=_ListSRMethods, help="list the available methods and exit")
    sr.add_argument("--scale", type=int, default=None, help="expected scale (checked against the data)")
    sr.add_argument("--tile", type=int, default=None, help="LR tile size for tiled inference (default: whole frames)")
    sr.add_argument("--tile-overlap", type=int, default=16, help="LR pixels of context per tile side (default: %(default)s)")
    sr.add_argument("--amp", action="store_true", help="float16 autocast (CUDA only)")
    sr.add_argument("--temporal", action="store_true", default=None,
                    help="also the warping error of consecutive predictions vs the ground truth's")
    sr.set_defaults(func=run_sr)
    nvs = verbs.add_parser("nvs", help="novel-view synthesis: source views -> held-out views",
                           description="Score an NVS method: it sees the source views (images, depth, poses) of each "
                                       "rig frame and predicts the held-out views.",
                           epilog=_NVS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(nvs)
    nvs.add_argument("--holdout", type=parse_views, default=None, help="held-out view indices, e.g. 1,3 (default: -1)")
    nvs.set_defaults(func=run_nvs)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def _settings(args: argparse.Namespace, task: str) -> dict[str, Any]:
    """The evaluation's protocol settings: flags given on the command line override the protocol file's."""
    from gameir.evaluation.protocol import protocol_settings, resolve_protocol

    return resolve_protocol(args.protocol, task, {k: getattr(args, k, None) for k in protocol_settings(task)})


def _finish(summary: dict[str, Any]) -> int:
    from gameir.evaluation.report import format_table

    print(format_table(summary), end="")
    for name, path in summary.get("files", {}).items():
        if not name.startswith("worst/"):
            print(f"wrote {path}")
    worst = [p for n, p in summary.get("files", {}).items() if n.startswith("worst/")]
    if worst:
        print(f"wrote {len(worst)} worst-frame picture(s) in {worst[0].rsplit('/', 1)[0]}")
    return 0


def _is_rank0() -> bool:
    from gameir.evaluation.distributed import current_rank

    return current_rank() == 0


def run_sr(args: argparse.Namespace) -> int:
    from gameir.evaluation.sr import evaluate_sr

    kw = _settings(args, "sr")
    summary = evaluate_sr(args.data, kw.pop("split"), args.method, device=args.device, out=args.out, tile=args.tile,
                          tile_overlap=args.tile_overlap, amp=args.amp, worst=args.worst,
                          distributed=args.distributed, max_frames=args.max_frames, quiet=args.quiet, **kw)
    return _finish(summary) if _is_rank0() else 0


def run_nvs(args: argparse.Namespace) -> int:
    from gameir.evaluation.nvs import evaluate_nvs

    kw = _settings(args, "nvs")
    summary = evaluate_nvs(args.data, kw.pop("split"), args.method, device=args.device, out=args.out,
                           worst=args.worst, distributed=args.distributed, max_frames=args.max_frames,
                           quiet=args.quiet, **kw)
    return _finish(summary) if _is_rank0() else 0
