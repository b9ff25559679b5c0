"""Per-frame uniforms: shading (lights, sky, fog, exposure) and camera (projections, rotations)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gameir.render.constants import LIGHT_POINT, LIGHT_SPOT, MAX_LIGHTS
from gameir.scene.camera import Camera
from gameir.scene.lights import DirectionalLight, SpotLight
from gameir.scene.scene import Scene

__all__ = ["FLIP_Y", "shading_uniforms", "camera_uniforms"]

FLIP_Y = np.diag([1.0, -1.0, 1.0, 1.0])  # render top row first: GL row 0 = image row 0


def shading_uniforms(scene: Scene, cam: Camera, sun: DirectionalLight | None, lights: list) -> dict[str, Any]:
    """Lights, sky, fog and exposure of one frame (the shadow pass adds the sun's shadow matrix)."""
    env = scene.environment
    u: dict[str, Any] = {
        "u_cam_pos": tuple(cam.c2w[:3, 3]),
        "u_cam_forward": tuple(-cam.c2w[:3, 2]),
        "u_exposure": float(2.0 ** env.exposure_ev),
        "u_ambient_sky": env.ambient_sky, "u_ambient_ground": env.ambient_ground,
        "u_sky_zenith": env.sky_zenith, "u_sky_horizon": env.sky_horizon, "u_sky_ground": env.sky_ground,
        "u_fog": (env.fog_density, env.fog_height_falloff, env.fog_height, cam.far),
        "u_fog_color": env.fog_color,
        "u_sun_dir": (0.0, 0.0, 0.0), "u_sun_radiance": (0.0, 0.0, 0.0), "u_sun_shadow": 0,
        # No disc (0 degrees): a cosine no direction reaches and no radiance.
        "u_sun_disc": ((math.cos(math.radians(env.sun_disc_deg)), env.sun_disc_intensity)
                       if env.sun_disc_deg > 0 else (2.0, 0.0)),
        "u_num_lights": len(lights),
    }
    pos = np.zeros((MAX_LIGHTS, 4), np.float32)
    col = np.zeros((MAX_LIGHTS, 4), np.float32)
    axis = np.zeros((MAX_LIGHTS, 4), np.float32)
    cos_inner = np.zeros(MAX_LIGHTS, np.float32)
    for i, light in enumerate(lights):
        pos[i, :3] = light.position
        col[i, :3] = np.asarray(light.color) * light.intensity
        col[i, 3] = light.range
        if isinstance(light, SpotLight):
            pos[i, 3] = LIGHT_SPOT
            axis[i, :3] = light.direction
            axis[i, 3] = math.cos(math.radians(light.outer_cone_deg))
            cos_inner[i] = math.cos(math.radians(light.inner_cone_deg))
        else:
            pos[i, 3] = LIGHT_POINT
    u.update(u_light_pos=pos.reshape(-1), u_light_color=col.reshape(-1), u_light_dir=axis.reshape(-1),
             u_light_cos_inner=cos_inner)
    if sun is not None:
        u["u_sun_dir"] = tuple(-np.asarray(sun.direction))
        u["u_sun_radiance"] = tuple(np.asarray(sun.color) * sun.intensity)
    return u


def camera_uniforms(cam: Camera, prev: Camera) -> dict[str, Any]:
    """Projections (y-flipped), view rotations, size and position of the current and previous camera."""
    proj = FLIP_Y @ cam.projection()
    prev_proj = FLIP_Y @ prev.projection()
    view, prev_view = np.linalg.inv(cam.c2w), np.linalg.inv(prev.c2w)
    rot, prev_rot = np.eye(4), np.eye(4)
    rot[:3, :3], prev_rot[:3, :3] = view[:3, :3], prev_view[:3, :3]
    return {"u_view_proj": proj @ view, "u_prev_view_proj": prev_proj @ prev_view,
            "u_proj": proj, "u_inv_proj": np.linalg.inv(proj), "u_cam_rot": cam.c2w[:3, :3],
            "u_view_proj_rot": proj @ rot, "u_prev_view_proj_rot": prev_proj @ prev_rot,
            "u_size": (float(cam.width), float(cam.height)),
            "u_cam_pos": tuple(cam.c2w[:3, 3]), "u_cam_forward": tuple(-cam.c2w[:3, 2])}
