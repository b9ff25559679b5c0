"""EDSR (Lim et al. 2017), with the reference implementation's state-dict names, and optional G-buffer inputs.

B. Lim, S. Son, H. Kim, S. Nah, K. M. Lee, "Enhanced Deep Residual Networks for Single Image
Super-Resolution", CVPR Workshops 2017. Reference code: github.com/sanghyun-son/EDSR-PyTorch,
``src/model/edsr.py`` and ``src/model/common.py``. spandrel 0.4 has no EDSR, so this module is
what ``gameir eval sr --method spandrel:FILE`` falls back to for a state dict with EDSR's keys
(:func:`is_edsr_state_dict`, :func:`edsr_from_state_dict`), and what ``--arch edsr-baseline`` trains.

Layout (keys as in the reference, so its ``edsr_baseline_x2-1bc95232.pt`` etc. load):

- ``sub_mean`` / ``add_mean``: fixed 1x1 convolutions subtracting / adding ``rgb_range`` x the DIV2K
  RGB mean (0.4488, 0.4371, 0.4040), std 1;
- ``head.0``: 3x3 convolution, (3 + A) -> F (A G-buffer channels after RGB; 0 in the reference);
- ``body.0 .. body.{B-1}``: residual blocks conv-ReLU-conv (``body.i.body.0`` / ``body.i.body.2``),
  output scaled by ``res_scale``, plus the block input; ``body.B``: 3x3 convolution; plus the head output;
- ``tail.0``: pixel-shuffle upsampler (one conv F -> 4F + shuffle per factor 2, or conv F -> 9F +
  shuffle for x3); ``tail.1``: 3x3 convolution F -> 3.

EDSR-baseline is B = 16, F = 64, ``res_scale`` 1; the full EDSR B = 32, F = 256, ``res_scale`` 0.1.
The reference feeds colours in 0 ... ``rgb_range`` (255 for its published checkpoints); this module
takes sRGB in [0, 1] and scales by ``rgb_range`` inside, so a checkpoint gives the reference's
numbers divided by ``rgb_range``. G-buffer channels skip the mean shift and the ``rgb_range``
scaling (they are normalised already, docs/TRAINING.md) and enter ``head.0`` after RGB.
"""

from __future__ import annotations

import math
import re
from typing import Mapping

import torch
from torch import nn

__all__ = ["EDSR", "DIV2K_RGB_MEAN", "is_edsr_state_dict", "edsr_from_state_dict"]

#: RGB mean of DIV2K that the reference subtracts (``common.MeanShift``).
DIV2K_RGB_MEAN = (0.4488, 0.4371, 0.4040)

_EDSR_KEYS = ("sub_mean.weight", "add_mean.weight", "head.0.weight", "body.0.body.0.weight", "body.0.body.2.weight",
              "tail.0.0.weight", "tail.1.weight")


class _MeanShift(nn.Conv2d):
    """The reference's ``common.MeanShift``: x + sign * rgb_range * mean, as a fixed 1x1 convolution."""

    def __init__(self, rgb_range: float, sign: int) -> None:
        super().__init__(3, 3, kernel_size=1)
        with torch.no_grad():
            self.weight.copy_(torch.eye(3).view(3, 3, 1, 1))
            self.bias.copy_(sign * rgb_range * torch.tensor(DIV2K_RGB_MEAN))
        for p in self.parameters():
            p.requires_grad = False


class _ResBlock(nn.Module):
    """The reference's ``common.ResBlock`` without batch norm: x + res_scale * conv(relu(conv(x)))."""

    def __init__(self, n_feats: int, res_scale: float) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(n_feats, n_feats, 3, padding=1), nn.ReLU(True),
                                  nn.Conv2d(n_feats, n_feats, 3, padding=1))
        self.res_scale = res_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x).mul(self.res_scale) + x


def _upsampler(scale: int, n_feats: int) -> nn.Sequential:
    """The reference's ``common.Upsampler`` (no batch norm, no activation)."""
    layers: list[nn.Module] = []
    if scale >= 1 and scale & (scale - 1) == 0:
        for _ in range(int(math.log2(scale))):
            layers += [nn.Conv2d(n_feats, 4 * n_feats, 3, padding=1), nn.PixelShuffle(2)]
    elif scale == 3:
        layers += [nn.Conv2d(n_feats, 9 * n_feats, 3, padding=1), nn.PixelShuffle(3)]
    else:
        raise ValueError(f"EDSR supports scale 3 or a power of two (pixel-shuffle stages), got {scale}")
    return nn.Sequential(*layers)


class EDSR(nn.Module):
    """EDSR / EDSR-baseline (module docstring), optionally with ``n_aux`` G-buffer input channels.

    Args:
        scale: SR factor (2, 3, 4, 8, ...).
        n_resblocks: residual blocks B (16 in EDSR-baseline).
        n_feats: features F (64 in EDSR-baseline).
        rgb_range: colour range the weights were trained on (the reference: 255; ``--arch edsr-baseline``: 1).
        res_scale: residual scaling (1 in EDSR-baseline, 0.1 in the full EDSR).
        n_aux: G-buffer channels after RGB (0: RGB only, the reference).

    Input (N, 3 + n_aux, h, w): sRGB in [0, 1] then aux; output (N, 3, s*h, s*w), not clamped.

    Example:
        >>> net = EDSR(scale=2, n_resblocks=2, n_feats=8)
        >>> net(torch.rand(1, 3, 10, 12)).shape
        torch.Size([1, 3, 20, 24])
    """

    def __init__(self, *, scale: int = 2, n_resblocks: int = 16, n_feats: int = 64, rgb_range: float = 1.0,
                 res_scale: float = 1.0, n_aux: int = 0) -> None:
        super().__init__()
        self.scale, self.rgb_range = int(scale), float(rgb_range)
        self.sub_mean = _MeanShift(rgb_range, -1)
        self.add_mean = _MeanShift(rgb_range, 1)
        self.head = nn.Sequential(nn.Conv2d(3 + n_aux, n_feats, 3, padding=1))
        self.body = nn.Sequential(*[_ResBlock(n_feats, res_scale) for _ in range(n_resblocks)],
                                  nn.Conv2d(n_feats, n_feats, 3, padding=1))
        self.tail = nn.Sequential(_upsampler(scale, n_feats), nn.Conv2d(n_feats, 3, 3, padding=1))

    @property
    def in_channels(self) -> int:
        """3 + the G-buffer channels (read from ``head.0``, so :func:`widen_first_conv` updates it)."""
        return self.head[0].in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"EDSR expects input (N, {self.in_channels}, h, w) = RGB + {self.in_channels - 3} "
                             f"aux channels, got {list(x.shape)}")
        rgb = self.sub_mean(x[:, :3] * self.rgb_range)
        feat = self.head(torch.cat([rgb, x[:, 3:].to(rgb.dtype)], 1) if x.shape[1] > 3 else rgb)
        feat = self.body(feat) + feat
        return self.add_mean(self.tail(feat)) / self.rgb_range


def is_edsr_state_dict(state: Mapping[str, torch.Tensor]) -> bool:
    """Whether ``state`` has the reference EDSR's keys (``body.0.body.0.weight`` is a 4-D conv, unlike RCAN's groups)."""
    return all(k in state for k in _EDSR_KEYS) and state["body.0.body.0.weight"].dim() == 4


def edsr_from_state_dict(state: Mapping[str, torch.Tensor], *, res_scale: float | None = None,
                         where: str = "state dict") -> EDSR:
    """Rebuild an :class:`EDSR` from its state dict (hyperparameters read from the shapes) and load it.

    ``rgb_range`` comes from ``sub_mean.bias`` (= -rgb_range x the DIV2K mean); ``res_scale`` is not
    stored, so it is 0.1 for F >= 256 (the full EDSR) and 1 otherwise unless given.

    Raises:
        ValueError: not an EDSR state dict, or shapes that do not fit together (names ``where``).
    """
    if not is_edsr_state_dict(state):
        missing = [k for k in _EDSR_KEYS if k not in state]
        raise ValueError(f"{where}: not an EDSR state dict (missing {', '.join(missing) or 'a 4-D body.0.body.0.weight'})")
    head = state["head.0.weight"]
    n_feats, n_in = int(head.shape[0]), int(head.shape[1])
    n_blocks = len({m.group(1) for k in state if (m := re.fullmatch(r"body\.(\d+)\.body\.0\.weight", k))})
    ups = sorted(int(m.group(1)) for k in state if (m := re.fullmatch(r"tail\.0\.(\d+)\.weight", k)))
    first_up = int(state["tail.0.0.weight"].shape[0])
    if first_up == 9 * n_feats and len(ups) == 1:
        scale = 3
    elif first_up == 4 * n_feats:
        scale = 2 ** len(ups)
    else:
        raise ValueError(f"{where}: EDSR upsampler tail.0.0 has {first_up} outputs for {n_feats} features "
                         f"(expected {4 * n_feats} or {9 * n_feats})")
    rgb_range = float(-state["sub_mean.bias"][0]) / DIV2K_RGB_MEAN[0] if "sub_mean.bias" in state else 1.0
    if abs(rgb_range - round(rgb_range)) < 1e-3:
        rgb_range = float(round(rgb_range))
    if n_in < 3 or int(state["tail.1.weight"].shape[0]) != 3:
        raise ValueError(f"{where}: EDSR with {n_in} input and {int(state['tail.1.weight'].shape[0])} output "
                         f"channels; expected 3 (+ G-buffer) in, 3 out")
    if res_scale is None:
        res_scale = 0.1 if n_feats >= 256 else 1.0
    model = EDSR(scale=scale, n_resblocks=n_blocks, n_feats=n_feats, rgb_range=rgb_range, res_scale=res_scale,
                 n_aux=n_in - 3)
    try:
        model.load_state_dict(dict(state))
    except RuntimeError as exc:
        raise ValueError(f"{where}: EDSR keys but the weights do not fit ({str(exc).splitlines()[0]})") from exc
    return model
