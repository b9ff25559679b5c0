"""Protocol files and settings are type-checked: no string or float is coerced into a score."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gameir.cli.main import main
from gameir.evaluation import Protocol, evaluate_nvs, evaluate_sr, load_protocol
from gameir.evaluation.protocol import PROTOCOL_KEYS

PROTOCOLS = Path(__file__).resolve().parents[2] / "gameir" / "protocols"


def _cli(capsys, *argv: str) -> tuple[int, str]:
    rc = main(list(argv))
    err = capsys.readouterr().err
    return rc, err


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "proto.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("body, message", [
    ('{"task": "sr", "y_channel": "no"}', r"key 'y_channel' must be a boolean \(true or false\), got string \"no\""),
    ('{"task": "sr", "temporal": "false"}', r"key 'temporal' must be a boolean \(true or false\), "
                                             r"got string \"false\""),
    ('{"task": "sr", "crop_border": 2.5}', r"key 'crop_border' must be an integer >= 0 \(pixels per side\), "
                                           r"got number 2\.5"),
    ('{"task": "sr", "crop_border": -1}', r"key 'crop_border' must be an integer >= 0 .*got integer -1"),
    ('{"task": "sr", "crop_border": true}', r"key 'crop_border' must be an integer >= 0 .*got boolean true"),
    ('{"task": "sr", "scale": "2"}', r"key 'scale' must be an integer >= 1, got string \"2\""),
    ('{"task": "sr", "split": ""}', r"key 'split' must be a non-empty string"),
    ('{"task": "sr", "name": 3}', r"key 'name' must be a non-empty string, got integer 3"),
    ('{"task": "SR"}', r"key 'task' must be one of 'sr', 'nvs', got string \"SR\""),
    ('{"task": "sr", "ychannel": true}', r"unknown protocol key 'ychannel'; allowed keys: name, task, split, scale, "
                                         r"y_channel, crop_border, holdout, temporal"),
    ('{"task": "sr", "holdout": [1]}', r"key 'holdout' does not apply to task 'sr'; allowed keys for sr: name, task, "
                                       r"split, scale, y_channel, crop_border, temporal"),
    ('{"task": "sr", "y_channel": true, "y_channel": false}',
     r"cannot read protocol file \(key 'y_channel' appears twice\)"),
    ('[1, 2]', r"a protocol file must hold a JSON object, got array"),
    ('{"task": "sr",', r"cannot read protocol file"),
])
def test_bad_sr_protocol_file_is_refused_naming_file_and_key(synthetic_root, tmp_path, capsys, body, message):
    path = _write(tmp_path, body)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ": " + message):
        load_protocol(path, "sr")
    out = tmp_path / "out"
    rc, err = _cli(capsys, "eval", "sr", "--data", str(synthetic_root), "--protocol", str(path), "--method", "bicubic",
                   "--out", str(out), "--quiet")
    assert rc == 2 and err.count("\n") == 1
    assert re.search(re.escape(str(path)) + ": " + message, err), err
    assert not (out / "summary.json").exists()


@pytest.mark.parametrize("body, message", [
    ('{"task": "nvs", "holdout": 1}', r"key 'holdout' must be a non-empty list of integer view indices, got integer 1"),
    ('{"task": "nvs", "holdout": []}', r"key 'holdout' must be a non-empty list .*got array \[\]"),
    ('{"task": "nvs", "holdout": [1, "3"]}', r"key 'holdout' must be a non-empty list .*got array \[1, \"3\"\]"),
    ('{"task": "nvs", "holdout": [1.0]}', r"key 'holdout' must be a non-empty list .*got array \[1\.0\]"),
    ('{"task": "nvs", "temporal": true}', r"key 'temporal' does not apply to task 'nvs'"),
    ('{"task": "nvs", "scale": 2}', r"key 'scale' does not apply to task 'nvs'"),
])
def test_bad_nvs_protocol_file_is_refused(synthetic_root, tmp_path, capsys, body, message):
    path = _write(tmp_path, body)
    rc, err = _cli(capsys, "eval", "nvs", "--data", str(synthetic_root), "--protocol", str(path), "--method", "warp")
    assert rc == 2 and re.search(re.escape(str(path)) + ": " + message, err), err


def test_protocol_of_the_other_task_is_refused(tmp_path):
    with pytest.raises(ValueError, match=re.escape(f"{PROTOCOLS / 'gameir-sr-x2.json'}: protocol is for task 'sr', "
                                                   f"not 'nvs'")):
        load_protocol(PROTOCOLS / "gameir-sr-x2.json", "nvs")
    # a file without a task takes the caller's, and its keys are checked for that task
    path = _write(tmp_path, '{"holdout": [1, 3]}')
    assert load_protocol(path, "nvs") == {"holdout": [1, 3]}
    with pytest.raises(ValueError, match="key 'holdout' does not apply to task 'sr'"):
        load_protocol(path, "sr")


def test_shipped_protocols_load_with_their_types():
    for path in sorted(PROTOCOLS.glob("*.json")):
        data = load_protocol(path)
        assert set(data) <= set(PROTOCOL_KEYS)
        assert isinstance(data.get("y_channel", False), bool) and isinstance(data.get("crop_border", 0), int)
    assert load_protocol(PROTOCOLS / "gameir-sr-x2-y.json", "sr")["temporal"] is True


def test_keyword_values_are_type_checked(synthetic_root, tmp_path):
    with pytest.raises(TypeError, match=r"evaluate_sr: y_channel must be a boolean \(true or false\), got str 'no'"):
        evaluate_sr(synthetic_root, "test", "bicubic", y_channel="no")
    with pytest.raises(TypeError, match=r"evaluate_sr: temporal must be a boolean \(true or false\), got str 'false'"):
        evaluate_sr(synthetic_root, "test", "bicubic", temporal="false")
    with pytest.raises(TypeError, match=r"evaluate_sr: crop_border must be an integer >= 0 \(pixels per side\), "
                                        r"got float 2\.5"):
        evaluate_sr(synthetic_root, "test", "bicubic", crop_border=2.5)
    with pytest.raises(ValueError, match=r"evaluate_sr: scale must be an integer >= 1, got int 0"):
        evaluate_sr(synthetic_root, "test", "bicubic", scale=0)
    with pytest.raises(TypeError, match=r"evaluate_nvs: holdout must be a non-empty list of integer view indices, "
                                        r"got int 1"):
        evaluate_nvs(synthetic_root, "test", "warp", holdout=1)
    with pytest.raises(ValueError, match=r"evaluate_nvs: holdout must be a non-empty list .*got tuple \(1, '3'\)"):
        evaluate_nvs(synthetic_root, "test", "warp", holdout=(1, "3"))
    with pytest.raises(TypeError, match=r"Protocol: y_channel must be a boolean"):
        Protocol("sr", "test", y_channel=1)
    with pytest.raises(ValueError, match=r"Protocol: data_range must be a number > 0, got 0"):
        Protocol("sr", "test", data_range=0)
    # numpy-style integers are integers; the recorded value is a plain int
    import numpy as np

    s = evaluate_sr(synthetic_root, "test", "nearest", crop_border=np.int64(3), max_frames=1)
    assert s["protocol"]["crop_border"] == 3 and type(s["protocol"]["crop_border"]) is int


def test_cli_values_merged_into_a_protocol_are_checked(synthetic_root, tmp_path, capsys):
    rc, err = _cli(capsys, "eval", "sr", "--data", str(synthetic_root), "--protocol",
                   str(PROTOCOLS / "gameir-sr-x2.json"), "--crop-border", "-1", "--method", "bicubic")
    assert rc == 2 and "evaluate_sr: crop_border must be an integer >= 0 (pixels per side), got int -1" in err
    # a valid protocol's values arrive typed in the summary
    out = tmp_path / "run"
    rc, _ = _cli(capsys, "eval", "sr", "--data", str(synthetic_root), "--protocol",
                 str(PROTOCOLS / "gameir-sr-x2.json"), "--method", "nearest", "--out", str(out), "--quiet")
    saved = json.loads((out / "summary.json").read_text())["protocol"]
    assert rc == 0 and saved["y_channel"] is False and saved["temporal"] is False and saved["crop_border"] == 2
