"""Standard SR architectures for the trainer, built so ``gameir eval sr --method spandrel:RUN/model.pth``
loads the checkpoints back (spandrel's classes, or GameIR's EDSR where spandrel has none).

``--arch`` names (docs/TRAINING.md):

| name | class | config (``n_feats`` = F, ``n_blocks`` = B) | how G-buffer channels enter |
| --- | --- | --- | --- |
| ``compact`` | :class:`gameir.models.CompactSR` (TorchScript export) | F features, B residual blocks | first conv |
| ``edsr-baseline`` | :class:`gameir.models.edsr.EDSR` (Lim et al. 2017; spandrel 0.4 has no EDSR) | F features, B residual blocks, res_scale 1, DIV2K mean | ``head.0`` after the mean shift |
| ``rrdb-small`` | spandrel ``ESRGAN`` (RRDBNet, Wang et al. 2018) | F filters, B RRDB blocks, upconv upsampler | ``model.0`` |
| ``rcan-small`` | spandrel ``RCAN`` (Zhang et al. 2018) | F features, B residual groups of 4 blocks, reduction 4, DIV2K mean | ``head.0`` after the mean shift (:mod:`~gameir.models.aux_input`) |
| ``swinir-light`` | spandrel ``SwinIR`` (Liang et al. 2021), lightweight variant | embed F, B stages of depth 2, 4 heads, window 8, pixel-shuffle-direct | ``conv_first`` after mean and padding (:mod:`~gameir.models.aux_input`) |

``--n-feats 64 --n-blocks 16`` gives the paper's EDSR-baseline. G-buffer channels enter through
the first convolution, widened from 3 to 3 + A input channels with the new weights at zero
(:func:`widen_first_conv`), so an RGB checkpoint widened this way computes exactly what it
computed before. spandrel reads the input width of ESRGAN back from that convolution; RCAN and
SwinIR keep RGB-only mean subtraction (and RCAN one colour count for input and output), so their
G-buffer checkpoints load through GameIR's loader (:func:`gameir.models.spandrel_io.load_spandrel`),
which reads the sidecar's ``arch`` and aux channels, lets spandrel rebuild the RGB network and
widens it again.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from gameir.models.aux_input import attach_aux_input, widen_first_conv
from gameir.models.edsr import EDSR
from gameir.models.spandrel_io import import_spandrel, load_spandrel

__all__ = ["ARCHS", "GBUFFER_ARCHS", "HALF_ARCHS", "HOOKED_ARCHS", "build_standard", "widen_first_conv", "first_conv_name", "save_state_dict"]

#: ``--arch`` values of ``loaders/train_sr.py``.
ARCHS = ("compact", "edsr-baseline", "rrdb-small", "rcan-small", "swinir-light")
#: Architectures that take G-buffer channels after RGB (all of them).
GBUFFER_ARCHS = ARCHS
#: Architectures that may run in float16 (spandrel's ``supports_half``: not RCAN, not SwinIR).
HALF_ARCHS = ("compact", "edsr-baseline", "rrdb-small")
#: Architectures whose G-buffer channels enter through forward hooks (:mod:`gameir.models.aux_input`).
HOOKED_ARCHS = ("rcan-small", "swinir-light")

# architecture id (spandrel's, or EDSR's) and the state-dict prefix of the convolution that sees the input.
_SPANDREL = {"edsr-baseline": ("EDSR", "head.0"), "rrdb-small": ("ESRGAN", "model.0"), "rcan-small": ("RCAN", "head.0"),
             "swinir-light": ("SwinIR", "conv_first")}


def first_conv_name(arch: str) -> str:
    """Module path of the convolution that receives the input in a ``build_standard(arch)`` model."""
    if arch not in _SPANDREL:
        raise ValueError(f"unknown --arch {arch!r} for a spandrel architecture; choose from {', '.join(_SPANDREL)}")
    return _SPANDREL[arch][1]


def _check_arch(arch: str, n_aux: int) -> None:
    if arch not in ARCHS:
        raise ValueError(f"unknown --arch {arch!r}; choose from {', '.join(ARCHS)}")
    if n_aux < 0:
        raise ValueError(f"n_aux must be >= 0 (G-buffer channels after RGB), got {n_aux}")


def _build_rgb(arch: str, scale: int, n_feats: int, n_blocks: int) -> nn.Module:
    if arch == "edsr-baseline":
        return EDSR(scale=scale, n_resblocks=n_blocks, n_feats=n_feats, rgb_range=1.0, res_scale=1.0)
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


def build_standard(arch: str, *, scale: int, n_aux: int = 0, n_feats: int = 32, n_blocks: int = 5,
                   pretrained: str | os.PathLike | None = None) -> nn.Module:
    """A spandrel architecture for ``--arch`` (table above) taking 3 + ``n_aux`` input channels.

    Args:
        arch: one of :data:`ARCHS` except ``compact`` (that one is :class:`~gameir.models.CompactSR`).
        scale: SR factor.
        n_aux: G-buffer channels after RGB (0: RGB only).
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
                             f"{spandrel_id}; use the --arch of that architecture")
        if loaded.aux_channels:
            raise ValueError(f"{pretrained}: already takes aux channels {list(loaded.aux_channels)}; "
                             f"--pretrained expects an RGB checkpoint")
        model = loaded.descriptor.model.float()
    else:
        model = _build_rgb(arch, scale, n_feats, n_blocks)
    if arch in HOOKED_ARCHS:
        return attach_aux_input(model, conv, n_aux).train()
    return widen_first_conv(model, conv, n_aux).train()


def save_state_dict(model: nn.Module, path: str | os.PathLike) -> Path:
    """Save ``model.state_dict()`` (CPU tensors) atomically as a plain ``.pth`` that spandrel loads."""
    from gameir.fileio import atomic_writer

    path = Path(path)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    with atomic_writer(path) as fh:
        torch.save(state, fh)
    return path
