"""Pinhole cameras and the pure camera math every module shares.

Conventions (DESIGN.md §3): image origin at the top-left corner of the top-left pixel, x right,
y down, pixel centres at (j + 0.5, i + 0.5); ``K`` in pixels with a centred principal point at
(W/2, H/2). ``c2w`` is camera-to-world in OpenGL axes (+X right, +Y up, looking along -Z); the
world is right-handed, metres, +Z up. OpenCV axes: +X right, +Y down, +Z forward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Camera", "intrinsics_from_fov", "fov_y_from_intrinsics", "scale_intrinsics", "look_at",
    "opengl_to_opencv_c2w", "c2w_to_w2c_opencv", "w2c_opencv_to_c2w", "projection_from_K",
    "project_points", "halton", "halton_jitter", "GL_TO_CV",
]

#: Flips camera axes between OpenGL (+Y up, -Z forward) and OpenCV (+Y down, +Z forward).
GL_TO_CV = np.diag([1.0, -1.0, -1.0, 1.0])


def _check_size(width: int, height: int) -> None:
    if int(width) != width or int(height) != height or width < 1 or height < 1:
        raise ValueError(f"image size must be positive integers, got width={width!r}, height={height!r}")


def intrinsics_from_fov(width: int, height: int, fov_y_deg: float) -> np.ndarray:
    """Intrinsics of a square-pixel pinhole camera with a centred principal point.

    Args:
        width, height: image size in pixels.
        fov_y_deg: full vertical field of view in degrees, in (0, 180).

    Returns:
        (3, 3) float64 ``K`` with fx = fy = (H/2) / tan(fov_y/2), cx = W/2, cy = H/2.
    """
    _check_size(width, height)
    if not (0.0 < fov_y_deg < 180.0):
        raise ValueError(f"fov_y_deg must lie in (0, 180), got {fov_y_deg}")
    f = 0.5 * height / math.tan(math.radians(fov_y_deg) / 2.0)
    return np.array([[f, 0.0, width / 2.0], [0.0, f, height / 2.0], [0.0, 0.0, 1.0]])


def fov_y_from_intrinsics(K: np.ndarray, height: int) -> float:
    """Vertical field of view in degrees of ``K`` for an image ``height`` pixels tall."""
    return math.degrees(2.0 * math.atan(0.5 * height / float(K[1][1])))


def scale_intrinsics(K: np.ndarray, s: float) -> np.ndarray:
    """Intrinsics of the same frustum at ``s`` times the resolution: ``diag(s, s, 1) @ K``.

    Exact in the pixel-corner convention (a centred (W/2, H/2) maps to (sW/2, sH/2)).
    """
    if not s > 0:
        raise ValueError(f"scale must be > 0, got {s}")
    return np.diag([s, s, 1.0]) @ np.asarray(K, dtype=np.float64)


def look_at(eye: np.ndarray, target: np.ndarray, up: np.ndarray = (0.0, 0.0, 1.0)) -> np.ndarray:
    """Camera-to-world (OpenGL axes) of a camera at ``eye`` looking at ``target``.

    Args:
        eye, target: (3,) world positions, metres.
        up: (3,) world up hint (default +Z); must not be parallel to the viewing direction.

    Returns:
        (4, 4) float64 c2w: columns are camera +X (right), +Y (up), +Z (backwards) and the eye.
    """
    eye = np.asarray(eye, dtype=np.float64)
    z = eye - np.asarray(target, dtype=np.float64)
    norm = np.linalg.norm(z)
    if not norm > 1e-12:
        raise ValueError(f"look_at: eye {eye.tolist()} and target coincide")
    z /= norm
    x = np.cross(np.asarray(up, dtype=np.float64), z)
    if not np.linalg.norm(x) > 1e-9:
        raise ValueError(f"look_at: up {list(up)} is parallel to the viewing direction")
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    c2w = np.eye(4)
    c2w[:3, 0], c2w[:3, 1], c2w[:3, 2], c2w[:3, 3] = x, y, z, eye
    return c2w


def opengl_to_opencv_c2w(c2w: np.ndarray) -> np.ndarray:
    """(4, 4) c2w in OpenGL axes -> (4, 4) c2w in OpenCV axes (+Y down, +Z forward)."""
    return np.asarray(c2w, dtype=np.float64) @ GL_TO_CV


def c2w_to_w2c_opencv(c2w: np.ndarray) -> np.ndarray:
    """(4, 4) c2w in OpenGL axes -> (4, 4) world-to-camera in OpenCV axes (``x_cam = w2c @ x_world``)."""
    return np.linalg.inv(opengl_to_opencv_c2w(c2w))


def w2c_opencv_to_c2w(w2c: np.ndarray) -> np.ndarray:
    """Inverse of :func:`c2w_to_w2c_opencv`: OpenCV world-to-camera -> OpenGL camera-to-world."""
    return np.linalg.inv(np.asarray(w2c, dtype=np.float64)) @ GL_TO_CV


def project_points(K: np.ndarray, c2w: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project world points to pixels (pixel-corner convention).

    Args:
        K: (3, 3) intrinsics. c2w: (4, 4) OpenGL camera-to-world. points: (N, 3) world, metres.

    Returns:
        ``(uv, depth)``: (N, 2) float64 pixel coordinates (x right, y down) and (N,) depth along
        the optical axis in metres (negative behind the camera).
    """
    w2c = c2w_to_w2c_opencv(c2w)
    p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    cam = p @ w2c[:3, :3].T + w2c[:3, 3]
    z = cam[:, 2]
    pix = cam @ np.asarray(K, dtype=np.float64).T
    with np.errstate(divide="ignore", invalid="ignore"):
        uv = pix[:, :2] / pix[:, 2:3]
    return uv, z


def projection_from_K(K: np.ndarray, width: int, height: int, near: float, far: float,
                      jitter_px: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """OpenGL projection matrix that reproduces ``K`` (plus a sub-pixel jitter) exactly.

    A camera-space (OpenGL axes) point maps to the pixel ``K``'s principal point shifted by
    ``jitter_px``: the rendered image content moves by +jitter (x right, y down) pixels. Normalised
    device y is up, so a framebuffer read bottom-up must be flipped to store the top row first.

    Args:
        K: (3, 3) intrinsics, pixel-corner convention (skew allowed).
        width, height: image size in pixels.
        near, far: clip distances in metres, 0 < near < far.
        jitter_px: (x, y) sub-pixel offset in pixels.

    Returns:
        (4, 4) float64 projection ``P`` for column vectors (``clip = P @ [X, Y, Z, 1]``).
    """
    _check_size(width, height)
    if not (0.0 < near < far and math.isfinite(far)):
        raise ValueError(f"need 0 < near < far < inf, got near={near}, far={far}")
    K = np.asarray(K, dtype=np.float64)
    fx, skew, cx = K[0, 0], K[0, 1], K[0, 2] + float(jitter_px[0])
    fy, cy = K[1, 1], K[1, 2] + float(jitter_px[1])
    P = np.zeros((4, 4))
    P[0, 0], P[0, 1], P[0, 2] = 2.0 * fx / width, -2.0 * skew / width, 1.0 - 2.0 * cx / width
    P[1, 1], P[1, 2] = 2.0 * fy / height, 2.0 * cy / height - 1.0
    P[2, 2], P[2, 3] = -(far + near) / (far - near), -2.0 * far * near / (far - near)
    P[3, 2] = -1.0
    return P


def halton(index: int, base: int) -> float:
    """Radical inverse of ``index`` (>= 0) in ``base`` (>= 2): the Halton sequence, in [0, 1)."""
    if index < 0 or base < 2:
        raise ValueError(f"halton needs index >= 0 and base >= 2, got index={index}, base={base}")
    result, f, i = 0.0, 1.0, int(index)
    while i > 0:
        f /= base
        result += f * (i % base)
        i //= base
    return result


def halton_jitter(frame: int, period: int = 8) -> tuple[float, float]:
    """Sub-pixel jitter of ``frame`` in pixels, in (-0.5, 0.5): Halton (2, 3), as TAA/DLSS use.

    Uses indices 1..period cyclically (index 0 would give the corner -0.5), so frame 0 gives
    (0.0, -1/6), frame 1 (-0.25, 1/6), ...
    """
    if period < 1:
        raise ValueError(f"period must be >= 1, got {period}")
    i = int(frame) % period + 1
    return halton(i, 2) - 0.5, halton(i, 3) - 0.5


@dataclass(eq=False)
class Camera:
    """A pinhole camera: image size, intrinsics, clip range, pose and sub-pixel jitter.

    Attributes:
        width, height: image size in pixels.
        c2w: (4, 4) float64 camera-to-world, OpenGL axes, metres.
        K: (3, 3) intrinsics (pixel-corner convention); derived from ``fov_y_deg`` when None.
        fov_y_deg: vertical field of view used when ``K`` is None (default 60).
        near, far: clip distances in metres.
        jitter_px: (x, y) sub-pixel offset in pixels applied to the projection (image content
            moves by +jitter); see :func:`halton_jitter`.
    """

    width: int
    height: int
    c2w: np.ndarray = field(default_factory=lambda: np.eye(4))
    K: np.ndarray | None = None
    fov_y_deg: float | None = None
    near: float = 0.1
    far: float = 1000.0
    jitter_px: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        _check_size(self.width, self.height)
        self.width, self.height = int(self.width), int(self.height)
        c2w = np.asarray(self.c2w, dtype=np.float64)
        if c2w.shape != (4, 4) or not np.isfinite(c2w).all():
            raise ValueError(f"camera: c2w must be a finite (4, 4) matrix, got shape {c2w.shape}")
        self.c2w = c2w
        if self.K is None:
            self.K = intrinsics_from_fov(self.width, self.height, 60.0 if self.fov_y_deg is None else self.fov_y_deg)
        else:
            if self.fov_y_deg is not None:
                raise ValueError("camera: give K or fov_y_deg, not both")
            K = np.asarray(self.K, dtype=np.float64)
            if K.shape != (3, 3) or not np.isfinite(K).all() or K[0, 0] <= 0 or K[1, 1] <= 0:
                raise ValueError(f"camera: K must be a finite (3, 3) matrix with fx, fy > 0, got {self.K!r}")
            self.K = K
        if not (0.0 < self.near < self.far and math.isfinite(self.far)):
            raise ValueError(f"camera: need 0 < near < far < inf, got near={self.near}, far={self.far}")
        jit = np.asarray(self.jitter_px, dtype=np.float64).reshape(-1)
        if jit.shape != (2,) or not np.isfinite(jit).all():
            raise ValueError(f"camera: jitter_px must be 2 finite numbers, got {self.jitter_px!r}")
        self.jitter_px = (float(jit[0]), float(jit[1]))

    @property
    def K_jittered(self) -> np.ndarray:
        """(3, 3) intrinsics actually rendered: principal point shifted by ``jitter_px``."""
        K = np.array(self.K, dtype=np.float64)
        K[0, 2] += self.jitter_px[0]
        K[1, 2] += self.jitter_px[1]
        return K

    def projection(self) -> np.ndarray:
        """(4, 4) OpenGL projection including the jitter (see :func:`projection_from_K`)."""
        return projection_from_K(self.K, self.width, self.height, self.near, self.far, self.jitter_px)

    def view(self) -> np.ndarray:
        """(4, 4) world-to-camera in OpenGL axes (the GL view matrix)."""
        return np.linalg.inv(self.c2w)

    def scaled(self, s: int, jitter: bool = True) -> "Camera":
        """Same frustum at ``s`` times the resolution (K scaled by ``diag(s, s, 1)``).

        Args:
            s: positive integer scale.
            jitter: keep the same jitter in scene terms (``s * jitter_px`` pixels) when True,
                drop it (0) when False.
        """
        if int(s) != s or s < 1:
            raise ValueError(f"camera scale must be a positive integer, got {s!r}")
        s = int(s)
        jit = (self.jitter_px[0] * s, self.jitter_px[1] * s) if jitter else (0.0, 0.0)
        return Camera(self.width * s, self.height * s, self.c2w.copy(), scale_intrinsics(self.K, s), None,
                      self.near, self.far, jit)

    def with_jitter(self, jitter_px: tuple[float, float]) -> "Camera":
        """Copy with another sub-pixel jitter."""
        return Camera(self.width, self.height, self.c2w.copy(), np.array(self.K), None, self.near, self.far,
                      tuple(jitter_px))  # type: ignore[arg-type]
