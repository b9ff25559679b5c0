"""Headless deferred renderer (OpenGL through moderngl/EGL): scene -> Frame of numpy buffers."""

from gameir.render.context import GLUnavailableError, create_context, gl_info
from gameir.render.downsample import downsample_buffers
from gameir.render.pair import PairRenderer, render_pair
from gameir.render.renderer import Renderer

__all__ = ["GLUnavailableError", "PairRenderer", "Renderer", "create_context", "downsample_buffers", "gl_info",
           "render_pair"]
