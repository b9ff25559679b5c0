"""Loading and calling methods written by users (``python:`` factories, TorchScript files), so that
their faults become one-line errors naming the method, the file and the frame."""

from __future__ import annotations

import importlib
import os
import traceback
from typing import Any, Callable

import torch

import gameir.version
from gameir.evaluation.predictions import PredictionError

__all__ = ["load_factory", "call_method", "describe_exception"]

_SKIP_DIRS = tuple(os.path.dirname(m.__file__) + os.sep for m in (torch, gameir.version))


def describe_exception(exc: BaseException) -> str:
    """``"TypeName: message (at file.py:12)"`` on one line: the message's lines joined (TorchScript
    errors: their last line, which holds the original error) and the innermost frame outside torch
    and gameir (the user's own code), when there is one."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if lines and (isinstance(exc, torch.jit.Error) or "Traceback of TorchScript" in str(exc)):
        text = lines[-1]  # "RuntimeError: ..." after TorchScript's own traceback
        if ": " not in text:
            text = f"{type(exc).__name__}: {text}"
    else:
        text = f"{type(exc).__name__}: {' '.join(lines) or '(no message)'}"
    if len(text) > 400:
        text = text[:397] + "..."
    own = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_SKIP_DIRS)]
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f" (at {exc.filename}:{exc.lineno})"
    elif own:
        where = f" (at {own[-1].filename}:{own[-1].lineno})"
    else:  # raised inside torch or gameir (e.g. TorchScript): the message says it all
        where = ""
    return f"{text}{where}"


def load_factory(spec: str, device: torch.device) -> tuple[Any, str]:
    """Import ``pkg.module``, call ``factory()`` and return ``(model, module file)``.

    ``spec`` is ``python:pkg.module:factory``. An ``nn.Module`` result is moved to ``device`` and put
    in ``eval()`` mode.

    Raises:
        ValueError: malformed spec, the module cannot be imported (any exception at import, named
            with its file and line), ``factory`` is missing or not callable, ``factory()`` raised,
            or it returned something that cannot be called on an input.
    """
    target = spec[len("python:"):]
    mod_name, _, attr = target.rpartition(":")
    if not mod_name or not attr:
        raise ValueError(f"--method {spec!r}: expected python:pkg.module:factory")
    try:
        module = importlib.import_module(mod_name)
    except Exception as exc:  # ImportError, or any error in the module's own code
        raise ValueError(f"--method {spec!r}: cannot import {mod_name!r} ({describe_exception(exc)})") from exc
    path = getattr(module, "__file__", None) or mod_name
    factory = getattr(module, attr, None)
    if not callable(factory):
        found = "nothing" if factory is None else f"{type(factory).__name__} {repr(factory)[:60]}"
        raise ValueError(f"--method {spec!r}: {path} has no callable {attr!r} (found {found}); expected a "
                         f"function or class whose call with no arguments returns the model")
    try:
        model = factory()
    except Exception as exc:
        raise ValueError(f"--method {spec!r}: {attr}() in {path} raised {describe_exception(exc)}") from exc
    if not callable(model):
        found = repr(model) if len(repr(model)) <= 60 else repr(model)[:57] + "..."
        raise ValueError(f"--method {spec!r}: {attr}() in {path} returned {type(model).__name__} {found}, expected "
                         f"an nn.Module or a callable taking the input dict")
    if isinstance(model, torch.nn.Module):
        model = model.to(device).eval()
    return model, path


def call_method(fn: Callable[[Any], Any], inputs: Any, where: str) -> Any:
    """``fn(inputs)``; an exception raised inside becomes a :class:`PredictionError` naming
    ``where`` (method and frame) and the exception's type, message and place (chained, so Python
    callers keep the traceback).

    ``KeyboardInterrupt`` and other non-``Exception`` errors pass through unchanged.
    """
    try:
        return fn(inputs)
    except Exception as exc:
        raise PredictionError(f"{where}: the model raised {describe_exception(exc)}") from exc
