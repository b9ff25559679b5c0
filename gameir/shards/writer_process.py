"""Shard writing in a separate process: the render process hands frames over through shared memory.

Why a process and not a thread (:class:`gameir.shards.background.BackgroundWriter`): moderngl
keeps the GIL during every GL call, and on llvmpipe a frame's GL calls (draws, ``finish``,
readback) are most of its wall time (docs/BENCHMARKS.md, "Profile of one gameir-sr worker": a
Python thread waiting for the GIL while frames render waited up to 1.7 s at a time). A writer
thread therefore compresses only between GL calls; a writer process has its own interpreter and
runs whenever a core is free.

:class:`WriterProcess` starts one writer process (lazily, at the first shard) and keeps it for
many shards; :meth:`WriterProcess.open` returns a :class:`ProcessShard`, which takes frame sets
like :meth:`ShardWriter.write_frame`. Each frame set is copied into one of ``max_in_flight``
shared-memory slots, and the process writes it with the same :class:`ShardWriter` in submission
order, so the shard's bytes are those of the sequential path. A slot is reused only after its
frame was written: at most ``max_in_flight`` frame sets are in flight (in the slots), plus the one
the caller is rendering. An error in the writer process (a NaN buffer, a full disk) is raised by the
next ``write_frame`` or by ``close``; the partial file is deleted and the final path never appears.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import replace
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import Any

import numpy as np

from gameir.frame import Frame
from gameir.shards.background import DEFAULT_IN_FLIGHT
from gameir.shards.format import ShardError
from gameir.shards.writer import FrameSet, ShardWriter

__all__ = ["WriterProcess", "ProcessShard", "WRITER_NICE", "WRITER_NICE_ENV", "writer_nice"]

#: Niceness the writer process adds to its own: the render's threads keep the cores they can use
#: and compression fills the gaps (on llvmpipe the render is CPU work too, and at equal priority
#: the two only share the cores, ending in the sum of their times). The slots bound the backlog.
WRITER_NICE = 10
#: Environment variable overriding :data:`WRITER_NICE` (an integer >= 0; 0 keeps the render's priority).
WRITER_NICE_ENV = "GAMEIR_WRITER_NICE"


def writer_nice() -> int:
    """The niceness increment of writer processes: ``$GAMEIR_WRITER_NICE``, else :data:`WRITER_NICE`."""
    value = os.environ.get(WRITER_NICE_ENV, "").strip()
    if not value:
        return WRITER_NICE
    if not value.isdigit():
        raise ValueError(f"{WRITER_NICE_ENV} must be an integer >= 0, got {value!r}")
    return int(value)

def _frames_and_bytes(frames: FrameSet) -> tuple[list[tuple[str, list[Frame], bool]], int]:
    """(level, views, is_single_frame) per level and the bytes of all their buffers."""
    levels, total = [], 0
    for level, item in frames.items():
        single = isinstance(item, Frame)
        views = [item] if single else list(item)
        for frame in views:
            if not isinstance(frame, Frame):
                raise ShardError(f"level {level!r}: expected gameir.frame.Frame objects, got {type(frame).__name__}")
            total += sum(np.asarray(a).nbytes for a in frame.buffers.values())
        levels.append((level, views, single))
    return levels, total


class WriterProcess:
    """One writer process serving the shards of one render worker, one shard at a time.

    Args:
        max_in_flight: frame sets handed over and not yet written (>= 1); each has a shared-memory
            slot of one frame set's bytes (``gameir-sr``: about 110 MB).

    Example:
        >>> with WriterProcess(2) as wp:  # doctest: +SKIP
        ...     with wp.open("clip.h5", shapes_hw={"lr": (720, 960)}, buffers=["rgb"], clip_id="c0") as shard:
        ...         shard.write_frame({"lr": frame})
    """

    def __init__(self, max_in_flight: int = DEFAULT_IN_FLIGHT) -> None:
        if isinstance(max_in_flight, bool) or int(max_in_flight) != max_in_flight or max_in_flight < 1:
            raise ValueError(f"max_in_flight must be an integer >= 1, got {max_in_flight!r}")
        self.max_in_flight = int(max_in_flight)
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._slots: list[SharedMemory] = []
        self._free: list[int] = []
        self._shard: ProcessShard | None = None

    @property
    def pid(self) -> int | None:
        """The writer process's id (None before the first shard)."""
        return None if self._proc is None else self._proc.pid

    def _start(self) -> None:
        parent, child = socket.socketpair()
        # -E: this process's sys.path is handed over instead of PYTHONPATH, so a sitecustomize on
        # PYTHONPATH (test environments) does not run again; the child imports only gameir.shards.
        code = ("import json, sys; sys.path[:0] = json.loads(sys.argv[2]); "
                "from gameir.shards.writer_process import serve; serve(int(sys.argv[1]), int(sys.argv[3]))")
        self._proc = subprocess.Popen([sys.executable, "-E", "-c", code, str(child.fileno()), json.dumps(sys.path),
                                       str(writer_nice())], pass_fds=(child.fileno(),))
        child.close()
        self._conn = Connection(parent.detach())

    def open(self, path: str | os.PathLike, **writer_kwargs: Any) -> "ProcessShard":
        """Open the shard ``path`` (arguments as :class:`ShardWriter`) in the writer process."""
        if self._shard is not None:
            raise ValueError(f"{self._shard.path} is still open in this writer process; close it first")
        if self._proc is None:
            self._start()
        self._send(("open", str(path), writer_kwargs))
        self._shard = ProcessShard(self, Path(path))
        return self._shard

    # -- messages ---------------------------------------------------------------------------------
    def _send(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise ShardError(f"the shard writer process (pid {self.pid}) is gone: {exc}") from None

    def _recv(self) -> tuple:
        try:
            return self._conn.recv()
        except (EOFError, ConnectionResetError, OSError):
            code = self._proc.wait() if self._proc is not None else None
            raise ShardError(f"the shard writer process (pid {self.pid}) exited with status {code} "
                             "while writing") from None

    def _ensure_slots(self, nbytes: int, shard: "ProcessShard") -> None:
        """Slots of at least ``nbytes`` each; resizing waits until every slot is free."""
        if self._slots and self._slots[0].size >= nbytes:
            return
        while len(self._free) < len(self._slots):
            shard._take_ack()
        self._drop_slots()
        self._slots = [SharedMemory(create=True, size=max(1, nbytes)) for _ in range(self.max_in_flight)]
        self._free = list(range(self.max_in_flight))
        self._send(("slots", [s.name for s in self._slots]))

    def _drop_slots(self) -> None:
        for slot in self._slots:
            slot.close()
            slot.unlink()
        self._slots, self._free = [], []

    def release(self) -> None:
        """Abort an open shard, stop the process and free the shared memory."""
        if self._shard is not None:
            self._shard.abort()
        if self._proc is not None:
            try:
                self._conn.send(("stop",))
                self._proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
            self._conn.close()
            self._proc = self._conn = None
        self._drop_slots()

    def __enter__(self) -> "WriterProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()


class ProcessShard:
    """One shard being written by a :class:`WriterProcess` (the interface of :class:`BackgroundWriter`)."""

    def __init__(self, owner: WriterProcess, path: Path) -> None:
        self._owner = owner
        self.path = path
        self.max_in_flight = owner.max_in_flight
        self.peak_in_flight = 0  # the most frame sets pending at once (for tests and benchmarks)
        self._error: BaseException | None = None
        self._open = True

    @property
    def _pending(self) -> int:
        return len(self._owner._slots) - len(self._owner._free)

    def _take_ack(self) -> None:
        """Wait for the next "frame written" message; keep its error."""
        kind, slot, error = self._owner._recv()
        if kind != "done":
            raise ShardError(f"{self.path}: unexpected message {kind!r} from the shard writer process")
        self._owner._free.append(slot)
        if error is not None and self._error is None:
            self._error = error

    def _poll_acks(self) -> None:
        while self._pending and self._owner._conn.poll():
            self._take_ack()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self.abort()
            raise error

    def write_frame(self, frames: FrameSet, *, frame_index: int | None = None) -> None:
        """Hand one frame set to the writer process (copied into a free slot; waits while none is free).

        Raises the error of an earlier frame written in the process, if any.
        """
        if not self._open:
            raise ValueError(f"{self.path}: shard writer is closed")
        owner = self._owner
        self._poll_acks()
        self._raise_error()
        levels, nbytes = _frames_and_bytes(frames)
        owner._ensure_slots(nbytes, self)
        while not owner._free:
            self._take_ack()
            self._raise_error()
        slot = owner._free.pop(0)
        view = owner._slots[slot].buf
        offset, message = 0, []
        for level, views, single in levels:
            metas = []
            for frame in views:
                layout = {}
                for name, array in frame.buffers.items():
                    array = np.asarray(array)
                    target = np.ndarray(array.shape, dtype=array.dtype, buffer=view, offset=offset)
                    np.copyto(target, array)
                    layout[name] = (offset, array.dtype.str, array.shape)
                    offset += array.nbytes
                metas.append((replace(frame, buffers={}), layout))
            message.append((level, metas, single))
        owner._send(("frame", slot, message, frame_index))
        self.peak_in_flight = max(self.peak_in_flight, self._pending)

    def close(self) -> Path:
        """Wait for every pending frame, then close the shard (atomic rename); raise a writer error."""
        if not self._open:
            return self.path
        owner = self._owner
        while self._pending:
            self._take_ack()
        if self._error is not None:
            self._raise_error()
        owner._send(("close",))
        kind, _, error = owner._recv()
        self._open = False
        owner._shard = None
        if kind != "closed":
            raise ShardError(f"{self.path}: unexpected message {kind!r} from the shard writer process")
        if error is not None:
            raise error
        return self.path

    def abort(self) -> None:
        """Discard pending frames and delete the partial file."""
        if not self._open:
            return
        owner = self._owner
        self._open = False
        owner._shard = None
        try:
            while self._pending:
                self._take_ack()
            owner._send(("abort",))
            owner._recv()
        except ShardError:  # the process is gone: nothing of the shard is left to stop
            pass

    def __enter__(self) -> "ProcessShard":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a ShardError carrying its message."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return ShardError(f"{type(exc).__name__}: {exc}")


def _frames_from_slot(buf: memoryview, levels: list) -> dict[str, Any]:
    """The frame set of a "frame" message, its buffers viewing the shared-memory slot ``buf``."""
    frames: dict[str, Any] = {}
    for level, metas, single in levels:
        views = [replace(frame, buffers={name: np.ndarray(shape, dtype=np.dtype(dtype), buffer=buf, offset=offset)
                                         for name, (offset, dtype, shape) in layout.items()})
                 for frame, layout in metas]
        frames[level] = views[0] if single else views
    return frames


def serve(fd: int, nice: int = WRITER_NICE) -> None:
    """The writer process's loop: shards and frames arrive on the socket ``fd``, in order; runs at +``nice``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the render process's to handle
    conn = Connection(fd)
    if nice:
        os.nice(nice)
    slots: list[SharedMemory] = []
    writer: ShardWriter | None = None
    failure: BaseException | None = None  # the open shard's first error
    unreported = False  # ... not yet sent to the render process
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the render process is gone
            message = ("stop",)
        kind = message[0]
        if kind == "stop":
            if writer is not None:
                writer.abort()
            for slot in slots:
                slot.close()
            return
        if kind == "slots":
            for slot in slots:
                slot.close()
            slots = [SharedMemory(name=name) for name in message[1]]
            for slot in slots:  # the render process owns (and unlinks) them
                resource_tracker.unregister(slot._name, "shared_memory")
        elif kind == "open":
            writer, failure, unreported = None, None, False
            try:
                writer = ShardWriter(message[1], **message[2])
            except BaseException as exc:  # reported with the first frame or the close
                failure, unreported = _picklable(exc), True
        elif kind == "frame":
            _, slot, levels, frame_index = message
            if failure is None:
                try:
                    writer.write_frame(_frames_from_slot(slots[slot].buf, levels), frame_index=frame_index)
                except BaseException as exc:
                    failure, unreported = _picklable(exc), True
            conn.send(("done", slot, failure if unreported else None))
            unreported = False
        elif kind == "close":
            error = failure if unreported else None
            if writer is not None and failure is None:
                try:
                    writer.close()
                except BaseException as exc:
                    error = _picklable(exc)
            elif writer is not None:
                writer.abort()
            writer, failure, unreported = None, None, False
            conn.send(("closed", None, error))
        elif kind == "abort":
            if writer is not None:
                writer.abort()
            writer, failure, unreported = None, None, False
            conn.send(("aborted", None, None))
