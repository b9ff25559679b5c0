"""Download throughput from a loopback `gameir serve`: `gameir download --jobs 1/4` vs plain curl; export/import frames/s.

Writes a real dataset (synthetic frames, --shards train shards of --frames frames at LR 720x960 /
HR 1440x1920 with rgb, depth, semantic, normal, motion), serves it with `gameir serve` in a
subprocess on 127.0.0.1, then times, each into a fresh folder:

* `gameir download URL --split train --jobs 1` and `--jobs 4` (manifest, SHA-256 while streaming,
  fsync, atomic rename, verified-cache write),
* `curl` fetching the same shard URLs one after another, `curl --parallel --parallel-max 4`, and
  sequential curl followed by `sha256sum` (the nearest equivalent of a verified download).

Then `gameir export folders`, `gameir import folders` (of that export) and `gameir export nerfstudio`
on the first shard, in frames (LR+HR pairs, every buffer) per second.

    python benchmarks/bench_download.py                   # 6 shards x 4 frames
    python benchmarks/bench_download.py --shards 4 --frames 2 --repeats 1
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gameir.shards.manifest import load_manifest, manifest_shards, rebuild_manifest
from gameir.shards.synthetic import synthetic_frame
from gameir.shards.writer import ShardWriter

BUFFERS = ("rgb", "depth", "semantic", "normal", "motion")
LR, HR = (720, 960), (1440, 1920)


def write_dataset(root: Path, shards: int, frames: int) -> None:
    lr = [synthetic_frame(*LR, seed=0, frame=f, buffers=BUFFERS) for f in range(frames)]
    hr = [synthetic_frame(*HR, seed=0, frame=f, buffers=BUFFERS) for f in range(frames)]
    for i in range(shards):
        clip = f"bench-{i:03d}"
        with ShardWriter(root / "train" / f"{clip}.h5", shapes_hw={"lr": LR, "hr": HR}, buffers=BUFFERS, clip_id=clip,
                         split="train", scene={"family": "bench", "seed": i}) as writer:
            for f in range(frames):
                writer.write_frame({"lr": lr[f], "hr": hr[f]})
    rebuild_manifest(root)


def start_server(root: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "gameir", "serve", str(root), "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # "serving ... at http://127.0.0.1:PORT/ (Ctrl-C to stop)"
    url = line.split(" at ", 1)[1].split(" ", 1)[0]
    return proc, url


def timed(cmd: list[str] | str, shell: bool = False) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, shell=shell, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def best(fn, repeats: int) -> float:
    return min(fn() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shards", type=int, default=6)
    parser.add_argument("--frames", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2, help="best of N runs per row")
    args = parser.parse_args()
    if shutil.which("curl") is None:
        raise SystemExit("curl not found: install it (apt-get install curl) to run the comparison")

    with tempfile.TemporaryDirectory(prefix="bench-download-") as tmp:
        tmp = Path(tmp)
        src = tmp / "published"
        t0 = time.perf_counter()
        write_dataset(src, args.shards, args.frames)
        entries = manifest_shards(load_manifest(src), "train")
        total = sum(e["bytes"] for e in entries)
        print(f"dataset: {len(entries)} shards, {total / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f} s")
        server, url = start_server(src)
        rows = []
        try:
            n = [0]

            def fresh() -> Path:
                n[0] += 1
                path = tmp / f"dl{n[0]}"
                return path

            for jobs in (1, 4):
                def ours(jobs=jobs):
                    dest = fresh()
                    t = timed([sys.executable, "-m", "gameir", "download", url, "--split", "train", "--to", str(dest),
                               "--jobs", str(jobs), "--quiet"])
                    shutil.rmtree(dest)
                    return t
                rows.append((f"gameir download --jobs {jobs} (SHA-256, fsync, rename)", best(ours, args.repeats)))

            from gameir.distribution.download import download_split

            for jobs in (1, 4):
                def api(jobs=jobs):
                    dest = fresh()
                    start = time.perf_counter()
                    download_split(url, "train", dest, jobs=jobs, quiet=True)
                    t = time.perf_counter() - start
                    shutil.rmtree(dest)
                    return t
                rows.append((f"gameir.download(jobs={jobs}) in-process (no start-up)", best(api, args.repeats)))

            def curl_cmd(dest: Path, parallel: bool) -> list[str]:
                cmd = ["curl", "-s", "-f", "--create-dirs"] + (["--parallel", "--parallel-max", "4"] if parallel else [])
                for e in entries:
                    cmd += ["-o", str(dest / e["path"]), url + e["path"]]
                return cmd

            for parallel in (False, True):
                def curl(parallel=parallel):
                    dest = fresh()
                    t = timed(curl_cmd(dest, parallel))
                    shutil.rmtree(dest)
                    return t
                rows.append(("curl, parallel 4" if parallel else "curl, sequential", best(curl, args.repeats)))

            def curl_sha():
                dest = fresh()
                start = time.perf_counter()
                subprocess.run(curl_cmd(dest, False), check=True, stderr=subprocess.DEVNULL)
                subprocess.run(["sha256sum"] + [str(dest / e["path"]) for e in entries], check=True,
                               stdout=subprocess.DEVNULL)
                t = time.perf_counter() - start
                shutil.rmtree(dest)
                return t
            rows.append(("curl, sequential + sha256sum", best(curl_sha, args.repeats)))
        finally:
            server.terminate()
            server.wait(timeout=10)

        print(f"\nmachine: {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, loopback HTTP")
        print(f"{'download of split train':<52} {'seconds':>8} {'MB/s':>8}")
        for name, secs in rows:
            print(f"{name:<52} {secs:>8.2f} {total / 1e6 / secs:>8.1f}")

        shard = src / entries[0]["path"]
        frames = args.frames
        out, back, ns = tmp / "folders", tmp / "back", tmp / "ns"
        io_rows = []
        io_rows.append(("gameir export folders (1 clip, all 5 buffers)",
                        timed([sys.executable, "-m", "gameir", "export", "folders", str(shard), "--to", str(out), "--quiet"])))
        io_rows.append(("gameir import folders (that export)",
                        timed([sys.executable, "-m", "gameir", "import", "folders", str(out), "--to", str(back), "--quiet"])))
        if frames >= 8:  # a single-camera export holds frames out for testing: it needs 8 or more
            io_rows.append(("gameir export nerfstudio (hr rgb + depth PNG)",
                            timed([sys.executable, "-m", "gameir", "export", "nerfstudio", str(shard), "--to", str(ns),
                                   "--quiet"])))
        else:
            print(f"(gameir export nerfstudio skipped: a single-camera shard needs >= 8 frames, --frames is {frames})")
        print(f"\n{'LR 720x960 + HR 1440x1920 pairs':<52} {'seconds':>8} {'frames/s':>8}")
        for name, secs in io_rows:
            print(f"{name:<52} {secs:>8.2f} {frames / secs:>8.2f}")
        print("(times include ~1 s of interpreter start-up per command)")


if __name__ == "__main__":
    main()
