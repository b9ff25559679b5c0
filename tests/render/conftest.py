"""Shared analytic scenes for the renderer tests (real EGL/llvmpipe context, tiny sizes)."""

import numpy as np
import pytest

from gameir.scene import Camera, Environment, Instance, Material, Scene, look_at, plane, rotate, translate


def facing_plane_scene(distance: float = 5.0, size: float = 4.0, texture=None, **inst) -> Scene:
    """A plane facing a camera at the origin that looks along +Y, ``distance`` metres away."""
    scene = Scene(name="facing-plane", environment=Environment(sun_disc_deg=0.0))
    mesh = plane(size, size)
    xform = translate(0.0, distance, 0.0) @ rotate((1, 0, 0), 90.0)  # normal +Z -> -Y
    scene.add(Instance(mesh, Material(base_color_texture=texture), xform, **inst))
    return scene


def origin_camera(width: int = 32, height: int = 24, fov: float = 60.0, **kw) -> Camera:
    """Camera at the origin looking along +Y (world up +Z)."""
    return Camera(width, height, look_at([0, 0, 0], [0, 1, 0]), fov_y_deg=fov, **kw)


@pytest.fixture(scope="session")
def make_plane_scene():
    """Factory: :func:`facing_plane_scene`."""
    return facing_plane_scene


@pytest.fixture(scope="session")
def make_camera():
    """Factory: :func:`origin_camera`."""
    return origin_camera


@pytest.fixture(scope="module")
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
