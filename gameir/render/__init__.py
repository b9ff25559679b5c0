"""Headless deferred renderer (OpenGL through moderngl/EGL): scene -> Frame of numpy buffers."""

from gameir.render.context import GLUnavailableError, create_context, gl_info

__all__ = ["GLUnavailableError", "create_context", "gl_info"]
