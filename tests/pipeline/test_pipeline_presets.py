"""Where presets come from: shipped in the package, $GAMEIR_PRESETS before them, digests fixed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gameir
from gameir.cli.main import main
from gameir.pipeline.presets import PRESET_DIRS, find_preset, list_presets, load_preset, preset_dirs
from gameir.shards import load_manifest, verify_path

#: Plan digests of the shipped presets, computed before they moved from render_scripts/presets/
#: into the package. A preset's digest is the resume identity of every dataset already rendered
#: with it (part files refuse another plan), so a change here breaks resuming those datasets.
SHIPPED_DIGESTS = {
    "gameir-nvs": "0fac0ce5baa532a3",
    "gameir-sr": "8a47ae5aae2dd4d2",  # release-like: TAA (5-lookup Catmull-Rom history) at LR and HR, jitter (docs/FORMAT.md changelog)
    "sr-16x9": "2a4c1b22e069fc78",
    "sr-aliased": "ffc51485bfaa45b3",  # gameir-sr's AA before it became release-like
    "sr-upscaler": "71cd223e42a60ca4",
    "sr-jitter": "692854da543b42db",
    "sr-x4": "773292c9a393fc2d",
    "tiny": "b6fac0e2014334e8",
    "tiny-nvs": "10d129b1b5ca6c85",
}

#: A preset small enough to render in about a second (one 32x24 clip of one frame).
MINI_PRESET = """
[preset]
name = "mini"
description = "one 32x24 -> 64x48 frame"

[render]
lr = [32, 24]
detail = "low"

[clips]
frames = 1
families = ["town"]
weathers = ["ClearNoon"]
variants = ["static"]

[splits]
test = { clips = 1, seed_start = 0 }
"""


def test_shipped_presets_keep_their_digests(monkeypatch):
    monkeypatch.delenv("GAMEIR_PRESETS", raising=False)
    assert sorted(list_presets()) == sorted(SHIPPED_DIGESTS)
    assert {name: load_preset(name).digest() for name in list_presets()} == SHIPPED_DIGESTS


def test_presets_are_package_data(monkeypatch):
    monkeypatch.delenv("GAMEIR_PRESETS", raising=False)
    shipped = Path(gameir.__file__).resolve().parent / "presets"
    assert PRESET_DIRS == (shipped,) and preset_dirs() == [shipped]
    assert find_preset("tiny") == shipped / "tiny.toml"
    assert load_preset("gameir-sr").source == str(shipped / "gameir-sr.toml")


def test_gameir_presets_adds_directories_first(tmp_path, monkeypatch):
    first, second, missing = tmp_path / "a", tmp_path / "b", tmp_path / "nowhere"
    first.mkdir()
    second.mkdir()
    (second / "mini.toml").write_text(MINI_PRESET, encoding="utf-8")
    # A preset in an earlier directory shadows one of the same name later on, shipped ones included.
    (first / "tiny.toml").write_text(MINI_PRESET.replace('name = "mini"', 'name = "my-tiny"'), encoding="utf-8")
    monkeypatch.setenv("GAMEIR_PRESETS", os.pathsep.join(map(str, (first, missing, second))))
    assert preset_dirs() == [first, missing, second, *PRESET_DIRS]
    assert "mini" in list_presets() and "gameir-sr" in list_presets()
    assert find_preset("mini") == second / "mini.toml"
    assert load_preset("tiny").name == "my-tiny"
    assert load_preset("gameir-sr").digest() == SHIPPED_DIGESTS["gameir-sr"]
    with pytest.raises(ValueError, match=rf"unknown preset 'nope'; known presets: .*mini.*; presets are looked up "
                                         rf"in: {first}, {missing} \(missing\), {second}, {PRESET_DIRS[0]}"):
        load_preset("nope")


def test_unknown_preset_on_the_cli_names_the_directories(capsys, monkeypatch):
    monkeypatch.delenv("GAMEIR_PRESETS", raising=False)
    assert main(["render", "nope", "--out", "unused"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gameir render: error: unknown preset 'nope'; known presets: gameir-nvs, gameir-sr")
    assert f"presets are looked up in: {PRESET_DIRS[0]} ($GAMEIR_PRESETS adds directories" in err


def test_render_help_lists_presets_and_where_they_are_looked_up(tmp_path):
    env = {**os.environ, "GAMEIR_PRESETS": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "gameir", "render", "--help"], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert "presets: gameir-nvs, gameir-sr, sr-16x9, sr-aliased, sr-jitter, sr-upscaler, sr-x4, tiny, tiny-nvs" in out
    assert f"presets are looked up in: {tmp_path}, {PRESET_DIRS[0]}" in out


def test_cli_renders_a_preset_from_gameir_presets(tmp_path):
    presets = tmp_path / "presets"
    presets.mkdir()
    (presets / "mini.toml").write_text(MINI_PRESET, encoding="utf-8")
    out = tmp_path / "mini"
    env = {**os.environ, "GAMEIR_PRESETS": str(presets), "LP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, "-m", "gameir", "render", "mini", "--out", str(out), "--quiet"],
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("mini: rendered 1 clip(s)")
    assert verify_path(out) == ([], [])
    assert load_manifest(out)["splits"]["test"]["shards"][0]["levels"] == {"lr": [24, 32], "hr": [48, 64]}


def test_a_directory_named_like_a_preset_does_not_hide_it(tmp_path, monkeypatch):
    monkeypatch.delenv("GAMEIR_PRESETS", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny").mkdir()  # e.g. the dataset of an earlier `gameir render tiny --out tiny`
    assert find_preset("tiny") == PRESET_DIRS[0] / "tiny.toml"
    (tmp_path / "mine.toml").write_text(MINI_PRESET, encoding="utf-8")
    assert find_preset("mine.toml") == Path("mine.toml") and load_preset("mine.toml").name == "mini"
    with pytest.raises(FileNotFoundError, match=r"presets/nope: no such preset file"):
        find_preset("presets/nope")
    with pytest.raises(FileNotFoundError, match=r"nope\.toml: no such preset file"):
        find_preset("nope.toml")
