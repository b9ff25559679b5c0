"""Headless OpenGL context creation through EGL, with an error that says what to install."""

from __future__ import annotations

from typing import Any

__all__ = ["GLUnavailableError", "create_context", "gl_info"]

_INSTALL_HINT = (
    "GameIR renders headless through EGL. Install an EGL driver: on Debian/Ubuntu "
    "`apt-get install libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri` (Mesa llvmpipe, CPU) or the "
    "NVIDIA driver with its EGL vendor library (GPU); on conda `conda install -c conda-forge mesalib`. "
    "Then check with `gameir doctor`."
)


class GLUnavailableError(RuntimeError):
    """No usable headless OpenGL 3.3+ context could be created."""


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


def create_context(require: int = 330) -> Any:
    """Create a standalone headless moderngl context through EGL.

    Args:
        require: minimum OpenGL version as ``major*100 + minor*10`` (330 = OpenGL 3.3 core).

    Returns:
        A ``moderngl.Context``; the caller releases it.

    Raises:
        GLUnavailableError: EGL could not be loaded, or the context is too old; the message names
            what to install.
    """
    import moderngl

    _import_triton_first()
    try:
        return moderngl.create_standalone_context(require=require, backend="egl")
    except Exception as exc:  # moderngl/glcontext raise plain Exception subclasses
        raise GLUnavailableError(f"could not create a headless EGL OpenGL {require // 100}.{require % 100 // 10} "
                                 f"context: {exc}. {_INSTALL_HINT}") from exc


def gl_info() -> dict[str, str]:
    """Return GL vendor, renderer and version of a fresh EGL context (released before returning)."""
    ctx = create_context()
    try:
        info = ctx.info
        return {
            "vendor": str(info.get("GL_VENDOR", "")),
            "renderer": str(info.get("GL_RENDERER", "")),
            "version": str(info.get("GL_VERSION", "")),
        }
    finally:
        ctx.release()
