"""Image-quality metrics (PSNR, SSIM, MS-SSIM, FLIP) in PyTorch, per image, on any device; no file access.

Definitions, options and differences from torchmetrics and BasicSR: ``docs/METRICS.md``.
"""

from gameir.metrics._inputs import Y_DATA_RANGE, rgb_to_y_bt601
from gameir.metrics.accumulator import MetricAccumulator
from gameir.metrics.flip import FLIP_DEFAULT_PPD, flip, flip_map, flip_ppd, hdr_flip, hdr_flip_map
from gameir.metrics.modules import PSNR, SSIM
from gameir.metrics.ms_ssim import MS_SSIM_WEIGHTS, ms_ssim
from gameir.metrics.psnr import psnr
from gameir.metrics.ssim import ssim

__all__ = ["psnr", "ssim", "ms_ssim", "flip", "flip_map", "hdr_flip", "hdr_flip_map", "flip_ppd", "FLIP_DEFAULT_PPD", "MS_SSIM_WEIGHTS", "PSNR", "SSIM", "MetricAccumulator",
           "rgb_to_y_bt601", "Y_DATA_RANGE"]
