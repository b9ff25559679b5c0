"""`build_world`: the one entry point that builds a procedural world by family name and seed."""

from __future__ import annotations

import time
from typing import Callable

from gameir.worlds.materials import DETAIL_LEVELS
from gameir.worlds.weather import WEATHER_PRESETS, apply_weather
from gameir.worlds.world import World, WorldBuilder

__all__ = ["FAMILIES", "build_world"]


def _families() -> dict[str, Callable[[WorldBuilder, float], World]]:
    from gameir.worlds.interior import build_interior
    from gameir.worlds.nature import build_nature
    from gameir.worlds.town import build_town

    return {"town": build_town, "nature": build_nature, "interior": build_interior}


#: Scene family names accepted by :func:`build_world`.
FAMILIES: tuple[str, ...] = ("town", "nature", "interior")


def build_world(family: str, seed: int, *, weather: str = "ClearNoon", dynamic: bool = True,
                detail: str = "medium") -> World:
    """Build a deterministic procedural world.

    Args:
        family: one of :data:`FAMILIES`.
        seed: layout seed (same seed -> identical scene).
        weather: a name from :data:`gameir.worlds.weather.WEATHER_PRESETS`.
        dynamic: vehicles drive and vegetation sways; False freezes every actor at its t = 0 pose
            (the release's "static" scenes).
        detail: ``"low"`` (64 px textures, fewer objects: tests), ``"medium"`` or ``"high"``.

    Returns:
        The :class:`World`; ``world.metadata["build_time_s"]`` holds the build time.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown world family {family!r}; known: {', '.join(FAMILIES)}")
    if detail not in DETAIL_LEVELS:
        raise ValueError(f"unknown detail {detail!r}; known: {', '.join(DETAIL_LEVELS)}")
    if weather not in WEATHER_PRESETS:
        raise ValueError(f"unknown weather {weather!r}; known: {', '.join(sorted(WEATHER_PRESETS))}")
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    t0 = time.perf_counter()
    tex, k = DETAIL_LEVELS[detail]
    builder = WorldBuilder(family, int(seed), detail, tex, dynamic)
    world = _families()[family](builder, k)
    apply_weather(world, weather)
    world.metadata["build_time_s"] = round(time.perf_counter() - t0, 3)
    return world
