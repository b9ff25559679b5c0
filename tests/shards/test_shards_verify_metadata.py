"""`gameir verify` compares every metadata field of a manifest entry with the shard; datasets refuse a stale manifest."""

from __future__ import annotations

import json
import re

import pytest

from gameir.cli.main import main
from gameir.data import SRDataset
from gameir.shards import ShardError, verify_path


def _edit(root, change) -> str:
    path = root / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))
    return str(path)


def test_manifest_claiming_more_frames_fails_verify_and_the_dataset_refuses(synthetic_root, capsys):
    def claim_ten(m):
        m["splits"]["train"]["shards"][0]["frames"] = 10
        m["splits"]["train"]["frames"] = 10
    manifest = _edit(synthetic_root, claim_ten)
    shard = synthetic_root / "train" / "synthetic-0000.h5"
    assert main(["verify", str(synthetic_root)]) == 1
    out = capsys.readouterr().out
    assert (f"FAIL {shard}: {manifest} says splits.train.shards[0].frames = 10 but the shard has 3; the manifest "
            f"is stale or the shard was replaced") in out
    assert out.count("FAIL") == 1 and f"gameir manifest rebuild {synthetic_root}" in out

    ds = SRDataset(synthetic_root, "train")
    assert len(ds) == 10  # the index comes from the manifest, without opening the shard ...
    with pytest.raises(ShardError, match=rf"{re.escape(str(shard))}: {re.escape(manifest)} says "
                                         r"splits\.train\.shards\[0\]\.frames = 10 but the shard has 3"):
        ds[7]  # ... and the shard is checked against it when first opened: no bare IndexError


@pytest.mark.parametrize("field, value, found", [
    ("clip_id", "other-clip", '"synthetic-0000"'),
    ("split", "val", '"train"'),
    ("kind", "nvs", '"sr"'),
    ("clips", 2, "1"),
    ("views", 4, "0"),
    ("levels", {"lr": [48, 64], "hr": [96, 120]}, '{"hr": [96, 128], "lr": [48, 64]}'),
    ("buffers", ["rgb", "depth"], '["rgb", "hdr", "depth"'),
    ("scene", {"family": "town", "seed": 0}, '{"family": "synthetic", "seed": 0}'),
])
def test_every_recorded_field_is_compared(synthetic_root, field, value, found):
    manifest = _edit(synthetic_root, lambda m: m["splits"]["train"]["shards"][0].__setitem__(field, value))
    faults, _ = verify_path(synthetic_root, split="train", check_values=False)
    shard = synthetic_root / "train" / "synthetic-0000.h5"
    prefix = f"{shard}: {manifest} says splits.train.shards[0].{field} = {json.dumps(value, sort_keys=True)} but the shard has {found}"
    assert any(f.startswith(prefix) for f in faults), faults
    if field == "clips":  # the split's total no longer matches its entries either
        assert f"{manifest}: splits.train.clips = 1 but its 1 shard entries sum to 2" in " ".join(faults)


def test_a_shard_listed_under_another_split_and_wrong_totals(synthetic_root):
    def move(m):
        m["splits"]["val"]["shards"].append(m["splits"]["train"]["shards"].pop())
    manifest = _edit(synthetic_root, move)
    faults, _ = verify_path(synthetic_root, check_values=False)
    shard = synthetic_root / "train" / "synthetic-0000.h5"
    assert f"{shard}: {manifest} lists it under splits.val but the shard's split is 'train'" in " ".join(faults)
    assert f"{manifest}: splits.val.frames = 3 but its 2 shard entries sum to 6" in " ".join(faults)
    assert f"{manifest}: splits.train.bytes = " in " ".join(faults)


def test_a_good_manifest_has_no_metadata_faults(synthetic_root):
    assert verify_path(synthetic_root) == ([], [])


def test_verify_on_a_missing_folder_says_it_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "data"
    with pytest.raises(FileNotFoundError, match=rf"^{re.escape(str(missing))}: no such file or directory"):
        verify_path(missing)
    assert main(["verify", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"gameir verify: error: {missing}: no such file or directory" in err and "manifest.json:" not in err
    assert main(["info", str(missing)]) == 2
    assert f"{missing}: no such file or directory" in capsys.readouterr().err


def test_unknown_split_names_the_manifest_and_the_splits(synthetic_root):
    with pytest.raises(ValueError, match=rf"no split 'dev' in {re.escape(str(synthetic_root / 'manifest.json'))}; "
                                         r"splits: test, train, val"):
        verify_path(synthetic_root, split="dev")


def test_the_dataset_refuses_a_stale_level_size_or_buffer_list(synthetic_root):
    manifest = _edit(synthetic_root, lambda m: m["splits"]["val"]["shards"][0]["levels"].__setitem__("hr", [96, 120]))
    shard = synthetic_root / "val" / "synthetic-0001.h5"
    with pytest.raises(ValueError, match=r"lr 48x64 and hr 96x120, not one integer scale"):
        SRDataset(synthetic_root, "val")  # the manifest alone is already inconsistent
    _edit(synthetic_root, lambda m: m["splits"]["val"]["shards"][0]["levels"].__setitem__("hr", [192, 256]))
    ds = SRDataset(synthetic_root, "val", lr_patch=8, seed=0)
    with pytest.raises(ShardError, match=rf"{re.escape(str(shard))}: {re.escape(manifest)} says "
                                         r"splits\.val\.shards\[0\]\.levels = .*'hr': \(192, 256\).* but the shard has "
                                         r".*'hr': \(96, 128\)"):
        ds[0]
    _edit(synthetic_root, lambda m: (m["splits"]["val"]["shards"][0]["levels"].__setitem__("hr", [96, 128]),
                                     m["splits"]["val"]["shards"][0]["buffers"].append("albedo")))
    ds = SRDataset(synthetic_root, "val", lr_patch=8, seed=0)
    with pytest.raises(ShardError, match=rf"{re.escape(manifest)} lists buffer 'albedo' in splits\.val\.shards\[0\]"
                                         r"\.buffers but the shard has only rgb, hdr, depth"):
        ds[0]
