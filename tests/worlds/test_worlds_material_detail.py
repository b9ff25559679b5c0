"""Material detail of the worlds: metallic-roughness, emissive and detail maps, stochastic tiling
seeds and decals; deterministic per seed, independent of the layout, counted by the census."""

import numpy as np
import pytest

from gameir.semantics import SEMANTIC_IDS as S
from gameir.worlds import build_world
from gameir.worlds import textures as T
from gameir.worlds.census import world_census
from gameir.worlds.decals import GRAFFITI_Z_M
from gameir.worlds.town import KERB_H


@pytest.fixture(scope="module")
def towns():
    return {"a": build_world("town", 4, detail="low"), "b": build_world("town", 4, detail="low"),
            "plain": build_world("town", 4, detail="low", material_detail=False)}


@pytest.fixture(scope="module")
def medium_town():
    return build_world("town", 0, detail="medium")


def _materials(world):
    return list({id(i.material): i.material for i in world.scene.instances}.values())


def test_same_seed_bit_identical_material_detail(towns):
    a, b = towns["a"], towns["b"]
    ma, mb = _materials(a), _materials(b)
    assert [m.name for m in ma] == [m.name for m in mb]
    for x, y in zip(ma, mb):
        assert x.tile_variation == y.tile_variation and x.decal == y.decal and x.roughness == y.roughness
        assert len(x.textures) == len(y.textures)
        for tx, ty in zip(x.textures, y.textures):
            np.testing.assert_array_equal(tx.data, ty.data)
    da = [(i.name, i.instance_id, np.asarray(i.transform).tobytes()) for i in a.scene.instances if ":decal_" in i.name]
    db = [(i.name, i.instance_id, np.asarray(i.transform).tobytes()) for i in b.scene.instances if ":decal_" in i.name]
    assert da == db and len(da) > 20
    seeds = [m.tile_variation for m in ma if m.tile_variation]
    assert seeds and all(0 < s < 2 ** 24 for s in seeds)


def test_material_detail_leaves_layout_and_colour_textures(towns):
    full, plain = towns["a"], towns["plain"]
    rest = [i for i in full.scene.instances if ":decal_" not in i.name]
    assert [(i.name, i.instance_id, i.semantic) for i in rest] == \
           [(i.name, i.instance_id, i.semantic) for i in plain.scene.instances]
    by_name = {m.name: m for m in _materials(plain)}
    for m in _materials(full):
        if m.name in by_name and m.base_color_texture is not None:
            np.testing.assert_array_equal(m.base_color_texture.data, by_name[m.name].base_color_texture.data)
    plain_mats = _materials(plain)
    assert not any(m.metallic_roughness_texture or m.emissive_texture or m.detail_texture or m.tile_variation
                   for m in plain_mats)
    asphalt = next(m for m in _materials(full) if m.name.startswith("asphalt"))
    assert asphalt.metallic_roughness_texture is not None and asphalt.detail_texture is not None
    assert asphalt.tile_variation > 0 and asphalt.roughness == 1.0  # the map holds the roughness
    g = asphalt.metallic_roughness_texture.data[..., 1].astype(float) / 255
    assert 0.05 <= g.min() and g.max() <= 1.0 and g.std() > 0.03  # it varies across the road
    facade = next(m for m in _materials(full) if m.name.startswith("facade"))
    assert facade.emissive_texture is not None and any(gl.material is facade for gl in full.glows)


def test_decals_lie_on_their_surface_with_its_tags(towns):
    w = towns["a"]
    road = next(i for i in w.scene.instances if i.name == "road")
    walks = {i.instance_id for i in w.scene.instances if i.name == "sidewalk"}
    decals = [i for i in w.scene.instances if ":decal_" in i.name]
    kinds = {i.name for i in decals}
    assert {"road:decal_crack", "road:decal_stain", "road:decal_manhole", "sidewalk:decal_stain",
            "building:decal_grime"} <= kinds
    for d in decals:
        assert d.material.decal and d.material.alpha_cutoff == 0.5 and not d.is_dynamic
        tf = np.asarray(d.transform)
        corners = (tf @ np.c_[d.mesh.positions, np.ones(len(d.mesh.positions))].T).T[:, :3]
        if d.semantic == S["road"]:
            assert d.instance_id == road.instance_id and np.allclose(corners[:, 2], 0.0)
        elif d.semantic == S["sidewalk"]:
            assert d.instance_id in walks and np.allclose(corners[:, 2], KERB_H)
        elif d.name == "building:decal_grime":
            assert d.semantic == S["building"]
            assert corners[:, 2].min() >= KERB_H - 1e-9 and corners[:, 2].max() <= KERB_H + 0.5 + 1e-9
        else:
            assert d.semantic == S["building"] and d.name == "building:decal_graffiti"
    interior = build_world("interior", 1, detail="low")
    floor = next(i for i in interior.scene.instances if i.name == "floor")
    inner = [i for i in interior.scene.instances if ":decal_" in i.name]
    assert inner and all(i.instance_id == floor.instance_id and i.semantic == S["ground"] for i in inner)
    assert not any(":decal_" in i.name for i in build_world("interior", 1, detail="low", dressing=False).scene.instances)


def test_census_counts_every_texture_slot(towns):
    full, plain = world_census(towns["a"]), world_census(towns["plain"])
    mats = _materials(towns["a"])
    texs = {id(t): t for m in mats for t in m.textures}
    assert full["textures"] == len(texs) > plain["textures"]
    assert full["texture_bytes"] == sum(t.data.nbytes * 4 // 3 for t in texs.values()) > plain["texture_bytes"]


def test_generated_maps_have_their_values():
    rng = np.random.default_rng(2)
    metal = T.metal_panels(rng, 64)
    rusty = metal.rgba[..., 0].astype(int) - metal.rgba[..., 2] > 40  # rust is red-brown
    assert (metal.metallic_map[rusty] == 0).all() and (metal.metallic_map[~rusty].mean() > 0.8)
    mr = metal.metallic_roughness_rgba()
    assert mr.shape == (32, 32, 4) and (mr[..., 0] == 255).all() and (mr[..., 3] == 255).all()
    np.testing.assert_allclose(mr[..., 2].mean() / 255, metal.metallic_map.mean(), atol=0.01)  # area-averaged
    tiles = T.tiles(np.random.default_rng(0), 64)
    grout = tiles.height == 0
    assert (tiles.roughness_map[grout] == pytest.approx(0.9)) and tiles.roughness_map[~grout].max() <= 0.45 + 1e-6
    grain = T.detail_grain(np.random.default_rng(1), 64)
    assert np.abs(grain.reshape(-1, 4).mean(0) - 127.5).max() <= 1.0 and grain[..., 0].std() > 3
    for name in ("crack", "stain", "manhole", "grime", "graffiti_tag"):
        d = T.GENERATORS[name](np.random.default_rng(3), 64)
        alpha = d.rgba[..., 3]
        assert 0.005 < (alpha > 127).mean() < 0.8 and d.roughness_map is not None, name
    man = T.manhole_decal(np.random.default_rng(4), 64)
    outside = ~(man.rgba[..., 3] > 127)
    assert (man.rgba[outside, 3] == 0).all() and man.metallic_map.max() == 1.0


def _world_box(inst):
    p = np.c_[inst.mesh.positions, np.ones(len(inst.mesh.positions))]
    w = (np.asarray(inst.transform) @ p.T).T[:, :3]
    return w.min(0), w.max(0)


def _tags(world):
    return [i for i in world.scene.instances if i.name == "building:decal_graffiti"]


def test_graffiti_tags_on_the_ground_floor_of_walls(towns, medium_town):
    low, medium = _tags(towns["a"]), _tags(medium_town)
    assert len(medium) > 10 and len(low) > 0
    a, b = towns["a"], towns["b"]
    ta, tb = _tags(a), _tags(b)
    assert [(i.instance_id, np.asarray(i.transform).tobytes(), i.material.name) for i in ta] == \
           [(i.instance_id, np.asarray(i.transform).tobytes(), i.material.name) for i in tb]
    for x, y in zip(ta, tb):
        np.testing.assert_array_equal(x.material.base_color_texture.data, y.material.base_color_texture.data)
    for world in (towns["a"], medium_town):
        walls = {i.instance_id: _world_box(i) for i in world.scene.instances if i.name == "building:wall"}
        glass_lo = {}
        for i in world.scene.instances:
            if i.name == "building:glass":
                glass_lo[i.instance_id] = min(glass_lo.get(i.instance_id, np.inf), _world_box(i)[0][2])
        boards = [(i.instance_id, _world_box(i)) for i in world.scene.instances if i.name == "building:graffiti"]
        for d in _tags(world):
            m = d.material
            assert d.semantic == S["building"] and d.instance_id in walls and not d.is_dynamic
            assert m.decal and m.alpha_cutoff == 0.5 and m.name.startswith("graffiti_tag")
            assert m.metallic_roughness_texture is not None  # it writes the material buffer too
            lo, hi = _world_box(d)
            wlo, whi = walls[d.instance_id]
            # coplanar with the front or back wall (float32 positions: 1e-5 m), inside it, clear of the corner drain pipes
            assert hi[1] - lo[1] < 1e-5 and min(abs(lo[1] - wlo[1]), abs(lo[1] - whi[1])) < 1e-5
            assert lo[0] >= wlo[0] + 0.6 - 1e-5 and hi[0] <= whi[0] - 0.6 + 1e-5
            assert lo[2] >= KERB_H + GRAFFITI_Z_M[0] - 1e-5 and hi[2] <= KERB_H + GRAFFITI_Z_M[1] + 1e-5
            assert hi[2] < glass_lo.get(d.instance_id, np.inf)  # below the first windows
            assert (hi[0] - lo[0]) == pytest.approx(2.0 * (hi[2] - lo[2]))  # the texture's 2:1 layout
            for oid, (blo, bhi) in boards:  # not behind the layout's graffiti boards
                assert oid != d.instance_id or not ((lo <= bhi + 0.05).all() and (blo <= hi + 0.05).all())


def test_graffiti_tag_texture():
    for pal, (fills, outline) in enumerate(T.GRAFFITI_PALETTES):
        d = T.graffiti_decal(np.random.default_rng(10 + pal), 128, palette=pal)
        alpha = d.rgba[..., 3]
        assert set(np.unique(alpha)) <= {0, 255}  # a hard cut-out for the alpha test
        assert 0.08 < (alpha > 127).mean() < 0.5, pal
        paint = alpha > 127
        # painted in the palette: the fill graded from its first to its last colour, or the outline,
        # times a grain in [0.9, 1.1]
        f0, f1 = np.asarray(fills[0]), np.asarray(fills[-1])
        cols = np.asarray([g * (f0 * (1 - s) + f1 * s) for g in np.linspace(0.9, 1.1, 9) for s in np.linspace(0, 1, 21)]
                          + [g * np.asarray(outline) for g in np.linspace(0.9, 1.1, 9)]) * 255
        near = np.abs(d.rgba[paint, None, :3].astype(float) - np.clip(cols, 0, 255)[None]).max(-1).min(-1)
        assert np.quantile(near, 0.95) < 0.04 * 255, pal
        assert 0.4 < d.roughness_map[paint].mean() < 0.6 and (d.roughness_map[~paint] == pytest.approx(0.9))
    x, y = (T.graffiti_decal(np.random.default_rng(7), 64) for _ in range(2))
    np.testing.assert_array_equal(x.rgba, y.rgba)
    assert not np.array_equal(x.rgba, T.graffiti_decal(np.random.default_rng(8), 64).rgba)
    with pytest.raises(ValueError, match="palette"):
        T.graffiti_decal(np.random.default_rng(0), 64, palette=len(T.GRAFFITI_PALETTES))
