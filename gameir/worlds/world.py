"""`World`: a built scene plus what camera paths and weather need (lanes, obstacles, lamps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from gameir.scene import Instance, Material, Mesh, PointLight, Scene, SpotLight
from gameir.scene.scene import MAX_INSTANCE_ID, Transform
from gameir.worlds.materials import MaterialLibrary
from gameir.worlds.paths import Polyline

__all__ = ["World", "WorldBuilder", "Glow"]


@dataclass
class Glow:
    """An emissive material whose strength depends on the time of day (lit windows, lamp bulbs).

    Attributes:
        material: the scene material (modified in place by weather presets).
        colour: linear RGB emissive colour.
        day: emissive strength by day; night: at night.
    """

    material: Material
    colour: tuple[float, float, float]
    day: float
    night: float


@dataclass(eq=False)
class World:
    """A procedural world: the scene and the information to move cameras and set weather.

    Attributes:
        scene: the :class:`gameir.scene.Scene` to render.
        family: ``"town"``, ``"nature"`` or ``"interior"``; seed: layout seed.
        weather: name of the applied weather preset; dynamic: actors move (False = frozen at t = 0).
        detail: detail level name (texture size, object counts).
        obstacles: (N, 2, 3) float64 world-space AABBs [min, max] of static solid geometry, metres.
        lanes: drivable lanes (loops, direction of travel) for vehicles and vehicle-mounted cameras.
        walkways: pedestrian paths (open or closed polylines at ground height).
        focus: (3,) a point of interest (orbit / multi-view rig target), metres.
        extent: (2, 2) [[x_min, y_min], [x_max, y_max]] of the playable area, metres.
        lamps: point/spot lights that are on at night (weather scales their intensity).
        lamp_intensity: their full (night) intensities, same order.
        glows: emissive materials driven by the time of day.
        wet: (material, dry roughness, dry base colour) of surfaces that weather makes darker and
            glossier when wet.
        texture_bytes: GPU bytes of all textures (RGBA8 + mips).
        metadata: JSON-serialisable summary (counts, parameters, build time).
        terrain: None or (origin (2,), size (2,), heights (R, C)) of a heightfield ground, metres.
        puddles: puddle decals, in ``scene.instances`` only while the weather is wet (wetness >= 0.5).
        pedestrians: walking figures (:class:`gameir.worlds.pedestrians.Walker`; dynamic worlds only).
    """

    scene: Scene
    family: str
    seed: int
    weather: str
    dynamic: bool
    detail: str
    obstacles: np.ndarray
    lanes: list[Polyline]
    walkways: list[Polyline]
    focus: np.ndarray
    extent: np.ndarray
    lamps: list[PointLight | SpotLight] = field(default_factory=list)
    lamp_intensity: list[float] = field(default_factory=list)
    glows: list[Glow] = field(default_factory=list)
    wet: list[tuple[Material, float, tuple[float, float, float, float]]] = field(default_factory=list)
    texture_bytes: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    terrain: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    puddles: list[Instance] = field(default_factory=list)
    pedestrians: list[Any] = field(default_factory=list)

    def ground_height(self, xy: np.ndarray) -> np.ndarray:
        """Terrain height in metres under each (x, y) (bilinear in :attr:`terrain`; 0 without terrain).

        Args:
            xy: (P, 2) world positions, metres.

        Returns:
            (P,) float64.
        """
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        if self.terrain is None:
            return np.zeros(len(xy))
        origin, size, h = self.terrain
        rows, cols = h.shape
        fx = np.clip((xy[:, 0] - origin[0]) / size[0] * (cols - 1), 0, cols - 1.000001)
        fy = np.clip((xy[:, 1] - origin[1]) / size[1] * (rows - 1), 0, rows - 1.000001)
        c0, r0 = np.floor(fx).astype(int), np.floor(fy).astype(int)
        ax, ay = fx - c0, fy - r0
        top = h[r0, c0] * (1 - ax) + h[r0, c0 + 1] * ax
        bot = h[r0 + 1, c0] * (1 - ax) + h[r0 + 1, c0 + 1] * ax
        return top * (1 - ay) + bot * ay

    def clearance(self, points: np.ndarray) -> np.ndarray:
        """Distance in metres from each point to the nearest static obstacle box (0 inside one),
        or to the terrain below it where that is closer (0 under the terrain).

        Args:
            points: (P, 3) world positions.

        Returns:
            (P,) float64.
        """
        p = np.asarray(points, np.float64).reshape(-1, 3)
        above = np.full(len(p), np.inf) if self.terrain is None else np.maximum(p[:, 2] - self.ground_height(p[:, :2]), 0.0)
        if len(self.obstacles) == 0:
            return above
        lo, hi = self.obstacles[None, :, 0], self.obstacles[None, :, 1]
        d = np.maximum(np.maximum(lo - p[:, None], p[:, None] - hi), 0.0)
        return np.minimum(np.linalg.norm(d, axis=-1).min(axis=1), above)


def _box_corners(mesh: Mesh) -> np.ndarray:
    """(8, 3) float64 corners of the mesh's object-space bounding box."""
    lo, hi = mesh.positions.min(0).astype(np.float64), mesh.positions.max(0).astype(np.float64)
    return np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])


def _world_aabb(corners: np.ndarray, m: np.ndarray) -> np.ndarray:
    w = corners @ m[:3, :3].T + m[:3, 3]
    return np.stack([w.min(0), w.max(0)])


class WorldBuilder:
    """Accumulates instances, ids, obstacles and lights while a scene family is generated.

    Args:
        family, seed, detail: recorded in the World.
        texture_size: generated texture side in pixels.
        dynamic: whether moving actors get time-dependent transforms.
        material_detail: metallic-roughness, emissive and detail maps, stochastic tiling and decals
            (from their own random stream: the layout and colour textures do not change with it).
    """

    def __init__(self, family: str, seed: int, detail: str, texture_size: int, dynamic: bool,
                 material_detail: bool = True) -> None:
        self.family, self.seed, self.detail, self.dynamic = family, int(seed), detail, bool(dynamic)
        self.rng = np.random.default_rng([int(seed), sum(map(ord, family))])
        self.material_detail = bool(material_detail)
        detail_rng = np.random.default_rng([int(seed), sum(map(ord, family)), 0x3A7]) if material_detail else None
        self.lib = MaterialLibrary(np.random.default_rng([int(seed), 7]), texture_size, detail_rng)
        self.scene = Scene(name=f"{family}-{seed}")
        self._next_id = 1
        self._meshes: dict[str, Mesh] = {}
        self._corners: dict[int, tuple[Mesh, np.ndarray]] = {}  # id(mesh) -> (mesh, bounding-box corners)
        self.obstacles: list[np.ndarray] = []
        self.lanes: list[Polyline] = []
        self.walkways: list[Polyline] = []
        self.lamps: list[PointLight | SpotLight] = []
        self.glows: list[Glow] = []
        self.wet: list[tuple[Material, float, tuple[float, float, float, float]]] = []
        self.counts: dict[str, int] = {}
        self.puddles: list[Instance] = []
        self.pedestrians: list[Any] = []
        self.dressing = True  # whether gameir.worlds.dressing adds its instanced detail

    def new_id(self) -> int:
        """Next unused instance id (1..65535); one id per object, shared by its parts."""
        if self._next_id > MAX_INSTANCE_ID:
            raise ValueError(f"world {self.family}-{self.seed}: more than {MAX_INSTANCE_ID} objects")
        self._next_id += 1
        return self._next_id - 1

    def mesh(self, key: str, factory: Callable[[], Any], draw_distance_m: float | None = None) -> Mesh:
        """Shared Mesh for ``key`` (built once from ``factory()``, named ``key``): GL instancing.

        ``draw_distance_m``: the renderer skips instances farther than this from the camera
        (:attr:`gameir.scene.Mesh.draw_distance_m`; None draws them at any distance).
        """
        if key not in self._meshes:
            mesh = factory().named(key)
            mesh.draw_distance_m = None if draw_distance_m is None else float(draw_distance_m)
            self._meshes[key] = mesh
        return self._meshes[key]

    def add(self, mesh: Mesh, material: Material, transform: Transform, semantic: int, instance_id: int,
            name: str, solid: bool = True) -> Instance:
        """Place ``mesh``; static solid geometry also becomes a collision box for camera paths."""
        inst = Instance(mesh, material, transform, semantic, instance_id, name)
        self.scene.add(inst)
        kind = name.split(":")[0]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if solid and not callable(transform):
            corners = self._corners.get(id(mesh))
            if corners is None or corners[0] is not mesh:
                corners = self._corners[id(mesh)] = (mesh, _box_corners(mesh))
            self.obstacles.append(_world_aabb(corners[1], np.asarray(transform, np.float64)))
        return inst

    def puddle(self, mesh: Mesh, material: Material, transform: np.ndarray, semantic: int, instance_id: int) -> None:
        """Register a puddle decal (added to the scene by wet weather presets only)."""
        self.puddles.append(Instance(mesh, material, transform, semantic, instance_id, "puddle"))

    def glow(self, material: Material, colour: tuple[float, float, float], day: float, night: float) -> Material:
        """Register ``material`` as time-of-day emissive (its emissive colour is set to ``colour``)."""
        if not any(g.material is material for g in self.glows):
            self.glows.append(Glow(material, colour, day, night))
        return material

    def wettable(self, material: Material) -> Material:
        """Register ``material`` as one whose roughness drops when the weather is wet."""
        if not any(w[0] is material for w in self.wet):
            self.wet.append((material, float(material.roughness), tuple(material.base_color)))
        return material

    def lamp(self, light: PointLight | SpotLight) -> None:
        """Register a night light (added to the scene; weather sets its intensity)."""
        self.lamps.append(light)
        self.scene.add(light)

    def finish(self, focus: np.ndarray, extent: np.ndarray, metadata: dict[str, Any],
               terrain: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> World:
        """Assemble the :class:`World` (weather not applied yet: ``weather`` is ``"none"``)."""
        obstacles = np.stack(self.obstacles) if self.obstacles else np.zeros((0, 2, 3))
        meta = {"family": self.family, "seed": self.seed, "detail": self.detail, "dynamic": self.dynamic,
                "instances": len(self.scene.instances), "objects": self._next_id - 1,
                "unique_meshes": len(self._meshes), "triangles": self.scene.num_triangles,
                "texture_bytes": self.lib.texture_bytes, "lights": len(self.scene.lights),
                "counts": dict(sorted(self.counts.items())), **metadata}
        return World(self.scene, self.family, self.seed, "none", self.dynamic, self.detail, obstacles,
                     self.lanes, self.walkways, np.asarray(focus, np.float64), np.asarray(extent, np.float64),
                     self.lamps, [float(lt.intensity) for lt in self.lamps], self.glows, self.wet,
                     self.lib.texture_bytes, meta, terrain, self.puddles, self.pedestrians)
