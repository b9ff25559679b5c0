"""Procedural game worlds: textures, meshes, scene families, weather, camera paths, glTF import."""

__all__: list[str] = []
