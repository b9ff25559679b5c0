"""load_manifest checks the whole schema: a malformed manifest is refused naming the file and the key."""

from __future__ import annotations

import json
import re

import pytest

from gameir.cli.main import main
from gameir.data import SRDataset
from gameir.shards import load_manifest, verify_path


def _edit(root, change) -> str:
    path = root / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))
    return re.escape(str(path))


def test_splits_train_as_a_list_is_refused_everywhere_naming_the_key(synthetic_root, capsys):
    path = _edit(synthetic_root, lambda m: m["splits"].__setitem__("train", m["splits"]["train"]["shards"]))
    message = rf"{path}: splits\.train must be an object with a 'shards' list, found list \[.*gameir manifest rebuild"
    with pytest.raises(ValueError, match=message):
        load_manifest(synthetic_root)
    with pytest.raises(ValueError, match=message):  # was AttributeError: 'list' object has no attribute 'get'
        verify_path(synthetic_root)
    with pytest.raises(ValueError, match=message):
        SRDataset(synthetic_root, "val")
    assert main(["verify", str(synthetic_root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gameir verify: error: ") and "splits.train must be an object" in err


def test_bytes_as_a_string_names_the_entry_and_both_types(synthetic_root, capsys):
    size = json.loads((synthetic_root / "manifest.json").read_text())["splits"]["val"]["shards"][0]["bytes"]
    path = _edit(synthetic_root, lambda m: m["splits"]["val"]["shards"][0].__setitem__("bytes", str(size)))
    with pytest.raises(ValueError, match=rf"{path}: splits\.val\.shards\[0\]\.bytes must be an integer >= 0, "
                                         rf"found string '{size}'"):
        verify_path(synthetic_root)
    assert main(["info", str(synthetic_root)]) == 2
    assert "splits.val.shards[0].bytes must be an integer" in capsys.readouterr().err


@pytest.mark.parametrize("key, value, expected", [
    ("sha256", "abc", r"splits\.train\.shards\[0\]\.sha256 must be 64 lowercase hex digits, found string 'abc'"),
    ("frames", -1, r"splits\.train\.shards\[0\]\.frames must be an integer >= 0, found integer -1"),
    ("frames", True, r"splits\.train\.shards\[0\]\.frames must be an integer >= 0, found boolean True"),
    ("views", 1.5, r"splits\.train\.shards\[0\]\.views must be an integer >= 0, found number 1\.5"),
    ("kind", "video", r"splits\.train\.shards\[0\]\.kind must be one of sr, nvs, found string 'video'"),
    ("levels", {"lr": [48]}, r"splits\.train\.shards\[0\]\.levels\.lr must be \[height, width\] in pixels, found list \[48\]"),
    ("levels", {"lr": [0, 64]}, r"splits\.train\.shards\[0\]\.levels\.lr height must be an integer >= 1, found integer 0"),
    ("buffers", "rgb", r"splits\.train\.shards\[0\]\.buffers must be a list of buffer names, found string 'rgb'"),
    ("scene", [], r"splits\.train\.shards\[0\]\.scene must be an object, found list \[\]"),
    ("clip_id", 7, r"splits\.train\.shards\[0\]\.clip_id must be a string, found integer 7"),
    ("path", "/abs/x.h5", r"splits\.train\.shards\[0\]\.path must be a relative path inside the dataset"),
])
def test_each_entry_key_is_type_checked(synthetic_root, key, value, expected):
    path = _edit(synthetic_root, lambda m: m["splits"]["train"]["shards"][0].__setitem__(key, value))
    with pytest.raises(ValueError, match=rf"{path}: {expected}"):
        load_manifest(synthetic_root)


def test_missing_keys_duplicates_and_split_totals(synthetic_root):
    path = _edit(synthetic_root, lambda m: m["splits"]["test"]["shards"][0].pop("sha256"))
    with pytest.raises(ValueError, match=rf"{path}: splits\.test\.shards\[0\]\.sha256 must be present"):
        load_manifest(synthetic_root)

    def duplicate(m):
        m["splits"]["test"]["shards"][0]["sha256"] = "0" * 64
        m["splits"]["val"]["shards"].append(dict(m["splits"]["train"]["shards"][0]))
    _edit(synthetic_root, duplicate)
    with pytest.raises(ValueError, match=r"splits\.val\.shards\[1\]\.path must be unique \(the same path is listed "
                                         r"at splits\.train\.shards\[0\]\)"):
        load_manifest(synthetic_root)
    _edit(synthetic_root, lambda m: (m["splits"]["val"]["shards"].pop(), m["splits"]["val"].__setitem__("frames", "3")))
    with pytest.raises(ValueError, match=r"splits\.val\.frames must be an integer >= 0, found string '3'"):
        load_manifest(synthetic_root)
    _edit(synthetic_root, lambda m: m.pop("splits"))
    with pytest.raises(ValueError, match=r"manifest\.json: splits must be an object of split name"):
        load_manifest(synthetic_root)


def test_not_a_manifest_and_not_json(synthetic_root):
    path = synthetic_root / "manifest.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: not a GameIR manifest \(format None, expected 'gameir-manifest'\)"):
        load_manifest(synthetic_root)
    path.write_text("{")
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}: not valid JSON"):
        load_manifest(synthetic_root)
