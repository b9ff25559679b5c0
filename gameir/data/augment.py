"""Dihedral augmentation (h-flip, v-flip, transpose) of images, vector buffers and cameras.

As in BasicSR's ``augment``, three independent coin flips are applied in the order horizontal
flip, vertical flip, transpose (rows <-> columns, a flip about the main diagonal); together they
give all 8 symmetries of the square, including the 90-degree rotations.

Each op mirrors the image, so the scene it shows is mirrored too; everything in a sample is
transformed to stay consistent with the mirrored image:

* pixels of every buffer move identically;
* motion ``(dx, dy)`` (image axes, pixels): h-flip negates dx, v-flip negates dy, transpose swaps;
* camera-space normals (OpenGL axes: +X right, +Y up, +Z towards the viewer): h-flip negates x,
  v-flip negates y, transpose maps ``(x, y) -> (-y, -x)``;
* ``K`` and ``c2w`` describe the augmented image: with ``A`` the pixel map and ``D`` the camera
  axis map, ``K' = A K D`` and ``c2w' = c2w diag(D_gl, 1)``; a reprojection with the augmented
  depth, ``K'`` and ``c2w'`` lands where the augmented image says. ``c2w'`` is then a reflection
  (det = -1) after an odd number of ops. World-space normals cannot follow a mirror, which is
  why augmentation requires camera-space normals.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["AUG_OPS", "augment_tensor", "augment_camera"]

AUG_OPS = ("hflip", "vflip", "transpose")

# Camera-axis maps in OpenGL axes (x right, y up, z back); each is its own inverse.
_GL_AXES = {
    "hflip": np.diag([-1.0, 1.0, 1.0]),
    "vflip": np.diag([1.0, -1.0, 1.0]),
    "transpose": np.array([[0.0, -1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
}
# The same maps in OpenCV axes (x right, y down, z forward), which K acts on.
_CV_AXES = {
    "hflip": np.diag([-1.0, 1.0, 1.0]),
    "vflip": np.diag([1.0, -1.0, 1.0]),
    "transpose": np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
}


def _active(flags: tuple[bool, bool, bool]) -> list[str]:
    return [op for op, on in zip(AUG_OPS, flags) if on]


def augment_tensor(buffer: str, tensor: torch.Tensor, flags: tuple[bool, bool, bool]) -> torch.Tensor:
    """Apply the ops switched on in ``flags`` (hflip, vflip, transpose) to a ``(..., C, h, w)`` tensor.

    Args:
        buffer: buffer name; ``"motion"`` and ``"normal"`` (camera space) also have their vector
            components transformed. Any other name is moved pixel-wise only.
        tensor: (..., C, h, w), channels as produced by :func:`gameir.data.normalize.to_tensor`.
        flags: (hflip, vflip, transpose).

    Returns:
        The augmented tensor, (..., C, w, h) after a transpose.
    """
    for op in _active(flags):
        if op == "hflip":
            tensor = tensor.flip(-1)
        elif op == "vflip":
            tensor = tensor.flip(-2)
        else:
            tensor = tensor.transpose(-1, -2)
        if buffer == "motion":
            tensor = _motion(tensor, op)
        elif buffer == "normal":
            tensor = _normal(tensor, op)
    return tensor.contiguous()


def _motion(t: torch.Tensor, op: str) -> torch.Tensor:
    dx, dy = t[..., 0:1, :, :], t[..., 1:2, :, :]
    if op == "hflip":
        return torch.cat([-dx, dy], dim=-3)
    if op == "vflip":
        return torch.cat([dx, -dy], dim=-3)
    return torch.cat([dy, dx], dim=-3)


def _normal(t: torch.Tensor, op: str) -> torch.Tensor:
    x, y, z = t[..., 0:1, :, :], t[..., 1:2, :, :], t[..., 2:3, :, :]
    if op == "hflip":
        return torch.cat([-x, y, z], dim=-3)
    if op == "vflip":
        return torch.cat([x, -y, z], dim=-3)
    return torch.cat([-y, -x, z], dim=-3)


def augment_camera(K: np.ndarray, c2w: np.ndarray, size: tuple[int, int],
                   flags: tuple[bool, bool, bool]) -> tuple[np.ndarray, np.ndarray]:
    """The intrinsics and pose of the augmented image.

    Args:
        K: (3, 3) float64 intrinsics of the (cropped) image, pixels, pixel-corner convention.
        c2w: (4, 4) float64 camera-to-world, OpenGL axes.
        size: (height, width) of the image before augmentation, pixels.
        flags: (hflip, vflip, transpose).

    Returns:
        ``(K', c2w')`` float64 for the augmented image.
    """
    K = np.asarray(K, np.float64).copy()
    c2w = np.asarray(c2w, np.float64).copy()
    h, w = size
    for op in _active(flags):
        if op == "hflip":
            pixels = np.array([[-1.0, 0, w], [0, 1, 0], [0, 0, 1]])
        elif op == "vflip":
            pixels = np.array([[1.0, 0, 0], [0, -1, h], [0, 0, 1]])
        else:
            pixels = _CV_AXES["transpose"]
            h, w = w, h
        K = pixels @ K @ _CV_AXES[op]
        c2w[:, :3] = c2w[:, :3] @ _GL_AXES[op]
    return K, c2w
