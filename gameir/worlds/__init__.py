"""Procedural game worlds: textures, meshes, scene families, weather, camera paths, glTF import.

Entry point: :func:`build_world` (``family`` in :data:`FAMILIES`, ``seed``, ``weather``,
``dynamic``, ``detail``) returns a :class:`World` whose ``scene`` the renderer draws; camera
paths and multi-view rigs come from :mod:`gameir.worlds.cameras`. No GL, h5py or torch here.
"""

from gameir.worlds.build import FAMILIES, build_world
from gameir.worlds.cameras import (PATH_KINDS, CameraPath, MultiViewRig, fly_path, make_path, multiview_rig,
                                   orbit_path, rig_along_path, rig_around, vehicle_path, walk_path)
from gameir.worlds.census import world_census
from gameir.worlds.gltf import GltfWarning, export_gltf, import_gltf
from gameir.worlds.weather import WEATHER_PRESETS, WeatherPreset, apply_weather
from gameir.worlds.world import World

__all__ = [
    "FAMILIES", "build_world", "World", "world_census",
    "WEATHER_PRESETS", "WeatherPreset", "apply_weather",
    "PATH_KINDS", "CameraPath", "MultiViewRig", "make_path", "vehicle_path", "walk_path", "orbit_path", "fly_path",
    "multiview_rig", "rig_around", "rig_along_path",
    "GltfWarning", "import_gltf", "export_gltf",
]
