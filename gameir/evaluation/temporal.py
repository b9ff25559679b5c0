"""Temporal stability of video SR: warping error of consecutive predictions vs the ground truth's.

Following Lai et al. 2018 ("Learning blind video temporal consistency"): frame t-1 is warped into
frame t with the ground-truth backward motion vectors (docs/FORMAT.md), and the mean squared
difference to frame t is taken over *trustworthy* pixels. The same mask and motion are used for
the prediction and the ground truth, so the two numbers compare: the GT's error is the floor set
by shading changes and bilinear resampling; a flickering upscaler sits above it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from gameir.models.warp import warp_error
from gameir.scene.camera import c2w_to_w2c_opencv, opengl_to_opencv_c2w

__all__ = ["temporal_mask", "temporal_errors", "MASK_DOC", "STATIC_FLOW_TOL_PX", "DEPTH_TOL_REL"]

#: A pixel is a static surface when its stored motion is within this of the camera-induced motion.
STATIC_FLOW_TOL_PX = 0.5
#: Relative depth tolerance of the visibility test on static surfaces.
DEPTH_TOL_REL = 0.05

MASK_DOC = ("warping error over pixels whose backward motion lands inside frame t-1, whose instance id "
            "at the landing pixel is unchanged (when the data has instance ids), and, on static surfaces "
            "(motion within 0.5 px of the camera-induced motion), whose depth at the landing pixel in "
            "frame t-1 is within 5 % of the surface's depth re-projected into camera t-1 (sky must stay "
            "sky); consecutive frames of a clip only")


def _landing(motion: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    h, w = motion.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    qx = xx + 0.5 + motion[..., 0].astype(np.float64)
    qy = yy + 0.5 + motion[..., 1].astype(np.float64)
    inside = (qx >= 0) & (qx < w) & (qy >= 0) & (qy < h)
    ix = np.clip(np.floor(qx), 0, w - 1).astype(np.int64)
    iy = np.clip(np.floor(qy), 0, h - 1).astype(np.int64)
    return inside, iy, ix


def temporal_mask(motion: np.ndarray, *, depth: np.ndarray | None = None, depth_prev: np.ndarray | None = None,
                  K: np.ndarray | None = None, c2w: np.ndarray | None = None, K_prev: np.ndarray | None = None,
                  c2w_prev: np.ndarray | None = None, instance: np.ndarray | None = None,
                  instance_prev: np.ndarray | None = None) -> np.ndarray:
    """Pixels of frame t whose colour can be compared with frame t-1 warped by ``motion`` (see
    :data:`MASK_DOC`); tests whose inputs are missing are skipped.

    Args:
        motion: (H, W, 2) backward motion of frame t in pixels (dx, dy).
        depth, depth_prev: (H, W) z-depth in metres of frames t and t-1, +inf for sky.
        K, K_prev: (3, 3) intrinsics (pixels); c2w, c2w_prev: (4, 4) OpenGL camera-to-world.
        instance, instance_prev: (H, W) instance ids of frames t and t-1.

    Returns:
        (H, W) bool mask.
    """
    inside, iy, ix = _landing(motion)
    mask = inside.copy()
    if instance is not None and instance_prev is not None:
        mask &= instance_prev[iy, ix] == instance
    if depth is not None and depth_prev is not None and all(x is not None for x in (K, c2w, K_prev, c2w_prev)):
        h, w = depth.shape
        yy, xx = np.mgrid[0:h, 0:w]
        z = depth.astype(np.float64)
        finite = np.isfinite(z) & (z > 0)
        zf = np.where(finite, z, 1.0)
        rays = np.linalg.inv(K) @ np.stack([xx + 0.5, yy + 0.5, np.ones_like(xx, dtype=np.float64)]).reshape(3, -1)
        rel = c2w_to_w2c_opencv(c2w_prev) @ opengl_to_opencv_c2w(c2w)  # camera t (OpenCV) -> camera t-1
        pts = rel[:3, :3] @ (rays * zf.reshape(1, -1)) + rel[:3, 3:4]
        z_hat = pts[2].reshape(h, w)
        with np.errstate(divide="ignore", invalid="ignore"):
            proj = K_prev @ pts
            cam_flow_x = (proj[0] / proj[2]).reshape(h, w) - (xx + 0.5)
            cam_flow_y = (proj[1] / proj[2]).reshape(h, w) - (yy + 0.5)
        static = finite & (z_hat > 0) & (np.hypot(cam_flow_x - motion[..., 0], cam_flow_y - motion[..., 1])
                                         <= STATIC_FLOW_TOL_PX)
        z_prev = depth_prev.astype(np.float64)[iy, ix]
        visible = np.abs(z_prev - z_hat) <= DEPTH_TOL_REL * np.abs(z_hat)
        mask &= np.where(static, visible, True)
        mask &= np.where(~finite, ~np.isfinite(z_prev), True)  # sky stays sky
    return mask


def temporal_errors(pred: torch.Tensor, pred_prev: torch.Tensor, gt: torch.Tensor, gt_prev: torch.Tensor,
                    motion: np.ndarray, mask: np.ndarray) -> dict[str, Any]:
    """Warping errors of the prediction and the ground truth between frames t-1 and t.

    Args:
        pred, pred_prev, gt, gt_prev: (1, 3, H, W) float in [0, 1] (HR).
        motion: (H, W, 2) HR backward motion of frame t in HR pixels.
        mask: (H, W) bool from :func:`temporal_mask`.

    Returns:
        ``{"warp_mse": e_pred, "warp_mse_gt": e_gt, "warp_pixels": fraction of pixels scored}``;
        errors are NaN when no pixel is scored.
    """
    dev = pred.device
    m = torch.from_numpy(np.ascontiguousarray(motion, dtype=np.float32)).permute(2, 0, 1)[None].to(dev)
    msk = torch.from_numpy(mask)[None, None].to(dev)
    e_pred = float(warp_error(pred.float(), pred_prev.float(), m, 1, msk)[0])
    e_gt = float(warp_error(gt.float(), gt_prev.float(), m, 1, msk)[0])
    return {"warp_mse": e_pred, "warp_mse_gt": e_gt, "warp_pixels": float(mask.mean())}
