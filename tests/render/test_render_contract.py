"""The G-buffer contract: one table drives locations, GLSL outputs, textures and readback."""

from __future__ import annotations

import re

import pytest

from gameir.render import contract
from gameir.render.constants import glsl_defines
from gameir.render.programs import shader_source


def test_every_read_back_buffer_fits_its_attachment():
    contract.check_contract()
    read_back = {a.buffer for a in contract.GBUFFER if a.buffer}
    assert read_back == {"basecolor", "normal", "material", "depth", "motion", "semantic", "instance"}


def test_a_mismatched_attachment_is_refused(monkeypatch):
    bad = contract.Attachment("depth", 1, "f2", "float", "depth at half precision", buffer="depth")
    monkeypatch.setattr(contract, "GBUFFER", contract.GBUFFER[:4] + (bad,) + contract.GBUFFER[5:])
    with pytest.raises(ValueError, match=r"attachment 'depth' \(1 x f2\) cannot hold buffer 'depth' \(1 x float32\)"):
        contract.check_contract()


def test_the_gbuffer_shader_declares_every_attachment_at_its_location():
    source = shader_source("gbuffer.glsl", "FRAGMENT_SHADER")
    defines = dict(re.findall(r"#define (LOC_\w+) (\d+)", glsl_defines()))
    declared = re.findall(r"layout\(location = (LOC_\w+)\) out (\w+) o_(\w+);", source)
    assert [(int(defines[loc]), name, glsl) for loc, glsl, name in declared] == \
        [(i, a.name, a.glsl_type) for i, a in enumerate(contract.GBUFFER)]
    for a in contract.GBUFFER:
        assert f"o_{a.name} =" in source  # the shader writes every output it declares


@pytest.mark.parametrize("program, names", [("sky.glsl", contract.SKY_OUTPUTS),
                                            ("resolve_geometry.glsl", contract.RESOLVE_GEOMETRY_OUTPUTS)])
def test_sub_framebuffer_outputs_follow_the_table(program, names):
    source = shader_source(program, "FRAGMENT_SHADER")
    declared = re.findall(r"layout\(location = (\d+)\) out \w+ o_(\w+);", source)
    assert [(int(i), n) for i, n in declared if n != "color"] == list(enumerate(names))  # o_color: FORWARD variant
