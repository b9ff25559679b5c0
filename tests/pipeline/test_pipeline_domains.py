"""Domain presets: TAA levels and the upscaler-input domain, their settings and per-frame values in shards."""

from __future__ import annotations

import numpy as np
import pytest

from gameir.pipeline.clip import ClipRenderer
from gameir.pipeline.plan import plan_clips
from gameir.pipeline.presets import load_preset
from gameir.shards import ShardReader

MINI = """
[preset]
name = "mini-domain"

[render]
lr = [32, 24]
detail = "low"
buffers = ["rgb", "hdr", "depth", "motion", "instance"]

[clips]
frames = 3
families = ["town"]
weathers = ["ClearNoon"]
variants = ["dynamic"]

[splits]
test = { clips = 1, seed_start = 0 }
"""


@pytest.fixture()
def mini(tmp_path):
    path = tmp_path / "mini-domain.toml"
    path.write_text(MINI, encoding="utf-8")
    return path


def _render(preset, tmp_path):
    spec = plan_clips(preset, "test")[0]
    renderer = ClipRenderer(preset)
    try:
        path = renderer.render_clip(spec, tmp_path / "clip.h5")
    finally:
        renderer.release()
    return ShardReader(path)


def test_release_like_taa_records_its_settings_and_history(mini, tmp_path):
    preset = load_preset(mini, ['render.aa_lr="taa"', 'render.aa_hr="taa"', "render.jitter=true",
                                "render.taa_phases=4", "render.taa_blend=0.2", 'render.domain="release-like"',
                                'render.taa_history="catmull-rom-5"', 'render.taa_clip="variance"'])
    with _render(preset, tmp_path) as reader:
        render = reader.render_settings
        assert render["domain"] == "release-like" and render["jitter_phases"] == 4
        for level in ("lr", "hr"):
            assert render[level]["aa"] == "taa"
            assert render[level]["taa"]["phases"] == 4 and render[level]["taa"]["blend"] == 0.2
            assert render[level]["taa"]["history_fetch"] == "catmull-rom-5"
            assert render[level]["taa"]["clamp"] == "ycocg-variance-clip-3x3-gamma-1"
            stats = reader.frame_stats(level)
            np.testing.assert_array_equal(stats["taa_history_frames"], [1.0, 2.0, 3.0])
            assert stats["taa_rejected_fraction"][0] == 1.0 and (stats["taa_rejected_fraction"][1:] < 1.0).all()
            np.testing.assert_array_equal(stats["exposure"], [1.0, 1.0, 1.0])
        jit = reader.cameras("hr")["jitter_px"]
        assert np.abs(jit).max() > 0  # HR runs its own jitter sequence under TAA
        np.testing.assert_allclose(reader.cameras("lr")["jitter_px"][1], (-0.25, 1.0 / 6.0))


def test_upscaler_input_domain_has_16_spp_hr_and_exposure(mini, tmp_path):
    preset = load_preset(mini, ['render.aa_hr="ssaa"', "render.ssaa=4", "render.jitter=true",
                                'render.domain="upscaler-input"'])
    with _render(preset, tmp_path) as reader:
        render = reader.render_settings
        assert render["domain"] == "upscaler-input" and render["hr"]["ssaa"] == 4 and render["lr"]["aa"] == "none"
        assert "taa" not in render["lr"] and set(reader.frame_stats("lr")) == {"exposure"}
        assert "hdr" in reader.buffers


def test_bad_taa_preset_keys_name_the_key(mini):
    with pytest.raises(ValueError, match=r"render\.taa_phases must be an integer >= 2"):
        load_preset(mini, ["render.taa_phases=1"])
    with pytest.raises(ValueError, match=r"render\.taa_history must be one of bilinear, catmull-rom-5"):
        load_preset(mini, ['render.taa_history="nearest"'])
    with pytest.raises(ValueError, match=r"render\.taa_clip must be one of minmax, variance"):
        load_preset(mini, ['render.taa_clip="box"'])
    with pytest.raises(ValueError, match=r"render\.aa_lr = \"taa\" needs render\.jitter = true"):
        load_preset(mini, ['render.aa_lr="taa"'])
    with pytest.raises(ValueError, match=r"render\.domain = 'game' is not one of"):
        load_preset(mini, ['render.domain="game"'])
    with pytest.raises(ValueError, match=r"render\.ssaa must be in 1\.\.4, got 5"):
        load_preset(mini, ["render.ssaa=5"])


def test_shipped_domain_presets_state_their_domain():
    for name, domain in (("gameir-sr", "release-like"), ("sr-upscaler", "upscaler-input"), ("sr-aliased", "aliased")):
        preset = load_preset(name)
        render = preset.section("render")
        assert render["domain"] == domain and preset.section("preset")["description"].lower().startswith(domain.split("-")[0])
    assert load_preset("gameir-sr").section("render")["aa_lr"] == "taa"
    assert load_preset("gameir-sr").section("render")["taa_history"] == "catmull-rom-5"
    up = load_preset("sr-upscaler").section("render")
    assert up["aa_hr"] == "ssaa" and up["ssaa"] == 4 and up["jitter"] and "hdr" in up["buffers"]
    al = load_preset("sr-aliased").section("render")
    assert (al["aa_lr"], al["aa_hr"], al["ssaa"], al["post"]) == ("none", "ssaa", 2, ["tonemap"])
