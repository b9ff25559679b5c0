"""World census and density: floors at the default detail, determinism of the dressing, bad input."""

import hashlib

import numpy as np
import pytest

from gameir.worlds import build_world
from gameir.worlds.build import MAX_SEED
from gameir.worlds.census import CENSUS_COLUMNS, format_census, world_census
from gameir.worlds.dressing import GRASS_DRAW_M

# Sparsest seed of each family at "medium" (from `gameir preview --stats`) and its floor.
FLOORS = {"town": (2, 750_000), "nature": (0, 300_000), "interior": (1, 30_000)}


def _digest(world) -> str:
    h = hashlib.sha256()
    for inst in world.scene.instances:
        m = inst.mesh
        tf = inst.transform(0.37) if callable(inst.transform) else inst.transform
        for arr in (m.positions, m.indices, m.normals, m.uvs, np.asarray(tf, np.float64)):
            h.update(np.ascontiguousarray(arr).tobytes())
        h.update(f"{inst.name}|{inst.semantic}|{inst.instance_id}|{inst.material.name}".encode())
    return h.hexdigest()


@pytest.mark.parametrize("family", sorted(FLOORS))
def test_density_floor_and_census_counts(family):
    seed, floor = FLOORS[family]
    world = build_world(family, seed, detail="medium")
    c = world_census(world)
    assert c["triangles"] >= floor, c
    # independent counts: triangles per instance summed by hand, distinct meshes by identity
    assert c["triangles"] == sum(i.mesh.num_triangles for i in world.scene.instances)
    assert c["unique_meshes"] == len({id(i.mesh) for i in world.scene.instances})
    assert c["instances"] == len(world.scene.instances) > 10 * c["unique_meshes"] / 4
    assert c["lights"] == len(world.scene.lights)
    assert c["pedestrians"] == len(world.pedestrians) and (c["pedestrians"] > 0) == (family != "interior")
    assert c["textures"] > 0 and c["texture_bytes"] > 0
    sparse = world_census(build_world(family, seed, detail="medium", dressing=False))
    assert c["triangles"] >= 10 * sparse["triangles"] or c["triangles"] >= floor
    assert sparse["moving_objects"] == c["moving_objects"]  # dressing is static


def test_detail_scales_dressing_and_census_table():
    low_world, med_world = build_world("nature", 3, detail="low"), build_world("nature", 3, detail="medium")
    low, med = world_census(low_world), world_census(med_world)
    # the dressing holds ~93 % of a medium nature world and scales by DRESSING_DENSITY (0.3 at low)
    assert 0.25 * med["triangles"] < low["triangles"] < 0.4 * med["triangles"]
    grass = {i.mesh for i in med_world.scene.instances if i.name == "grass" and i.mesh.name.startswith("grass_patch")}
    assert grass and {m.draw_distance_m for m in grass} == {GRASS_DRAW_M}
    table = format_census([low, med])
    assert table.splitlines()[0].count("|") == len(CENSUS_COLUMNS) + 4
    assert f"{med['triangles']:,}" in table


def test_detail_levels_scale_interior_dressing():
    tris = {d: world_census(build_world("interior", 2, detail=d))["triangles"] for d in ("low", "medium", "high")}
    assert tris["low"] < 0.4 * tris["medium"] and tris["high"] >= 1.5 * tris["medium"], tris


def test_census_counts_pedestrians_list():
    world = build_world("interior", 0, detail="low")
    world.pedestrians = ["a", "b", "c"]  # the hook: any world with a pedestrians list
    assert world_census(world)["pedestrians"] == 3


def test_same_seed_bit_identical_with_dressing():
    a, b = build_world("town", 4, detail="low"), build_world("town", 4, detail="low")
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(build_world("town", 5, detail="low"))


def test_bad_detail_and_seed():
    with pytest.raises(ValueError, match="unknown detail 'ultra'"):
        build_world("town", 0, detail="ultra")
    for seed in (-1, MAX_SEED + 1, 1.5, True):
        with pytest.raises(ValueError, match=rf"world seed must be an integer in 0\.\.{MAX_SEED}, got {seed!r}"):
            build_world("nature", seed)


def test_preview_stats_prints_census(capsys):
    from gameir.cli.main import main

    assert main(["preview", "--stats", "--world", "interior", "--seeds", "0", "--detail", "low"]) == 0
    out = capsys.readouterr().out
    want = world_census(build_world("interior", 0, detail="low"))
    row = [r for r in out.splitlines() if r.startswith("| interior | 0 | low |")]
    assert len(row) == 1 and f"| {want['triangles']:,} | {want['instances']:,} |" in row[0]
