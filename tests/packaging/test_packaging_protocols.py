"""Evaluation protocols ship in the package and are found by name from the CLI and eval/ scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gameir
from gameir.cli.main import main
from gameir.evaluation.protocol import load_protocol
from gameir.evaluation.protocol_files import PROTOCOL_DIR, find_protocol, list_protocols

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ["gameir-nvs-holdout-1-3", "gameir-sr-x2", "gameir-sr-x2-y"]


def test_protocols_are_package_data():
    assert PROTOCOL_DIR == Path(gameir.__file__).resolve().parent / "protocols"
    assert list_protocols() == SHIPPED
    for name in SHIPPED:
        assert find_protocol(name) == PROTOCOL_DIR / f"{name}.json"
        assert load_protocol(name)["name"] == name  # a file's name key matches its file name
    assert load_protocol("gameir-sr-x2-y") == {"name": "gameir-sr-x2-y", "task": "sr", "split": "test", "scale": 2,
                                               "y_channel": True, "crop_border": 2, "temporal": True}


def test_a_path_is_still_read_as_a_file(tmp_path):
    own = tmp_path / "mine.json"
    own.write_text(json.dumps({"name": "mine", "task": "sr", "crop_border": 4}), encoding="utf-8")
    assert load_protocol(own) == {"name": "mine", "task": "sr", "crop_border": 4}
    assert find_protocol(str(own)) == own
    with pytest.raises(ValueError, match=r"missing\.json: cannot read protocol file"):
        load_protocol(tmp_path / "missing.json")


def test_unknown_protocol_name_lists_the_shipped_ones():
    with pytest.raises(ValueError, match=r"unknown protocol 'gameir-sr-x3'; shipped protocols \(in .*protocols\): "
                                         r"gameir-nvs-holdout-1-3, gameir-sr-x2, gameir-sr-x2-y; or give the path"):
        load_protocol("gameir-sr-x3")


def test_cli_eval_takes_a_shipped_protocol_name(synthetic_root, capsys):
    rc = main(["eval", "sr", "--data", str(synthetic_root), "--protocol", "gameir-sr-x2-y", "--method", "bicubic",
               "--max-frames", "1", "--quiet"])
    assert rc == 0
    assert capsys.readouterr().out.startswith("Protocol: protocol gameir-sr-x2-y; task sr; split test; x2; "
                                              "metrics on Y (BT.601, 0..255); crop 2 px")
    assert main(["eval", "sr", "--data", str(synthetic_root), "--protocol", "nope", "--method", "bicubic"]) == 2
    assert "gameir eval: error: unknown protocol 'nope'; shipped protocols" in capsys.readouterr().err


def test_eval_scripts_default_to_the_shipped_protocols(synthetic_root):
    run = subprocess.run([sys.executable, str(REPO / "eval" / "run_sr.py"), "--data", str(synthetic_root),
                          "--methods", "bicubic", "--max-frames", "1"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Protocol: protocol gameir-sr-x2; task sr; split test; x2; metrics on RGB; crop 2 px" in run.stdout
    assert "| bicubic |" in run.stdout
    nvs_help = subprocess.run([sys.executable, str(REPO / "eval" / "run_nvs.py"), "--help"], capture_output=True,
                              text=True, check=True).stdout
    assert "(default: gameir-nvs-holdout-1-3)" in " ".join(nvs_help.split())
