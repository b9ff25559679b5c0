"""Manifest build/rebuild and `gameir verify` on real files, with corruption."""

from __future__ import annotations

import json
import shutil

import h5py
import pytest

from gameir.cli.main import main
from gameir.fileio import sha256_file
from gameir.shards import load_manifest, rebuild_manifest, verify_path


def test_manifest_lists_every_shard_with_hash_and_counts(synthetic_root):
    manifest = load_manifest(synthetic_root)
    assert manifest["format"] == "gameir-manifest" and manifest["format_version"] == 1
    assert sorted(manifest["splits"]) == ["test", "train", "val"]
    entry = manifest["splits"]["train"]["shards"][0]
    shard = synthetic_root / entry["path"]
    assert entry["path"] == "train/synthetic-0000.h5"
    assert entry["sha256"] == sha256_file(shard) and entry["bytes"] == shard.stat().st_size
    assert entry["frames"] == 3 and entry["clips"] == 1 and entry["views"] == 0
    assert entry["levels"] == {"lr": [48, 64], "hr": [96, 128]}
    assert entry["scene"] == {"family": "synthetic", "seed": 0}
    assert manifest["splits"]["train"]["frames"] == 3


def test_rebuild_is_deterministic_and_keeps_extra(synthetic_root):
    first = (synthetic_root / "manifest.json").read_bytes()
    assert main(["manifest", "rebuild", str(synthetic_root)]) == 0
    assert (synthetic_root / "manifest.json").read_bytes() == first
    assert load_manifest(synthetic_root)["extra"] == {"preset": "synthetic"}


def test_verify_passes_on_a_good_dataset(synthetic_root, capsys):
    assert main(["verify", str(synthetic_root)]) == 0
    assert "OK" in capsys.readouterr().out


def test_one_flipped_byte_fails_verify_naming_the_file(synthetic_root, capsys):
    shard = synthetic_root / "val" / "synthetic-0001.h5"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x01
    shard.write_bytes(bytes(data))
    assert main(["verify", str(synthetic_root)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL {shard}: SHA-256" in out and "does not match manifest" in out
    assert out.count("FAIL") == 1


def test_truncated_shard_fails_verify_and_validation(synthetic_root, capsys):
    shard = synthetic_root / "test" / "synthetic-0002.h5"
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) // 2])
    assert main(["verify", str(synthetic_root)]) == 1
    assert f"FAIL {shard}: size {len(data) // 2} bytes, manifest says {len(data)}" in capsys.readouterr().out
    assert main(["verify", str(shard)]) == 1  # the validator alone also rejects it
    assert f"FAIL {shard}: " in capsys.readouterr().out


def test_corrupted_chunk_fails_validator_even_with_matching_manifest(synthetic_root):
    shard = synthetic_root / "train" / "synthetic-0000.h5"
    with h5py.File(shard) as f:  # where the compressed bytes of one chunk lie in the file
        info = f["hr/rgb"].id.get_chunk_info(0)
    data = bytearray(shard.read_bytes())
    middle = info.byte_offset + info.size // 2
    data[middle - 32:middle + 32] = bytes(64)  # smash compressed chunk bytes
    shard.write_bytes(bytes(data))
    rebuild_manifest(synthetic_root)  # hashes now agree: only the validator can find the fault
    faults, _ = verify_path(synthetic_root)
    assert faults and all(str(shard) in f for f in faults)


def test_missing_shard_and_unlisted_shard(synthetic_root):
    shutil.copy(synthetic_root / "train" / "synthetic-0000.h5", synthetic_root / "train" / "extra.h5")
    (synthetic_root / "val" / "synthetic-0001.h5").unlink()
    faults, warnings = verify_path(synthetic_root)
    assert faults == [f"{synthetic_root / 'val' / 'synthetic-0001.h5'}: listed in manifest.json but missing"]
    assert len(warnings) == 1 and "extra.h5: shard not listed in manifest.json" in warnings[0]


def test_manifest_rejects_escaping_paths_and_unknown_split(synthetic_root):
    path = synthetic_root / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["splits"]["train"]["shards"][0]["path"] = "../outside.h5"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"manifest\.json: splits\.train\.shards\[0\]\.path must be a relative path inside "
                                         r"the dataset .*found string '\.\./outside\.h5'"):
        load_manifest(synthetic_root)
    from gameir.shards import manifest_shards
    with pytest.raises(ValueError, match=r"no split 'dev' in the manifest; splits: test, train, val"):
        manifest_shards({"splits": {"test": {}, "train": {}, "val": {}}}, "dev")
    with pytest.raises(FileNotFoundError, match="gameir manifest rebuild"):
        load_manifest(synthetic_root / "train")
