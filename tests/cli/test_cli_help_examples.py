"""Every `gameir VERB --help` example names files the documented commands really write, in one list style."""

from __future__ import annotations

import argparse
import re

import pytest

from gameir.cli.arglists import ints, names
from gameir.cli.main import build_parser
from gameir.pipeline.plan import plan_clips
from gameir.pipeline.presets import load_preset


def _epilogs(parser: argparse.ArgumentParser, path: str = "gameir") -> dict[str, str]:
    out = {path: parser.epilog or ""}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.update(_epilogs(sub, f"{path} {name}"))
    return out


EPILOGS = _epilogs(build_parser())


def test_every_shard_in_an_example_is_one_that_gameir_render_writes():
    planned = {}
    shard_paths = []
    for verb, text in EPILOGS.items():
        shard_paths += [(verb, m) for m in re.findall(r"\S+\.h5\b", text)]
    assert len(shard_paths) >= 6
    for verb, path in shard_paths:
        match = re.fullmatch(r"data/(tiny|tiny-nvs|gameir-sr|gameir-nvs)/(train|val|test)/([\w-]+)\.h5", path)
        assert match, f"`{verb} --help` names {path}, which no documented command writes"
        preset, split, clip = match.groups()
        if (preset, split) not in planned:
            planned[preset, split] = {c.clip_id for c in plan_clips(load_preset(preset), split)}
        assert clip in planned[preset, split], f"`{verb} --help`: {path} is not a clip of preset {preset}"


def test_list_options_are_comma_separated_everywhere():
    for verb, text in EPILOGS.items():
        for flag in ("--buffers", "--frames", "--test-views", "--gbuffers", "--holdout", "--methods"):
            for value in re.findall(rf"{flag} (\S+ \S+)", text):
                assert not re.fullmatch(r"[\w.-]+ [\w.-]+", value) or value.split()[1].startswith("-"), \
                    f"`{verb} --help`: {flag} {value} (lists are comma-separated)"
    assert names("depth,normal") == ("depth", "normal") and ints("0,3") == (0, 3)
    with pytest.raises(argparse.ArgumentTypeError, match=r"expected comma-separated integers such as 0,3, got '0 3'"):
        ints("0 3")
    with pytest.raises(argparse.ArgumentTypeError, match=r"comma-separated names such as depth,normal, got 'rgb,,depth'"):
        names("rgb,,depth")
