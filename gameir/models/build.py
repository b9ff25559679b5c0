"""Build the model a :class:`~gameir.models.sr_cnn.SRConfig` names (compact or temporal).

Its own module so that neither model module imports the other's (temporal builds on compact).
"""

from __future__ import annotations

from torch import nn

from gameir.models.sr_cnn import MODEL_KINDS, CompactSR, SRConfig
from gameir.models.temporal import TemporalSR

__all__ = ["build_model"]


def build_model(config: SRConfig) -> nn.Module:
    """The model ``config.kind`` names: :class:`CompactSR` or :class:`TemporalSR`."""
    if config.kind == "compact":
        return CompactSR(config)
    elif config.kind == "temporal":
        return TemporalSR(config)
    else:
        raise ValueError(f"unknown model kind {config.kind!r}; choose from {', '.join(MODEL_KINDS)}")
