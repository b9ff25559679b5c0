"""Instance culling: off-screen casters whose shadow reaches the view are kept, the rest dropped,
and the culled frame equals the unculled one bit for bit."""

import numpy as np

from gameir.render import Renderer
from gameir.render.draws import collect_draws, cull_draws
from gameir.scene import Camera, DirectionalLight, Environment, Instance, Material, Scene, box, look_at, plane, translate


def _scene(with_caster: bool = True) -> Scene:
    scene = Scene(name="cull", environment=Environment(sun_disc_deg=0.0))
    scene.add(DirectionalLight(direction=(-2.0, 0.0, -1.0), intensity=3.0))
    scene.add(Instance(plane(200, 200), Material(base_color=(0.7, 0.7, 0.7, 1)), np.eye(4), semantic=1))
    if with_caster:  # right of the view; sunlight travels towards -x, so its shadow falls into view
        scene.add(Instance(box((1.0, 1.0, 10.0)), Material(), translate(20.0, 12.0, 5.0), instance_id=1))
    scene.add(Instance(box((1.0, 1.0, 1.0)), Material(), translate(0.0, -20.0, 0.5), instance_id=2))  # behind
    return scene


def _camera() -> Camera:
    return Camera(64, 48, look_at([0, 0, 2.0], [0, 10, 0.5]), fov_y_deg=60.0)


def test_cull_keeps_shadow_casters_drops_hidden():
    cam = _camera()
    draws, lo, hi, _ = collect_draws(_scene(), 0.0, 1 / 30)
    kept = cull_draws(draws, cam.projection() @ cam.view(), np.array([-2.0, 0, -1.0]) / np.sqrt(5), float(lo[2]))
    ids = sorted(int(i) for d in kept for i in d.records[:, 33])
    assert ids == [0, 1]  # ground and the off-screen caster; the box behind the camera is gone
    no_sun = cull_draws(draws, cam.projection() @ cam.view(), None, float(lo[2]))
    assert sorted(int(i) for d in no_sun for i in d.records[:, 33]) == [0]


def test_culled_frame_equals_unculled_and_shadow_is_seen():
    cam = _camera()
    with Renderer(64, 48) as r:
        r.cull = False
        ref = r.render(_scene(), cam)
        r.cull = True
        culled = r.render(_scene(), cam)
        without = r.render(_scene(with_caster=False), cam)
    for name, arr in ref.buffers.items():
        assert np.array_equal(arr, culled.buffers[name]), name
    # the off-screen caster's shadow is in the picture (so culling it would have shown)
    assert np.abs(ref.buffers["rgb"].astype(int) - without.buffers["rgb"].astype(int)).sum() > 1000


def _posts(draw_distance_m: float | None) -> Scene:
    """Ground plus three posts of one shared mesh at y = 5, 12 and 30 m (x = 0.15 y - 2: none hides another)."""
    scene = Scene(name="posts", environment=Environment(sun_disc_deg=0.0))
    scene.add(Instance(plane(200, 200), Material(), np.eye(4), semantic=1))
    post = box((1.0, 0.4, 2.0), (0, 0, 1.0))
    post.draw_distance_m = draw_distance_m
    red = Material(base_color=(0.8, 0.2, 0.2, 1))
    for i, y in enumerate((5.0, 12.0, 30.0)):
        scene.add(Instance(post, red, translate(0.15 * y - 2.0, y, 0.0), semantic=20,
                           instance_id=10 + i))
    return scene


def test_distance_cull_drops_instances_beyond_the_mesh_draw_distance():
    from gameir.render.draws import distance_cull
    draws, _, _, _ = collect_draws(_posts(10.0), 0.0, 1 / 30)
    # bounding sphere of the post: radius sqrt(0.5^2 + 0.2^2 + 1^2) = 1.136 m, centre 1 m up
    eye = np.array([-1.25, 0.0, 1.0])  # x of the 5 m post: it is 5 m away, the 12 m post 12.03 m
    ids = sorted(int(i) for d in distance_cull(draws, eye) for i in d.records[:, 33])
    assert ids == [0, 10]  # 5 m kept; the 12 m post is 12.05 - 1.14 = 10.91 m away at its nearest: dropped
    ids = sorted(int(i) for d in distance_cull(draws, np.array([-0.2, 1.5, 1.0])) for i in d.records[:, 33])
    assert ids == [0, 10, 11]  # 10.5 - 1.14 = 9.36 m <= 10 m: kept
    kept = distance_cull(collect_draws(_posts(None), 0.0, 1 / 30)[0], eye)
    assert sorted(d.count for d in kept) == [1, 3]  # no draw distance: all three posts


def test_distance_culled_posts_are_absent_at_lr_and_hr():
    from gameir.render import PairRenderer
    cam = Camera(64, 48, look_at([0, 0, 1.0], [0, 10, 1.0]), fov_y_deg=60.0)
    with PairRenderer((64, 48), 2) as pr:
        lr, hr = pr.render(_posts(20.0), cam, 0.0)
        lr_all, _ = pr.render(_posts(None), cam, 0.0)
    for f in (lr, hr):
        seen = set(np.unique(f.buffers["instance"]).tolist())
        assert {10, 11} <= seen and 12 not in seen
    assert 12 in set(np.unique(lr_all.buffers["instance"]).tolist())


def test_depth_prepass_leaves_overlapping_cutouts_unchanged():
    """Cut-outs take part in the depth pre-pass; three overlapping alpha-tested cards give the same
    bytes in every buffer with and without it (the pre-pass and the G-buffer alpha tests agree)."""
    from gameir.scene import Texture, rotate
    rng = np.random.default_rng(3)
    alpha = np.full((32, 32, 4), 200, np.uint8)
    alpha[..., 3] = (rng.random((32, 32)) < 0.5) * 255
    leaves = Material(base_color_texture=Texture(alpha), alpha_cutoff=0.5, two_sided=True)
    scene = Scene(name="cards", environment=Environment(sun_disc_deg=0.0))
    scene.add(DirectionalLight(direction=(-1.0, 0.5, -1.0), intensity=3.0))
    scene.add(Instance(plane(200, 200), Material(), np.eye(4), semantic=1))
    for i, y in enumerate((6.0, 7.0, 8.0)):
        scene.add(Instance(plane(3, 3, uv_scale=0.5), leaves, translate(0.3 * i, y, 1.5) @ rotate((1, 0, 0), 80.0),
                           semantic=9, instance_id=20 + i))
    cam = Camera(64, 48, look_at([0, 0, 1.5], [0, 10, 1.2]), fov_y_deg=60.0)
    out = []
    for prepass in (True, False):
        with Renderer(64, 48, lod_bias=-1.0, depth_prepass=prepass) as r:
            out.append(r.render(scene, cam, 0.0).buffers)
    assert {20, 21, 22} <= set(np.unique(out[0]["instance"]).tolist())
    for name in out[0]:
        assert out[0][name].tobytes() == out[1][name].tobytes(), name


def test_one_lod_eye_gives_every_view_of_a_rig_the_same_instances():
    """Two views 6 m apart: from their own positions one sees the 30 m post and the other does not;
    measured from one rig centre both drop it (and a bad eye point is refused)."""
    import pytest
    near = Camera(64, 48, look_at([0, 3.0, 1.0], [0, 13.0, 1.0]), fov_y_deg=60.0)  # 27 m from the far post
    far = Camera(64, 48, look_at([0, -3.0, 1.0], [0, 7.0, 1.0]), fov_y_deg=60.0)   # 33 m from it
    scene = _posts(27.5)
    with Renderer(64, 48) as r:
        own = [set(np.unique(r.render(scene, c).buffers["instance"]).tolist()) for c in (near, far)]
        rig = [set(np.unique(r.render(scene, c, lod_eye_m=np.zeros(3)).buffers["instance"]).tolist())
               for c in (near, far)]
        with pytest.raises(ValueError, match="lod_eye_m must be a finite"):
            r.render(scene, near, lod_eye_m=np.array([0.0, np.nan, 0.0]))
    assert 12 in own[0] and 12 not in own[1]
    assert 12 not in rig[0] and 12 not in rig[1] and {10, 11} <= rig[0] & rig[1]
