"""Checkpoints spandrel 0.4 cannot rebuild alone, wrapped as spandrel descriptors for the harness.

- **EDSR** (:mod:`gameir.models.edsr`): state dicts with the reference EDSR's keys (EDSR-PyTorch's
  published ``edsr_baseline_x2-1bc95232.pt`` etc., and ``--arch edsr-baseline``), RGB or with
  G-buffer inputs. spandrel has no EDSR architecture.
- **RCAN / SwinIR with G-buffer inputs** (``--arch rcan-small`` / ``swinir-light`` and a sidecar
  listing aux channels): the first convolution is wider than spandrel expects, so spandrel
  rebuilds the RGB network from the state dict with that convolution cut to its RGB inputs, and
  :func:`~gameir.models.aux_input.attach_aux_input` widens it again before the full weights load.

- **SwinIR in bfloat16 / float16**: spandrel 0.4.2's SwinIR computes its shifted-window attention
  mask in float32 for any input size other than the one it was built for, so a bfloat16 model
  fails there ("expected m1 and m2 to have the same dtype"); :func:`cast_swinir_masks` casts the
  mask to the attention's dtype (a no-op in float32).

Both return a ``spandrel.ImageModelDescriptor`` (output clamped to [0, 1], dtype and device
handling, size padding), so the rest of :func:`~gameir.models.spandrel_io.load_spandrel` treats
them as any spandrel model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from gameir.models.aux_input import attach_aux_input
from gameir.models.edsr import edsr_from_state_dict, is_edsr_state_dict

__all__ = ["describe_edsr", "describe_hooked", "cast_swinir_masks", "HOOKED_FIRST_CONV"]

#: sidecar ``arch`` -> (spandrel architecture id, first convolution) for G-buffer inputs through hooks.
HOOKED_FIRST_CONV = {"rcan-small": ("RCAN", "head.0"), "swinir-light": ("SwinIR", "conv_first")}


def _edsr_architecture(spandrel: Any) -> Any:
    from spandrel import Architecture

    class EDSRArch(Architecture):
        """EDSR for spandrel's descriptor (detection by the reference's key names)."""

        def __init__(self) -> None:
            super().__init__(id="EDSR", name="EDSR", detect=is_edsr_state_dict)

        def load(self, state_dict: dict[str, torch.Tensor]) -> Any:
            return _edsr_descriptor(spandrel, self, state_dict, "state dict", None)

    return EDSRArch()


def _edsr_descriptor(spandrel: Any, arch: Any, state: dict[str, torch.Tensor], where: str,
                     res_scale: float | None) -> Any:
    model = edsr_from_state_dict(state, res_scale=res_scale, where=where)
    n_feats, n_blocks = model.head[0].out_channels, len(model.body) - 1
    tags = [f"{n_feats}nf", f"{n_blocks}nb", f"rgb_range {model.rgb_range:g}"]
    return spandrel.ImageModelDescriptor(model, state, arch, purpose="SR", tags=tags, supports_half=True,
                                         supports_bfloat16=True, scale=model.scale, input_channels=model.in_channels,
                                         output_channels=3)


def describe_edsr(state: dict[str, torch.Tensor], sidecar: dict[str, Any], path: Path, spandrel: Any) -> Any | None:
    """A descriptor for an EDSR state dict, or None when ``state`` does not have EDSR's keys.

    ``res_scale`` is not stored in the weights: the sidecar's ``res_scale`` if given, else 1
    (EDSR-baseline), 0.1 for 256 features (the full EDSR).
    """
    if not is_edsr_state_dict(state):
        return None
    res_scale = sidecar.get("res_scale")
    return _edsr_descriptor(spandrel, _edsr_architecture(spandrel), state, str(path),
                            None if res_scale is None else float(res_scale))


def describe_hooked(state: dict[str, torch.Tensor], sidecar: dict[str, Any], path: Path, loader: Any,
                    spandrel: Any) -> Any | None:
    """A descriptor for a G-buffer RCAN / SwinIR checkpoint of ``--arch rcan-small|swinir-light``, else None.

    Raises:
        ValueError: the sidecar names such an architecture but the weights do not fit it.
    """
    arch = sidecar.get("arch")
    n_aux = len(sidecar.get("aux_channels", ()))
    if arch not in HOOKED_FIRST_CONV or n_aux == 0:
        return None
    spandrel_id, conv = HOOKED_FIRST_CONV[arch]
    key = f"{conv}.weight"
    if key not in state or state[key].dim() != 4:
        raise ValueError(f"{path}: sidecar says --arch {arch} ({spandrel_id}) but the state dict has no {key}")
    got = int(state[key].shape[1])
    if got != 3 + n_aux:
        raise ValueError(f"{path}: checkpoint takes {got} input channels ({key}) but 3 + {n_aux} are given "
                         f"({Path(str(path) + '.json').name} lists {n_aux} aux channels)")
    rgb_state = dict(state)
    rgb_state[key] = state[key][:, :3].contiguous()
    try:
        rgb = loader.load_from_state_dict(rgb_state)
    except spandrel.UnsupportedModelError as exc:
        raise ValueError(f"{path}: sidecar says --arch {arch} but spandrel does not recognise the weights "
                         f"as {spandrel_id}") from exc
    if rgb.architecture.id != spandrel_id:
        raise ValueError(f"{path}: sidecar says --arch {arch} ({spandrel_id}) but spandrel reads a "
                         f"{rgb.architecture.id} checkpoint")
    model = attach_aux_input(rgb.model, conv, n_aux)
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise ValueError(f"{path}: weights do not fit {spandrel_id} with {n_aux} aux channels "
                         f"({str(exc).splitlines()[0]})") from exc
    return spandrel.ImageModelDescriptor(model, state, rgb.architecture, purpose="SR",
                                         tags=list(rgb.tags) + [f"{n_aux} aux"], supports_half=rgb.supports_half,
                                         supports_bfloat16=rgb.supports_bfloat16, scale=rgb.scale,
                                         input_channels=3 + n_aux, output_channels=rgb.output_channels,
                                         size_requirements=rgb.size_requirements, tiling=rgb.tiling)


def _mask_to_input_dtype(module: torch.nn.Module, args: tuple, kwargs: dict) -> tuple[tuple, dict] | None:
    mask = kwargs.get("mask")
    if mask is None or not args or mask.dtype == args[0].dtype:
        return None
    return args, {**kwargs, "mask": mask.to(args[0].dtype)}


def cast_swinir_masks(descriptor: Any) -> Any:
    """Make a spandrel SwinIR descriptor's window attention take its mask in the model's dtype. In place."""
    if descriptor.architecture.id == "SwinIR":
        for module in descriptor.model.modules():
            if type(module).__name__ == "WindowAttention":
                module.register_forward_pre_hook(_mask_to_input_dtype, with_kwargs=True)
    return descriptor
