"""What run_sr.py and run_nvs.py share: the options, the methods scored under one protocol, the table.

Not a module of the package: the scripts in this folder import it by file location.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from gameir.evaluation import protocol_line, resolve_protocol

#: Column -> (header, format); formats take the value (None: not measured).
_COLUMNS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "psnr": ("PSNR (dB)", lambda v: f"{v:.3f}"),
    "ssim": ("SSIM", lambda v: f"{v:.4f}"),
    "flip": ("FLIP", lambda v: f"{v:.4f}"),
    "warp_mse": ("warp MSE (pred)", lambda v: "-" if v is None else f"{v:.3e}"),
    "warp_mse_gt": ("warp MSE (GT)", lambda v: "-" if v is None else f"{v:.3e}"),
    "count": ("{unit}", lambda v: str(v)),
    "images_per_s": ("{unit}/s", lambda v: f"{v:.2f}"),
}


def build_parser(doc: str, *, data_help: str, protocol: str, methods: str) -> argparse.ArgumentParser:
    """The options both scripts take (``--data --protocol --methods --out --device``)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data", required=True, help=data_help)
    parser.add_argument("--protocol", default=protocol,
                        help="shipped protocol name or protocol .json file (default: %(default)s)")
    parser.add_argument("--methods", default=methods, help="comma-separated --method values (default: %(default)s)")
    parser.add_argument("--out", help="output folder (one sub-folder per method)")
    parser.add_argument("--device", default="auto")
    return parser


def score_methods(evaluate: Callable[..., dict[str, Any]], task: str, args: argparse.Namespace,
                  **kwargs: Any) -> list[dict[str, Any]]:
    """``evaluate(data, split, method, ...)`` for each of ``args.methods`` under ``args.protocol``;
    each method's reports go to ``args.out/<method, file-name safe>``. Returns the summaries."""
    settings = resolve_protocol(args.protocol, task)
    split = settings.pop("split")
    summaries = []
    for method in args.methods.split(","):
        out = None if args.out is None else Path(args.out) / re.sub(r"[^A-Za-z0-9_.-]+", "_", method)
        summaries.append(evaluate(args.data, split, method, device=args.device, out=out, quiet=False,
                                  **settings, **kwargs))
    return summaries


def print_table(summaries: Sequence[dict[str, Any]], columns: Sequence[str], unit: str) -> None:
    """The protocol line, then a Markdown table: one row per method, the overall values of ``columns``."""
    print(protocol_line(summaries[-1]["protocol"], summaries[-1]["dataset"]))
    heads = [_COLUMNS[c][0].format(unit=unit) for c in columns]
    print("\n| method | " + " | ".join(heads) + " |\n|---|" + "---:|" * len(columns))
    for s in summaries:
        found = {**s.get("optional", {}).get("overall", {}), **s["overall"], "images_per_s": s["images_per_s"]}
        print(f"| {s['method']} | " + " | ".join(_COLUMNS[c][1](found.get(c)) for c in columns) + " |")


def run(main: Callable[[], int], script: str) -> None:
    """Exit with ``main()``'s status; a bad argument or file is one line on stderr and status 2, as `gameir eval`."""
    try:
        raise SystemExit(main())
    except (ValueError, FileNotFoundError, FileExistsError, ImportError) as exc:
        print(f"{Path(script).name}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
