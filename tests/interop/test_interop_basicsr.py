"""BasicSR export: file names and meta lines as BasicSR 1.4.2's data_util / reds_dataset parse them, exact pixels.

BasicSR's own classes read these layouts in .ci/check_basicsr.sh (a venv with the real package);
here the naming rules are checked against what its functions do, coded in the test.
"""

from __future__ import annotations

import json
import os.path as osp

import cv2
import numpy as np
import pytest

from gameir.cli.main import main
from gameir.interop.export_basicsr import export_basicsr
from gameir.shards.reader import ShardReader


def _rgb(path):
    return cv2.imread(str(path), cv2.IMREAD_COLOR)[..., ::-1]


def test_paired_layout_is_flat_and_pairs_by_name(sr_dataset, tmp_path):
    out = tmp_path / "paired"
    summary = export_basicsr(sr_dataset, out, layout="paired")
    assert summary["scale"] == 2 and summary["frames"] == 4 and len(summary["clips"]) == 2
    lr, hr = sorted(p.name for p in (out / "LR").iterdir()), sorted(p.name for p in (out / "HR").iterdir())
    # paired_paths_from_folder lists the folder itself (no subfolders) and looks up the same name
    assert lr == hr == ["synthetic-0000_00000000.png", "synthetic-0000_00000001.png",
                        "synthetic-0001_00000000.png", "synthetic-0001_00000001.png"]
    assert all((out / "LR" / n).is_file() for n in lr)
    # paired_paths_from_meta_info_file: first token of each line is the GT name, filename_tmpl '{}'
    lines = (out / "meta_info.txt").read_text().splitlines()
    assert lines[0] == "synthetic-0000_00000000.png (48,64,3)" and len(lines) == 4
    for line in lines:
        basename, ext = osp.splitext(osp.basename(line.strip().split(" ")[0]))
        assert (out / "LR" / f"{'{}'.format(basename)}{ext}").is_file()
    with ShardReader(sr_dataset / "val/synthetic-0001.h5") as r:
        assert np.array_equal(_rgb(out / "LR/synthetic-0001_00000001.png"), r.read("rgb", "lr", 1))
        assert np.array_equal(_rgb(out / "HR/synthetic-0001_00000001.png"), r.read("rgb", "hr", 1))
    assert json.loads((out / "export.json").read_text())["clips"][1]["shard"].endswith("val/synthetic-0001.h5")


def test_reds_layout_counts_frames_from_zero(sr_dataset, tmp_path):
    out = tmp_path / "reds"
    with pytest.warns(UserWarning, match=r"clips \['synthetic-0000'\] have fewer than 100 frames"):
        summary = export_basicsr(sr_dataset / "train/synthetic-0000.h5", out, layout="reds")
    assert sorted(p.name for p in (out / "HR/synthetic-0000").iterdir()) == ["00000000.png", "00000001.png"]
    # REDSDataset: `folder, frame_num, _ = line.split(' ')`, keys f'{folder}/{i:08d}' for i < frame_num
    folder, frame_num, shape = (out / "meta_info.txt").read_text().splitlines()[0].split(" ")
    assert (folder, frame_num, shape) == ("synthetic-0000", "2", "(48,64,3)")
    for i in range(int(frame_num)):
        assert (out / "LR" / folder / f"{i:08d}.png").is_file() and (out / "HR" / folder / f"{i:08d}.png").is_file()
    with ShardReader(sr_dataset / "train/synthetic-0000.h5") as r:
        assert np.array_equal(_rgb(out / "HR/synthetic-0000/00000001.png"), r.read("rgb", "hr", 1))
    assert summary["clips"][0]["frame_index"] == [0, 1]


def test_multiview_reds_layout_has_one_clip_per_view(nvs_shard, tmp_path):
    out = tmp_path / "reds"
    with pytest.warns(UserWarning):
        export_basicsr(nvs_shard, out, layout="reds")
    assert (out / "meta_info.txt").read_text().splitlines() == [f"rig-000.v{v} 2 (48,64,3)" for v in range(3)]
    with ShardReader(nvs_shard) as r:
        assert np.array_equal(_rgb(out / "LR/rig-000.v2/00000001.png"), r.read("rgb", "lr", 1, view=2))


def test_basicsr_export_errors_name_the_problem(sr_dataset, tmp_path):
    with pytest.raises(ValueError, match="layout must be one of paired, reds, got 'lmdb'"):
        export_basicsr(sr_dataset, tmp_path / "a", layout="lmdb")
    with pytest.raises(ValueError, match=r"synthetic-0000.h5: no level 'x4'; levels: lr, hr"):
        export_basicsr(sr_dataset / "train/synthetic-0000.h5", tmp_path / "b", gt_level="x4")
    (tmp_path / "full").mkdir()
    (tmp_path / "full/old.png").write_bytes(b"")
    with pytest.raises(FileExistsError, match=r"full: export target exists and is not empty \(1 entries: old.png\)"):
        export_basicsr(sr_dataset, tmp_path / "full")


def test_cli_basicsr_export_and_its_error(sr_dataset, tmp_path, capsys):
    assert main(["export", "basicsr", str(sr_dataset), "--split", "val", "--to", str(tmp_path / "ok"), "--quiet"]) == 0
    assert "exported 2 LR/HR pairs (x2) of 1 clips" in capsys.readouterr().out
    assert main(["export", "basicsr", str(sr_dataset), "--to", str(tmp_path / "ok"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gameir export: error: ") and "ok: export target exists and is not empty" in err
