"""What the datasets say when root is missing, is not a dataset, or the split does not exist."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from gameir.data import NVSDataset, SRDataset, open_source


def test_a_missing_path_says_it_does_not_exist(tmp_path, synthetic_root):
    missing = tmp_path / "no" / "such" / "dataset"
    for cls in (SRDataset, NVSDataset):
        with pytest.raises(FileNotFoundError, match=rf"^{re.escape(str(missing))}: no such file or directory; give a "
                                                    "dataset root, a manifest.json, shard files"):
            cls(missing, "train")
    shard = next((synthetic_root / "train").glob("*.h5"))
    with pytest.raises(FileNotFoundError, match=rf"{re.escape(str(tmp_path / 'gone.h5'))}: no such file or directory "
                                                r"\(and 1 more of the 3 paths given\)"):
        SRDataset([shard, tmp_path / "gone.h5", tmp_path / "gone2.h5"])
    with pytest.raises(FileNotFoundError, match=rf"{re.escape(str(missing))}: no such file"):
        open_source(missing, None, "release")


def test_a_folder_that_is_no_dataset_says_what_was_looked_for(tmp_path):
    empty = tmp_path / "empty"
    (empty / "notes").mkdir(parents=True)
    (empty / "notes" / "a.txt").write_text("x")
    with pytest.raises(ValueError, match=rf"{re.escape(str(empty))}: not a GameIR dataset: looked for manifest\.json, "
                                         r"shards \(\*\.h5\) and the release layout \(\*\.tar or GameIR-SR/"):
        SRDataset(empty, "train")
    with pytest.raises(ValueError, match=rf"{re.escape(str(empty / 'notes' / 'a.txt'))}: not a dataset file: expected a "
                                         r"shard \(\*\.h5\), a manifest\.json or a release tar \(\*\.tar\), got \.txt"):
        SRDataset(empty / "notes" / "a.txt")


def test_shards_without_a_manifest_say_how_to_build_one(tmp_path, synthetic_root):
    root = tmp_path / "bare"
    shutil.copytree(synthetic_root / "train", root / "train")
    with pytest.raises(FileNotFoundError, match=rf"{re.escape(str(root / 'manifest.json'))}: no manifest; build one "
                                                rf".*`gameir manifest rebuild {re.escape(str(root))}`"):
        SRDataset(root, "train")


def test_a_wrong_split_is_no_such_split_not_empty(synthetic_root):
    manifest = re.escape(str(synthetic_root / "manifest.json"))
    with pytest.raises(ValueError, match=rf"^no split 'trian' in {manifest}; splits: test, train, val$"):
        SRDataset(synthetic_root, "trian")
    with pytest.raises(ValueError, match=rf"^no split 'trian' in {manifest}; splits: test, train, val$"):
        NVSDataset(synthetic_root, "trian")
    with pytest.raises(ValueError, match=rf"^no split 'trian' in {manifest}; splits: test, train, val$"):
        SRDataset(synthetic_root / "manifest.json", "trian")


def test_a_declared_split_without_shards_is_empty(synthetic_root, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(synthetic_root, root)  # the fixture is shared by the session: change a copy
    path = root / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["splits"]["extra"] = {"clips": 0, "frames": 0, "bytes": 0, "shards": []}
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"^split 'extra' is empty; available splits: test: 1 clips, 4 frames"):
        SRDataset(root, "extra")
