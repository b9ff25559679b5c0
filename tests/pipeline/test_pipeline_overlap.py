"""The overlapped pipeline (writer process, frames in flight) writes the bytes of the sequential one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gameir.fileio import sha256_file
from gameir.pipeline.resources import choose_resources
from gameir.render.devices import EGLDevice

RENDER = [sys.executable, "-m", "gameir", "render", "tiny", "--split", "test", "--clips", "2",
          "--override", "clips.frames=3"]


def shard_hashes(root):
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*.h5"))}


def test_overlapped_and_sequential_renders_give_identical_shards(tmp_path):
    seq = subprocess.run(RENDER + ["--out", str(tmp_path / "seq"), "--in-flight", "0"], capture_output=True,
                         text=True, check=True)
    assert "0 frame(s) in flight" in seq.stderr
    over = subprocess.run(RENDER + ["--out", str(tmp_path / "over"), "--in-flight", "2", "--device", "egl:0"],
                          capture_output=True, text=True, check=True)
    assert "2 frame(s) in flight" in over.stderr and "device(s) egl:0" in over.stderr
    hashes = shard_hashes(tmp_path / "seq")
    assert len(hashes) == 2 and hashes == shard_hashes(tmp_path / "over")


def test_workers_and_threads_are_chosen_from_cores_and_devices(monkeypatch):
    for name in ("GAMEIR_THREADS", "EGL_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES"):
        monkeypatch.delenv(name, raising=False)
    cpu = [EGLDevice(0, "EGL_MESA_device_software")]
    gpus = [EGLDevice(0, "EGL_NV_device_cuda EGL_EXT_device_drm", cuda_device=0),
            EGLDevice(1, "EGL_NV_device_cuda EGL_EXT_device_drm", cuda_device=1), cpu[0].__class__(2, cpu[0].extensions)]
    one = choose_resources(None, "auto", cores=2, devices=cpu)
    assert (one.workers, one.threads, one.devices) == (1, 2, (0,))
    big = choose_resources(None, "auto", cores=16, devices=cpu)
    assert (big.workers, big.threads) == (4, 4)
    node = choose_resources(None, "auto", cores=16, devices=gpus)  # llvmpipe left out beside GPUs
    assert (node.workers, node.threads, node.devices) == (4, 4, (0, 1, 0, 1))
    pinned = choose_resources(3, "egl:1", cores=6, devices=gpus)
    assert (pinned.workers, pinned.threads, pinned.devices) == (3, 2, (1, 1, 1))


def test_a_bad_in_flight_value_is_refused(tmp_path):
    proc = subprocess.run(RENDER + ["--out", str(tmp_path / "x"), "--in-flight", "-1"], capture_output=True, text=True)
    assert proc.returncode == 2 and "--in-flight must be an integer >= 0 (0 = sequential), got -1" in proc.stderr
