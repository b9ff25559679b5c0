"""Interoperability: folder, BasicSR and NVS (nerfstudio / 3DGS / instant-ngp) exports; folder and GameIR-release imports."""

from gameir.interop.export_basicsr import export_basicsr
from gameir.interop.export_folders import export_folders, export_shard_folders
from gameir.interop.export_nerfstudio import depth_to_png_mm, export_nerfstudio, export_nerfstudio_per_frame
from gameir.interop.import_folders import import_folders
from gameir.interop.import_release import import_release

__all__ = [
    "depth_to_png_mm",
    "export_basicsr",
    "export_folders",
    "export_nerfstudio",
    "export_nerfstudio_per_frame",
    "export_shard_folders",
    "import_folders",
    "import_release",
]
