"""GPU readiness check: the renderer on the NVIDIA EGL driver against llvmpipe, throughput, metrics on CUDA.

Run through ``benchmarks/gpu_check.sh`` (one command, one report file). Sections:

(a) render ``tiny``, ``tiny-nvs`` and a few ``gameir-sr`` pairs on the first hardware EGL device;
(b) render the same clips on llvmpipe and compare every buffer of every level: PSNR, share of pixels
    exactly equal, and for depth the largest relative difference where the instance ids agree (there
    rasterisation chose the same surface);
(c) pairs/s end to end (``gameir render``) per preset with 1, 4 and 8 workers;
(d) PSNR / SSIM / FLIP of the same images on CUDA and on the CPU (values and seconds).

Without a hardware EGL device the check runs degraded: llvmpipe against llvmpipe, throughput with
one worker only, and the CUDA parts reported as "no CUDA device". ``--quick`` shrinks gameir-sr
to 96x72 LR so the degraded run takes about a minute. The report is rewritten after every section,
so a run stopped by its time budget still leaves what it measured.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NO_CUDA = "no CUDA device"


class Report:
    def __init__(self, path: Path) -> None:
        self.path, self.lines = path, []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)
        self.path.write_text("\n".join(self.lines) + "\n")
        for line in lines:
            print(line, flush=True)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average %.2f %.2f %.2f" % os.getloadavg()


def render(preset: str, out: Path, device: int | None, args: list[str], env: dict | None = None) -> tuple[float, int]:
    """``gameir render`` in a subprocess; (seconds, frames) from its summary line."""
    cmd = [sys.executable, "-m", "gameir", "render", preset, "--out", str(out), "--quiet", "--split", "test"] + args
    if device is not None:
        cmd += ["--device", f"egl:{device}"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=ROOT)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    words = proc.stdout.split()
    frames = int(words[words.index("frames,") - 1]) if "frames," in words else 0
    return seconds, frames


def psnr_np(a: np.ndarray, b: np.ndarray, data_range: float) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(data_range ** 2 / mse)


def stack(reader, name: str, level: str) -> np.ndarray:
    """Every frame (and view) of one buffer: (F, [V,] H, W[, C])."""
    views = range(reader.num_views) if reader.num_views else [None]
    return np.stack([np.stack([reader.read(name, level, i, view=v) for v in views])
                     for i in range(reader.num_frames)])


def compare_shards(gpu_root: Path, cpu_root: Path) -> list[str]:
    """Markdown rows: per shard, level and buffer, the GPU render against the llvmpipe render."""
    from gameir.shards import ShardReader

    rows = []
    for gpu_path in sorted(gpu_root.rglob("*.h5")):
        cpu_path = cpu_root / gpu_path.relative_to(gpu_root)
        if not cpu_path.exists():
            rows.append(f"| {gpu_path.name} | - | - | missing on llvmpipe | | |")
            continue
        g, c = ShardReader(gpu_path), ShardReader(cpu_path)
        for level in g.levels:
            inst = (stack(g, "instance", level), stack(c, "instance", level)) if "instance" in g.buffers else None
            for name in g.buffers:
                a, b = stack(g, name, level), stack(c, name, level)
                equal = float(np.mean(a == b)) * 100
                finite = np.isfinite(a.astype(np.float64)) & np.isfinite(b.astype(np.float64))
                both_inf = np.isinf(a.astype(np.float64)) & np.isinf(b.astype(np.float64))
                if a.dtype == np.uint8:
                    rng = 255.0
                elif name in ("semantic", "instance"):
                    rng = float(max(1, a.max()))
                else:
                    vals = np.abs(a[finite].astype(np.float64))
                    rng = float(max(1e-6, 2 * vals.max())) if vals.size else 1.0
                value = psnr_np(np.where(finite, a, 0), np.where(finite, b, 0), rng)
                note = ""
                if name == "depth" and inst is not None:
                    same = (inst[0] == inst[1]) & finite
                    rel = np.abs(a[same] - b[same]) / np.maximum(np.abs(b[same]), 1e-6)
                    note = (f"instance ids agree at {same.sum() / max(1, finite.sum()) * 100:.2f} % of the pixels "
                            f"with geometry; there max rel. diff "
                            f"{float(rel.max()) if rel.size else 0:.2e}; sky agrees at "
                            f"{both_inf.sum() / max(1, np.isinf(b.astype(np.float64)).sum()) * 100:.1f} %")
                rows.append(f"| {gpu_path.relative_to(gpu_root)} | {level} | {name} | {value:.2f} | {equal:.2f} | {note} |")
    return rows


def metric_check(shard: Path) -> list[str]:
    """PSNR/SSIM/FLIP of bicubic-upscaled LR against HR of one shard frame, on CPU and on CUDA."""
    import cv2
    import torch

    from gameir.metrics import flip, psnr, ssim
    from gameir.shards import ShardReader

    r = ShardReader(shard)
    hr = r.read("rgb", "hr", 0)
    lr = r.read("rgb", "lr", 0)
    up = cv2.resize(lr, (hr.shape[1], hr.shape[0]), interpolation=cv2.INTER_CUBIC)
    target = torch.from_numpy(hr).permute(2, 0, 1)[None].float() / 255
    pred = torch.from_numpy(up).permute(2, 0, 1)[None].float() / 255
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    values: dict[str, dict[str, tuple[float, float]]] = {}
    for dev in devices:
        p, t = pred.to(dev), target.to(dev)
        values[dev] = {}
        for name, fn in (("psnr", psnr), ("ssim", ssim), ("flip", flip)):
            fn(p, t, data_range=1.0)  # warm-up (CUDA kernels, caches)
            if dev == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            v = float(fn(p, t, data_range=1.0)[0])
            if dev == "cuda":
                torch.cuda.synchronize()
            values[dev][name] = (v, time.perf_counter() - start)
    rows = [f"Frame 0 of `{shard.name}`: bicubic x2 of the LR rgb against the HR rgb ({hr.shape[1]}x{hr.shape[0]}).", "",
            "| metric | CPU value | CPU s | CUDA value | CUDA s | abs. difference |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name in ("psnr", "ssim", "flip"):
        cv, cs = values["cpu"][name]
        if "cuda" in values:
            gv, gs = values["cuda"][name]
            rows.append(f"| {name} | {cv:.6f} | {cs:.3f} | {gv:.6f} | {gs:.3f} | {abs(cv - gv):.2e} |")
        else:
            rows.append(f"| {name} | {cv:.6f} | {cs:.3f} | {NO_CUDA} | - | - |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="gpu_check_report.md", help="the report file (markdown)")
    parser.add_argument("--work", default="gpu_check_work", help="folder for the rendered datasets")
    parser.add_argument("--quick", action="store_true", help="gameir-sr at 96x72 LR (the CPU smoke size)")
    parser.add_argument("--sr-frames", type=int, default=2, help="frames of the gameir-sr clips")
    parser.add_argument("--workers", default="1,4,8", help="worker counts for the throughput section")
    parser.add_argument("--budget-s", type=float, default=420, help="stop starting new steps after this")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from gameir.render.devices import describe_devices, list_devices

    t0 = time.perf_counter()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    rep = Report(Path(args.out).resolve())
    devices = list_devices()
    hardware = [d for d in devices if not d.software]
    software = [d for d in devices if d.software]
    try:
        import torch
        cuda = torch.cuda.get_device_name(0) if torch.cuda.is_available() else NO_CUDA
    except ImportError:
        cuda = "torch not installed"
    gpu_dev = hardware[0].index if hardware else (software[0].index if software else None)
    # llvmpipe: Mesa's software device where libglvnd lists it, else Mesa forced as the only EGL vendor
    mesa_env = {} if software else {"__EGL_VENDOR_LIBRARY_FILENAMES": "/usr/share/glvnd/egl_vendor.d/50_mesa.json"}
    cpu_dev = software[0].index if software else None
    degraded = not hardware
    sr_args = ["--clips", "1", "--override", f"clips.frames={args.sr_frames}"]
    if args.quick:
        sr_args += ["--override", "render.lr=[96,72]"]
    presets = {"tiny": ["--clips", "1"], "tiny-nvs": ["--clips", "1"], "gameir-sr": sr_args}
    rep.add("# GameIR GPU check", "",
            f"- date: {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}",
            f"- command: `benchmarks/gpu_check.sh {' '.join(sys.argv[1:])}`",
            f"- machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}",
            f"- EGL devices: {describe_devices(devices)}",
            f"- CUDA (torch): {cuda}",
            f"- mode: {'DEGRADED: no hardware EGL device, llvmpipe against llvmpipe; ' + NO_CUDA if degraded else f'GPU egl:{gpu_dev} against llvmpipe'}",
            f"- uptime before: {uptime()}", "")

    rep.add("## (a) renders on the GPU device" + (" (degraded: llvmpipe)" if degraded else ""), "",
            "| preset | device | seconds | frames |", "| --- | --- | ---: | ---: |")
    for preset, extra in presets.items():
        secs, frames = render(preset, work / "gpu" / preset, gpu_dev, extra)
        rep.add(f"| {preset} | egl:{gpu_dev} | {secs:.1f} | {frames} |")

    rep.add("", "## (b) the same frames on llvmpipe, compared", "",
            "| preset | seconds | frames |", "| --- | ---: | ---: |")
    for preset, extra in presets.items():
        secs, frames = render(preset, work / "cpu" / preset, cpu_dev, extra, env=mesa_env)
        rep.add(f"| {preset} | {secs:.1f} | {frames} |")
    rep.add("", "PSNR per buffer (dB; data range 255 for 8-bit, the id range for ids, 2 x max |value| for floats; "
                "inf = identical) and the share of exactly equal values:", "",
            "| shard | level | buffer | PSNR | % equal | note |", "| --- | --- | --- | ---: | ---: | --- |")
    for preset in presets:
        rep.add(*compare_shards(work / "gpu" / preset, work / "cpu" / preset))

    rep.add("", "## (c) pairs/s end to end (`gameir render`, one clip per worker)", "",
            "| preset | workers | clips | frames | seconds | frames/s |", "| --- | ---: | ---: | ---: | ---: | ---: |")
    for preset, extra in presets.items():
        for workers in (int(w) for w in args.workers.split(",")):
            if degraded and workers > 1:
                rep.add(f"| {preset} | {workers} | - | - | {NO_CUDA} (skipped on llvmpipe) | - |")
                continue
            if time.perf_counter() - t0 > args.budget_s:
                rep.add(f"| {preset} | {workers} | - | - | skipped: time budget {args.budget_s:.0f} s spent | - |")
                continue
            i = extra.index("--clips")
            opts = extra[:i] + extra[i + 2:] + ["--clips", str(workers), "--workers", str(workers),
                                                "--override", f"splits.test.clips={workers}"]
            secs, frames = render(preset, work / "speed" / f"{preset}-w{workers}", None if not degraded else gpu_dev, opts)
            rep.add(f"| {preset} | {workers} | {workers} | {frames} | {secs:.1f} | {frames / secs:.2f} |")

    rep.add("", "## (d) metrics on CUDA and on the CPU", "")
    sr_shard = sorted((work / "gpu" / "gameir-sr").rglob("*.h5"))[0]
    rep.add(*metric_check(sr_shard))
    rep.add("", f"- uptime after: {uptime()}", f"- total: {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
