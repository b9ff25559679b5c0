"""glTF 2.0 round trip through trimesh: geometry, uv, materials, rendering, skipped features."""

import json
import struct
import warnings

import numpy as np
import pytest

pytest.importorskip("trimesh")

from gameir.render import Renderer  # noqa: E402
from gameir.scene import Camera, Environment, Instance, Scene, look_at  # noqa: E402
from gameir.worlds import meshes as M  # noqa: E402
from gameir.worlds.gltf import GltfWarning, export_gltf, import_gltf  # noqa: E402
from gameir.worlds.materials import MaterialLibrary  # noqa: E402


@pytest.fixture(scope="module")
def asset():
    lib = MaterialLibrary(np.random.default_rng(0), 64)
    wall = lib.textured("bricks")
    leaves = lib.textured("leaves", two_sided=True)
    tf = np.eye(4)
    tf[:3, 3] = (1.0, 2.0, 0.0)
    return [(M.building_shell(8, 6, 3)["wall"].named("shell"), wall, tf),
            (M.foliage_card(3.0, 3.0, 2).named("card"), leaves, np.eye(4))]


def test_round_trip_geometry_and_materials(tmp_path, asset):
    path = export_gltf(asset, tmp_path / "asset.glb")
    with warnings.catch_warnings():
        warnings.simplefilter("error", GltfWarning)
        inst = import_gltf(path, semantic=3)
    assert len(inst) == 2 and [i.instance_id for i in inst] == [1, 2] and inst[0].semantic == 3
    for (mesh, mat, tf), got in zip(asset, inst):
        m = got.transform_at(0.0)
        p = got.mesh.positions @ m[:3, :3].T + m[:3, 3]
        assert np.allclose(p, mesh.positions @ tf[:3, :3].T + tf[:3, 3], atol=1e-5)
        assert np.allclose(got.mesh.normals @ m[:3, :3].T, mesh.normals, atol=1e-5)
        assert np.allclose(got.mesh.uvs, mesh.uvs, atol=1e-6)
        assert np.array_equal(got.mesh.indices, mesh.indices)
        g = got.material
        assert g.roughness == pytest.approx(mat.roughness) and g.metallic == pytest.approx(mat.metallic)
        assert np.array_equal(g.base_color_texture.data, mat.base_color_texture.data)
        assert g.two_sided == mat.two_sided and g.alpha_cutoff == mat.alpha_cutoff
        assert (g.normal_texture is None) == (mat.normal_texture is None)


def test_round_trip_renders_identically(tmp_path, asset):
    path = export_gltf(asset, tmp_path / "asset.glb")
    env = Environment(sun_disc_deg=0.0)
    original = Scene([Instance(m, mat, tf, 3, k + 1) for k, (m, mat, tf) in enumerate(asset)], environment=env)
    imported = Scene(import_gltf(path, semantic=3), environment=env)
    cam = Camera(64, 48, look_at([-8.0, -9.0, 6.0], [4.0, 4.0, 3.0]), fov_y_deg=60.0)
    with Renderer(64, 48, shadow_map_size=256) as r:
        a = r.render(original, cam, 0.0)
        b = r.render(imported, cam, 0.0)
    assert (a.buffers["semantic"] == 3).mean() > 0.1
    for name in ("depth", "semantic", "instance", "basecolor"):
        assert np.array_equal(a.buffers[name], b.buffers[name]), name
    diff = np.abs(a.buffers["rgb"].astype(int) - b.buffers["rgb"].astype(int))
    assert diff.max() <= 2  # tangents are recomputed on import: tiny shading differences at most


def _patch_glb_json(path, patch):
    data = path.read_bytes()
    length = struct.unpack_from("<I", data, 12)[0]
    doc = json.loads(data[20:20 + length])
    patch(doc)
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    rest = data[20 + length:]
    body = struct.pack("<II", len(js), 0x4E4F534A) + js + rest
    path.write_bytes(data[:8] + struct.pack("<I", 12 + len(body)) + body)


def test_unknown_features_skipped_with_warning(tmp_path, asset):
    path = export_gltf(asset[:1], tmp_path / "asset.glb")

    def patch(doc):
        doc["extensionsUsed"] = ["EXT_imaginary_feature"]
        doc["materials"][0]["occlusionTexture"] = {"index": 0}
    _patch_glb_json(path, patch)
    with pytest.warns(GltfWarning) as rec:
        inst = import_gltf(path)
    msgs = " ".join(str(w.message) for w in rec)
    assert "EXT_imaginary_feature" in msgs and "occlusionTexture" in msgs
    assert len(inst) == 1


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such glTF file"):
        import_gltf(tmp_path / "missing.glb")
    bad = tmp_path / "x.obj"
    bad.write_text("v 0 0 0\n")
    with pytest.raises(ValueError, match="expected a .gltf or .glb"):
        import_gltf(bad)


def test_round_trip_metallic_roughness_and_emissive_maps(tmp_path):
    lib = MaterialLibrary(np.random.default_rng(0), 64, detail_rng=np.random.default_rng(1))
    metal, facade = lib.textured("metal_panels"), lib.textured("facade")
    assert metal.metallic_roughness_texture is not None and facade.emissive_texture is not None
    items = [(M.building_shell(4, 4, 1)["wall"].named("a"), metal, np.eye(4)),
             (M.building_shell(4, 4, 1)["wall"].named("b"), facade, np.eye(4))]
    path = export_gltf(items, tmp_path / "maps.glb")
    with warnings.catch_warnings():
        warnings.simplefilter("error", GltfWarning)
        got = [i.material for i in import_gltf(path)]
    np.testing.assert_array_equal(got[0].metallic_roughness_texture.data, metal.metallic_roughness_texture.data)
    assert not got[0].metallic_roughness_texture.srgb and got[0].roughness == pytest.approx(1.0)
    np.testing.assert_array_equal(got[1].emissive_texture.data, facade.emissive_texture.data)
    assert got[1].emissive_texture.srgb
