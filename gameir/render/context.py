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


def create_context(require: int = 330) -> Any:
    """Create a standalone headless moderngl context through EGL.

    Args:
        require: minimum OpenGL version as ``major*100 + minor*10`` (330 = OpenGL 3.3 core).

    Returns:
        A ``moderngl.Context``; the caller releases it.

    Raises:
        GLUnavailableError: moderngl is missing, EGL could not be loaded, or the context is too old;
            the message names what to install.
    """
    try:
        import moderngl
    except ImportError as exc:  # pragma: no cover - moderngl is a hard dependency
        raise GLUnavailableError(f"moderngl is not installed ({exc}); `pip install moderngl`") from exc
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
