"""Shard codec and chunk-shape benchmark: write speed, bytes per LR/HR pair, full-frame and crop reads.

Frames are rendered-like stand-ins at the release size (HR 1920x1440, LR 960x720, every buffer):
photographs from scikit-image tiled for rgb/basecolor, a smooth depth field with sky (+inf), normals
from that depth, piecewise-constant material/semantic/instance maps and a smooth motion field.

    python benchmarks/bench_shards.py                 # all codecs x tiles 64/128/256, 3 pairs each
    python benchmarks/bench_shards.py --pairs 2 --tiles 128
    python benchmarks/bench_shards.py --source rendered   # frames from the renderer (a town clip)
    python benchmarks/bench_shards.py --source rendered --pairs 2 --tiles 128 \\
        --codecs gzip:1@1,gzip:1,lz4,zstd:1,zstd:3,blosc2-lz4:5   # the codec choice for fast nodes

Prints one table; pick the default from it (docs/FORMAT.md says why).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from gameir.buffers import BUFFER_NAMES
from gameir.frame import Frame
from gameir.shards import Codec, ShardReader, ShardWriter
from gameir.threads import cpu_threads

HR = (1440, 1920)
LR = (720, 960)
#: ``codec@N``: the writer's compression threads (gzip is compressed by the writer in N threads; the
#: other codecs run inside HDF5's filter pipeline on one thread, blosc2 on BLOSC_NTHREADS of its own).
CODECS = ["none", "lzf", "gzip:1@1", "gzip:1", "gzip:4", "lz4", "zstd:1", "zstd:3", "blosc2-lz4:5", "blosc2-zstd:5"]


def photo_mosaic(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    from skimage import data

    photos = [data.astronaut(), data.coffee(), data.chelsea(), data.rocket(), data.immunohistochemistry()]
    tile = 480
    out = np.zeros((h, w, 3), np.uint8)
    for y in range(0, h, tile):
        for x in range(0, w, tile):
            img = cv2.resize(photos[rng.integers(len(photos))], (tile, tile), interpolation=cv2.INTER_AREA)
            out[y:y + tile, x:x + tile] = img[: h - y, : w - x]
    return out


def scene_frame(h: int, w: int, seed: int, t: int) -> Frame:
    """Rendered-like buffers at h x w (deterministic from seed and frame t)."""
    rng = np.random.default_rng(seed)
    rgb = np.roll(photo_mosaic(h, w, rng), 3 * t, axis=1)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    horizon = 0.35 * h
    depth = np.where(yy > horizon, 1.6 * h / np.maximum(yy - horizon, 1e-3) * (1 + 0.1 * np.sin(xx / 97.0)), np.inf)
    depth = depth.astype(np.float32)
    dzdx = np.gradient(np.where(np.isfinite(depth), depth, 0), axis=1)
    dzdy = np.gradient(np.where(np.isfinite(depth), depth, 0), axis=0)
    normal = np.dstack([-dzdx, -dzdy, np.ones_like(dzdx)])
    normal /= np.linalg.norm(normal, axis=2, keepdims=True)
    normal[~np.isfinite(depth)] = 0
    blocks = (yy // (h / 9)).astype(np.int32) * 16 + (xx // (w / 13)).astype(np.int32)
    semantic = np.where(np.isfinite(depth), (blocks % 27) + 1, 11).astype(np.uint8)
    instance = np.where(np.isfinite(depth), blocks % 200, 0).astype(np.uint16)
    material = np.dstack([(blocks * 37) % 256, np.full_like(blocks, 128), (blocks * 91) % 256]).astype(np.uint8)
    motion = np.dstack([-2.0 + 0.001 * xx, 0.5 * np.sin(yy / 200.0)]).astype(np.float16)
    motion[~np.isfinite(depth)] = 0
    buffers = {
        "rgb": rgb, "hdr": ((rgb / 255.0) ** 2.2 * 4).astype(np.float16), "depth": depth,
        "normal": normal.astype(np.float16), "basecolor": cv2.GaussianBlur(rgb, (5, 5), 0), "material": material,
        "semantic": semantic, "instance": instance, "motion": motion,
    }
    f = w * 0.8
    K = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    return Frame(buffers=buffers, K=K, c2w=np.eye(4), time_s=t / 30)


def rendered_pairs(n: int) -> list:
    """``n`` consecutive native LR/HR pairs of a town clip (gameir-sr sizes, HR without SSAA)."""
    from gameir.render import PairRenderer
    from gameir.worlds import build_world
    from gameir.worlds.cameras import make_path

    world = build_world("town", 900000, detail="medium")
    path = make_path(world, "vehicle", n, fps=30, width=LR[1], height=LR[0], fov_y_deg=70)
    pairs = []
    with PairRenderer(lr_size_wh=(LR[1], LR[0]), scale=2) as pair:
        for i in range(n):
            prev = path.camera(i - 1) if i else None
            lr, hr = pair.render(world.scene, path.camera(i), float(path.times_s[i]), prev_camera=prev)
            pairs.append({"lr": lr, "hr": hr})
    return pairs


def bench(codec: str, tile: int, pairs: list, tmp: Path, crops: int, rng: np.random.Generator) -> dict:
    name, _, threads = codec.partition("@")
    path = tmp / f"{codec.replace(':', '_').replace('@', '_t')}-{tile}.h5"
    raw = sum(a.nbytes for fs in pairs for fr in fs.values() for a in fr.buffers.values())
    start = time.perf_counter()
    with ShardWriter(path, shapes_hw={"lr": LR, "hr": HR}, buffers=BUFFER_NAMES, clip_id="bench",
                     codec=Codec.parse(name), tile=tile, threads=int(threads) if threads else None) as writer:
        for fs in pairs:
            writer.write_frame(fs)
    write_s = time.perf_counter() - start
    size = path.stat().st_size
    reader = ShardReader(path)
    start = time.perf_counter()
    for level in ("lr", "hr"):
        for name in BUFFER_NAMES:
            reader.read(name, level, len(pairs) - 1)
    full_s = time.perf_counter() - start
    reader.close()
    reader = ShardReader(path)
    start = time.perf_counter()
    for _ in range(crops):
        frame = int(rng.integers(len(pairs)))
        r, c = int(rng.integers(0, LR[0] - 128)), int(rng.integers(0, LR[1] - 128))
        for name in BUFFER_NAMES:
            reader.read(name, "lr", frame, rows=(r, r + 128), cols=(c, c + 128))
            reader.read(name, "hr", frame, rows=(2 * r, 2 * r + 256), cols=(2 * c, 2 * c + 256))
    crop_s = (time.perf_counter() - start) / crops
    reader.close()
    path.unlink()
    return {"codec": codec, "tile": tile, "write_MBps": raw / 1e6 / write_s, "MB_per_pair": size / 1e6 / len(pairs),
            "ratio": raw / size, "full_frame_ms": full_s * 1e3, "crop_ms": crop_s * 1e3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3, help="LR/HR frame pairs written per configuration")
    parser.add_argument("--tiles", default="64,128,256", help="chunk tile edges to try (pixels)")
    parser.add_argument("--codecs", default=",".join(CODECS))
    parser.add_argument("--crops", type=int, default=30, help="random crops timed per configuration")
    parser.add_argument("--source", choices=("synthetic", "rendered"), default="synthetic",
                        help="rendered-like stand-ins (photos, analytic depth) or frames from the renderer")
    args = parser.parse_args()
    print(f"building {args.pairs} {args.source} LR/HR pairs ({LR[1]}x{LR[0]} + {HR[1]}x{HR[0]}, all buffers)...")
    if args.source == "rendered":
        pairs = rendered_pairs(args.pairs)
    else:
        pairs = [{"lr": scene_frame(*LR, 1, t), "hr": scene_frame(*HR, 1, t)} for t in range(args.pairs)]
    raw_pair = sum(a.nbytes for fr in pairs[0].values() for a in fr.buffers.values()) / 1e6
    print(f"raw bytes per pair: {raw_pair:.1f} MB\n")
    rng = np.random.default_rng(0)
    rows = []
    header = f"{'codec':<14} {'tile':>5} {'write MB/s':>11} {'MB/pair':>8} {'ratio':>6} {'full frame ms':>14} {'crop ms':>8}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for codec in args.codecs.split(","):
            try:
                Codec.parse(codec.partition("@")[0]).check_writable().h5py_kwargs()
            except (ImportError, ValueError) as exc:
                print(f"{codec:<14} skipped: {exc}")
                continue
            for tile in (int(t) for t in args.tiles.split(",")):
                row = bench(codec, tile, pairs, Path(tmp), args.crops, rng)
                rows.append(row)
                print(f"{row['codec']:<14} {row['tile']:>5} {row['write_MBps']:>11.1f} {row['MB_per_pair']:>8.2f} "
                      f"{row['ratio']:>6.2f} {row['full_frame_ms']:>14.1f} {row['crop_ms']:>8.2f}", flush=True)
    print(f"\n@1 = one compression thread; otherwise the writer's default ({cpu_threads()} on this machine). "
          "full frame = every buffer of one LR+HR pair; crop = every buffer of a random 256x256 HR crop + its 128x128 LR crop")


if __name__ == "__main__":
    main()
