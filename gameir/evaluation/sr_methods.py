"""What `gameir eval sr --method M` runs: built-in baselines, Python factories, TorchScript, spandrel
checkpoints, PNG folders.

Every method turns one batched input dict (an :class:`gameir.data.SRDataset` item with a leading
batch axis, ``hr`` removed) into a (N, 3, s*h, s*w) prediction in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch

from gameir.baselines import UPSCALE_METHODS, joint_bilateral_upscale, upscale
from gameir.data.normalize import AUX_CHANNELS
from gameir.evaluation.predictions import prediction_path, read_png_prediction
from gameir.evaluation.user_methods import describe_exception, load_factory

__all__ = ["SRMethod", "SR_BUILTINS", "SR_METHOD_KINDS", "resolve_sr_method", "buffers_for_channels",
           "list_sr_methods"]

#: Built-in SR baselines: the four classic upscalers and G-buffer joint bilateral upsampling.
SR_BUILTINS = tuple(UPSCALE_METHODS) + ("gbuffer-jbu",)
SR_METHOD_KINDS = ("python:pkg.module:factory", "torchscript:model.pt", "spandrel:model.pth", "folder:DIR")

_JBU_GUIDES = ("depth", "normal", "basecolor")


@dataclass
class SRMethod:
    """A resolved SR method.

    Attributes:
        name: the ``--method`` string.
        predict: batched input dict -> (N, 3, s*h, s*w) tensor (checked by the harness).
        gbuffers: G-buffers the dataset must load for it, in ``lr_aux`` order.
        gbuffer_res: ``"lr"`` or ``"hr"`` (the G-buffer-guided baseline uses HR guides).
        depth_mode: depth normalisation the method expects (``"inverse"`` or ``"metres"``).
        tileable: whether tiled inference applies (not for predictions read from files).
        info: facts about the method for the report (e.g. a model's metadata).
    """

    name: str
    predict: Callable[[dict[str, Any]], torch.Tensor]
    gbuffers: tuple[str, ...] = ()
    gbuffer_res: str = "lr"
    depth_mode: str = "inverse"
    tileable: bool = True
    info: dict[str, Any] = field(default_factory=dict)


def buffers_for_channels(channels: list[str] | tuple[str, ...], where: str) -> tuple[str, ...]:
    """G-buffer names whose ``AUX_CHANNELS`` concatenate to ``channels`` (a model's aux inputs)."""
    out: list[str] = []
    i = 0
    channels = list(channels)
    while i < len(channels):
        for name, chans in AUX_CHANNELS.items():
            if chans and channels[i:i + len(chans)] == list(chans):
                out.append(name)
                i += len(chans)
                break
        else:
            raise ValueError(f"{where}: aux channel {channels[i]!r} matches no G-buffer of SRDataset "
                             f"(known: {', '.join(f'{k}={list(v)}' for k, v in AUX_CHANNELS.items() if v)})")
    return tuple(out)


def _model_input(batch: dict[str, Any]) -> torch.Tensor:
    """The model input contract: ``cat([lr, lr_aux], dim=1)`` (N, 3 + A, h, w)."""
    aux = batch.get("lr_aux")
    return batch["lr"] if aux is None else torch.cat([batch["lr"], aux.to(batch["lr"].dtype)], dim=1)


def _builtin(name: str, scale: int) -> SRMethod:
    if name in UPSCALE_METHODS:
        return SRMethod(name, lambda b: upscale(b["lr"], scale, name, data_range=1.0),
                        info={"kind": "builtin", "opencv": True})
    # gbuffer-jbu: HR depth (metres), normals and basecolor guide the LR colour; LR guides are the
    # HR ones point-sampled (Kopf et al.), so only HR G-buffers are loaded.
    def jbu(b: dict[str, Any]) -> torch.Tensor:
        guides = {g: b[g].float() for g in _JBU_GUIDES}
        return joint_bilateral_upscale(b["lr"].float(), scale, guides)
    return SRMethod(name, jbu, gbuffers=_JBU_GUIDES, gbuffer_res="hr", depth_mode="metres",
                    info={"kind": "builtin", "guides": list(_JBU_GUIDES)})


def _python(spec: str, device: torch.device) -> SRMethod:
    target = spec[len("python:"):]
    model, path = load_factory(spec, device)
    gbuffers = getattr(model, "gbuffers", None)
    if gbuffers is None:
        config = getattr(model, "config", None)
        channels = getattr(config, "aux_channels", ())
        gbuffers = buffers_for_channels(channels, f"--method {spec}") if channels else ()
    return SRMethod(spec, model, gbuffers=tuple(gbuffers), info={"kind": "python", "factory": target, "file": path})


#: What loading a file that is not a (readable) TorchScript model raises: torch's archive and
#: deserialisation errors (RuntimeError), a bad config.json / metadata.json (ValueError, including
#: JSONDecodeError and UnicodeDecodeError) and unreadable files (OSError).
_LOAD_ERRORS = (RuntimeError, ValueError, OSError)


def _is_device_error(exc: BaseException) -> bool:
    """True for errors of the device rather than of a file: CUDA out of memory (a RuntimeError
    subclass) and other CUDA runtime failures, which a loader must not report as a bad file."""
    if isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and ("CUDA error" in text or "CUDA out of memory" in text)


def _torchscript(spec: str, device: torch.device) -> SRMethod:
    from gameir.models.export import load_torchscript

    path = Path(spec[len("torchscript:"):])
    if not path.is_file():
        raise FileNotFoundError(f"--method {spec!r}: no such TorchScript file {path}")
    try:
        model, config, metadata = load_torchscript(path, map_location=device)
    except _LOAD_ERRORS as exc:  # not a zip / not TorchScript / bad config.json
        if _is_device_error(exc):
            raise  # out of memory or a CUDA failure: the file may be fine, so say what really happened
        raise ValueError(f"--method {spec!r}: {path} is not a TorchScript model written by "
                         f"gameir.models.export_torchscript or torch.jit.save ({describe_exception(exc)})") from exc
    channels = config.get("aux_channels", [])
    gbuffers = buffers_for_channels(channels, str(path)) if channels else ()
    return SRMethod(spec, lambda b: model(_model_input(b)), gbuffers=gbuffers,
                    info={"kind": "torchscript", "path": str(path), "config": config, "metadata": metadata})


def _spandrel(spec: str, scale: int, device: torch.device) -> SRMethod:
    from gameir.models.spandrel_io import load_spandrel

    path = Path(spec[len("spandrel:"):])
    model = load_spandrel(path, scale=scale, device=device)
    gbuffers = buffers_for_channels(model.aux_channels, str(path)) if model.aux_channels else ()
    return SRMethod(spec, lambda b: model(_model_input(b)), gbuffers=gbuffers,
                    depth_mode=model.sidecar.get("depth_mode", "inverse"), info=model.info)


def list_sr_methods() -> list[tuple[str, str]]:
    """``(method, what it is)`` for everything ``--method`` accepts here (spandrel's architectures
    when spandrel imports)."""
    rows = [(m, "classic upscaler (OpenCV)") for m in UPSCALE_METHODS]
    rows.append(("gbuffer-jbu", "joint bilateral upsampling guided by HR depth, normals, basecolor"))
    rows += [("python:pkg.module:factory", "factory() returns a module taking the batched input dict"),
             ("torchscript:FILE", "gameir.models.export_torchscript file (loaders/train_sr.py --arch compact)"),
             ("folder:DIR", "PNG predictions DIR/<clip_id>/<frame:08d>.png")]
    try:
        from gameir.models.spandrel_io import import_spandrel

        spandrel = import_spandrel()
        arches = sorted(a.architecture.name for a in spandrel.MAIN_REGISTRY.architectures())
        rows.append(("spandrel:FILE", f"a .pth/.safetensors checkpoint, spandrel {spandrel.__version__}: "
                                      + ", ".join(arches)))
    except ImportError as exc:
        rows.append(("spandrel:FILE", f"unavailable: {exc}"))
    return rows


def _folder(spec: str, scale: int) -> SRMethod:
    folder = Path(spec[len("folder:"):])
    if not folder.is_dir():
        raise ValueError(f"--method {spec!r}: {folder} is not a folder (expected DIR/<clip_id>/<frame:08d>.png)")

    def read(b: dict[str, Any]) -> torch.Tensor:
        h, w = b["lr"].shape[-2:]
        s = scale
        where = f"clip {b['clip_id']} frame {int(b['frame'])}"
        return read_png_prediction(prediction_path(folder, b["clip_id"], int(b["frame"])), (s * h, s * w), where)
    return SRMethod(spec, read, tileable=False, info={"kind": "folder", "folder": str(folder)})


def resolve_sr_method(spec: str, *, scale: int, device: torch.device) -> SRMethod:
    """Turn a ``--method`` string into an :class:`SRMethod`.

    Args:
        spec: one of :data:`SR_BUILTINS`; ``python:pkg.module:factory`` (``factory()`` returns a
            module / callable taking the batched dataset dict, without ``hr``; its ``gbuffers``
            attribute, or ``config.aux_channels``, names the G-buffers to load);
            ``torchscript:model.pt`` (a :func:`gameir.models.export_torchscript` file: input
            ``cat([lr, lr_aux])`` (N, 3 + A, h, w), aux channels from its ``config.json``);
            ``spandrel:model.pth`` (any .pth/.safetensors checkpoint spandrel recognises; input
            ``cat([lr, lr_aux])`` with the aux channels of its ``model.pth.json`` sidecar, or RGB);
            ``folder:DIR`` (PNG files ``DIR/<clip_id>/<frame:08d>.png``).
        scale: SR factor.
        device: where models run.
    """
    if spec in SR_BUILTINS:
        return _builtin(spec, scale)
    elif spec.startswith("python:"):
        return _python(spec, device)
    elif spec.startswith("torchscript:"):
        return _torchscript(spec, device)
    elif spec.startswith("spandrel:"):
        return _spandrel(spec, scale, device)
    elif spec.startswith("folder:"):
        return _folder(spec, scale)
    else:
        raise ValueError(f"unknown SR method {spec!r}; choose one of {', '.join(SR_BUILTINS)} or "
                         f"{', '.join(SR_METHOD_KINDS)}")
