"""Error messages users rely on, and memory staying flat over long loops."""

import resource

import numpy as np
import pytest

from gameir.render import PairRenderer, Renderer
from gameir.scene import Camera, Instance, Material, PointLight, Scene, box, look_at, translate


def _scene() -> Scene:
    scene = Scene(name="one-box")
    scene.add(Instance(box(), Material(), translate(0, 5, 0), instance_id=1, name="crate"))
    return scene


@pytest.fixture(scope="module")
def renderer():
    with Renderer(16, 12, buffers=("rgb", "depth", "instance")) as r:
        yield r


CAM = Camera(16, 12, look_at([0, 0, 0], [0, 1, 0]))


@pytest.mark.parametrize("kwargs,match", [
    ({"width": 0, "height": 12}, "positive integers"),
    ({"width": 16.5, "height": 12}, "positive integers"),
    ({"width": 16, "height": 12, "aa": "dlss"}, "aa must be one of"),
    ({"width": 16, "height": 12, "aa": "ssaa", "ssaa": 5}, "ssaa must be at most 4"),
    ({"width": 16, "height": 12, "aa": "taa", "taa_phases": 1}, "taa_phases must be an integer >= 2"),
    ({"width": 16, "height": 12, "aa": "taa", "taa_blend": 0.0}, "taa_blend must be a number in"),
    ({"width": 16, "height": 12, "aa": "ssaa"}, "needs ssaa >= 2"),
    ({"width": 16, "height": 12, "ssaa": 2}, "requires aa='ssaa'"),
    ({"width": 16, "height": 12, "aa": "msaa", "msaa_samples": 3}, "msaa_samples must be 2, 4 or 8"),
    ({"width": 16, "height": 12, "buffers": ("rgb", "albedo")}, "unknown buffer 'albedo'"),
    ({"width": 16, "height": 12, "anisotropy": 0.5}, "anisotropy"),
    ({"width": 100000, "height": 12}, "GL_MAX_TEXTURE_SIZE"),
])
def test_constructor_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Renderer(**kwargs)


def test_msaa_beyond_driver_limit():
    try:
        Renderer(16, 12, aa="msaa", msaa_samples=8).release()
    except ValueError as exc:
        assert "GL_MAX_SAMPLES" in str(exc)


def test_render_errors(renderer):
    with pytest.raises(ValueError, match="scene 'void' is empty"):
        renderer.render(Scene(name="void"), CAM, 0.0)
    bad = _scene()
    bad.instances[0].transform = lambda t: np.full((4, 4), np.nan)
    with pytest.raises(ValueError, match="instance 'crate': transform at t=0.0 has NaN"):
        renderer.render(bad, CAM, 0.0)
    moving = _scene()
    moving.instances[0].transform = lambda t: translate(0, 5, 0) if t >= 0 else np.full((4, 4), np.nan)
    with pytest.raises(ValueError, match="instance 'crate': transform at t=-0.5 has NaN"):
        renderer.render(moving, CAM, 0.0, dt=0.5)
    with pytest.raises(ValueError, match="camera is 32x24 but the renderer is 16x12"):
        renderer.render(_scene(), Camera(32, 24), 0.0)
    with pytest.raises(ValueError, match="prev_camera is 32x24"):
        renderer.render(_scene(), CAM, 0.0, prev_camera=Camera(32, 24))
    with pytest.raises(ValueError, match="dt > 0"):
        renderer.render(_scene(), CAM, 0.0, dt=0.0)
    with pytest.raises(TypeError, match="gameir.scene.Scene"):
        renderer.render([], CAM, 0.0)  # type: ignore[arg-type]
    many = _scene()
    for k in range(17):
        many.add(PointLight(position=(k, 0, 2)))
    with pytest.raises(ValueError, match="at most 16"):
        renderer.render(many, CAM, 0.0)
    f = renderer.render(_scene(), CAM, 0.0)
    assert set(f.buffers) == {"rgb", "depth", "instance"}


def test_released_renderer_and_pair_errors():
    r = Renderer(16, 12)
    r.release()
    r.release()  # idempotent
    with pytest.raises(ValueError, match="after release"):
        r.render(_scene(), CAM, 0.0)
    with pytest.raises(ValueError, match="scale must be a positive integer"):
        PairRenderer((16, 12), 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lod_bias_lr"):
        PairRenderer((16, 12), 2, lod_bias_lr="sharp")


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def test_500_frame_loop_keeps_memory_flat():
    cam = Camera(16, 12, look_at([0, 0, 0], [0, 1, 0]))
    with Renderer(16, 12, shadow_map_size=64) as r:
        scene = _scene()
        for _ in range(20):  # warm up allocator, programs, caches
            r.render(scene, cam, 0.0)
        start = _rss_mb()
        for k in range(500):
            if k % 50 == 0:  # fresh meshes/materials now and then: GPU copies must be released
                scene = _scene()
            r.render(scene, cam, k / 30.0)
        grown = _rss_mb() - start
        assert r._core.gpu.stats()["meshes"] <= 2
    assert grown < 40.0, f"RSS grew by {grown:.1f} MiB over 500 frames"
