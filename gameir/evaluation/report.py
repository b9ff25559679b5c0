"""Reports of an evaluation: per-frame CSV, summary JSON and a Markdown table with the protocol."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from gameir.evaluation.distributed import current_rank
from gameir.evaluation.protocol import protocol_line
from gameir.evaluation.summary import GROUP_AXES
from gameir.fileio import atomic_write_bytes, atomic_write_json

__all__ = ["format_table", "write_reports", "json_ready", "REPORT_FILES", "FAILED_MARKER", "WORST_DIR",
           "clear_outputs", "mark_failed", "guarded_outputs"]

#: Files :func:`write_reports` writes into the output folder (``summary.json`` last: it marks a complete run).
REPORT_FILES = ("frames.csv", "report.md", "summary.json")
#: Written into the output folder when a run fails: what ran, when, and the error.
FAILED_MARKER = "FAILED"
#: Sub-folder of the worst-frame pictures.
WORST_DIR = "worst"

_LABELS = {"psnr": "PSNR (dB)", "ssim": "SSIM", "flip": "FLIP (LDR, lower is better)", "warp_mse": "warp MSE (pred)",
           "warp_mse_gt": "warp MSE (GT)", "count": "images"}


def json_ready(obj: Any) -> Any:
    """Copy of ``obj`` with non-finite floats as the strings ``"inf"``, ``"-inf"``, ``"nan"``
    (strict JSON has no infinity; identical images have PSNR +inf)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    return obj


def _fmt(metric: str, value: Any) -> str:
    if value is None:
        return "-"
    if metric == "count":
        return str(int(value))
    v = float(value)
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if metric.startswith("psnr"):
        return f"{v:.3f}"
    if metric.startswith("ssim") or metric == "flip":
        return f"{v:.4f}"
    return f"{v:.3e}"


def _rows(summary: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    rows = [("overall", "all", summary["overall"])]
    opt = summary.get("optional")
    merged_overall = dict(summary["overall"])
    if opt:
        merged_overall.update({k: v for k, v in opt["overall"].items() if k != "count"})
        rows[0] = ("overall", "all", merged_overall)
    for axis, title in GROUP_AXES.items():
        for group, vals in summary["groups"][axis].items():
            vals = dict(vals)
            if opt:
                vals.update({k: v for k, v in opt["groups"][axis].get(group, {}).items() if k != "count"})
            rows.append((title, group or "(none)", vals))
    return rows


def format_table(summary: dict[str, Any]) -> str:
    """Markdown table of an ``evaluate_sr`` / ``evaluate_nvs`` summary, the protocol line above it.

    Rows: overall, then per world family, per weather and static vs dynamic; columns: the
    metrics (PSNR, SSIM, and with ``--temporal`` the warping errors of prediction and ground truth)
    and the image count.
    """
    metrics = list(summary["metrics"]) + list(summary.get("optional_metrics", []))
    cols = metrics + ["count"]
    lines = [protocol_line(summary["protocol"], summary["dataset"]), "",
             f"Method: `{summary['method']}`; {summary['overall']['count']} images; "
             f"{summary.get('images_per_s', float('nan')):.2f} images/s on {summary.get('device', '?')} "
             f"x {summary.get('world_size', 1)} process(es).", "",
             "| group | value | " + " | ".join(_LABELS.get(c, c) for c in cols) + " |",
             "|---|---|" + "---:|" * len(cols)]
    for title, group, vals in _rows(summary):
        lines.append(f"| {title} | {group} | " + " | ".join(_fmt(c, vals.get(c)) for c in cols) + " |")
    if summary.get("temporal_mask"):
        lines += ["", f"Temporal: {summary['temporal_mask']}"]
    return "\n".join(lines) + "\n"


def write_reports(summary: dict[str, Any], records: Sequence[dict[str, Any]], out: str | os.PathLike,
                  columns: Sequence[str]) -> dict[str, Path]:
    """Write ``frames.csv`` (one row per image, ``columns``), ``report.md`` and, last,
    ``summary.json`` into ``out`` (created), each atomically. Returns name -> path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})
    paths = {name: out / name for name in REPORT_FILES}
    atomic_write_bytes(paths["frames.csv"], buf.getvalue().encode("utf-8"))
    atomic_write_bytes(paths["report.md"], ("# GameIR evaluation\n\n" + format_table(summary)).encode("utf-8"))
    atomic_write_json(paths["summary.json"], json_ready(summary))  # last: its presence marks a complete run
    return paths


def clear_outputs(out: str | os.PathLike) -> list[Path]:
    """Remove what an earlier run left in ``out``: :data:`REPORT_FILES`, the ``FAILED`` marker and
    ``worst/*.png`` (nothing else is touched). Returns the removed paths.

    Raises:
        FileExistsError: ``out`` exists and is not a folder.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out}: exists and is not a folder; give a folder for the reports")
    if not out.is_dir():
        return []
    stale = [out / name for name in REPORT_FILES + (FAILED_MARKER,)]
    if (out / WORST_DIR).is_dir():
        stale += sorted((out / WORST_DIR).rglob("*.png"))  # also pictures of earlier versions in sub-folders
    removed = []
    for path in stale:
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed


def mark_failed(out: str | os.PathLike, what: str, exc: BaseException) -> Path:
    """Write ``out/FAILED``: what ran, when (UTC) and the error, atomically; return its path."""
    out = Path(out)
    error = "interrupted (KeyboardInterrupt)" if isinstance(exc, KeyboardInterrupt) else \
        f"{type(exc).__name__}: {exc}"
    text = (f"{what} failed at {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n{error}\n"
            f"Reports of earlier runs in this folder were removed when the run started; "
            f"files here other than this one are incomplete.\n")
    path = out / FAILED_MARKER
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


@contextlib.contextmanager
def guarded_outputs(out: str | os.PathLike | None, what: str) -> Iterator[None]:
    """Run an evaluation that writes into ``out`` so that a failure never leaves stale reports.

    On rank 0, before the run: :func:`clear_outputs`. If the body raises (or is interrupted):
    :func:`mark_failed` (rank 0), then the error propagates. On success nothing is added: the body
    has written its reports, ``summary.json`` last. A folder that does not exist yet is not created
    for the marker (nothing stale can be in it). ``out=None`` does nothing.
    """
    if out is not None and current_rank() == 0:
        clear_outputs(out)
    try:
        yield
    except BaseException as exc:
        if out is not None and current_rank() == 0 and Path(out).is_dir():
            with contextlib.suppress(OSError):  # never hide the run's own error
                mark_failed(out, what, exc)
        raise
