"""Pixel-buffer-object readback: the bytes of the synchronous readback, for every buffer and both levels."""

import numpy as np
import pytest

from gameir.buffers import BUFFER_NAMES
from gameir.render import PairRenderer
from gameir.render.readback import PixelBufferReadback, read_buffers
from gameir.scene import Camera, Instance, Material, Scene, look_at, noise_texture, plane


def _scene() -> Scene:
    scene = Scene(name="ground")
    scene.add(Instance(plane(200.0, 200.0, uv_scale=60.0), Material(base_color_texture=noise_texture(64, np.random.default_rng(1))),
                       np.eye(4), semantic=3, instance_id=7))
    return scene


def _pairs(readback: str) -> list:
    scene = _scene()
    out = []
    with PairRenderer((32, 24), 2, aa_lr="taa", shadow_map_size=256, readback=readback) as pair:
        assert pair.readback == readback
        prev = None
        for i in range(2):
            cam = Camera(32, 24, look_at([0.3 * i, 0, 3.0], [0, 10, 0]), fov_y_deg=50.0, near=0.5)
            out.append(pair.render(scene, cam, i / 30.0, prev_camera=prev, frame_index=i, reset=i == 0))
            prev = cam
    return out


def test_pbo_readback_gives_the_bytes_of_the_synchronous_readback():
    sync, pbo = _pairs("sync"), _pairs("pbo")
    for (lr_s, hr_s), (lr_p, hr_p) in zip(sync, pbo):
        for a, b in ((lr_s, lr_p), (hr_s, hr_p)):
            assert sorted(a.buffers) == sorted(b.buffers) == sorted(BUFFER_NAMES)
            for name in BUFFER_NAMES:
                assert a.buffers[name].dtype == b.buffers[name].dtype
                assert a.buffers[name].tobytes() == b.buffers[name].tobytes(), name
    lr = sync[1][0]
    assert np.count_nonzero(lr.buffers["instance"] == 7) > 100  # the frames hold the scene, not zeros


def test_pixel_buffer_readback_needs_start_then_collect():
    with PairRenderer((16, 12), 1, shadow_map_size=128, readback="sync") as pair:
        cam = Camera(16, 12, look_at([0, 0, 3.0], [0, 10, 0]), fov_y_deg=50.0, near=0.5)
        pair.render(_scene(), cam, 0.0)
        renderer = pair.lr
        with renderer._core.ctx:
            targets = renderer._targets
            pbo = PixelBufferReadback(renderer._core.ctx)
            with pytest.raises(ValueError, match="no reads were started"):
                pbo.collect()
            pbo.start(targets, ("rgb", "depth"))
            assert pbo.pending
            with pytest.raises(ValueError, match="were not collected"):
                pbo.start(targets, ("rgb",))
            got = pbo.collect()
            want = read_buffers(renderer._core.ctx, targets, ("rgb", "depth"))
            pbo.release()
        assert not pbo.pending
        for name in ("rgb", "depth"):
            assert got[name].tobytes() == want[name].tobytes()


def test_readback_mode_is_checked_and_auto_is_sync_on_llvmpipe():
    with pytest.raises(ValueError, match=r"readback must be one of \('auto', 'sync', 'pbo'\), got 'dma'"):
        PairRenderer((16, 12), 2, readback="dma")
    with PairRenderer((16, 12), 2, shadow_map_size=128) as pair:
        llvmpipe = "llvmpipe" in pair.lr._core.gl_renderer.lower()
        assert pair.readback == ("sync" if llvmpipe else "pbo")
