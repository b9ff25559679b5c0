"""Sun shadow frustum fitting (pure numpy) and GL info."""

import numpy as np

from gameir.render import gl_info
from gameir.render.shadows import fit_sun_shadow, frustum_corners
from gameir.scene import intrinsics_from_fov, look_at


def test_fit_covers_visible_scene_and_all_casters():
    K = intrinsics_from_fov(64, 48, 60.0)
    c2w = look_at([0, -10, 5], [0, 10, 0])
    lo, hi = np.array([-20.0, -20.0, 0.0]), np.array([20.0, 40.0, 8.0])
    light_dir = np.array([0.3, 0.4, -0.8])
    vp, texel = fit_sun_shadow(light_dir, K, c2w, 64, 48, 0.1, 1000.0, lo, hi, 1024)
    # Visible scene points (frustum corners clipped to the scene box) land inside the map.
    pts = frustum_corners(K, c2w, 64, 48, 0.1, 30.0)
    pts = np.clip(pts, lo, hi)
    clip = np.c_[pts, np.ones(len(pts))] @ vp.T
    ndc = clip[:, :3] / clip[:, 3:]
    assert (np.abs(ndc[:, :2]) <= 1.0 + 1e-9).all()
    # Every corner of the scene box lies within the depth range (casters outside the view too).
    box = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    zc = (np.c_[box, np.ones(8)] @ vp.T)[:, 2]
    assert (np.abs(zc) <= 1.0).all()
    # Points nearer the sun map to smaller depth.
    p = np.array([0.0, 5.0, 1.0])
    near_sun = p - light_dir * 2.0
    z = [(vp @ np.r_[q, 1.0])[2] for q in (p, near_sun)]
    assert z[1] < z[0]
    assert 0 < texel < 0.1


def test_gl_info_reports_driver():
    info = gl_info()
    assert {"vendor", "renderer", "version"} <= set(info)
    assert info["version"] and info["renderer"]
