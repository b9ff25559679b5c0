"""Loader throughput: GameIR shards vs a PNG folder (BasicSR disk backend) vs arrays in RAM.

Samples/s of x2 random crops (LR 128x128, HR 256x256) with rgb + depth + normal + basecolor at LR,
for num_workers 0 and 2, side by side in one run, plus the memory each worker holds.

* ``shards``: :class:`gameir.data.SRDataset` over HDF5 shards (gzip-1, 128x128 chunks): reads only
  the chunks a crop touches.
* ``png``: the usual alternative, as BasicSR's ``PairedImageDataset`` with the disk backend: every
  file of the frame is decoded in full with OpenCV (rgb and basecolor 8-bit PNG, normal 8-bit PNG,
  depth 16-bit PNG in millimetres), converted to float32, then cropped.
* ``ram``: the same crops sliced from uint8/float arrays already in memory (the ceiling).

All three return the same tensors (rgb in [0, 1], inverse depth, normals in [-1, 1]). Frames are
960x720 / 1920x1440 mosaics of scikit-image photographs (natural image statistics for the codecs).
Rates exclude the first batch (worker start-up); each configuration runs ``--repeats`` times,
interleaved, and the best rate is kept. Torch runs one intra-op thread in every process.

Example:
    python loaders/bench_loader.py --workdir /tmp/gameir-bench
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from gameir.data import EpochSeed, SRDataset, to_tensor
from gameir.frame import Frame
from gameir.shards import ShardWriter
from gameir.shards.manifest import rebuild_manifest

LR_H, LR_W, SCALE, PATCH = 720, 960, 2, 128
GBUFFERS = ("depth", "normal", "basecolor")
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry", "retina")


# -- data -------------------------------------------------------------------------------------------
def mosaic(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """(h, w, 3) uint8 canvas tiled with randomly scaled scikit-image photographs."""
    from skimage import data as skdata

    photos = [getattr(skdata, name)()[..., :3] for name in PHOTOS]
    canvas = np.zeros((h, w, 3), np.uint8)
    y = 0
    while y < h:
        x, row_h = 0, int(rng.integers(300, 700))
        while x < w:
            photo = photos[int(rng.integers(len(photos)))]
            f = row_h / photo.shape[0]
            tile = cv2.resize(photo, (max(1, int(photo.shape[1] * f)), row_h), interpolation=cv2.INTER_CUBIC)
            tile = tile[:, : w - x][: h - y]
            canvas[y:y + tile.shape[0], x:x + tile.shape[1]] = tile
            x += tile.shape[1]
        y += row_h
    return canvas


def make_frame(canvas: np.ndarray, t: int) -> dict[str, Frame]:
    """HR and LR frames: rgb panned over the canvas, a ground-plane depth with sky, normals, albedo."""
    H, W = LR_H * SCALE, LR_W * SCALE
    rgb = np.ascontiguousarray(canvas[12 * t:12 * t + H, 20 * t:20 * t + W])
    gray = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255, (0, 0), 3)
    rows = (np.arange(H, dtype=np.float32) + 0.5 - 0.35 * H) / (0.6 * H)
    with np.errstate(divide="ignore"):
        depth = np.where(rows[:, None] > 0.01, 1.6 / np.maximum(rows[:, None], 0.01), np.inf) * (1 + 0.2 * gray)
    depth = depth.astype(np.float32)
    gy, gx = np.gradient(gray * 20)
    normal = np.stack([-gx, -gy, np.ones_like(gx)], -1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    normal[~np.isfinite(depth)] = 0
    basecolor = cv2.GaussianBlur(rgb, (0, 0), 1.5)
    K = np.array([[0.8 * W, 0, W / 2], [0, 0.8 * W, H / 2], [0, 0, 1]])
    hr = {"rgb": rgb, "depth": depth, "normal": normal.astype(np.float16), "basecolor": basecolor}
    lr = {"rgb": cv2.resize(rgb, (LR_W, LR_H), interpolation=cv2.INTER_AREA),
          "depth": np.ascontiguousarray(depth[::SCALE, ::SCALE]),
          "normal": np.ascontiguousarray(hr["normal"][::SCALE, ::SCALE]),
          "basecolor": cv2.resize(basecolor, (LR_W, LR_H), interpolation=cv2.INTER_AREA)}
    Klr = K.copy()
    Klr[:2] /= SCALE
    return {"hr": Frame(hr, K, np.eye(4), time_s=t / 30), "lr": Frame(lr, Klr, np.eye(4), time_s=t / 30)}


def build(workdir: Path, clips: int, frames: int) -> tuple[Path, Path]:
    """Write the shard dataset and the PNG folder (once; reused when complete)."""
    shards, pngs = workdir / "shards", workdir / "png"
    stamp = workdir / f"complete-{clips}x{frames}"
    if stamp.exists():
        return shards, pngs
    rng = np.random.default_rng(0)
    for c in range(clips):
        canvas = mosaic(rng, LR_H * SCALE + 12 * frames, LR_W * SCALE + 20 * frames)
        clip_id = f"clip-{c:03d}"
        with ShardWriter(shards / "train" / f"{clip_id}.h5", shapes_hw={"lr": (LR_H, LR_W), "hr": (LR_H * SCALE, LR_W * SCALE)},
                         buffers=["rgb", *GBUFFERS], clip_id=clip_id, split="train",
                         scene={"family": "photo-mosaic"}) as writer:
            for t in range(frames):
                pair = make_frame(canvas, t)
                writer.write_frame(pair)
                name = f"{clip_id}_{t:08d}.png"
                lr = pair["lr"].buffers
                depth_mm = np.where(np.isfinite(lr["depth"]), np.clip(lr["depth"] * 1000, 1, 65535), 0).astype(np.uint16)
                normal8 = np.rint((lr["normal"].astype(np.float32) + 1) * 127.5).astype(np.uint8)
                for sub, image in (("hr/rgb", pair["hr"].buffers["rgb"][..., ::-1]), ("lr/rgb", lr["rgb"][..., ::-1]),
                                   ("lr/depth", depth_mm), ("lr/normal", normal8[..., ::-1]),
                                   ("lr/basecolor", lr["basecolor"][..., ::-1])):
                    (pngs / sub).mkdir(parents=True, exist_ok=True)
                    if not cv2.imwrite(str(pngs / sub / name), np.ascontiguousarray(image)):
                        raise OSError(f"cannot write {pngs / sub / name}")
        print(f"  wrote {clip_id} ({frames} frames)", file=sys.stderr)
    rebuild_manifest(shards)
    stamp.touch()
    return shards, pngs


# -- the two comparison datasets ------------------------------------------------------------------
class _Crops(Dataset):
    """Shared crop logic: one item per frame, LR corner from (seed, epoch, index), HR at 2x the corner."""

    def __init__(self, names: list[str], seed: int) -> None:
        self.names = names
        self._seed = EpochSeed(seed)

    def __len__(self) -> int:
        return len(self.names)

    def set_epoch(self, epoch: int) -> None:
        self._seed.set_epoch(epoch)

    def corner(self, index: int) -> tuple[int, int]:
        rng = self._seed.rng(index)
        return int(rng.integers(0, LR_H - PATCH + 1)), int(rng.integers(0, LR_W - PATCH + 1))

    def pack(self, lr, hr, depth, normal, basecolor) -> dict[str, torch.Tensor]:
        return {"lr": to_tensor("rgb", lr), "hr": to_tensor("rgb", hr),
                "depth": to_tensor("depth", depth), "normal": to_tensor("normal", normal, normal_space="world"),
                "basecolor": to_tensor("basecolor", basecolor)}


class PngCrops(_Crops):
    """BasicSR's disk backend: decode every full frame with OpenCV, float32, then crop."""

    def __init__(self, root: Path, seed: int) -> None:
        super().__init__(sorted(p.name for p in (root / "lr" / "rgb").glob("*.png")), seed)
        self.root = root

    def _read(self, sub: str, name: str) -> np.ndarray:
        image = cv2.imread(str(self.root / sub / name), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise OSError(f"cannot read {self.root / sub / name}")
        return image

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        name = self.names[index]
        r, c = self.corner(index)
        lr = self._read("lr/rgb", name).astype(np.float32) / 255.0
        hr = self._read("hr/rgb", name).astype(np.float32) / 255.0
        depth = self._read("lr/depth", name).astype(np.float32) / 1000.0
        normal = self._read("lr/normal", name).astype(np.float32) / 127.5 - 1.0
        basecolor = self._read("lr/basecolor", name).astype(np.float32) / 255.0
        lo, hi = (slice(r, r + PATCH), slice(c, c + PATCH)), (slice(SCALE * r, SCALE * (r + PATCH)), slice(SCALE * c, SCALE * (c + PATCH)))
        depth = depth[lo]
        depth[depth == 0] = np.inf
        return self.pack(np.rint(lr[lo][..., ::-1] * 255), np.rint(hr[hi][..., ::-1] * 255), depth,
                         normal[lo][..., ::-1], np.rint(basecolor[lo][..., ::-1] * 255))


class RamCrops(_Crops):
    """The ceiling: the same crops sliced from arrays already in memory."""

    def __init__(self, source, seed: int) -> None:
        names, self.frames = [], []
        for clip, info in enumerate(source.clips):
            for t in range(info.num_frames):
                names.append(f"{info.clip_id}/{t}")
                self.frames.append({"hr": source.read(clip, "rgb", "hr", t),
                                    **{b: source.read(clip, b, "lr", t) for b in ("rgb", *GBUFFERS)}})
        super().__init__(names, seed)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        f = self.frames[index]
        r, c = self.corner(index)
        lo, hi = (slice(r, r + PATCH), slice(c, c + PATCH)), (slice(SCALE * r, SCALE * (r + PATCH)), slice(SCALE * c, SCALE * (c + PATCH)))
        return self.pack(f["rgb"][lo], f["hr"][hi], f["depth"][lo], f["normal"][lo], f["basecolor"][lo])


# -- measurement ----------------------------------------------------------------------------------
def _children_memory() -> list[dict[str, float]]:
    """RSS and USS (private) MiB of this process's child processes (the DataLoader workers)."""
    out = []
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != me:
                continue
            rollup = (stat.parent / "smaps_rollup").read_text().splitlines()
        except (OSError, IndexError, ValueError):
            continue
        kb = {line.split(":")[0]: int(line.split()[1]) for line in rollup if line.endswith("kB")}
        out.append({"rss": kb.get("Rss", 0) / 1024, "uss": (kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024})
    return out


def _self_rss() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(dataset, workers: int, samples: int, batch_size: int) -> dict[str, float]:
    """Samples/s after the first batch (worker start-up excluded), and memory per worker."""
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=workers,
                        persistent_workers=workers > 0, generator=torch.Generator().manual_seed(0))
    seen, epoch, start = 0, 0, None
    while start is None or seen < samples:
        dataset.set_epoch(epoch)
        for batch in loader:
            if start is None:  # first batch: warm-up
                start = time.perf_counter()
                continue
            seen += batch["lr"].shape[0]
            if seen >= samples:
                break
        epoch += 1
    elapsed = time.perf_counter() - start
    mem = _children_memory() if workers else [{"rss": _self_rss(), "uss": float("nan")}]
    del loader
    gc.collect()
    return {"rate": seen / elapsed, "rss": max(m["rss"] for m in mem), "uss": max(m["uss"] for m in mem)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     epilog="example:\n  python loaders/bench_loader.py --workdir /tmp/gameir-bench",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gameir-bench"), help="data folder (reused)")
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--frames", type=int, default=6, help="frames per clip")
    parser.add_argument("--samples", type=int, default=240, help="timed samples per configuration")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repetitions; the best is reported")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # as in DataLoader workers; the main process then loads like one worker
    shards, pngs = build(args.workdir, args.clips, args.frames)
    ours = SRDataset(shards, "train", lr_patch=PATCH, gbuffers=GBUFFERS, normal_space="world", seed=0)
    candidates = {"png": PngCrops(pngs, seed=0), "shards": ours, "ram": RamCrops(ours.source, seed=0)}
    ours.close()
    a, b = candidates["shards"][len(ours) - 1], candidates["ram"][len(ours) - 1]
    for key in a.keys() & b.keys():  # same crop, same tensors
        if torch.is_tensor(b[key]) and not torch.equal(a[key], b[key]):
            raise RuntimeError(f"shards and ram loaders disagree on {key!r}")
    disk = {"shards": sum(p.stat().st_size for p in shards.rglob("*.h5")),
            "png": sum(p.stat().st_size for p in pngs.rglob("*.png"))}
    frames = len(candidates["png"])
    print(f"{frames} frames of {LR_W}x{LR_H} -> {LR_W * SCALE}x{LR_H * SCALE}; crops LR {PATCH}x{PATCH}, HR "
          f"{PATCH * SCALE}x{PATCH * SCALE}; rgb + {' + '.join(GBUFFERS)} at LR; batch {args.batch_size}; "
          f"{os.cpu_count()} CPUs; torch {torch.__version__}")
    print(f"on disk: shards {disk['shards'] / 2**20:.0f} MiB, png {disk['png'] / 2**20:.0f} MiB")
    load_before = os.getloadavg()[0]
    rows: dict[tuple[str, int], dict[str, float]] = {}
    for rep in range(args.repeats):  # interleaved, best of N: robust to other load on the machine
        for workers in args.workers:
            for name, ds in candidates.items():
                r = measure(ds, workers, args.samples, args.batch_size)
                print(f"  [{rep}] {name:<7} workers={workers}: {r['rate']:8.1f} samples/s", file=sys.stderr)
                if (name, workers) not in rows or r["rate"] > rows[name, workers]["rate"]:
                    rows[name, workers] = r
    print(f"1-min load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other jobs on the machine)")
    print(f"\n| loader | workers | samples/s | x PNG | RSS per worker (MiB) | private per worker (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for workers in args.workers:
        base = rows["png", workers]["rate"]
        for name in ("shards", "png", "ram"):
            r = rows[name, workers]
            label = {"shards": "GameIR shards (SRDataset)", "png": "PNG folder, OpenCV (BasicSR disk)",
                     "ram": "arrays in RAM (ceiling)"}[name]
            mem = "main process" if workers == 0 else f"{r['uss']:.0f}"
            print(f"| {label} | {workers} | {r['rate']:.1f} | {r['rate'] / base:.1f} | {r['rss']:.0f} | {mem} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
