"""Scene model: meshes, materials, cameras, lights and scenes as plain Python/numpy (no GL)."""

from gameir.scene.camera import (
    GL_TO_CV, Camera, c2w_to_w2c_opencv, fov_y_from_intrinsics, halton, halton_jitter, intrinsics_from_fov,
    look_at, opengl_to_opencv_c2w, project_points, projection_from_K, scale_intrinsics, w2c_opencv_to_c2w,
)
from gameir.scene.lights import DirectionalLight, Environment, Light, PointLight, SpotLight
from gameir.scene.material import (
    WRAP_MODES, Material, Texture, box_mip_chain, checker_texture, linear_to_srgb, noise_texture, srgb_to_linear,
)
from gameir.scene.mesh import Mesh, compute_normals, compute_tangents, merge_meshes, uv_from_surface
from gameir.scene.primitives import box, cone, cylinder, extrude, heightfield, plane, quad, quads, sphere, tube
from gameir.scene.transforms import compose, rotate, scale, translate
from gameir.scene.rain import Rain, rain_streaks
from gameir.scene.scene import MAX_INSTANCE_ID, Instance, Scene, Transform

__all__ = [
    "GL_TO_CV", "Camera", "c2w_to_w2c_opencv", "fov_y_from_intrinsics", "halton", "halton_jitter",
    "intrinsics_from_fov", "look_at", "opengl_to_opencv_c2w", "project_points", "projection_from_K",
    "scale_intrinsics", "w2c_opencv_to_c2w",
    "DirectionalLight", "Environment", "Light", "PointLight", "SpotLight",
    "WRAP_MODES", "Material", "Texture", "box_mip_chain", "checker_texture", "linear_to_srgb", "noise_texture",
    "srgb_to_linear",
    "Mesh", "compute_normals", "compute_tangents", "merge_meshes", "uv_from_surface",
    "box", "cone", "cylinder", "extrude", "heightfield", "plane", "quad", "quads", "sphere", "tube",
    "compose", "rotate", "scale", "translate",
    "Rain", "rain_streaks",
    "MAX_INSTANCE_ID", "Instance", "Scene", "Transform",
]
