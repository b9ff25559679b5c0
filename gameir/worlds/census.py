"""`world_census`: what a built world holds (triangles, instances, meshes, materials, textures,
lights, moving objects, pedestrians), counted from its scene so the figures cannot drift from it."""

from __future__ import annotations

from typing import Any

from gameir.worlds.world import World

__all__ = ["CENSUS_COLUMNS", "world_census", "format_census", "census_table"]

#: Census keys in print order.
CENSUS_COLUMNS: tuple[str, ...] = ("triangles", "instances", "unique_meshes", "materials", "textures",
                                   "texture_bytes", "lights", "moving_objects", "pedestrians")


def world_census(world: World) -> dict[str, Any]:
    """Count what ``world`` draws.

    Returns:
        dict with ``family``, ``seed``, ``detail`` and the :data:`CENSUS_COLUMNS`:
        triangles (summed over instances, so an instanced mesh counts once per copy), instances,
        unique_meshes (distinct Mesh objects), materials (distinct Material objects), textures
        (distinct Texture objects of every material slot: colour, normal, metallic-roughness,
        emissive and detail maps), texture_bytes (their RGBA8
        bytes with a full mip chain, 4/3 of the base level), lights (point, spot and directional), moving_objects
        (distinct instance ids with a time-dependent transform), pedestrians (entries in the world's
        ``pedestrians`` list when it has one, else 0).
    """
    scene = world.scene
    meshes, materials, textures = {}, {}, {}
    moving: set[int] = set()
    triangles = 0
    for inst in scene.instances:
        meshes[id(inst.mesh)] = inst.mesh
        materials[id(inst.material)] = inst.material
        triangles += inst.mesh.num_triangles
        if inst.is_dynamic:
            moving.add(int(inst.instance_id))
    for mat in materials.values():
        for tex in mat.textures:
            textures[id(tex)] = tex
    texture_bytes = sum(int(t.data.nbytes) * 4 // 3 for t in textures.values())
    return {"family": world.family, "seed": world.seed, "detail": world.detail,
            "triangles": triangles, "instances": len(scene.instances), "unique_meshes": len(meshes),
            "materials": len(materials), "textures": len(textures), "texture_bytes": texture_bytes,
            "lights": len(scene.lights), "moving_objects": len(moving),
            "pedestrians": len(getattr(world, "pedestrians", None) or [])}


def format_census(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of census rows (one per world), columns as in :data:`CENSUS_COLUMNS`."""
    head = ["family", "seed", "detail", *CENSUS_COLUMNS] + (["build_s"] if rows and "build_s" in rows[0] else [])
    lines = ["| " + " | ".join(h.replace("_", " ") for h in head) + " |", "|" + " --- |" * len(head)]
    for r in rows:
        cells = [f"{r[h]:,}" if isinstance(r[h], int) and h != "seed" else str(r[h]) for h in head]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def census_table(families: tuple[str, ...] | list[str], seeds: list[int], detail: str = "medium", *,
                 weather: str = "ClearNoon", dynamic: bool = True) -> str:
    """Build each (family, seed) world and return :func:`format_census` of them, with build times."""
    from gameir.worlds.build import build_world

    rows = []
    for family in families:
        for seed in seeds:
            world = build_world(family, seed, weather=weather, dynamic=dynamic, detail=detail)
            rows.append({**world_census(world), "build_s": world.metadata["build_time_s"]})
    table = format_census(rows)
    return table
