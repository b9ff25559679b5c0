"""`build_world`: the one entry point that builds a procedural world by family name and seed."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from gameir.worlds import cache as world_cache
from gameir.worlds.materials import DETAIL_LEVELS
from gameir.worlds.weather import WEATHER_PRESETS, apply_weather
from gameir.worlds.world import World, WorldBuilder

__all__ = ["FAMILIES", "MAX_SEED", "build_world"]


def _families() -> dict[str, Callable[[WorldBuilder, float], World]]:
    from gameir.worlds.interior import build_interior
    from gameir.worlds.nature import build_nature
    from gameir.worlds.town import build_town

    return {"town": build_town, "nature": build_nature, "interior": build_interior}


#: Largest world seed accepted by :func:`build_world` (seeds are 0 … MAX_SEED).
MAX_SEED: int = 2 ** 31 - 1

#: Scene family names accepted by :func:`build_world`.
FAMILIES: tuple[str, ...] = ("town", "nature", "interior")


def build_world(family: str, seed: int, *, weather: str = "ClearNoon", dynamic: bool = True,
                detail: str = "medium", dressing: bool = True, material_detail: bool = True,
                cache: bool = True) -> World:
    """Build a deterministic procedural world.

    Args:
        family: one of :data:`FAMILIES`.
        seed: layout seed, an integer in 0 … :data:`MAX_SEED` (same seed -> identical scene).
        weather: a name from :data:`gameir.worlds.weather.WEATHER_PRESETS`.
        dynamic: vehicles drive and vegetation sways; False freezes every actor at its t = 0 pose
            (the release's "static" scenes).
        detail: ``"low"`` (64 px textures, half the objects and dressing: tests), ``"medium"`` or
            ``"high"`` (512 px, 1.5x objects and dressing).

        dressing: add the instanced set dressing of :mod:`gameir.worlds.dressing` (façade detail,
            street furniture, vegetation, furniture); False gives the sparse layout alone (for
            side-by-side benchmarks: the same layout, the same camera paths).
        material_detail: metallic-roughness, emissive and detail maps, stochastic tiling and decals
            (:mod:`gameir.worlds.decals`); False gives colour and normal maps with scalar roughness
            and metalness (the same layout and colour textures: for side-by-side benchmarks).
        cache: load the world from / store it in the on-disk world cache of
            :mod:`gameir.worlds.cache` (``$GAMEIR_WORLD_CACHE``; invisible: a loaded world renders
            the bytes a build gives, and any cache problem falls back to building). False always builds.

    Returns:
        The :class:`World`; ``world.metadata["build_time_s"]`` holds the build (or cache load) time.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown world family {family!r}; known: {', '.join(FAMILIES)}")
    if detail not in DETAIL_LEVELS:
        raise ValueError(f"unknown detail {detail!r}; known: {', '.join(DETAIL_LEVELS)}")
    if weather not in WEATHER_PRESETS:
        raise ValueError(f"unknown weather {weather!r}; known: {', '.join(sorted(WEATHER_PRESETS))}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"world seed must be an integer in 0..{MAX_SEED}, got {seed!r}")
    t0 = time.perf_counter()
    folder = world_cache.cache_dir() if cache else None
    # every option that changes the world before its weather keys the cache
    options = {"detail": detail, "dynamic": bool(dynamic), "dressing": bool(dressing),
               "material_detail": bool(material_detail)}
    path = None if folder is None else world_cache.cache_path(folder, family, int(seed), options)
    world = None if path is None else world_cache.load_world(path)
    if not isinstance(world, World):
        tex, k = DETAIL_LEVELS[detail]
        builder = WorldBuilder(family, int(seed), detail, tex, bool(dynamic), material_detail=bool(material_detail))
        builder.dressing = bool(dressing)
        world = _families()[family](builder, k)
        if path is not None:
            world_cache.store_world(path, world)  # before the weather: one entry serves every weather
    apply_weather(world, weather)
    world.metadata["build_time_s"] = round(time.perf_counter() - t0, 3)
    return world
