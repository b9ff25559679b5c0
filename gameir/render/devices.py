"""EGL devices: list them (EGL_EXT_device_enumeration / _query through ctypes), pick one per worker.

A device index here is the position in ``eglQueryDevicesEXT``'s list, the same index moderngl's EGL
backend takes as ``device_index`` (glcontext enumerates the same way), so ``egl:N`` names the same
device in ``gameir doctor`` and in ``gameir render --device egl:N``.

Which devices a job may use (:func:`visible_devices`), first rule that applies:

- ``EGL_VISIBLE_DEVICES=2,3``: exactly these EGL indices, in this order;
- ``CUDA_VISIBLE_DEVICES`` set and some devices report a CUDA ordinal (``EGL_NV_device_cuda``): the
  devices whose CUDA ordinal is 0..k-1 of the job's CUDA enumeration, which the CUDA driver already
  restricts to the listed GPUs (the mapping Habitat-sim and others use);
- otherwise every device. Software devices (Mesa llvmpipe: ``EGL_MESA_device_software``) are left
  out when a hardware device exists, since llvmpipe would only slow a GPU node down.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["GLUnavailableError", "EGLDevice", "list_devices", "visible_devices", "parse_device", "device_for_worker", "describe_devices"]

_INSTALL_HINT = (
    "GameIR renders headless through EGL. Install an EGL driver: on Debian/Ubuntu "
    "`apt-get install libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri` (Mesa llvmpipe, CPU) or the "
    "NVIDIA driver with its EGL vendor library (GPU); on conda `conda install -c conda-forge mesalib`. "
    "Then check with `gameir doctor`."
)


class GLUnavailableError(RuntimeError):
    """No usable headless OpenGL 3.3+ context could be created."""


_EGL_VENDOR = 0x3053
_EGL_EXTENSIONS = 0x3055
_EGL_DRM_DEVICE_FILE_EXT = 0x3233
_EGL_DRM_RENDER_NODE_FILE_EXT = 0x3377
_EGL_RENDERER_EXT = 0x335F
_EGL_CUDA_DEVICE_NV = 0x323A


@dataclass(frozen=True)
class EGLDevice:
    """One EGL device as the driver describes it (empty strings where a query is not supported).

    Attributes:
        index: position in ``eglQueryDevicesEXT``'s list (moderngl's ``device_index``).
        extensions: the device's extension string (``EGL_MESA_device_software``, ``EGL_NV_device_cuda``...).
        vendor, renderer: ``EGL_EXT_device_query_name`` strings, where the driver has them.
        drm_file: the DRM node (``/dev/dri/renderD128``) where the device has one.
        cuda_device: CUDA ordinal (``EGL_NV_device_cuda``), else None.
    """

    index: int
    extensions: str
    vendor: str = ""
    renderer: str = ""
    drm_file: str = ""
    cuda_device: int | None = None

    @property
    def software(self) -> bool:
        """True for a CPU rasteriser (Mesa llvmpipe / softpipe)."""
        return "EGL_MESA_device_software" in self.extensions.split()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"software": self.software}


def _load_egl() -> ctypes.CDLL:
    name = ctypes.util.find_library("EGL") or "libEGL.so.1"
    try:
        return ctypes.CDLL(name)
    except OSError as exc:
        raise GLUnavailableError(f"cannot load libEGL ({name}): {exc}. {_INSTALL_HINT}") from exc


def list_devices() -> list[EGLDevice]:
    """Every EGL device of this machine, in enumeration order; [] when EGL lacks device enumeration.

    Raises:
        GLUnavailableError: libEGL cannot be loaded (the message says what to install).
    """
    egl = _load_egl()
    egl.eglGetProcAddress.restype = ctypes.c_void_p
    egl.eglGetProcAddress.argtypes = [ctypes.c_char_p]
    egl.eglQueryString.restype = ctypes.c_char_p
    egl.eglQueryString.argtypes = [ctypes.c_void_p, ctypes.c_int]
    client = (egl.eglQueryString(None, _EGL_EXTENSIONS) or b"").decode()
    query_ptr = egl.eglGetProcAddress(b"eglQueryDevicesEXT")
    if "EGL_EXT_device_enumeration" not in client.split() and "EGL_EXT_device_base" not in client.split() \
            or not query_ptr:
        return []
    query_devices = ctypes.CFUNCTYPE(ctypes.c_uint, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
                                     ctypes.POINTER(ctypes.c_int))(query_ptr)
    string_ptr = egl.eglGetProcAddress(b"eglQueryDeviceStringEXT")
    attrib_ptr = egl.eglGetProcAddress(b"eglQueryDeviceAttribEXT")
    query_string = ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int)(string_ptr) if string_ptr else None
    query_attrib = (ctypes.CFUNCTYPE(ctypes.c_uint, ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_ssize_t))
                    (attrib_ptr) if attrib_ptr else None)
    count = ctypes.c_int(0)
    if not query_devices(0, None, ctypes.byref(count)) or count.value <= 0:
        return []
    handles = (ctypes.c_void_p * count.value)()
    if not query_devices(count.value, handles, ctypes.byref(count)):
        return []

    def text(handle: int, name: int) -> str:
        value = query_string(handle, name) if query_string else None
        return value.decode(errors="replace") if value else ""

    out = []
    for i in range(count.value):
        handle = handles[i]
        ext = text(handle, _EGL_EXTENSIONS)
        cuda = None
        if query_attrib is not None and "EGL_NV_device_cuda" in ext.split():
            value = ctypes.c_ssize_t(-1)
            if query_attrib(handle, _EGL_CUDA_DEVICE_NV, ctypes.byref(value)):
                cuda = int(value.value)
        drm = ""
        if "EGL_EXT_device_drm_render_node" in ext.split():
            drm = text(handle, _EGL_DRM_RENDER_NODE_FILE_EXT)
        if not drm and "EGL_EXT_device_drm" in ext.split():
            drm = text(handle, _EGL_DRM_DEVICE_FILE_EXT)
        named = "EGL_EXT_device_query_name" in ext.split()
        out.append(EGLDevice(index=i, extensions=ext, vendor=text(handle, _EGL_VENDOR) if named else "",
                             renderer=text(handle, _EGL_RENDERER_EXT) if named else "", drm_file=drm,
                             cuda_device=cuda))
    return out


def describe_devices(devices: list[EGLDevice]) -> str:
    """``egl:0 (llvmpipe, software), egl:1 (NVIDIA ..., cuda 0)``: for messages."""
    if not devices:
        return "none (this libEGL has no EGL_EXT_device_enumeration)"
    parts = []
    for d in devices:
        what = d.renderer or d.vendor or ("software rasteriser" if d.software else "hardware")
        extra = ", software" if d.software else (f", cuda {d.cuda_device}" if d.cuda_device is not None else "")
        parts.append(f"egl:{d.index} ({what}{extra})")
    return ", ".join(parts)


def visible_devices(devices: list[EGLDevice] | None = None, env: dict[str, str] | None = None) -> list[EGLDevice]:
    """The devices this job may use, by the rules in the module docstring.

    Raises:
        ValueError: ``EGL_VISIBLE_DEVICES`` is malformed or names an index that does not exist.
    """
    devices = list_devices() if devices is None else devices
    env = os.environ if env is None else env
    egl_visible = env.get("EGL_VISIBLE_DEVICES", "").strip()
    if egl_visible:
        chosen = []
        for word in egl_visible.split(","):
            try:
                chosen.append(_by_index(devices, int(word), f"EGL_VISIBLE_DEVICES={egl_visible}"))
            except ValueError as exc:
                if "does not exist" in str(exc):
                    raise
                raise ValueError(f"EGL_VISIBLE_DEVICES={egl_visible!r} must be comma-separated EGL device indices; "
                                 f"available: {describe_devices(devices)}") from None
        return chosen
    cuda_mapped = [d for d in devices if d.cuda_device is not None and d.cuda_device >= 0]
    if env.get("CUDA_VISIBLE_DEVICES") is not None and cuda_mapped:
        return sorted(cuda_mapped, key=lambda d: d.cuda_device)
    hardware = [d for d in devices if not d.software]
    return hardware or devices


def _by_index(devices: list[EGLDevice], index: int, given: str) -> EGLDevice:
    for d in devices:
        if d.index == index:
            return d
    raise ValueError(f"{given}: EGL device {index} does not exist; available: {describe_devices(devices)}")


def parse_device(text: str | None, devices: list[EGLDevice] | None = None) -> int | None:
    """Check a ``--device`` value: ``"auto"``/None (one visible device per worker) -> None; ``"egl:N"`` -> N.

    Raises:
        ValueError: not ``auto`` or ``egl:N``, or device N does not exist (names the available ones).
    """
    if text is None or text == "auto":
        return None
    kind, sep, number = str(text).partition(":")
    if kind != "egl" or not sep or not number.strip().isdigit():
        raise ValueError(f"--device {text!r}: expected 'auto' or 'egl:N' (N an EGL device index, see `gameir doctor`)")
    devices = list_devices() if devices is None else devices
    return _by_index(devices, int(number), f"--device {text}").index


def device_for_worker(worker: int, device: int | None, visible: list[EGLDevice]) -> int | None:
    """The EGL device index worker ``worker`` (0-based) renders on: ``device`` if given, else the
    visible devices round-robin; None (the driver's default) when nothing is visible."""
    if device is not None:
        return device
    if not visible:
        return None
    return visible[worker % len(visible)].index
