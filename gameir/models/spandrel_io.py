"""Standard SR checkpoints (.pth / .safetensors) through spandrel, with GameIR's G-buffer sidecar.

spandrel (https://github.com/chaiNNer-org/spandrel, MIT) recognises an architecture from the keys
and shapes of a state dict and rebuilds the network. GameIR adds one thing: a checkpoint trained
with G-buffer inputs has a JSON sidecar next to it, ``<checkpoint>.json``
(:data:`SIDECAR_FORMAT`), naming the aux channels after RGB and their normalisation, so the
harness feeds ``cat([lr, lr_aux])`` (docs/TRAINING.md) in the order the network was trained on.
Without a sidecar the network takes RGB only.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from gameir.fileio import atomic_write_json

__all__ = ["SIDECAR_FORMAT", "SpandrelModel", "import_spandrel", "load_spandrel", "sidecar_path", "write_sidecar",
           "file_sha256"]

#: ``format`` value of a G-buffer sidecar; bump on a change of the input contract.
SIDECAR_FORMAT = "gameir-sr-sidecar-1"

_INSTALL = 'pip install "gameir[sr]"  (or: pip install "spandrel>=0.4")'


def import_spandrel() -> Any:
    """The ``spandrel`` module, or ImportError saying how to install it.

    spandrel imports torchvision; a torchvision built for another torch (e.g. the CUDA wheel from
    PyPI beside a CPU-only torch) fails inside ``import torchvision`` with
    "operator torchvision::nms does not exist": the message names that case too.
    """
    try:
        import spandrel
    except ImportError as exc:
        raise ImportError(f"the spandrel: method and --arch need spandrel ({exc}); {_INSTALL}") from exc
    except RuntimeError as exc:  # torchvision's C++ ops do not load against this torch build
        cpu_hint = "+cpu" in torch.__version__ or not torch.backends.cuda.is_built()
        fix = ("pip install --force-reinstall --no-deps torchvision --index-url https://download.pytorch.org/whl/cpu"
               if cpu_hint else "pip install --force-reinstall --no-deps torchvision (the release paired with this torch)")
        raise ImportError(f"spandrel could not be imported because torchvision does not match torch "
                          f"{torch.__version__} ({exc}); install the torchvision built for this torch: {fix}") from exc
    return spandrel


def sidecar_path(checkpoint: str | os.PathLike) -> Path:
    """Where the G-buffer sidecar of ``checkpoint`` lives: ``<checkpoint>.json`` (e.g. ``model.pth.json``)."""
    p = Path(checkpoint)
    return p.with_name(p.name + ".json")


def write_sidecar(checkpoint: str | os.PathLike, *, arch: str, scale: int, aux_channels: list[str] | tuple[str, ...],
                  gbuffers: list[str] | tuple[str, ...], depth_mode: str = "inverse",
                  extra: dict[str, Any] | None = None) -> Path:
    """Write ``<checkpoint>.json`` atomically: the input contract of a GameIR-trained checkpoint.

    Args:
        checkpoint: the .pth / .safetensors file it describes.
        arch: the ``--arch`` name it was built with.
        scale: SR factor.
        aux_channels: aux channel names after RGB, in input order (``SRDataset.aux_channels``).
        gbuffers: the G-buffers those channels come from, in order.
        depth_mode: depth normalisation of the ``depth`` channel (:mod:`gameir.data.normalize`).
        extra: other facts (training steps, data).
    """
    body = {"format": SIDECAR_FORMAT, "arch": arch, "scale": int(scale), "rgb": "sRGB in [0, 1], channels 0-2",
            "aux_channels": list(aux_channels), "gbuffers": list(gbuffers), "depth_mode": depth_mode,
            "normalisation": "gameir.data.normalize (docs/TRAINING.md)", **(extra or {})}
    path = sidecar_path(checkpoint)
    atomic_write_json(path, body)
    return path


def _read_sidecar(checkpoint: Path) -> dict[str, Any]:
    path = sidecar_path(checkpoint)
    if not path.is_file():
        return {}
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: unreadable G-buffer sidecar of {checkpoint.name} ({exc})") from exc
    if not isinstance(body, dict) or body.get("format") != SIDECAR_FORMAT:
        got = body.get("format") if isinstance(body, dict) else type(body).__name__
        raise ValueError(f"{path}: sidecar format {got!r}, expected {SIDECAR_FORMAT!r}")
    if not isinstance(body.get("aux_channels"), list):
        raise ValueError(f"{path}: sidecar needs an 'aux_channels' list (channel names after RGB)")
    return body


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class SpandrelModel:
    """A checkpoint loaded through spandrel, checked against the data it will see.

    Attributes:
        path: the checkpoint file.
        descriptor: spandrel's ``ImageModelDescriptor`` (model in eval mode on the device, dtype set).
        aux_channels: aux channel names after RGB (from the sidecar; empty: RGB only).
        dtype: inference dtype (float32 on CPU; float16 / bfloat16 on CUDA where the architecture supports it).
        info: architecture, parameters, SHA-256, tags, ... for reports.
    """

    path: Path
    descriptor: Any
    aux_channels: tuple[str, ...]
    dtype: torch.dtype
    sidecar: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3 + A, h, w) float input in [0, 1] -> (N, 3, s*h, s*w) float32 in [0, 1]."""
        want = 3 + len(self.aux_channels)
        if x.dim() != 4 or x.shape[1] != want:
            raise ValueError(f"{self.path}: expects input (N, {want}, h, w) = RGB + {len(self.aux_channels)} aux "
                             f"channels, got {list(x.shape)}")
        # a copy: some architectures (spandrel's RCAN) scale their input in place
        return self.descriptor(x.to(self.dtype, copy=True)).float()


def _pick_dtype(descriptor: Any, device: torch.device, precision: str) -> torch.dtype:
    if precision not in ("auto", "fp32", "fp16", "bf16"):
        raise ValueError(f"precision must be one of auto, fp32, fp16, bf16, got {precision!r}")
    name = descriptor.architecture.name
    if device.type != "cuda":
        if precision == "fp16":
            raise ValueError(f"precision 'fp16' needs a CUDA device, got {device}")
        if precision == "bf16":  # on request only (slow on most CPUs): checks the reduced-precision path without a GPU
            if not descriptor.supports_bfloat16:
                raise ValueError(f"{name} does not support bfloat16 (spandrel); use fp32")
            return torch.bfloat16
        return torch.float32
    if precision == "fp32":
        return torch.float32
    if precision == "fp16":
        if not descriptor.supports_half:
            raise ValueError(f"{name} does not support float16 (spandrel); use bf16 or fp32")
        return torch.float16
    if precision == "bf16":
        if not descriptor.supports_bfloat16:
            raise ValueError(f"{name} does not support bfloat16 (spandrel); use fp32")
        return torch.bfloat16
    if descriptor.supports_half:
        return torch.float16
    return torch.bfloat16 if descriptor.supports_bfloat16 else torch.float32


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _describe(state: dict[str, torch.Tensor], sidecar: dict[str, Any], path: Path, loader: Any, spandrel: Any) -> Any:
    """spandrel's descriptor for ``state``; EDSR and G-buffer RCAN / SwinIR through :mod:`gameir.models.spandrel_extra`."""
    from gameir.models.spandrel_extra import cast_swinir_masks, describe_edsr, describe_hooked

    descriptor = describe_edsr(state, sidecar, path, spandrel)
    if descriptor is None:
        descriptor = describe_hooked(state, sidecar, path, loader, spandrel)
    if descriptor is not None:
        return cast_swinir_masks(descriptor)
    try:
        return cast_swinir_masks(loader.load_from_state_dict(state))
    except spandrel.UnsupportedModelError as exc:
        raise ValueError(f"{path}: not an architecture spandrel {spandrel.__version__} recognises, nor EDSR (no "
                         f"known state-dict layout matched); is it an SR checkpoint?") from exc
    except (KeyError, RuntimeError, ValueError, TypeError, IndexError, AttributeError) as exc:
        # a detected architecture whose weights do not fit it (missing keys, size mismatches); an
        # out-of-memory or an interrupt passes through
        hint = (f"; a G-buffer checkpoint needs its {sidecar_path(path).name}" if not sidecar else "")
        raise ValueError(f"{path}: cannot read the checkpoint ({type(exc).__name__}: {_first_line(exc)}){hint}") from exc


def load_spandrel(path: str | os.PathLike, *, scale: int | None, device: torch.device | str = "cpu",
                  precision: str = "auto") -> SpandrelModel:
    """Load a .pth / .ckpt / .safetensors SR checkpoint with spandrel and check it fits the data.

    EDSR state dicts (spandrel 0.4 has none) and G-buffer RCAN / SwinIR checkpoints of
    ``--arch rcan-small|swinir-light`` load through :mod:`gameir.models.spandrel_extra`.

    Args:
        path: checkpoint file; an optional ``<path>.json`` sidecar names its aux input channels.
        scale: the dataset's SR factor; the checkpoint's must equal it (None: not checked).
        device: where it runs.
        precision: ``auto`` (float32 on CPU; on CUDA float16 if spandrel says the architecture
            supports it, else bfloat16, else float32), ``fp32``, ``fp16`` (CUDA only) or ``bf16``
            (CUDA, or the CPU on request).

    Raises:
        FileNotFoundError: no such file.
        ValueError: unreadable or corrupt file, not an architecture spandrel (or EDSR) knows, not a
            single-image model, a scale other than ``scale``, or input channels other than
            3 + the sidecar's aux channels (each message names the file and both values).
        ImportError: spandrel missing (the message gives the pip command).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such checkpoint file (expected a .pth or .safetensors state dict)")
    spandrel = import_spandrel()
    device = torch.device(device)
    sidecar = _read_sidecar(path)
    aux = tuple(sidecar.get("aux_channels", ()))
    loader = spandrel.ModelLoader(device=device)
    try:
        state = loader.load_state_dict_from_file(str(path))
    except Exception as exc:  # noqa: BLE001 - torch.load / safetensors raise many types on corrupt files
        raise ValueError(f"{path}: cannot read the checkpoint ({type(exc).__name__}: {_first_line(exc)})") from exc
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"{path}: cannot read the checkpoint (not a state dict of tensors: {type(state).__name__})")
    descriptor = _describe(state, sidecar, path, loader, spandrel).to(device)
    if scale is not None and descriptor.scale != scale:
        raise ValueError(f"{path}: checkpoint is x{descriptor.scale} ({descriptor.architecture.name}) but the data "
                         f"is x{scale}; use a x{scale} checkpoint or data of scale {descriptor.scale}")
    if descriptor.input_channels != 3 + len(aux):
        where = f"{sidecar_path(path).name} lists {len(aux)} aux channels" if sidecar else "no sidecar: RGB only"
        raise ValueError(f"{path}: checkpoint takes {descriptor.input_channels} input channels but 3 + {len(aux)} "
                         f"are given ({where}); a G-buffer checkpoint needs its {sidecar_path(path).name}")
    if descriptor.output_channels != 3:
        raise ValueError(f"{path}: checkpoint outputs {descriptor.output_channels} channels, expected 3 (RGB)")
    dtype = _pick_dtype(descriptor, device, precision)
    descriptor.to(dtype).eval()
    info = {"kind": "spandrel", "path": str(path), "architecture": descriptor.architecture.id,
            "architecture_name": descriptor.architecture.name, "parameters": sum(p.numel() for p in descriptor.model.parameters()),
            "sha256": file_sha256(path), "scale": descriptor.scale, "input_channels": descriptor.input_channels,
            "aux_channels": list(aux), "tags": list(descriptor.tags), "dtype": str(dtype).replace("torch.", ""),
            "supports_half": bool(descriptor.supports_half), "supports_bfloat16": bool(descriptor.supports_bfloat16),
            "spandrel": spandrel.__version__}
    return SpandrelModel(path, descriptor, aux, dtype, sidecar, info)
