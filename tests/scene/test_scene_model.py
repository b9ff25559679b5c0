"""Scene model: mesh validation and tangents, materials, textures, instances, scene validation."""

import numpy as np
import pytest

from gameir.scene import (
    DirectionalLight, Environment, Instance, Material, Mesh, PointLight, Scene, SpotLight, Texture, box,
    box_mip_chain, compute_normals, compute_tangents, plane, sphere, translate,
)


def test_mesh_validation_messages():
    with pytest.raises(ValueError, match=r"mesh 'm': positions must have shape \(N, 3\)"):
        Mesh(np.zeros((3, 2)), [[0, 1, 2]], name="m")
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 2\]"):
        Mesh(np.zeros((3, 3)), [[0, 1, 3]])
    with pytest.raises(ValueError, match="non-finite"):
        Mesh([[0, 0, 0], [1, 0, 0], [np.nan, 1, 0]], [[0, 1, 2]])
    with pytest.raises(ValueError, match="normals has 2 rows"):
        Mesh(np.eye(3), [[0, 1, 2]], normals=np.zeros((2, 3)))


def test_computed_normals_and_tangents():
    ball = sphere(2.0, 24, 12)
    used = np.unique(ball.indices)
    n = compute_normals(ball.positions, ball.indices)[used]
    analytic = ball.positions[used] / 2.0
    assert np.sum(n * analytic, axis=1).min() > 0.97
    # Plane: tangent +x (u grows with x), bitangent +v = -y (rows go down) -> handedness -1.
    p = plane(2.0, 2.0)
    t = compute_tangents(p.positions, p.normals, p.uvs, p.indices)
    np.testing.assert_allclose(t[:, :3], np.tile([1.0, 0.0, 0.0], (4, 1)), atol=1e-6)
    np.testing.assert_allclose(t[:, 3], -1.0)
    np.testing.assert_allclose(np.cross(p.normals, t[:, :3]) * t[:, 3:], np.tile([0, -1, 0], (4, 1)), atol=1e-6)
    assert box().num_triangles == 12 and box().interleaved().shape == (24, 12)


def test_texture_and_mips():
    tex = Texture(np.zeros((8, 4, 3), np.uint8))
    assert tex.data.shape == (8, 4, 4) and (tex.data[..., 3] == 255).all()
    levels = box_mip_chain(np.full((5, 8, 4), 200, np.uint8), srgb=True)
    assert [lv.shape[:2] for lv in levels] == [(5, 8), (2, 4), (1, 2), (1, 1)]
    assert all((lv == 200).all() for lv in levels)
    # sRGB averaging happens in linear light: black+white averages to 188, not 128.
    bw = np.zeros((1, 2, 4), np.uint8)
    bw[0, 1] = 255
    assert box_mip_chain(bw, srgb=True)[1][0, 0, 0] == 188
    assert box_mip_chain(bw, srgb=False)[1][0, 0, 0] == 128
    with pytest.raises(ValueError, match=r"\(H, W, 4\) uint8"):
        Texture(np.zeros((4, 4, 4), np.float32))
    with pytest.raises(ValueError, match="wrap must be one of"):
        Texture(np.zeros((4, 4, 4), np.uint8), wrap="border")


def test_material_validation():
    m = Material(base_color=(1, 0, 0, 1), roughness=0.3, alpha_cutoff=0.5)
    assert m.base_color == (1.0, 0.0, 0.0, 1.0) and m.specular == 0.5
    with pytest.raises(TypeError):
        Material(colour=(1, 1, 1, 1))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match=r"unknown fields \['colour'\]"):
        Material.from_dict({"colour": (1, 1, 1, 1)})
    with pytest.raises(ValueError, match="roughness must lie in"):
        Material(roughness=1.5)
    with pytest.raises(ValueError, match="normal_texture must be linear"):
        Material(normal_texture=Texture(np.zeros((2, 2, 4), np.uint8), srgb=True))


def test_lights_and_environment():
    sun = DirectionalLight(direction=(0, 0, -2))
    assert sun.direction == (0.0, 0.0, -1.0)
    with pytest.raises(ValueError, match="non-zero"):
        DirectionalLight(direction=(0, 0, 0))
    with pytest.raises(ValueError, match="inner_cone_deg"):
        SpotLight(inner_cone_deg=40, outer_cone_deg=30)
    with pytest.raises(ValueError, match="fog_density"):
        Environment(fog_density=-1)
    assert PointLight().range == 20.0


def test_instance_and_scene_validation():
    scene = Scene(name="s")
    with pytest.raises(ValueError, match="scene 's' is empty"):
        scene.validate()
    mesh = box()
    bad = np.eye(4)
    bad[0, 3] = np.nan
    with pytest.raises(ValueError, match="instance 'car': transform at t=0.0 has NaN"):
        Instance(mesh, transform=bad, name="car")
    moving = Instance(mesh, transform=lambda t: translate(t, 0, 0) if t >= 0 else bad, name="mover",
                      instance_id=3)
    scene.add(moving)
    scene.add(Instance(mesh, transform=translate(0, 2, 0), instance_id=4))
    scene.add(DirectionalLight())
    scene.validate(0.5, dt=0.1)
    with pytest.raises(ValueError, match="instance 'mover'"):
        scene.validate(0.05, dt=0.1)
    assert len(scene.batches()) == 2 and scene.sun is not None and scene.num_triangles == 24
    with pytest.raises(ValueError, match="instance_id"):
        Instance(mesh, instance_id=70000)
    with pytest.raises(TypeError, match="cannot add"):
        scene.add("lamp")  # type: ignore[arg-type]
