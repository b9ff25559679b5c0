"""Interoperability: folder (BasicSR-style) and nerfstudio exports, folder and GameIR-release imports."""

from gameir.interop.export_folders import export_folders, export_shard_folders
from gameir.interop.export_nerfstudio import depth_to_png_mm, export_nerfstudio
from gameir.interop.import_folders import import_folders
from gameir.interop.import_release import import_release

__all__ = [
    "depth_to_png_mm",
    "export_folders",
    "export_nerfstudio",
    "export_shard_folders",
    "import_folders",
    "import_release",
]
