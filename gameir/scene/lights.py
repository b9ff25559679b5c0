"""Analytic lights and the environment (sky, ambient, height fog, exposure). Linear RGB, metres."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gameir.scene.rain import Rain

__all__ = ["DirectionalLight", "PointLight", "SpotLight", "Environment", "Light"]


def _vec3(owner: str, name: str, value: Any, *, unit: bool = False, nonneg: bool = False) -> tuple[float, float, float]:
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    if arr.shape != (3,) or not np.isfinite(arr).all():
        raise ValueError(f"{owner}: {name} must be 3 finite numbers, got {value!r}")
    if nonneg and (arr < 0).any():
        raise ValueError(f"{owner}: {name} must be >= 0, got {value!r}")
    if unit:
        n = np.linalg.norm(arr)
        if not n > 1e-12:
            raise ValueError(f"{owner}: {name} must be a non-zero vector, got {value!r}")
        arr = arr / n
    return (float(arr[0]), float(arr[1]), float(arr[2]))


def _scalar(owner: str, name: str, value: Any, lo: float = 0.0, hi: float = math.inf) -> float:
    v = float(value)
    if not (lo <= v <= hi) or math.isnan(v):
        raise ValueError(f"{owner}: {name} must lie in [{lo}, {hi}], got {value!r}")
    return v


@dataclass(eq=False)
class DirectionalLight:
    """The sun: parallel light.

    Attributes:
        direction: (3,) world direction the light travels (from the sun towards the scene),
            normalised on construction; e.g. (0.3, 0.2, -1) is a high sun.
        color: linear RGB, >= 0.
        intensity: irradiance scale on a surface facing the sun (linear radiance units).
        casts_shadows: render a shadow map (only the first shadow-casting sun gets one).
    """

    direction: tuple[float, float, float] = (0.3, 0.2, -1.0)
    color: tuple[float, float, float] = (1.0, 0.96, 0.9)
    intensity: float = 3.0
    casts_shadows: bool = True

    def __post_init__(self) -> None:
        self.direction = _vec3("DirectionalLight", "direction", self.direction, unit=True)
        self.color = _vec3("DirectionalLight", "color", self.color, nonneg=True)
        self.intensity = _scalar("DirectionalLight", "intensity", self.intensity)


@dataclass(eq=False)
class PointLight:
    """Omnidirectional light with inverse-square falloff windowed to zero at ``range``.

    Attributes:
        position: (3,) world position, metres.
        color: linear RGB, >= 0.
        intensity: radiant intensity scale (irradiance at 1 m, before windowing).
        range: distance in metres where the light reaches zero (UE4 windowing
            ``saturate(1 - (d/range)^4)^2``).
    """

    position: tuple[float, float, float] = (0.0, 0.0, 3.0)
    color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    intensity: float = 10.0
    range: float = 20.0

    def __post_init__(self) -> None:
        self.position = _vec3("PointLight", "position", self.position)
        self.color = _vec3("PointLight", "color", self.color, nonneg=True)
        self.intensity = _scalar("PointLight", "intensity", self.intensity)
        self.range = _scalar("PointLight", "range", self.range, 1e-6)


@dataclass(eq=False)
class SpotLight:
    """Point light restricted to a cone, smooth between the inner and outer cone angles.

    Attributes:
        position: (3,) world position, metres. direction: (3,) cone axis (normalised).
        color, intensity, range: as :class:`PointLight`.
        inner_cone_deg, outer_cone_deg: half-angles in degrees, 0 <= inner < outer <= 90.
    """

    position: tuple[float, float, float] = (0.0, 0.0, 5.0)
    direction: tuple[float, float, float] = (0.0, 0.0, -1.0)
    color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    intensity: float = 20.0
    range: float = 30.0
    inner_cone_deg: float = 20.0
    outer_cone_deg: float = 30.0

    def __post_init__(self) -> None:
        self.position = _vec3("SpotLight", "position", self.position)
        self.direction = _vec3("SpotLight", "direction", self.direction, unit=True)
        self.color = _vec3("SpotLight", "color", self.color, nonneg=True)
        self.intensity = _scalar("SpotLight", "intensity", self.intensity)
        self.range = _scalar("SpotLight", "range", self.range, 1e-6)
        self.outer_cone_deg = _scalar("SpotLight", "outer_cone_deg", self.outer_cone_deg, 1e-3, 90.0)
        self.inner_cone_deg = _scalar("SpotLight", "inner_cone_deg", self.inner_cone_deg, 0.0, self.outer_cone_deg)
        if self.inner_cone_deg >= self.outer_cone_deg:
            raise ValueError(f"SpotLight: inner_cone_deg ({self.inner_cone_deg}) must be < outer_cone_deg "
                             f"({self.outer_cone_deg})")


Light = DirectionalLight | PointLight | SpotLight


@dataclass(eq=False)
class Environment:
    """Sky, ambient light, height fog and exposure. Colours are linear RGB.

    Attributes:
        sky_zenith, sky_horizon: procedural sky gradient (radiance, linear units).
        sky_ground: colour of the sky dome below the horizon.
        sun_disc_deg: angular radius of the sun disc in degrees (0 disables the disc); the disc
            takes the direction and colour of the first :class:`DirectionalLight`.
        sun_disc_intensity: radiance of the disc relative to the light's intensity.
        ambient_sky, ambient_ground: hemispherical ambient light (world +Z = sky), linear RGB.
        fog_density: exponential height fog density at ``fog_height`` in 1/m (0 disables fog).
        fog_height_falloff: density falls as exp(-falloff * (z - fog_height)), 1/m.
        fog_height: reference height in metres (world Z).
        fog_color: linear RGB in-scattered colour.
        exposure_ev: exposure compensation; radiance is multiplied by 2^EV before tone mapping.
        rain: falling rain streaks (:class:`gameir.scene.rain.Rain`), or None for none.
    """

    sky_zenith: tuple[float, float, float] = (0.18, 0.36, 0.85)
    sky_horizon: tuple[float, float, float] = (0.65, 0.78, 0.95)
    sky_ground: tuple[float, float, float] = (0.25, 0.24, 0.22)
    sun_disc_deg: float = 0.5
    sun_disc_intensity: float = 20.0
    ambient_sky: tuple[float, float, float] = (0.30, 0.38, 0.50)
    ambient_ground: tuple[float, float, float] = (0.12, 0.10, 0.08)
    fog_density: float = 0.0
    fog_height_falloff: float = 0.1
    fog_height: float = 0.0
    fog_color: tuple[float, float, float] = (0.6, 0.7, 0.8)
    exposure_ev: float = 0.0
    rain: Rain | None = None

    def __post_init__(self) -> None:
        if self.rain is not None and not isinstance(self.rain, Rain):
            raise TypeError(f"Environment: rain must be a gameir.scene.rain.Rain or None, got {type(self.rain).__name__}")
        for name in ("sky_zenith", "sky_horizon", "sky_ground", "ambient_sky", "ambient_ground", "fog_color"):
            setattr(self, name, _vec3("Environment", name, getattr(self, name), nonneg=True))
        self.sun_disc_deg = _scalar("Environment", "sun_disc_deg", self.sun_disc_deg, 0.0, 20.0)
        self.sun_disc_intensity = _scalar("Environment", "sun_disc_intensity", self.sun_disc_intensity)
        self.fog_density = _scalar("Environment", "fog_density", self.fog_density)
        self.fog_height_falloff = _scalar("Environment", "fog_height_falloff", self.fog_height_falloff)
        self.fog_height = _scalar("Environment", "fog_height", self.fog_height, -math.inf)
        self.exposure_ev = _scalar("Environment", "exposure_ev", self.exposure_ev, -30.0, 30.0)
