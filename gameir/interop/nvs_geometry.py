"""Geometry for the NVS exports: lift depth to world points, fit instant-ngp's unit cube, write a PLY.

instant-ngp (``src/nerf_loader.cu``, ``include/neural-graphics-primitives/nerf_loader.h``) maps a
position ``p`` of ``transforms.json`` (our world: metres, +Z up) to its own frame by
``q = p * scale + offset`` and then cycles the axes, ``(x, y, z) <- (q.y, q.z, q.x)``
(``nerf_matrix_to_ngp``); without the keys it uses ``scale = 0.33``, ``offset = 0.5``. It traces
rays inside the cube ``[0.5 - aabb_scale / 2, 0.5 + aabb_scale / 2]^3`` (``aabb_scale`` a power of
two, at most 128; ``Testbed::load_nerf_post``) and expects the cameras in or near ``[0, 1]^3``.
:func:`fit_ngp_cube` picks the three keys from the cameras and the depth-derived scene points.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["NGP_MAX_AABB_SCALE", "NGP_DEFAULT_SCALE", "NGP_DEFAULT_OFFSET", "unproject_depth", "depth_bounds",
           "fit_ngp_cube", "ngp_position", "ply_bytes"]

NGP_MAX_AABB_SCALE = 128  # 1 << (NERF_CASCADES() - 1), NERF_CASCADES() = 8
NGP_DEFAULT_SCALE = 0.33  # NERF_SCALE
NGP_DEFAULT_OFFSET = (0.5, 0.5, 0.5)


def unproject_depth(depth_m: np.ndarray, K: np.ndarray, c2w: np.ndarray, stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """World points of the finite depth pixels of one image.

    Args:
        depth_m: (H, W) float32 z-depth along the optical axis, metres; +inf (or 0) where no geometry.
        K: (3, 3) intrinsics, pixels, pixel-corner convention (centre of pixel (i, j) at (j + 0.5, i + 0.5)).
        c2w: (4, 4) camera-to-world, OpenGL axes (+X right, +Y up, looking along -Z).
        stride: use every ``stride``-th row and column.

    Returns:
        ``(points, (ii, jj))``: (N, 3) float64 world points, metres, and the pixel rows and columns they came from.
    """
    depth = np.asarray(depth_m)[::stride, ::stride]
    ii, jj = np.nonzero(np.isfinite(depth) & (depth > 0))
    z = depth[ii, jj].astype(np.float64)
    ii, jj = ii * stride, jj * stride
    cam = np.stack([(jj + 0.5 - K[0, 2]) / K[0, 0] * z, -(ii + 0.5 - K[1, 2]) / K[1, 1] * z, -z], axis=1)
    c2w = np.asarray(c2w, dtype=np.float64)
    return cam @ c2w[:3, :3].T + c2w[:3, 3], (ii, jj)


def depth_bounds(depth_m: np.ndarray, K: np.ndarray, c2w: np.ndarray) -> np.ndarray | None:
    """Bounding box of the world points of every finite depth pixel, as :func:`unproject_depth` lifts them.

    Computed axis by axis (``p_k = t_k + z * d_k`` with ``d_k`` the world ray of each pixel), which
    is several times faster than lifting every pixel at full resolution.

    Returns:
        (2, 3) float64 ``[min, max]`` in metres, or None when no pixel has depth.
    """
    depth = np.asarray(depth_m, dtype=np.float64)
    valid = np.isfinite(depth) & (depth > 0)
    if not valid.any():
        return None
    h, w = depth.shape
    x = (np.arange(w) + 0.5 - K[0, 2]) / K[0, 0]
    y = -(np.arange(h) + 0.5 - K[1, 2]) / K[1, 1]
    c2w = np.asarray(c2w, dtype=np.float64)
    z = depth[valid]
    bounds = np.empty((2, 3))
    for k in range(3):
        ray = (c2w[k, 0] * x)[None, :] + (c2w[k, 1] * y - c2w[k, 2])[:, None]
        p = c2w[k, 3] + z * ray[valid]
        bounds[:, k] = p.min(), p.max()
    return bounds


def fit_ngp_cube(camera_centres: np.ndarray, points: np.ndarray, margin: float = 0.9) -> dict[str, object]:
    """instant-ngp's ``scale``, ``offset`` and ``aabb_scale`` for a scene in metres.

    The centre of the cameras' bounding box goes to (0.5, 0.5, 0.5); ``scale`` makes the cameras
    fill ``margin`` of the unit cube (where the density grid is finest), or less where the scene
    would not fit the largest cube; ``aabb_scale`` is the smallest power of two whose cube holds
    every camera and scene point with the same ``margin``.

    Args:
        camera_centres: (N, 3) camera positions, metres, our world axes.
        points: (M, 3) scene points (lifted depth), metres; M may be 0.
        margin: fraction of a cube's half-side that the farthest point may reach, in (0, 1].

    Returns:
        ``{"scale": float, "offset": [3 floats], "aabb_scale": int}`` for the top of ``transforms.json``.
    """
    if not 0 < margin <= 1:
        raise ValueError(f"margin must be in (0, 1], got {margin}")
    centres = np.asarray(camera_centres, dtype=np.float64).reshape(-1, 3)
    if centres.shape[0] == 0:
        raise ValueError("fit_ngp_cube needs at least one camera centre")
    everything = np.concatenate([centres, np.asarray(points, dtype=np.float64).reshape(-1, 3)])
    lo, hi = centres.min(axis=0), centres.max(axis=0)
    centre = (lo + hi) / 2
    cam_half = float(np.max(hi - lo)) / 2
    reach = float(np.max(np.abs(everything - centre)))
    candidates = [NGP_MAX_AABB_SCALE / 2 * margin / reach] if reach > 0 else []
    if cam_half > 0:
        candidates.append(0.5 * margin / cam_half)
    scale = min(candidates) if candidates else 1.0
    needed = 2 * reach * scale / margin
    aabb_scale = 1 if needed <= 1 else min(NGP_MAX_AABB_SCALE, 2 ** math.ceil(math.log2(needed) - 1e-12))
    offset = 0.5 - centre * scale
    return {"scale": float(scale), "offset": [float(v) for v in offset], "aabb_scale": int(aabb_scale)}


def ngp_position(points: np.ndarray, scale: float = NGP_DEFAULT_SCALE,
                 offset: tuple[float, float, float] | list[float] = NGP_DEFAULT_OFFSET) -> np.ndarray:
    """instant-ngp's ``nerf_position_to_ngp``: (N, 3) ``transforms.json`` positions -> (N, 3) in its frame."""
    q = np.asarray(points, dtype=np.float64).reshape(-1, 3) * scale + np.asarray(offset, dtype=np.float64)
    return q[:, [1, 2, 0]]


def ply_bytes(points: np.ndarray, rgb: np.ndarray) -> bytes:
    """A binary little-endian PLY point cloud with the vertex properties 3DGS's ``fetchPly`` reads.

    Args:
        points: (N, 3) positions, metres. rgb: (N, 3) uint8 colours.

    Returns:
        The file's bytes: float x, y, z, nx, ny, nz (normals 0) and uchar red, green, blue per vertex.
    """
    points = np.asarray(points, dtype=np.float32).reshape(-1, 3)
    rgb = np.asarray(rgb, dtype=np.uint8).reshape(-1, 3)
    if points.shape[0] != rgb.shape[0]:
        raise ValueError(f"ply_bytes: {points.shape[0]} points but {rgb.shape[0]} colours")
    vertex = np.zeros(points.shape[0], dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4"), ("nx", "<f4"), ("ny", "<f4"),
                                              ("nz", "<f4"), ("red", "u1"), ("green", "u1"), ("blue", "u1")])
    vertex["x"], vertex["y"], vertex["z"] = points.T
    vertex["red"], vertex["green"], vertex["blue"] = rgb.T
    header = ("ply\nformat binary_little_endian 1.0\n"
              f"element vertex {points.shape[0]}\n"
              + "".join(f"property float {n}\n" for n in ("x", "y", "z", "nx", "ny", "nz"))
              + "".join(f"property uchar {n}\n" for n in ("red", "green", "blue"))
              + "end_header\n")
    return header.encode("ascii") + vertex.tobytes()
