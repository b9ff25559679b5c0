"""Readback: GL attachments -> numpy buffers of :mod:`gameir.buffers`, now or through pixel-buffer objects.

Targets are rendered with a y-flipped projection, so GL row 0 already is the image's top row and
no flip is needed. 3-of-4-channel buffers are read with ``glReadPixels(GL_RGB)`` (~12 ms at
1920x1440 on llvmpipe) rather than read as RGBA and sliced in numpy (~65 ms).

:func:`read_buffers` reads synchronously into fresh numpy arrays. :class:`PixelBufferReadback`
queues the same reads into pixel-buffer objects (``glReadPixels`` / ``glGetTexImage`` with a
bound ``GL_PIXEL_PACK_BUFFER``), which return at once on drivers that copy asynchronously; its
:meth:`~PixelBufferReadback.collect` copies them out later, after more GL work was issued. Both
issue the very same pixel transfer per buffer (:func:`_read_into`), so their bytes are equal.
On llvmpipe the driver copies at once either way (docs/BENCHMARKS.md has the measurement).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gameir.buffers import get_spec
from gameir.render.contract import GBUFFER, GBUFFER_LOCATIONS
from gameir.render.targets import Targets

__all__ = ["read_buffers", "PixelBufferReadback"]

#: buffer name -> its G-buffer attachment (gameir/render/contract.py), "hdr", or "output" (final colour)
_SOURCES: dict[str, str] = {"rgb": "output", "hdr": "hdr"} | {a.buffer: a.name for a in GBUFFER if a.buffer}

_MGL_DTYPE = {np.dtype(np.uint8): "f1", np.dtype(np.float16): "f2", np.dtype(np.float32): "f4"}


def _read_into(targets: Targets, name: str, dest: Any) -> None:
    """Issue the read of buffer ``name`` from ``targets`` into ``dest`` (a numpy array or a moderngl Buffer)."""
    spec = get_spec(name)
    source = _SOURCES[name]
    tex = targets.output if source == "output" else targets.tex[source]
    if tex.components == spec.channels:
        tex.read_into(dest)
    elif source == "output":
        fbo = targets.final if targets.final is not None else targets.ldr
        fbo.read_into(dest, components=spec.channels, attachment=0, dtype=_MGL_DTYPE[spec.dtype])
    elif source == "hdr":
        targets.hdr.read_into(dest, components=spec.channels, attachment=0, dtype=_MGL_DTYPE[spec.dtype])
    else:
        targets.gbuffer.read_into(dest, components=spec.channels, dtype=_MGL_DTYPE[spec.dtype],
                                  attachment=GBUFFER_LOCATIONS["LOC_" + source.upper()])


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
        out[name] = arr = np.empty(spec.frame_shape(height, width), dtype=spec.dtype)
        _read_into(targets, name, arr)
    return out


class PixelBufferReadback:
    """One frame's buffers read into pixel-buffer objects now and copied into numpy arrays later.

    The pixel-buffer objects are kept and reused frame after frame (one per buffer name, sized to
    the frame). Call :meth:`start` after a frame's passes, issue more GL work (the other frame of a
    pair), then :meth:`collect`; a second :meth:`start` before :meth:`collect` is an error.

    Args:
        ctx: the moderngl context the reads run in (made current by the caller of each method).
    """

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self._pbos: dict[str, Any] = {}
        self._pending: list[tuple[str, tuple[int, ...]]] | None = None

    @property
    def pending(self) -> bool:
        """Whether reads were started and not yet collected."""
        return self._pending is not None

    def start(self, targets: Targets, names: tuple[str, ...]) -> None:
        """Queue the reads of ``names`` from ``targets`` (as :func:`read_buffers`) into the pixel buffers."""
        if self._pending is not None:
            raise ValueError("PixelBufferReadback.start: the previous frame's reads were not collected; "
                             "call collect() first")
        width, height = targets.size
        pending = []
        for name in names:
            spec = get_spec(name)
            shape = spec.frame_shape(height, width)
            nbytes = int(np.prod(shape)) * spec.dtype.itemsize
            pbo = self._pbos.get(name)
            if pbo is None or pbo.size != nbytes:
                if pbo is not None:
                    pbo.release()
                pbo = self._pbos[name] = self._ctx.buffer(reserve=nbytes, dynamic=True)
            _read_into(targets, name, pbo)
            pending.append((name, shape))
        self._pending = pending

    def collect(self) -> dict[str, np.ndarray]:
        """name -> array of the started reads (waits for the transfers where the driver still runs them)."""
        if self._pending is None:
            raise ValueError("PixelBufferReadback.collect: no reads were started; call start() first")
        out: dict[str, np.ndarray] = {}
        for name, shape in self._pending:
            out[name] = arr = np.empty(shape, dtype=get_spec(name).dtype)
            self._pbos[name].read_into(arr)
        self._pending = None
        return out

    def release(self) -> None:
        """Free the pixel buffers. Idempotent."""
        for pbo in self._pbos.values():
            pbo.release()
        self._pbos = {}
        self._pending = None
