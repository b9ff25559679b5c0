"""A compact residual CNN for single-frame super-resolution with optional G-buffer inputs.

EDSR-lite / ESPCN class: a 3x3 head convolution, ``n_blocks`` residual blocks (conv-ReLU-conv,
residual scale ``res_scale``) and a convolution after the body with a long skip, then a 3x3
convolution to ``3 * scale**2`` channels and a pixel shuffle. The network predicts a residual on
top of the bilinearly upsampled LR colour (``F.interpolate(..., "bilinear", align_corners=False)``,
docs/FORMAT.md pixel centres), which makes short CPU training budgets converge.

Input layout (the contract of the TorchScript export, docs/TRAINING.md):
``x = cat([lr, lr_aux], dim=1)``: (N, 3 + A, h, w) float, ``lr`` sRGB in [0, 1] first, then the
``A`` aux channels exactly as :class:`gameir.data.SRDataset` emits ``lr_aux`` (order of
``gbuffers``; normalisation of :mod:`gameir.data.normalize`: inverse depth 1/m with sky 0,
camera-space normals in [-1, 1], basecolor in [0, 1], ...). Output: (N, 3, s*h, s*w) sRGB,
clamped to [0, 1] in ``eval()`` mode (unclamped while training so the loss keeps its gradient).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["SRConfig", "CompactSR", "ResidualBlock", "count_parameters", "MODEL_KINDS"]

MODEL_KINDS = ("compact", "temporal")


@dataclass(frozen=True)
class SRConfig:
    """Architecture of a :class:`CompactSR` / :class:`~gameir.models.temporal.TemporalSR`.

    Attributes:
        kind: ``"compact"`` (single frame) or ``"temporal"`` (plus warped previous output).
        scale: integer upscaling factor s >= 1.
        aux_channels: names of the aux channels after RGB, in input order (``SRDataset.aux_channels``);
            their count A fixes the input width 3 + A.
        n_feats: feature channels of the body.
        n_blocks: residual blocks.
        res_scale: multiplier of each block's residual branch (EDSR uses 0.1 for big models).
    """

    kind: str = "compact"
    scale: int = 2
    aux_channels: tuple[str, ...] = field(default_factory=tuple)
    n_feats: int = 32
    n_blocks: int = 5
    res_scale: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"SRConfig.kind must be one of {', '.join(MODEL_KINDS)}, got {self.kind!r}")
        if isinstance(self.scale, bool) or not isinstance(self.scale, int) or self.scale < 1:
            raise ValueError(f"SRConfig.scale must be an int >= 1, got {self.scale!r}")
        if self.n_feats < 1 or self.n_blocks < 0:
            raise ValueError(f"SRConfig needs n_feats >= 1 and n_blocks >= 0, got {self.n_feats}, {self.n_blocks}")
        object.__setattr__(self, "aux_channels", tuple(self.aux_channels))

    @property
    def in_channels(self) -> int:
        """Input channels of the current frame: 3 (RGB) + len(aux_channels)."""
        return 3 + len(self.aux_channels)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["aux_channels"] = list(self.aux_channels)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SRConfig":
        return cls(**{**d, "aux_channels": tuple(d.get("aux_channels", ()))})


class ResidualBlock(nn.Module):
    """``x + res_scale * conv(relu(conv(x)))`` with 3x3 convolutions, no normalisation (EDSR)."""

    def __init__(self, n_feats: int, res_scale: float = 1.0) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(n_feats, n_feats, 3, padding=1)
        self.conv2 = nn.Conv2d(n_feats, n_feats, 3, padding=1)
        self.res_scale = float(res_scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.res_scale * self.conv2(F.relu(self.conv1(x)))


class CompactSR(nn.Module):
    """Residual CNN with pixel-shuffle upsampling; input RGB plus G-buffer channels (module docstring).

    Args:
        config: architecture; ``config.kind`` must be ``"compact"`` unless a subclass adds inputs.
        extra_in: input channels added by a subclass after the current frame's (e.g. history).

    Shapes:
        forward(x): x (N, 3 + A, h, w) float -> (N, 3, s*h, s*w).

    Example:
        >>> m = CompactSR(SRConfig(scale=2, aux_channels=("depth",), n_feats=8, n_blocks=1))
        >>> m(torch.zeros(1, 4, 6, 5)).shape
        torch.Size([1, 3, 12, 10])
    """

    def __init__(self, config: SRConfig, extra_in: int = 0) -> None:
        super().__init__()
        if extra_in == 0 and config.kind != "compact":
            raise ValueError(f"CompactSR needs config.kind 'compact', got {config.kind!r}")
        self.config = config
        self.scale = config.scale
        self.in_channels = config.in_channels
        nf = config.n_feats
        self.head = nn.Conv2d(config.in_channels + extra_in, nf, 3, padding=1)
        self.body = nn.Sequential(*[ResidualBlock(nf, config.res_scale) for _ in range(config.n_blocks)])
        self.body_tail = nn.Conv2d(nf, nf, 3, padding=1)
        self.upsample = nn.Conv2d(nf, 3 * config.scale ** 2, 3, padding=1)
        self.shuffle = nn.PixelShuffle(config.scale)
        nn.init.zeros_(self.upsample.weight)  # start as the bilinear upsampler: loss falls from there
        nn.init.zeros_(self.upsample.bias)

    def _check_input(self, x: torch.Tensor) -> None:
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError("SR model: expected input (N, " + str(self.in_channels) + ", h, w) = RGB + "
                             + str(self.in_channels - 3) + " aux channels, got " + str(x.shape))

    def _reconstruct(self, x: torch.Tensor, features_in: torch.Tensor) -> torch.Tensor:
        f = self.head(features_in)
        f = f + self.body_tail(self.body(f))
        base = F.interpolate(x[:, :3], scale_factor=float(self.scale), mode="bilinear", align_corners=False)
        out = base + self.shuffle(self.upsample(f))
        if not self.training:
            out = out.clamp(0.0, 1.0)
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        return self._reconstruct(x, x)


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) parameters of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
