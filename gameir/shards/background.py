"""A shard writer on its own thread: the caller renders frame i+1 while frame i is compressed and written.

:class:`BackgroundWriter` wraps a :class:`gameir.shards.writer.ShardWriter`. ``write_frame`` hands the
frame set to one writer thread and returns at once, unless ``max_in_flight`` frame sets are already
handed over and not yet written, in which case it waits: memory stays bounded at ``max_in_flight``
frame sets in the writer plus whatever the caller holds. The writer thread calls
``ShardWriter.write_frame`` in submission order, so the file's bytes are exactly those of the
sequential path; its chunk compression keeps using the writer's thread pool (zlib releases the
GIL, so the chunks compress while the caller's thread runs GL or numpy code).

An error in the writer thread (a NaN buffer, a full disk) is raised again by the next
``write_frame`` or by ``close``; the partial file is deleted and the final path never appears.

A thread shares the GIL with its caller: behind a moderngl renderer, which holds the GIL during
every GL call, it compresses only between GL calls. ``gameir render`` therefore writes through
:class:`gameir.shards.writer_process.WriterProcess` (same bytes, its own interpreter); this class
suits callers whose own work releases the GIL (numpy, file reads).
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from gameir.shards.writer import FrameSet, ShardWriter

__all__ = ["BackgroundWriter", "DEFAULT_IN_FLIGHT"]

#: Frame sets the writer thread may hold (queued or being written) before ``write_frame`` waits.
DEFAULT_IN_FLIGHT = 2

_STOP = object()


class BackgroundWriter:
    """Write frame sets of one shard on a background thread, at most ``max_in_flight`` pending.

    Args:
        writer: an open :class:`ShardWriter`; this object closes or aborts it.
        max_in_flight: frame sets handed to the thread and not yet written (>= 1). With 1 the
            caller renders the next frame while one frame is written.

    Example:
        >>> with BackgroundWriter(ShardWriter("clip.h5", shapes_hw=..., buffers=..., clip_id="c0")) as w:
        ...     for frames in render_frames():  # doctest: +SKIP
        ...         w.write_frame(frames)
    """

    def __init__(self, writer: ShardWriter, max_in_flight: int = DEFAULT_IN_FLIGHT) -> None:
        if isinstance(max_in_flight, bool) or int(max_in_flight) != max_in_flight or max_in_flight < 1:
            raise ValueError(f"max_in_flight must be an integer >= 1, got {max_in_flight!r}")
        self.writer = writer
        self.max_in_flight = int(max_in_flight)
        self.peak_in_flight = 0  # the most frame sets pending at once (for tests and benchmarks)
        self._slots = threading.Semaphore(self.max_in_flight)
        self._pending = 0
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._cancel = False
        self._thread: threading.Thread | None = threading.Thread(target=self._run, name="gameir-shard-writer",
                                                                 daemon=True)
        self._thread.start()

    @property
    def path(self) -> Path:
        return self.writer.path

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            frames, frame_index = item
            try:
                if self._error is None and not self._cancel:  # after a failure or abort, only drain
                    self.writer.write_frame(frames, frame_index=frame_index)
            except BaseException as exc:  # re-raised on the caller's thread
                self._error = exc
            finally:
                with self._lock:
                    self._pending -= 1
                self._slots.release()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._stop_thread()
            self.writer.abort()
            raise error

    def write_frame(self, frames: FrameSet, *, frame_index: int | None = None) -> None:
        """Hand one frame set (as :meth:`ShardWriter.write_frame` takes it) to the writer thread.

        The arrays must not be modified afterwards (the renderer returns fresh arrays per frame).
        Waits while ``max_in_flight`` frame sets are pending; raises the writer thread's error, if any.
        """
        if self._thread is None:
            raise ValueError(f"{self.path}: background writer is closed")
        self._raise_error()
        self._slots.acquire()
        self._raise_error_releasing()
        with self._lock:
            self._pending += 1
            self.peak_in_flight = max(self.peak_in_flight, self._pending)
        self._queue.put((frames, frame_index))

    def _raise_error_releasing(self) -> None:
        if self._error is not None:
            self._slots.release()
            self._raise_error()

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    def close(self) -> Path:
        """Wait for every pending frame, then close the shard (atomic rename); raise a writer error."""
        self._stop_thread()
        if self._error is not None:
            error, self._error = self._error, None
            self.writer.abort()
            raise error
        return self.writer.close()

    def abort(self) -> None:
        """Stop the thread (pending frames are discarded) and delete the partial file."""
        self._cancel = True
        self._stop_thread()
        self._error = None
        self.writer.abort()

    def __enter__(self) -> "BackgroundWriter":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
