"""Reports of an evaluation: per-frame CSV, summary JSON and a Markdown table with the protocol."""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path
from typing import Any, Sequence

from gameir.evaluation.protocol import protocol_line
from gameir.evaluation.summary import GROUP_AXES
from gameir.fileio import atomic_write_bytes, atomic_write_json

__all__ = ["format_table", "write_reports", "json_ready", "REPORT_FILES"]

#: Files :func:`write_reports` writes into the output folder.
REPORT_FILES = ("frames.csv", "summary.json", "report.md")

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
    """Write ``frames.csv`` (one row per image, ``columns``), ``summary.json`` and ``report.md``
    into ``out`` (created), each atomically. Returns name -> path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})
    paths = {name: out / name for name in REPORT_FILES}
    atomic_write_bytes(paths["frames.csv"], buf.getvalue().encode("utf-8"))
    atomic_write_json(paths["summary.json"], json_ready(summary))
    atomic_write_bytes(paths["report.md"], ("# GameIR evaluation\n\n" + format_table(summary)).encode("utf-8"))
    return paths
