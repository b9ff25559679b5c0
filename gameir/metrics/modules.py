"""Thin ``nn.Module`` wrappers so metrics can sit in a model's validation step or a loss."""

from __future__ import annotations

import torch
from torch import nn

from gameir.metrics.psnr import psnr
from gameir.metrics.ssim import ssim

__all__ = ["PSNR", "SSIM"]


class PSNR(nn.Module):
    """:func:`gameir.metrics.psnr` with its options fixed at construction.

    Example:
        >>> import torch
        >>> metric = PSNR(data_range=1.0, crop_border=4, y_channel=True)
        >>> x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
        >>> metric(x, x)
        tensor([inf, inf], dtype=torch.float64)
    """

    def __init__(self, data_range: float, *, crop_border: int = 0, y_channel: bool = False) -> None:
        super().__init__()
        self.data_range = data_range
        self.crop_border = crop_border
        self.y_channel = y_channel

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """(N,) PSNR in dB of (N, C, H, W) ``pred`` against ``target``."""
        return psnr(pred, target, self.data_range, crop_border=self.crop_border,
                    y_channel=self.y_channel)

    def extra_repr(self) -> str:
        return f"data_range={self.data_range}, crop_border={self.crop_border}, y_channel={self.y_channel}"


class SSIM(nn.Module):
    """:func:`gameir.metrics.ssim` with its options fixed at construction.

    Example:
        >>> import torch
        >>> metric = SSIM(data_range=255.0)
        >>> x = torch.randint(0, 256, (1, 3, 32, 32), generator=torch.Generator().manual_seed(0))
        >>> metric(x, x)
        tensor([1.], dtype=torch.float64)
    """

    def __init__(self, data_range: float, *, crop_border: int = 0, y_channel: bool = False,
                 backend: str = "auto") -> None:
        super().__init__()
        self.data_range = data_range
        self.crop_border = crop_border
        self.y_channel = y_channel
        self.backend = backend

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """(N,) SSIM of (N, C, H, W) ``pred`` against ``target``."""
        return ssim(pred, target, self.data_range, crop_border=self.crop_border,
                    y_channel=self.y_channel, backend=self.backend)

    def extra_repr(self) -> str:
        return (f"data_range={self.data_range}, crop_border={self.crop_border}, "
                f"y_channel={self.y_channel}, backend={self.backend!r}")
