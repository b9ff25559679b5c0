"""Non-learned SR baselines: classic resampling and a G-buffer-guided upscaler (no file access)."""

from gameir.baselines.guided import GUIDE_NAMES, joint_bilateral_upscale
from gameir.baselines.resample import UPSCALE_METHODS, upscale

__all__ = ["upscale", "UPSCALE_METHODS", "joint_bilateral_upscale", "GUIDE_NAMES"]
