"""The GL context and everything renderers of different sizes share: programs, uploaded scene
data, shadow maps, full-screen vertex arrays; plus the uniform-setting helper."""

from __future__ import annotations

from typing import Any

import numpy as np

from gameir.render.context import create_context
from gameir.render.gpu import GpuCache
from gameir.render.programs import ProgramCache

__all__ = ["GLCore", "set_uniform"]


def _mat(m: np.ndarray) -> bytes:
    """Row-major numpy matrix -> column-major float32 bytes for a GLSL mat uniform."""
    return np.ascontiguousarray(np.asarray(m, dtype=np.float32).T).tobytes()


def set_uniform(prog: Any, name: str, value: Any) -> None:
    """Set uniform ``name`` if the program uses it (unused uniforms are optimised away)."""
    member = prog.get(name, None)  # a dict lookup; `name in prog` iterates over every member
    if member is None:
        return
    if isinstance(value, np.ndarray) and value.ndim == 2:
        member.write(_mat(value))
    elif isinstance(value, np.ndarray):
        member.write(np.ascontiguousarray(value, dtype=np.float32).tobytes())
    else:
        member.value = value


class GLCore:
    """GL context and everything shared between renderers of different sizes."""

    def __init__(self) -> None:
        self.ctx = create_context()
        self.programs = ProgramCache(self.ctx)
        self.gpu = GpuCache(self.ctx)
        self.fullscreen_vaos: dict[int, Any] = {}
        self.shadow_maps: dict[int, tuple[Any, Any]] = {}
        self.shadow_key: Any = None  # identifies the casters and fit of the last shadow map rendered
        self.max_samples = int(self.ctx.info.get("GL_MAX_SAMPLES", 4))
        self.max_size = int(self.ctx.info.get("GL_MAX_TEXTURE_SIZE", 8192))
        self.gl_renderer = str(self.ctx.info.get("GL_RENDERER", ""))
        self.users = 0

    def shadow_map(self, size: int) -> tuple[Any, Any]:
        entry = self.shadow_maps.get(size)
        if entry is None:
            tex = self.ctx.depth_texture((size, size))
            tex.compare_func = "<="
            tex.filter = (0x2601, 0x2601)  # GL_LINEAR: hardware 2x2 PCF
            tex.repeat_x = tex.repeat_y = False
            entry = (tex, self.ctx.framebuffer(depth_attachment=tex))
            self.shadow_maps[size] = entry
        return entry

    def release(self) -> None:
        for tex, fbo in self.shadow_maps.values():
            fbo.release()
            tex.release()
        self.shadow_maps.clear()
        for vao in self.fullscreen_vaos.values():
            vao.release()
        self.fullscreen_vaos.clear()
        self.gpu.release()
        self.programs.release()
        self.ctx.release()
