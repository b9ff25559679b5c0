"""Preset keys of the post chain: checked, digest-neutral at their defaults, recorded in every shard."""

from __future__ import annotations

import numpy as np
import pytest

from gameir.pipeline.clip import ClipRenderer
from gameir.pipeline.plan import plan_clips
from gameir.pipeline.presets import load_preset, post_chain_for
from gameir.render.post_chain import POST_STEPS
from gameir.shards import ShardReader, verify_path

MINI = """
[preset]
name = "mini-post"

[render]
lr = [32, 24]
detail = "low"

[clips]
frames = 2
families = ["town"]
weathers = ["ClearNoon"]
variants = ["dynamic"]

[splits]
test = { clips = 1, seed_start = 0 }
"""


@pytest.fixture()
def mini(tmp_path):
    path = tmp_path / "mini-post.toml"
    path.write_text(MINI, encoding="utf-8")
    return path


def test_bad_post_keys_name_the_key(mini):
    with pytest.raises(ValueError, match=r"render\.post: unknown post step 'glow'; valid steps, in the order they "
                                         r"run: 'ssao', 'motion_blur', 'bloom', 'tonemap', 'vignette', 'grain'"):
        load_preset(mini, ['render.post=["glow", "tonemap"]'])
    with pytest.raises(ValueError, match=r"render\.post: 'ssao' cannot run after 'bloom'"):
        load_preset(mini, ['render.post=["bloom", "ssao", "tonemap"]'])
    with pytest.raises(ValueError, match=r"render\.post: .* has no 'tonemap'"):
        load_preset(mini, ['render.post=["bloom"]'])
    with pytest.raises(ValueError, match=r"render\.bloom_intensity must be a number in \(0\.0, 1\.0\], got 2"):
        load_preset(mini, ["render.bloom_intensity=2"])
    with pytest.raises(ValueError, match=r"render\.ssao_radius must be a number"):
        load_preset(mini, ["render.ssao_radius=-1"])
    with pytest.raises(ValueError, match=r"render\.post has 'ssao'.*msaa"):
        load_preset(mini, ['render.post=["ssao", "tonemap"]', 'render.aa_lr="msaa"'])
    with pytest.raises(ValueError, match=r"render\.post must be a list"):
        load_preset(mini, ['render.post="bloom"'])


def test_post_keys_at_their_defaults_keep_the_digest(mini):
    plain = load_preset(mini)
    spelled = load_preset(mini, ['render.post=["tonemap"]', "render.ssao_radius=0.5", "render.bloom_threshold=1.0",
                                 "render.grain_seed=0"])
    assert spelled.digest() == plain.digest()
    assert load_preset(mini, ['render.post=["bloom", "tonemap"]']).digest() != plain.digest()
    assert load_preset(mini, ['render.post=["bloom", "tonemap"]', "render.bloom_threshold=2.0"]).digest() != \
        load_preset(mini, ['render.post=["bloom", "tonemap"]']).digest()


def test_every_post_setting_is_recorded_in_the_shard(mini, tmp_path):
    preset = load_preset(mini, [f"render.post={list(POST_STEPS)!r}".replace("'", '"'), "render.ssao_radius=0.4",
                                "render.bloom_threshold=0.8", "render.bloom_intensity=0.2",
                                "render.motion_blur_shutter=0.75", "render.vignette_intensity=0.5",
                                "render.grain_intensity=0.01", "render.grain_seed=11"])
    chain = post_chain_for(preset.section("render"))
    assert chain.steps == POST_STEPS
    renderer = ClipRenderer(preset)
    try:
        spec = plan_clips(preset)[0]
        path = renderer.render_clip(spec, tmp_path / "clip.h5")
    finally:
        renderer.release()
    assert verify_path(path)[0] == []
    render = ShardReader(path).render_settings
    for level in ("lr", "hr"):
        s = render[level]
        assert s["post"] == list(POST_STEPS)  # in the order run
        assert s["ssao_radius"] == 0.4
        assert s["bloom"]["threshold"] == 0.8 and s["bloom"]["intensity"] == 0.2
        assert s["motion_blur"]["shutter"] == 0.75
        assert s["vignette"]["intensity"] == 0.5
        assert s["grain"]["intensity"] == 0.01 and s["grain"]["seed"] == 11
    reader = ShardReader(path)
    assert np.isfinite(reader.read("hdr", "lr", 1).astype(np.float32)).all()


def test_default_preset_records_no_post_keys(mini, tmp_path):
    renderer = ClipRenderer(load_preset(mini))
    try:
        settings = renderer.render_settings()
    finally:
        renderer.release()
    assert "post" not in settings["lr"] and "post" not in settings["hr"] and settings["hr"]["ssao_radius"] == 0.0
    # gameir-sr turns SSAO and bloom on, at LR and at HR
    chain = post_chain_for(load_preset("gameir-sr").section("render"))
    assert chain.steps == ("ssao", "bloom", "tonemap") and chain.ssao_radius_m == 0.5
