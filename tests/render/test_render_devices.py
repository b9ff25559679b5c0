"""EGL devices: enumeration on the real driver (llvmpipe here), selection rules, and the bad-index errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gameir.render.context import create_context
from gameir.render.devices import EGLDevice, list_devices, parse_device, visible_devices


def test_the_driver_lists_at_least_one_device_and_renders_on_it():
    devices = list_devices()
    assert len(devices) >= 1 and [d.index for d in devices] == list(range(len(devices)))
    ctx = create_context(device_index=devices[0].index)
    try:
        renderer = ctx.info["GL_RENDERER"]
    finally:
        ctx.release()
    assert renderer  # e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    if "llvmpipe" in renderer:
        assert devices[0].software


def test_doctor_lists_the_egl_devices():
    proc = subprocess.run([sys.executable, "-m", "gameir", "doctor", "--json"], capture_output=True, text=True, check=True)
    entries = json.loads(proc.stdout)["egl_devices"]
    assert len(entries) >= 1 and entries[0]["index"] == 0 and entries[0]["gl"]["renderer"]
    text = subprocess.run([sys.executable, "-m", "gameir", "doctor"], capture_output=True, text=True).stdout
    assert "egl:0" in text and entries[0]["gl"]["renderer"] in text


def test_a_device_index_that_does_not_exist_names_the_available_ones(tmp_path):
    n = len(list_devices())
    with pytest.raises(ValueError, match=rf"--device egl:{n}: EGL device {n} does not exist; available: egl:0 \("):
        parse_device(f"egl:{n}")
    with pytest.raises(ValueError, match=rf"EGL device {n} does not exist; available: egl:0"):
        create_context(device_index=n)
    with pytest.raises(ValueError, match="expected 'auto' or 'egl:N'"):
        parse_device("cuda:0")
    proc = subprocess.run([sys.executable, "-m", "gameir", "render", "tiny", "--out", str(tmp_path / "x"),
                           "--device", f"egl:{n}"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"--device egl:{n}: EGL device {n} does not exist; available: egl:0" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_visible_devices_follow_egl_then_cuda_conventions():
    soft = EGLDevice(0, "EGL_MESA_device_software")
    gpu_a = EGLDevice(1, "EGL_NV_device_cuda", cuda_device=1)
    gpu_b = EGLDevice(2, "EGL_NV_device_cuda", cuda_device=0)
    devices = [soft, gpu_a, gpu_b]
    assert visible_devices(devices, {}) == [gpu_a, gpu_b]  # llvmpipe left out beside hardware
    assert visible_devices([soft], {}) == [soft]
    assert visible_devices(devices, {"EGL_VISIBLE_DEVICES": "2,0"}) == [gpu_b, soft]
    assert visible_devices(devices, {"CUDA_VISIBLE_DEVICES": "3,5"}) == [gpu_b, gpu_a]  # by CUDA ordinal
    with pytest.raises(ValueError, match=r"EGL_VISIBLE_DEVICES=4: EGL device 4 does not exist; available: egl:0"):
        visible_devices(devices, {"EGL_VISIBLE_DEVICES": "4"})
    with pytest.raises(ValueError, match="EGL_VISIBLE_DEVICES='a' must be comma-separated EGL device indices"):
        visible_devices(devices, {"EGL_VISIBLE_DEVICES": "a"})
