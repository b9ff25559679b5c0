"""Non-learned baselines: classic resampling, a G-buffer-guided upscaler, depth-based view warping.

No file access: inputs are tensors / arrays and cameras (docs/FORMAT.md conventions).
"""

from gameir.baselines.guided import GUIDE_NAMES, joint_bilateral_upscale
from gameir.baselines.nvs import nearest_view_copy, nearest_views, warp_blend
from gameir.baselines.resample import UPSCALE_METHODS, upscale
from gameir.baselines.warp import WarpResult, warp_views

__all__ = ["upscale", "UPSCALE_METHODS", "joint_bilateral_upscale", "GUIDE_NAMES", "warp_views",
           "WarpResult", "nearest_views", "nearest_view_copy", "warp_blend"]
