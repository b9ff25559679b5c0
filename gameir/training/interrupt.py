"""Stop a training run cleanly on Ctrl-C (SIGINT) or a scheduler's SIGTERM: finish the step, checkpoint.

A cluster scheduler pre-empts a job with SIGTERM and a user stops a run with Ctrl-C; either way the
loop finishes the step in progress, writes ``checkpoint.pt`` and raises :class:`TrainingInterrupted`,
so that ``--resume`` continues exactly where it stopped. A second signal is not caught (it stops
the process at once, as Python's default does).
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Optional

__all__ = ["StopOnSignal", "TrainingInterrupted"]


class TrainingInterrupted(KeyboardInterrupt):
    """The run stopped on a signal after checkpointing step ``step`` of ``total_steps``.

    Attributes:
        step: steps done (and saved in ``checkpoint``).
        total_steps: the schedule's length.
        checkpoint: the checkpoint file that ``--resume`` continues.
        signal_name: ``SIGINT`` or ``SIGTERM``.
    """

    def __init__(self, step: int, total_steps: int, checkpoint: Path, signal_name: str) -> None:
        super().__init__(f"{signal_name}: stopped after step {step} of {total_steps}; checkpoint {checkpoint}")
        self.step, self.total_steps, self.checkpoint, self.signal_name = step, total_steps, checkpoint, signal_name

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + int(getattr(signal, self.signal_name))


class StopOnSignal:
    """Context manager: while active, SIGINT and SIGTERM set :attr:`received` instead of raising.

    Outside the main thread (where Python cannot install handlers) it does nothing.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.received: Optional[str] = None
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, frame: Optional[FrameType]) -> None:
        self.received = signal.Signals(signum).name
        for sig, previous in self._previous.items():  # a second signal acts as it would have
            signal.signal(sig, previous)

    def __enter__(self) -> "StopOnSignal":
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()
