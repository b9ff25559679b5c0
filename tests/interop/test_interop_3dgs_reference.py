"""The reference 3D Gaussian Splatting reader (graphdeco-inria/gaussian-splatting) on our export.

Runs ``readNerfSyntheticInfo`` from a gaussian-splatting checkout named by the environment variable
``GAMEIR_3DGS_SOURCE``: its ``scene/dataset_readers.py``, ``scene/colmap_loader.py``,
``utils/graphics_utils.py`` and ``utils/sh_utils.py`` are copied into a temp folder, beside a
``scene/gaussian_model.py`` of one line that re-exports ``BasicPointCloud`` from
``utils.graphics_utils`` (the real module needs the CUDA extension ``simple_knn``), and run in a
subprocess. Skipped without the checkout, without ``plyfile``, or with a Pillow (12 and later)
that rejects the reader's ``Image.fromarray(int8 array, "RGB")``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gameir.interop.export_nerfstudio import export_nerfstudio
from gameir.interop.nvs_geometry import unproject_depth
from gameir.shards.reader import ShardReader

SOURCE = os.environ.get("GAMEIR_3DGS_SOURCE")
FILES = ("scene/dataset_readers.py", "scene/colmap_loader.py", "utils/graphics_utils.py", "utils/sh_utils.py")

DRIVER = r'''
import json, sys
import numpy as np
from scene.dataset_readers import readNerfSyntheticInfo
info = readNerfSyntheticInfo(sys.argv[1], False, "", True)
cams = lambda cs: [{"name": c.image_name, "R": c.R.tolist(), "T": c.T.tolist(), "fov_x": c.FovX, "fov_y": c.FovY,
                    "w": c.width, "h": c.height, "path": c.image_path} for c in cs]
pc = info.point_cloud
print(json.dumps({"train": cams(info.train_cameras), "test": cams(info.test_cameras),
                  "radius": float(info.nerf_normalization["radius"]), "points": np.asarray(pc.points).tolist(),
                  "colors": np.asarray(pc.colors).tolist()}))
'''


def _reference_dir(tmp_path: Path) -> Path:
    if not SOURCE:
        pytest.skip("set GAMEIR_3DGS_SOURCE to a graphdeco-inria/gaussian-splatting checkout to run its reader")
    pytest.importorskip("plyfile")
    import PIL

    if int(PIL.__version__.split(".")[0]) >= 12:
        pytest.skip(f"the reference reader's Image.fromarray(int8, 'RGB') fails under Pillow {PIL.__version__}")
    ref = tmp_path / "gaussian-splatting"
    for rel in FILES:
        (ref / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(SOURCE) / rel, ref / rel)
    (ref / "scene/__init__.py").write_text("")
    (ref / "utils/__init__.py").write_text("")
    (ref / "scene/gaussian_model.py").write_text("from utils.graphics_utils import BasicPointCloud  # noqa: F401\n")
    return ref


def test_reference_3dgs_reader_reads_the_export(nvs_shard, tmp_path):
    ref = _reference_dir(tmp_path)
    out = tmp_path / "ns"
    export_nerfstudio(nvs_shard, out, test_views=[1])
    run = subprocess.run([sys.executable, "-c", DRIVER, str(out)], cwd=ref, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout.splitlines()[-1])
    assert [c["name"] for c in info["train"]] == ["00000000_v0", "00000000_v2", "00000001_v0", "00000001_v2"]
    assert [c["name"] for c in info["test"]] == ["00000000_v1", "00000001_v1"]
    assert info["radius"] > 0
    with ShardReader(nvs_shard) as reader:
        for cam in info["train"] + info["test"]:
            f, v = int(cam["name"][:8]), int(cam["name"].split("_v")[1])
            K, c2w = reader.camera("hr", f, view=v)["K"], reader.camera("hr", f, view=v)["c2w"]
            assert (cam["w"], cam["h"]) == (64, 48) and Path(cam["path"]) == out / "images" / f"{cam['name']}.png"
            assert cam["fov_x"] == pytest.approx(2 * math.atan(32 / K[0, 0]), abs=1e-12)
            assert cam["fov_y"] == pytest.approx(2 * math.atan(24 / K[1, 1]), abs=1e-12)
            # 3DGS's world -> camera (COLMAP axes) is x_cam = R^T x + T; project our depth points with it
            points, (ii, jj) = unproject_depth(reader.read("depth", "hr", f, view=v), K, c2w)
            R, T = np.array(cam["R"]), np.array(cam["T"])
            x = points @ R + T
            fx = 64 / (2 * math.tan(cam["fov_x"] / 2))
            fy = 48 / (2 * math.tan(cam["fov_y"] / 2))
            assert np.abs(fx * x[:, 0] / x[:, 2] + 32 - (jj + 0.5)).max() < 1e-6
            assert np.abs(fy * x[:, 1] / x[:, 2] + 24 - (ii + 0.5)).max() < 1e-6
    points, colours = np.array(info["points"]), np.array(info["colors"])
    assert len(points) > 1000 and np.abs(points[:, 2]).max() < 2e-3  # our ply, not its random cube
    assert set(map(tuple, np.rint(colours * 255).astype(int))) <= {(200, 180, 60), (40, 60, 90)}
