"""Standard SR architectures for the trainer, built from spandrel's classes so spandrel loads the
checkpoints back (``gameir eval sr --method spandrel:RUN/model.pth``).

``--arch`` names (docs/TRAINING.md):

| name | spandrel class | config (``n_feats`` = F, ``n_blocks`` = B) | G-buffer inputs |
| --- | --- | --- | --- |
| ``compact`` | none: :class:`gameir.models.CompactSR` (TorchScript export) | F features, B residual blocks | yes |
| ``rrdb-small`` | ``ESRGAN`` (RRDBNet, Wang et al. 2018) | F filters, B RRDB blocks, upconv upsampler | yes |
| ``rcan-small`` | ``RCAN`` (Zhang et al. 2018) | F features, B residual groups of 4 blocks, reduction 4, DIV2K mean | RGB only |
| ``swinir-light`` | ``SwinIR`` (Liang et al. 2021), lightweight variant | embed F, B stages of depth 2, 4 heads, window 8, pixel-shuffle-direct | RGB only |

G-buffer channels enter through the first convolution, widened from 3 to 3 + A input channels
with the new weights at zero (:func:`widen_first_conv`), so an RGB checkpoint widened this way
computes exactly what it computed before. spandrel reads the input width back from that
convolution. RCAN and SwinIR-light tie more than their first layer to the colour channels
(RCAN's input and output width are one parameter; SwinIR-light's output width is read from its
input width, and both subtract an RGB mean), so spandrel could not load them with extra inputs:
they train on RGB only and asking for G-buffers is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from gameir.models.spandrel_io import import_spandrel, load_spandrel

__all__ = ["ARCHS", "GBUFFER_ARCHS", "HALF_ARCHS", "build_standard", "widen_first_conv", "first_conv_name", "save_state_dict"]

#: ``--arch`` values of ``loaders/train_sr.py``.
ARCHS = ("compact", "rrdb-small", "rcan-small", "swinir-light")
#: Architectures that take G-buffer channels after RGB.
GBUFFER_ARCHS = ("compact", "rrdb-small")
#: Architectures that may run in float16 (spandrel's ``supports_half``: not RCAN, not SwinIR).
HALF_ARCHS = ("compact", "rrdb-small")

# spandrel architecture id and the state-dict prefix of the convolution that sees the input.
_SPANDREL = {"rrdb-small": ("ESRGAN", "model.0"), "rcan-small": ("RCAN", "head.0"),
             "swinir-light": ("SwinIR", "conv_first")}


def first_conv_name(arch: str) -> str:
    """Module path of the convolution that receives the input in a ``build_standard(arch)`` model."""
    if arch not in _SPANDREL:
        raise ValueError(f"unknown --arch {arch!r} for a spandrel architecture; choose from {', '.join(_SPANDREL)}")
    return _SPANDREL[arch][1]


def _check_arch(arch: str, n_aux: int) -> None:
    if arch not in ARCHS:
        raise ValueError(f"unknown --arch {arch!r}; choose from {', '.join(ARCHS)}")
    if n_aux and arch not in GBUFFER_ARCHS:
        raise ValueError(f"--arch {arch} takes RGB only (spandrel cannot load it with {n_aux} extra input "
                         f"channels); use --arch {' or '.join(GBUFFER_ARCHS)} with --gbuffers, or drop --gbuffers")


def _build_rgb(arch: str, scale: int, n_feats: int, n_blocks: int) -> nn.Module:
    import_spandrel()
    if arch == "rrdb-small":
        from spandrel.architectures.ESRGAN import ESRGAN

        if scale not in (1, 2, 4, 8):
            raise ValueError(f"--arch rrdb-small supports scale 1, 2, 4 or 8 (upconv stages), got {scale}")
        return ESRGAN(in_nc=3, out_nc=3, num_filters=n_feats, num_blocks=n_blocks, scale=scale)
    elif arch == "rcan-small":
        from spandrel.architectures.RCAN import RCAN

        if n_feats % 4:
            raise ValueError(f"--arch rcan-small needs n_feats divisible by 4 (channel-attention reduction), got {n_feats}")
        return RCAN(scale=scale, n_resgroups=n_blocks, n_resblocks=4, n_feats=n_feats, reduction=4)
    elif arch == "swinir-light":
        from spandrel.architectures.SwinIR import SwinIR

        if n_feats % 4:
            raise ValueError(f"--arch swinir-light needs n_feats divisible by 4 (attention heads), got {n_feats}")
        return SwinIR(upscale=scale, img_size=64, window_size=8, img_range=1.0, depths=[2] * n_blocks,
                      embed_dim=n_feats, num_heads=[4] * n_blocks, mlp_ratio=2.0, upsampler="pixelshuffledirect")
    raise ValueError(f"unknown --arch {arch!r} for a spandrel architecture; choose from {', '.join(_SPANDREL)}")


def widen_first_conv(model: nn.Module, name: str, n_aux: int) -> nn.Module:
    """Give the convolution ``name`` of ``model`` ``n_aux`` more input channels, their weights zero.

    The widened model maps ``cat([rgb, aux])`` to exactly what the original mapped ``rgb`` to, for
    any ``aux``, until training moves the new weights. In place; returns ``model``.
    """
    if n_aux == 0:
        return model
    parent_name, _, leaf = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    old = getattr(parent, leaf)
    if not isinstance(old, nn.Conv2d):
        raise TypeError(f"{name} of {type(model).__name__} is a {type(old).__name__}, expected nn.Conv2d")
    new = nn.Conv2d(old.in_channels + n_aux, old.out_channels, old.kernel_size, old.stride, old.padding,
                    old.dilation, old.groups, old.bias is not None, old.padding_mode)
    with torch.no_grad():
        new.weight.zero_()
        new.weight[:, :old.in_channels] = old.weight
        if old.bias is not None:
            new.bias.copy_(old.bias)
    setattr(parent, leaf, new.to(old.weight.device, old.weight.dtype))
    return model


def build_standard(arch: str, *, scale: int, n_aux: int = 0, n_feats: int = 32, n_blocks: int = 5,
                   pretrained: str | os.PathLike | None = None) -> nn.Module:
    """A spandrel architecture for ``--arch`` (table above) taking 3 + ``n_aux`` input channels.

    Args:
        arch: one of :data:`ARCHS` except ``compact`` (that one is :class:`~gameir.models.CompactSR`).
        scale: SR factor.
        n_aux: G-buffer channels after RGB (0: RGB only); only :data:`GBUFFER_ARCHS`.
        n_feats, n_blocks: width and depth (meaning per architecture, table above).
        pretrained: an RGB checkpoint of the same architecture and scale to start from (loaded
            with spandrel, config read from it), widened by ``n_aux`` zero-weight input channels.

    Returns:
        The module in train mode. Input (N, 3 + A, h, w) sRGB + aux, output (N, 3, s*h, s*w).
    """
    _check_arch(arch, n_aux)
    if arch == "compact":
        raise ValueError("--arch compact is gameir.models.CompactSR (build_model), not a spandrel architecture")
    spandrel_id, conv = _SPANDREL[arch]
    if pretrained is not None:
        loaded = load_spandrel(pretrained, scale=scale, device="cpu", precision="fp32")
        if loaded.info["architecture"] != spandrel_id:
            raise ValueError(f"{pretrained}: a {loaded.info['architecture']} checkpoint, but --arch {arch} is "
                             f"spandrel's {spandrel_id}")
        if loaded.aux_channels:
            raise ValueError(f"{pretrained}: already takes aux channels {list(loaded.aux_channels)}; "
                             f"--pretrained expects an RGB checkpoint")
        model = loaded.descriptor.model.float()
    else:
        model = _build_rgb(arch, scale, n_feats, n_blocks)
    return widen_first_conv(model, conv, n_aux).train()


def save_state_dict(model: nn.Module, path: str | os.PathLike) -> Path:
    """Save ``model.state_dict()`` (CPU tensors) atomically as a plain ``.pth`` that spandrel loads."""
    from gameir.fileio import atomic_writer

    path = Path(path)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    with atomic_writer(path) as fh:
        torch.save(state, fh)
    return path
