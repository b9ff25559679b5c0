"""Headless OpenGL context creation through EGL, with an error that says what to install."""

from __future__ import annotations

import os
from typing import Any

from gameir.render.devices import _INSTALL_HINT, GLUnavailableError  # defined beside the EGL loader

__all__ = ["DEVICE_ENV", "GLUnavailableError", "create_context", "gl_info"]

#: EGL device index (see :mod:`gameir.render.devices`) that contexts of this process use when
#: :func:`create_context` is given none; ``gameir render`` sets it per worker process.
DEVICE_ENV = "GAMEIR_EGL_DEVICE"


def _import_triton_first() -> None:
    """Import triton, where installed, before Mesa's llvmpipe brings its own LLVM into the process.

    PyTorch's PyPI builds (the CUDA ones, also used on CPU-only machines) ship triton with another
    LLVM; imported after an llvmpipe context exists, it crashes the process (SIGSEGV, measured with
    torch 2.13.0+cu130 and Mesa 22.3). torch imports triton lazily, for example when the first
    optimizer is built, so a process that rendered and then trained (``gameir quickstart``) died.
    Importing it first is safe; without triton this costs one module lookup.
    """
    import importlib.util

    if importlib.util.find_spec("triton") is not None:
        import triton  # noqa: F401


def create_context(require: int = 330, device_index: int | None = None) -> Any:
    """Create a standalone headless moderngl context through EGL.

    Args:
        require: minimum OpenGL version as ``major*100 + minor*10`` (330 = OpenGL 3.3 core).
        device_index: EGL device (``gameir doctor`` lists them); default ``$GAMEIR_EGL_DEVICE``,
            else the driver's first device.

    Returns:
        A ``moderngl.Context``; the caller releases it.

    Raises:
        GLUnavailableError: EGL could not be loaded, or the context is too old; the message names
            what to install.
        ValueError: ``device_index`` (or ``$GAMEIR_EGL_DEVICE``) names no EGL device; the message lists
            the available ones.
    """
    import moderngl

    if device_index is None and os.environ.get(DEVICE_ENV, "").strip():
        value = os.environ[DEVICE_ENV].strip()
        if not value.isdigit():
            raise ValueError(f"{DEVICE_ENV}={value!r} must be an EGL device index (an integer >= 0)")
        device_index = int(value)
    if device_index is not None:
        from gameir.render.devices import describe_devices, list_devices

        devices = list_devices()
        if devices and device_index not in [d.index for d in devices]:
            raise ValueError(f"EGL device {device_index} does not exist; available: {describe_devices(devices)}")
    _import_triton_first()
    kwargs = {} if device_index is None else {"device_index": int(device_index)}
    try:
        return moderngl.create_standalone_context(require=require, backend="egl", **kwargs)
    except Exception as exc:  # moderngl/glcontext raise plain Exception subclasses
        raise GLUnavailableError(f"could not create a headless EGL OpenGL {require // 100}.{require % 100 // 10} "
                                 f"context: {exc}. {_INSTALL_HINT}") from exc


def gl_info(device_index: int | None = None) -> dict[str, str]:
    """Return GL vendor, renderer and version of a fresh EGL context (released before returning)."""
    ctx = create_context(device_index=device_index)
    try:
        info = ctx.info
        return {
            "vendor": str(info.get("GL_VENDOR", "")),
            "renderer": str(info.get("GL_RENDERER", "")),
            "version": str(info.get("GL_VERSION", "")),
        }
    finally:
        ctx.release()
