"""A TensorBoard-free run log: one CSV row per logged step, plus the JSON summary of the run."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from typing import Any, Iterable

from gameir.fileio import atomic_write_json, atomic_writer

__all__ = ["RunLog", "LOG_COLUMNS"]

#: Columns of ``log.csv``; empty cells where a row has no value (e.g. validation on some steps).
LOG_COLUMNS = ("step", "seconds", "lr", "loss", "val_psnr", "val_psnr_y", "val_ssim", "val_ssim_y")


class RunLog:
    """Append-only ``log.csv`` (flushed every row) that can be cut back to a checkpoint's step.

    Args:
        path: the CSV file.
        columns: column names (``step`` first).
    """

    def __init__(self, path: str | os.PathLike, columns: Iterable[str] = LOG_COLUMNS) -> None:
        self.path = Path(path)
        self.columns = tuple(columns)
        self.rows: list[dict[str, Any]] = []

    def start(self, resume_step: int | None = None) -> None:
        """Start a new log, or keep the rows of steps <= ``resume_step`` of an existing one."""
        self.rows = []
        if resume_step is not None and self.path.is_file():
            with open(self.path, newline="") as fh:
                for row in csv.DictReader(fh):
                    if int(float(row["step"])) <= resume_step:
                        self.rows.append({k: int(float(v)) if k == "step" else _parse(v) for k, v in row.items()})
        with atomic_writer(self.path, "w") as fh:
            writer = csv.DictWriter(fh, fieldnames=self.columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: _fmt(r.get(k)) for k in self.columns} for r in self.rows)

    def append(self, row: dict[str, Any]) -> None:
        """Add one row (keys outside :attr:`columns` are ignored) and flush it to disk."""
        unknown = set(row) - set(self.columns)
        if unknown:
            raise ValueError(f"{self.path}: unknown log columns {sorted(unknown)}; columns: {list(self.columns)}")
        self.rows.append(dict(row))
        with open(self.path, "a", newline="") as fh:
            csv.DictWriter(fh, fieldnames=self.columns, lineterminator="\n").writerow(
                {k: _fmt(row.get(k)) for k in self.columns})

    @property
    def last_seconds(self) -> float:
        """``seconds`` of the last row (0 for an empty log): the offset a resumed run continues from."""
        for r in reversed(self.rows):
            if r.get("seconds") not in (None, ""):
                return float(r["seconds"])
        return 0.0

    def series(self, column: str) -> tuple[list[float], list[float]]:
        """``(steps, values)`` of the rows that have ``column``."""
        pairs = [(float(r["step"]), float(r[column])) for r in self.rows
                 if r.get(column) not in (None, "") and math.isfinite(float(r[column]))]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    @staticmethod
    def write_summary(path: str | os.PathLike, summary: dict[str, Any]) -> None:
        """Write the run summary JSON atomically."""
        atomic_write_json(path, summary)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _parse(v: str) -> Any:
    if v == "":
        return None
    try:
        return float(v)
    except ValueError:
        return v
