"""Weather and time-of-day presets in the spirit of CARLA's: sun, sky, fog, wetness, lamps, glows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gameir.scene import DirectionalLight, Environment, Rain
from gameir.worlds.world import World

__all__ = ["WeatherPreset", "WEATHER_PRESETS", "apply_weather", "sun_direction", "reflective_wetness"]


@dataclass(frozen=True)
class WeatherPreset:
    """One weather/time-of-day setting.

    Attributes:
        sun_elevation_deg, sun_azimuth_deg: where the sun (or moon) is; azimuth from +X towards +Y.
        sun_color: linear RGB; sun_intensity: DirectionalLight intensity (0 = no sun light).
        sky_zenith, sky_horizon, sky_ground: sky gradient, linear RGB radiance.
        sun_disc_deg: visible sun disc radius (0 = hidden by clouds).
        ambient_sky, ambient_ground: hemispherical ambient, linear RGB.
        fog_density: 1/m at ground level; fog_color: linear RGB.
        wetness: 0 dry .. 1 soaked (darker, glossier wettable surfaces; puddles from 0.5).
        night: 0 day .. 1 night (street lamps and lit windows on).
        exposure_ev: exposure compensation.
        rain: falling rain, drops per cubic metre (0 = none; see :class:`gameir.scene.rain.Rain`).
    """

    sun_elevation_deg: float
    sun_azimuth_deg: float
    sun_color: tuple[float, float, float]
    sun_intensity: float
    sky_zenith: tuple[float, float, float]
    sky_horizon: tuple[float, float, float]
    sky_ground: tuple[float, float, float]
    sun_disc_deg: float
    ambient_sky: tuple[float, float, float]
    ambient_ground: tuple[float, float, float]
    fog_density: float
    fog_color: tuple[float, float, float]
    wetness: float
    night: float
    exposure_ev: float
    rain: float = 0.0


_CLEAR_SKY = dict(sky_zenith=(0.18, 0.36, 0.85), sky_horizon=(0.65, 0.78, 0.95), sky_ground=(0.25, 0.24, 0.22))
_GREY_SKY = dict(sky_zenith=(0.28, 0.3, 0.34), sky_horizon=(0.42, 0.44, 0.47), sky_ground=(0.15, 0.15, 0.15))

#: name -> preset. Names follow CARLA's WeatherParameters presets.
WEATHER_PRESETS: dict[str, WeatherPreset] = {
    "ClearNoon": WeatherPreset(65, 35, (1.0, 0.96, 0.9), 3.0, **_CLEAR_SKY, sun_disc_deg=0.5,
                               ambient_sky=(0.3, 0.38, 0.5), ambient_ground=(0.12, 0.1, 0.08), fog_density=0.0,
                               fog_color=(0.6, 0.7, 0.8), wetness=0.0, night=0.0, exposure_ev=0.0),
    "CloudyNoon": WeatherPreset(60, 35, (0.9, 0.92, 0.95), 0.8, **_GREY_SKY, sun_disc_deg=0.0,
                                ambient_sky=(0.5, 0.52, 0.56), ambient_ground=(0.15, 0.15, 0.14), fog_density=0.002,
                                fog_color=(0.3, 0.32, 0.35), wetness=0.0, night=0.0, exposure_ev=0.0),
    "WetNoon": WeatherPreset(60, 35, (1.0, 0.96, 0.9), 2.6, **_CLEAR_SKY, sun_disc_deg=0.5,
                             ambient_sky=(0.3, 0.36, 0.48), ambient_ground=(0.1, 0.1, 0.09), fog_density=0.001,
                             fog_color=(0.6, 0.7, 0.8), wetness=0.8, night=0.0, exposure_ev=0.0),
    "ClearSunset": WeatherPreset(7, 200, (1.0, 0.5, 0.25), 2.2, sky_zenith=(0.12, 0.16, 0.35),
                                 sky_horizon=(0.95, 0.5, 0.28), sky_ground=(0.15, 0.1, 0.08), sun_disc_deg=0.8,
                                 ambient_sky=(0.2, 0.18, 0.25), ambient_ground=(0.1, 0.06, 0.04), fog_density=0.003,
                                 fog_color=(0.8, 0.5, 0.35), wetness=0.0, night=0.35, exposure_ev=0.5),
    "HardRainNoon": WeatherPreset(60, 35, (0.8, 0.82, 0.85), 0.25, sky_zenith=(0.12, 0.13, 0.15),
                                  sky_horizon=(0.22, 0.23, 0.25), sky_ground=(0.08, 0.08, 0.08), sun_disc_deg=0.0,
                                  ambient_sky=(0.22, 0.23, 0.26), ambient_ground=(0.06, 0.06, 0.06), fog_density=0.025,
                                  fog_color=(0.25, 0.26, 0.28), wetness=1.0, night=0.5, exposure_ev=0.8,
                                  rain=1.5),
    "Fog": WeatherPreset(50, 35, (0.95, 0.95, 0.95), 1.0, **_GREY_SKY, sun_disc_deg=0.0,
                         ambient_sky=(0.45, 0.47, 0.5), ambient_ground=(0.15, 0.15, 0.15), fog_density=0.045,
                         fog_color=(0.5, 0.52, 0.55), wetness=0.3, night=0.0, exposure_ev=0.0),
    "Night": WeatherPreset(35, 120, (0.55, 0.65, 1.0), 0.04, sky_zenith=(0.002, 0.003, 0.008),
                           sky_horizon=(0.012, 0.015, 0.03), sky_ground=(0.005, 0.005, 0.005), sun_disc_deg=0.0,
                           ambient_sky=(0.012, 0.015, 0.03), ambient_ground=(0.004, 0.004, 0.004), fog_density=0.004,
                           fog_color=(0.02, 0.025, 0.04), wetness=0.0, night=1.0, exposure_ev=2.0),
}
WEATHER_PRESETS["HardRain"] = WEATHER_PRESETS["HardRainNoon"]


def sun_direction(elevation_deg: float, azimuth_deg: float) -> np.ndarray:
    """(3,) unit direction the light travels (from the sun towards the ground), world +Z up."""
    el, az = np.radians(elevation_deg), np.radians(azimuth_deg)
    to_sun = np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
    return -to_sun


#: World families under a roof: no rain falls there and no standing water forms.
SHELTERED_FAMILIES: tuple[str, ...] = ("interior",)


def reflective_wetness(wetness: float) -> tuple[float, float]:
    """(wettable surfaces, puddles) ``Material.wetness`` for a preset's ``wetness``: standing water
    (screen-space reflections) only from 0.5 on, where puddles appear; puddles reflect fully, wet
    roads and pavements half as much."""
    water = float(np.clip((wetness - 0.5) / 0.5, 0.0, 1.0))
    return 0.5 * water, water


def apply_weather(world: World, name: str) -> World:
    """Set ``world``'s sky, sun, fog, wetness, puddles, lamps and glows to preset ``name`` (in place, idempotent).

    Args:
        world: a built world; its dry material values are kept in ``world.wet`` so presets can be
            switched back and forth.
        name: one of :data:`WEATHER_PRESETS`.

    Returns:
        ``world`` (with ``world.weather = name``).
    """
    if name not in WEATHER_PRESETS:
        raise ValueError(f"unknown weather {name!r}; known: {', '.join(sorted(WEATHER_PRESETS))}")
    w = WEATHER_PRESETS[name]
    scene = world.scene
    sheltered = world.family in SHELTERED_FAMILIES
    scene.environment = Environment(
        sky_zenith=w.sky_zenith, sky_horizon=w.sky_horizon, sky_ground=w.sky_ground, sun_disc_deg=w.sun_disc_deg,
        # a hidden disc also gets zero intensity: the sky shader's disc test misbehaves at radius 0
        sun_disc_intensity=20.0 if w.sun_disc_deg > 0 else 0.0,
        ambient_sky=w.ambient_sky, ambient_ground=w.ambient_ground, fog_density=w.fog_density,
        fog_height_falloff=0.05, fog_height=0.0, fog_color=w.fog_color, exposure_ev=w.exposure_ev,
        rain=Rain(density=w.rain, seed=world.seed) if w.rain > 0 and not sheltered else None)
    scene.lights = [lt for lt in scene.lights if not isinstance(lt, DirectionalLight)]
    if w.sun_intensity > 0:
        scene.lights.insert(0, DirectionalLight(tuple(sun_direction(w.sun_elevation_deg, w.sun_azimuth_deg)),
                                                w.sun_color, w.sun_intensity, casts_shadows=True))
    lamp_on = float(np.clip((w.night - 0.25) / 0.75, 0.0, 1.0)) if w.night < 1 else 1.0
    for light, full in zip(world.lamps, world.lamp_intensity):
        light.intensity = full * lamp_on
    for g in world.glows:
        g.material.emissive = tuple(g.colour)
        g.material.emissive_strength = g.day + (g.night - g.day) * w.night
    wet_surface, wet_puddle = reflective_wetness(0.0 if sheltered else w.wetness)
    for mat, rough, base in world.wet:
        mat.wetness = wet_surface
        mat.roughness = float(rough * (1.0 - 0.75 * w.wetness) + 0.03 * w.wetness)
        dim = 1.0 - 0.35 * w.wetness
        mat.base_color = (base[0] * dim, base[1] * dim, base[2] * dim, base[3])
    ids = {id(p) for p in world.puddles}
    scene.instances = [i for i in scene.instances if id(i) not in ids]
    if w.wetness >= 0.5:
        scene.instances.extend(world.puddles)
    for p in world.puddles:
        p.material.wetness = wet_puddle
    world.weather = name
    world.metadata["weather"] = name
    return world
