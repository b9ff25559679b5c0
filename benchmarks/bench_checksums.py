"""Checksums of a shard's small datasets (camera arrays, time_s, frame_index): read and write cost.

Three ways of protecting the per-frame camera arrays against a flipped byte, on datasets shaped and
chunked as :class:`gameir.shards.ShardWriter` writes them (float64, 64 frames per chunk, two levels,
``K``, ``c2w``, ``jitter_px``, plus ``time_s`` and ``frame_index``):

- ``none``: no check (format v1 as first written);
- ``fletcher32``: HDF5's Fletcher-32 filter on each chunk, checked by HDF5 on every read;
- ``sha256-attr``: a SHA-256 of each dataset's bytes in an attribute, checked by hashing what is
  read (a one-frame read then has to read and hash the whole dataset).

    python benchmarks/bench_checksums.py                  # 600 frames, 3000 random one-frame reads
    python benchmarks/bench_checksums.py --frames 3000 --reads 5000

Prints one table: microseconds per call, minimum and median, the three modes taking turns call by
call (fair on a shared, busy machine).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

import h5py
import numpy as np

CAMERA = {"K": (3, 3), "c2w": (4, 4), "jitter_px": (2,)}
LEVELS = ("lr", "hr")
MODES = ("none", "fletcher32", "sha256-attr")


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def write(path: Path, mode: str, frames: int, rng: np.random.Generator) -> float:
    """Append ``frames`` frames one at a time, as the writer does; return seconds."""
    start = time.perf_counter()
    with h5py.File(path, "w", libver=("earliest", "v110")) as f:
        kwargs = {"fletcher32": True} if mode == "fletcher32" else {}
        small = {}
        for level in LEVELS:
            for name, tail in CAMERA.items():
                small[f"{level}/camera/{name}"] = f.create_dataset(
                    f"{level}/camera/{name}", shape=(0,) + tail, maxshape=(None,) + tail, dtype=np.float64,
                    chunks=(64,) + tail, **kwargs)
        for name, dtype in (("time_s", np.float64), ("frame_index", np.int64)):
            small[name] = f.create_dataset(name, shape=(0,), maxshape=(None,), dtype=dtype, chunks=(1024,), **kwargs)
        for i in range(frames):
            for key, ds in small.items():
                ds.resize(i + 1, axis=0)
                ds[i] = rng.normal(size=ds.shape[1:]) if ds.ndim > 1 else i
        if mode == "sha256-attr":
            for ds in small.values():
                ds.attrs["sha256"] = _digest(ds[:])
    return time.perf_counter() - start


def read_frame(f: h5py.File, mode: str, level: str, frame: int) -> dict[str, np.ndarray]:
    """One frame's camera at ``level`` (the check of ``mode`` included)."""
    out = {}
    for name in CAMERA:
        ds = f[f"{level}/camera/{name}"]
        if mode == "sha256-attr":
            whole = ds[:]
            if _digest(whole) != ds.attrs["sha256"]:
                raise OSError(f"{ds.name}: checksum mismatch")
            out[name] = whole[frame]
        else:
            out[name] = ds[frame]
    return out


def read_all(f: h5py.File, mode: str, level: str) -> dict[str, np.ndarray]:
    """Every frame's camera at ``level`` (what ShardSource keeps per clip)."""
    out = {}
    for name in CAMERA:
        ds = f[f"{level}/camera/{name}"]
        out[name] = ds[:]
        if mode == "sha256-attr" and _digest(out[name]) != ds.attrs["sha256"]:
            raise OSError(f"{ds.name}: checksum mismatch")
    return out


def interleaved(ops: dict[str, Callable[[], object]], rounds: int) -> dict[str, tuple[float, float]]:
    """(min, median) seconds per call of each op; the ops take turns call by call, so a busy moment
    of a shared machine falls on every mode alike."""
    times: dict[str, list[float]] = {mode: [] for mode in ops}
    for _ in range(rounds):
        for mode, op in ops.items():
            start = time.perf_counter()
            op()
            times[mode].append(time.perf_counter() - start)
    return {mode: (min(t), statistics.median(t)) for mode, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=600, help="frames per clip (default 600: 20 s at 30 fps)")
    parser.add_argument("--reads", type=int, default=3000, help="calls per read measurement")
    parser.add_argument("--repeats", type=int, default=5, help="clips written per mode")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {mode: Path(tmp) / f"{mode}.h5" for mode in MODES}
        writes = interleaved({m: (lambda m=m: write(paths[m], m, args.frames, np.random.default_rng(1))) for m in MODES},
                             args.repeats)
        files = {mode: h5py.File(path, "r") for mode, path in paths.items()}
        frame = iter(rng.integers(0, args.frames, args.reads * len(MODES)).tolist())
        one = interleaved({m: (lambda m=m: read_frame(files[m], m, "lr", next(frame))) for m in MODES}, args.reads)
        whole = interleaved({m: (lambda m=m: read_all(files[m], m, "hr")) for m in MODES}, args.reads // 10)
        for f in files.values():
            f.close()

        def cold(mode: str) -> None:
            with h5py.File(paths[mode], "r") as g:
                read_frame(g, mode, "lr", 0)
                read_all(g, mode, "hr")

        opened = interleaved({m: (lambda m=m: cold(m)) for m in MODES}, args.reads // 10)
        sizes = {mode: path.stat().st_size for mode, path in paths.items()}
    print(f"{args.frames} frames, 2 levels x (K, c2w, jitter_px) + time_s + frame_index; microseconds per call, "
          "min / median")
    print("| check | write per frame | one-frame camera read | whole-level camera read | open + both reads | file bytes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for mode in MODES:
        w = writes[mode][0] / args.frames * 1e6, writes[mode][1] / args.frames * 1e6
        cells = [f"{a * 1e6:.0f} / {b * 1e6:.0f}" for a, b in (one[mode], whole[mode], opened[mode])]
        print(f"| {mode} | {w[0]:.0f} / {w[1]:.0f} | {' | '.join(cells)} | {sizes[mode]} |")


if __name__ == "__main__":
    main()
