"""glTF 2.0 import (and export of generated meshes) through trimesh, mapped to our PBR materials.

Import maps each mesh primitive to a :class:`gameir.scene.Mesh` and each glTF material to a
:class:`gameir.scene.Material`: baseColorFactor/-Texture, metallicFactor, roughnessFactor,
normalTexture (+ scale), metallicRoughnessTexture, emissiveFactor/-Texture, alphaMode MASK
(alphaCutoff) and doubleSided. Features our material model does not have (occlusionTexture,
alphaMode BLEND, vertex colours, animations, skins, morph targets, cameras, lights, unknown
extensions) are skipped with one warning each. glTF is +Y up; with ``y_up=True`` (default)
positions are turned into our +Z-up world. trimesh is an optional dependency:
``pip install gameir[gltf]`` (or ``pip install trimesh``).
"""

from __future__ import annotations

import json
import os
import struct
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from gameir.scene import Instance, Material, Mesh, Texture

__all__ = ["Y_UP_TO_Z_UP", "GltfWarning", "import_gltf", "to_trimesh", "export_gltf"]

#: (4, 4) rotation taking glTF's +Y-up frame to our +Z-up world: (x, y, z) -> (x, -z, y).
Y_UP_TO_Z_UP = np.array([[1.0, 0, 0, 0], [0, 0, -1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])

#: Extensions whose absence of support changes nothing visible or that trimesh already applies.
_HARMLESS_EXTENSIONS = {"KHR_materials_emissive_strength", "KHR_mesh_quantization"}


class GltfWarning(UserWarning):
    """A glTF feature was skipped on import."""


def _trimesh():
    try:
        import trimesh
    except ImportError as exc:
        raise ImportError("glTF import/export needs trimesh: pip install 'gameir[gltf]' (or pip install trimesh)") from exc
    return trimesh


def _gltf_json(path: Path) -> dict[str, Any]:
    """The JSON part of a .gltf or .glb file (for feature detection only)."""
    data = path.read_bytes()
    if data[:4] == b"glTF":
        if len(data) < 20:
            raise ValueError(f"{path}: truncated GLB header")
        length, ctype = struct.unpack_from("<II", data, 12)
        if ctype != 0x4E4F534A:
            raise ValueError(f"{path}: first GLB chunk is not JSON")
        return json.loads(data[20:20 + length])
    return json.loads(data.decode("utf-8"))


def _warn_unsupported(path: Path, doc: dict[str, Any]) -> None:
    for key, what in (("animations", "animations"), ("skins", "skins"), ("cameras", "cameras")):
        if doc.get(key):
            warnings.warn(f"{path}: {len(doc[key])} glTF {what} skipped (static geometry only)", GltfWarning,
                          stacklevel=3)
    if any(p.get("targets") for m in doc.get("meshes", []) for p in m.get("primitives", [])):
        warnings.warn(f"{path}: morph targets skipped (base shape used)", GltfWarning, stacklevel=3)
    for ext in sorted(set(doc.get("extensionsUsed", [])) - _HARMLESS_EXTENSIONS):
        warnings.warn(f"{path}: extension {ext} not supported, skipped", GltfWarning, stacklevel=3)
    for i, mat in enumerate(doc.get("materials", [])):
        pbr = mat.get("pbrMetallicRoughness", {})
        name = mat.get("name", f"#{i}")
        if "occlusionTexture" in mat:
            warnings.warn(f"{path}: material {name!r}: occlusionTexture skipped (no occlusion in the material model)",
                          GltfWarning, stacklevel=3)
        if mat.get("alphaMode") == "BLEND":
            warnings.warn(f"{path}: material {name!r}: alphaMode BLEND rendered as MASK (cutoff 0.5)", GltfWarning,
                          stacklevel=3)


def _texture(image: Any, srgb: bool, name: str) -> Texture | None:
    if image is None:
        return None
    arr = np.asarray(image.convert("RGBA"), dtype=np.uint8)
    return Texture(arr, srgb=srgb, name=name)


def _material(tm_mat: Any, visual: Any, name: str, doc_mat: dict[str, Any] | None) -> Material:
    """Our Material from a trimesh PBRMaterial (or a plain colour visual)."""
    if tm_mat is None or not hasattr(tm_mat, "baseColorFactor"):
        colour = None
        if visual is not None and getattr(visual, "kind", None) in ("vertex", "face"):
            warnings.warn(f"{name}: vertex/face colours reduced to their mean colour", GltfWarning, stacklevel=3)
            colour = np.asarray(visual.main_color, np.float64) / 255.0
        bc = (0.8, 0.8, 0.8, 1.0) if colour is None else tuple(colour)
        return Material(base_color=bc, name=name)
    factor = tm_mat.baseColorFactor
    bc = (1.0, 1.0, 1.0, 1.0) if factor is None else tuple(np.asarray(factor, np.float64) / 255.0)
    emissive = tm_mat.emissiveFactor
    alpha_mode = (doc_mat or {}).get("alphaMode", getattr(tm_mat, "alphaMode", None) or "OPAQUE")
    cutoff = None
    if alpha_mode in ("MASK", "BLEND"):
        cutoff = float(tm_mat.alphaCutoff if tm_mat.alphaCutoff is not None and alpha_mode == "MASK" else 0.5)
    normal_scale = float(((doc_mat or {}).get("normalTexture") or {}).get("scale", 1.0))
    return Material(
        base_color=bc,
        base_color_texture=_texture(tm_mat.baseColorTexture, True, name + "_basecolor"),
        roughness=float(1.0 if tm_mat.roughnessFactor is None else tm_mat.roughnessFactor),
        metallic=float(1.0 if tm_mat.metallicFactor is None else tm_mat.metallicFactor),
        emissive=(0.0, 0.0, 0.0) if emissive is None else tuple(float(v) for v in np.asarray(emissive).reshape(-1)[:3]),
        normal_texture=_texture(tm_mat.normalTexture, False, name + "_normal"),
        metallic_roughness_texture=_texture(getattr(tm_mat, "metallicRoughnessTexture", None), False, name + "_mr"),
        emissive_texture=_texture(getattr(tm_mat, "emissiveTexture", None), True, name + "_emissive"),
        normal_scale=normal_scale, alpha_cutoff=cutoff, two_sided=bool(tm_mat.doubleSided),
        name=name)


def import_gltf(path: str | os.PathLike, *, y_up: bool = True, transform: np.ndarray | None = None,
                semantic: int = 0, first_instance_id: int = 1) -> list[Instance]:
    """Load a .gltf/.glb file as scene instances (one per mesh primitive and node).

    Args:
        path: the file.
        y_up: the file uses glTF's +Y-up convention (default); rotate it into our +Z-up world.
        transform: extra (4, 4) object-to-world placement applied after the file's node transforms.
        semantic: semantic tag id for every instance (:mod:`gameir.semantics`).
        first_instance_id: instance id of the first node; each node gets the next id (0 = none for all).

    Returns:
        Instances sharing Mesh/Material objects where the file reuses a mesh (GL instancing).

    Raises:
        FileNotFoundError: no such file. ValueError: not a glTF file or no triangle geometry.
        ImportError: trimesh is not installed (names the pip command).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such glTF file")
    if path.suffix.lower() not in (".gltf", ".glb"):
        raise ValueError(f"{path}: expected a .gltf or .glb file")
    doc = _gltf_json(path)
    _warn_unsupported(path, doc)
    trimesh = _trimesh()
    scene = trimesh.load(str(path), force="scene", process=False)
    base = np.eye(4) if transform is None else np.asarray(transform, np.float64)
    if base.shape != (4, 4):
        raise ValueError(f"transform: expected (4, 4), got {base.shape}")
    if y_up:
        base = base @ Y_UP_TO_Z_UP
    doc_mats = {m.get("name"): m for m in doc.get("materials", []) if m.get("name")}
    meshes: dict[str, tuple[Mesh, Material]] = {}
    out: list[Instance] = []
    next_id = int(first_instance_id)
    order = {n.get("name"): k for k, n in enumerate(doc.get("nodes", [])) if n.get("name")}
    nodes = sorted(scene.graph.nodes_geometry, key=lambda nd: (order.get(nd, len(order)), str(nd)))
    for node in nodes:  # file order, so instance ids follow the file
        node_tf, geom_name = scene.graph[node]
        geom = scene.geometry[geom_name]
        if not hasattr(geom, "faces") or len(geom.faces) == 0:
            warnings.warn(f"{path}: node {node!r} has no triangles (points/lines skipped)", GltfWarning, stacklevel=2)
            continue
        if geom_name not in meshes:
            visual = getattr(geom, "visual", None)
            uv = getattr(visual, "uv", None)
            uvs = None
            if uv is not None and len(uv) == len(geom.vertices):
                uvs = np.asarray(uv, np.float64).copy()
                uvs[:, 1] = 1.0 - uvs[:, 1]  # trimesh flips glTF v on load; our Mesh keeps glTF's v-down
            tm_mat = getattr(visual, "material", None)
            mname = getattr(tm_mat, "name", None) or f"{path.stem}:{geom_name}"
            mat = _material(tm_mat, visual, mname, doc_mats.get(getattr(tm_mat, "name", None)))
            mesh = Mesh(np.asarray(geom.vertices, np.float32), np.asarray(geom.faces, np.int64),
                        normals=np.asarray(geom.vertex_normals, np.float32), uvs=uvs, name=f"{path.stem}:{geom_name}")
            meshes[geom_name] = (mesh, mat)
        mesh, mat = meshes[geom_name]
        iid = next_id if first_instance_id else 0
        out.append(Instance(mesh, mat, base @ np.asarray(node_tf, np.float64), semantic, iid, f"gltf:{node}"))
        next_id += 1 if first_instance_id else 0
    if not out:
        raise ValueError(f"{path}: no triangle geometry found")
    return out


def to_trimesh(mesh: Mesh, material: Material, *, z_up_to_y_up: bool = True) -> Any:
    """A ``trimesh.Trimesh`` with a glTF PBR material from our Mesh and Material (for export).

    Base colour (factor and texture), roughness, metallic (factors and metallic-roughness texture),
    emissive (factor and texture), normal texture, alpha cutoff and double-sidedness are written;
    ``specular``, ``emissive_strength``, the detail texture, ``tile_variation`` and ``decal`` have no
    core glTF field and are dropped.
    """
    trimesh = _trimesh()
    from PIL import Image
    from trimesh.visual.material import PBRMaterial
    from trimesh.visual.texture import TextureVisuals

    p = mesh.positions.astype(np.float64)
    n = mesh.normals.astype(np.float64)
    if z_up_to_y_up:
        r = np.linalg.inv(Y_UP_TO_Z_UP)[:3, :3]
        p, n = p @ r.T, n @ r.T
    uv = mesh.uvs.astype(np.float64).copy()
    uv[:, 1] = 1.0 - uv[:, 1]  # trimesh expects v-up and flips it back when writing glTF
    tex = material.base_color_texture
    ntex = material.normal_texture
    mr, em = material.metallic_roughness_texture, material.emissive_texture
    pbr = PBRMaterial(
        name=material.name,
        baseColorFactor=np.round(np.asarray(material.base_color) * 255).astype(np.uint8),
        baseColorTexture=Image.fromarray(tex.data, "RGBA") if tex is not None else None,
        metallicFactor=material.metallic, roughnessFactor=material.roughness,
        emissiveFactor=list(material.emissive),
        normalTexture=Image.fromarray(ntex.data, "RGBA") if ntex is not None else None,
        metallicRoughnessTexture=Image.fromarray(mr.data, "RGBA") if mr is not None else None,
        emissiveTexture=Image.fromarray(em.data[..., :3], "RGB") if em is not None else None,
        alphaMode="MASK" if material.alpha_cutoff is not None else "OPAQUE",
        alphaCutoff=material.alpha_cutoff, doubleSided=material.two_sided)
    return trimesh.Trimesh(vertices=p, faces=mesh.indices.astype(np.int64), vertex_normals=n,
                           visual=TextureVisuals(uv=uv, material=pbr), process=False)


def export_gltf(items: list[tuple[Mesh, Material, np.ndarray]], path: str | os.PathLike) -> Path:
    """Write ``(mesh, material, object-to-world)`` triples as one .glb/.gltf file (+Y up), atomically.

    Returns:
        The written path.
    """
    from gameir.fileio import atomic_write_bytes

    trimesh = _trimesh()
    path = Path(path)
    if path.suffix.lower() not in (".glb", ".gltf"):
        raise ValueError(f"{path}: export_gltf writes .glb or .gltf files")
    scene = trimesh.Scene()
    to_y = np.linalg.inv(Y_UP_TO_Z_UP)
    for k, (mesh, mat, tf) in enumerate(items):
        scene.add_geometry(to_trimesh(mesh, mat, z_up_to_y_up=False), node_name=f"node{k}", geom_name=f"{mesh.name}{k}",
                           transform=to_y @ np.asarray(tf, np.float64))
    data = scene.export(file_type="glb" if path.suffix.lower() == ".glb" else "gltf")
    if isinstance(data, dict):  # .gltf export returns {filename: bytes}; keep it single-file only
        raise ValueError(f"{path}: only .glb export is supported (a .gltf needs side files)")
    atomic_write_bytes(path, data)
    return path
