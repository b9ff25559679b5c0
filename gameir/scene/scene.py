"""Instances and scenes: what is drawn, where, with which labels (plain data, no GL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

import numpy as np

from gameir.scene.lights import DirectionalLight, Environment, PointLight, SpotLight
from gameir.scene.material import Material
from gameir.scene.mesh import Mesh

__all__ = ["Instance", "Scene", "Transform", "MAX_INSTANCE_ID"]

#: Object-to-world (4, 4) matrix in metres, or a function of time (seconds) returning one.
Transform = Union[np.ndarray, Callable[[float], np.ndarray]]

#: Largest instance id (stored as uint16).
MAX_INSTANCE_ID = 65535


@dataclass(eq=False)
class Instance:
    """One placed copy of a mesh.

    Attributes:
        mesh: the geometry; instances sharing one Mesh and one Material object are drawn in one
            instanced GL draw call.
        material: surface properties.
        transform: object-to-world (4, 4) matrix (metres, world +Z up) or a callable
            ``t -> (4, 4)`` evaluated at the render time (and at ``t - dt`` for motion vectors).
        semantic: semantic tag id (:mod:`gameir.semantics`, 0..28; 0 = unlabeled).
        instance_id: 1..65535, or 0 for "no instance" (e.g. ground, buildings).
        name: label used in error messages.
    """

    mesh: Mesh
    material: Material = field(default_factory=Material)
    transform: Transform = field(default_factory=lambda: np.eye(4))
    semantic: int = 0
    instance_id: int = 0
    name: str = "instance"

    def __post_init__(self) -> None:
        if not isinstance(self.mesh, Mesh):
            raise TypeError(f"instance {self.name!r}: mesh must be a Mesh, got {type(self.mesh).__name__}")
        if self.mesh.num_triangles == 0:
            raise ValueError(f"instance {self.name!r}: mesh {self.mesh.name!r} has no triangles (nothing to draw)")
        if not isinstance(self.material, Material):
            raise TypeError(f"instance {self.name!r}: material must be a Material, got {type(self.material).__name__}")
        if int(self.semantic) != self.semantic or not 0 <= self.semantic <= 255:
            raise ValueError(f"instance {self.name!r}: semantic must be an integer tag id in 0..255, got {self.semantic!r}")
        if int(self.instance_id) != self.instance_id or not 0 <= self.instance_id <= MAX_INSTANCE_ID:
            raise ValueError(f"instance {self.name!r}: instance_id must be an integer in 0..{MAX_INSTANCE_ID}, "
                             f"got {self.instance_id!r}")
        self.semantic, self.instance_id = int(self.semantic), int(self.instance_id)
        if not callable(self.transform):
            self.transform = np.asarray(self.transform, dtype=np.float64)
            self.transform_at(0.0)  # validate now for static transforms

    @property
    def is_dynamic(self) -> bool:
        """Whether the transform depends on time."""
        return callable(self.transform)

    def transform_at(self, t: float) -> np.ndarray:
        """Object-to-world (4, 4) float64 at time ``t`` seconds; ValueError naming the instance if bad."""
        m = self.transform(t) if callable(self.transform) else self.transform
        m = np.asarray(m, dtype=np.float64)
        if m.shape != (4, 4):
            raise ValueError(f"instance {self.name!r}: transform at t={t} must be (4, 4), got {m.shape}")
        if not np.isfinite(m).all():
            raise ValueError(f"instance {self.name!r}: transform at t={t} has NaN/inf entries")
        if abs(np.linalg.det(m[:3, :3])) < 1e-18:
            raise ValueError(f"instance {self.name!r}: transform at t={t} is singular")
        return m


@dataclass(eq=False)
class Scene:
    """Everything the renderer draws.

    Attributes:
        instances: placed meshes.
        lights: DirectionalLight / PointLight / SpotLight objects.
        environment: sky, ambient, fog and exposure.
        name: label used in error messages and frame settings.
    """

    instances: list[Instance] = field(default_factory=list)
    lights: list[DirectionalLight | PointLight | SpotLight] = field(default_factory=list)
    environment: Environment = field(default_factory=Environment)
    name: str = "scene"

    def add(self, obj: Instance | DirectionalLight | PointLight | SpotLight | Environment):
        """Add an instance or a light, or replace the environment; returns ``obj``."""
        if isinstance(obj, Instance):
            self.instances.append(obj)
        elif isinstance(obj, (DirectionalLight, PointLight, SpotLight)):
            self.lights.append(obj)
        elif isinstance(obj, Environment):
            self.environment = obj
        else:
            raise TypeError(f"scene {self.name!r}: cannot add {type(obj).__name__}; expected Instance, "
                            "DirectionalLight, PointLight, SpotLight or Environment")
        return obj

    @property
    def sun(self) -> DirectionalLight | None:
        """The first directional light, or None."""
        return next((light for light in self.lights if isinstance(light, DirectionalLight)), None)

    @property
    def num_triangles(self) -> int:
        return sum(inst.mesh.num_triangles for inst in self.instances)

    def validate(self, t: float = 0.0, dt: float | None = None) -> None:
        """Raise ``ValueError`` if the scene is empty or an instance's transform is bad at ``t``
        (and at ``t - dt`` when given); the message names the instance."""
        if not self.instances:
            raise ValueError(f"scene {self.name!r} is empty: add at least one Instance before rendering")
        for inst in self.instances:
            inst.transform_at(t)
            if dt is not None and inst.is_dynamic:
                inst.transform_at(t - dt)

    def batches(self) -> dict[tuple[int, int], list[Instance]]:
        """Instances grouped by (mesh, material) identity, in first-seen order (one draw call each)."""
        groups: dict[tuple[int, int], list[Instance]] = {}
        for inst in self.instances:
            groups.setdefault((id(inst.mesh), id(inst.material)), []).append(inst)
        return groups
