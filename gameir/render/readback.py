"""The one readback helper: GL attachments -> numpy buffers of :mod:`gameir.buffers`.

Targets are rendered with a y-flipped projection, so GL row 0 already is the image's top row and
no flip is needed. Measured on llvmpipe (docs/RENDERER.md): reading straight into preallocated
numpy arrays is fastest; 3-of-4-channel buffers are read with ``glReadPixels(GL_RGB)`` (~12 ms at
1920x1440) rather than read as RGBA and sliced in numpy (~65 ms); a pixel-buffer-object round trip
costs about twice a direct read, so it is not used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gameir.buffers import get_spec
from gameir.render.contract import GBUFFER, GBUFFER_LOCATIONS
from gameir.render.targets import Targets

__all__ = ["read_buffers"]

#: buffer name -> its G-buffer attachment (gameir/render/contract.py), "hdr", or "output" (final colour)
_SOURCES: dict[str, str] = {"rgb": "output", "hdr": "hdr"} | {a.buffer: a.name for a in GBUFFER if a.buffer}

_MGL_DTYPE = {np.dtype(np.uint8): "f1", np.dtype(np.float16): "f2", np.dtype(np.float32): "f4"}


def read_buffers(ctx: Any, targets: Targets, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Read ``names`` from ``targets`` (after the frame's passes were issued).

    Args:
        ctx: the moderngl context (made current by the caller).
        targets: render targets holding the finished frame.
        names: buffer names from :data:`gameir.buffers.BUFFER_NAMES`.

    Returns:
        name -> array shaped and typed per :func:`gameir.buffers.get_spec`, top row first.
    """
    width, height = targets.size
    out: dict[str, np.ndarray] = {}
    for name in names:
        spec = get_spec(name)
        arr = np.empty(spec.frame_shape(height, width), dtype=spec.dtype)
        source = _SOURCES[name]
        tex = targets.output if source == "output" else targets.tex[source]
        if tex.components == spec.channels:
            tex.read_into(arr)
        elif source == "output":
            fbo = targets.final if targets.final is not None else targets.ldr
            fbo.read_into(arr, components=spec.channels, attachment=0, dtype=_MGL_DTYPE[spec.dtype])
        elif source == "hdr":
            targets.hdr.read_into(arr, components=spec.channels, attachment=0, dtype=_MGL_DTYPE[spec.dtype])
        else:
            targets.gbuffer.read_into(arr, components=spec.channels, dtype=_MGL_DTYPE[spec.dtype],
                                      attachment=GBUFFER_LOCATIONS["LOC_" + source.upper()])
        out[name] = arr
    return out
