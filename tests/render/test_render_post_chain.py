"""The post chain's checks: step names, order, parameters; what a frame records of it."""

import pytest

from gameir.render import Renderer
from gameir.render.post_chain import DEFAULT_POST, POST_STEPS, PostChain, check_post_steps


def test_steps_in_order_pass():
    assert check_post_steps(["ssao", "motion_blur", "bloom", "tonemap", "vignette", "grain"]) == POST_STEPS
    assert check_post_steps(("tonemap",)) == DEFAULT_POST
    assert PostChain(["ssao", "bloom", "tonemap"]).steps == ("ssao", "bloom", "tonemap")


def test_unknown_step_names_the_argument_and_the_valid_steps():
    with pytest.raises(ValueError, match=r"render\.post: unknown post step 'blooom'; valid steps, in the order "
                                         r"they run: 'ssao', 'motion_blur', 'bloom', 'tonemap', 'vignette', 'grain'"):
        check_post_steps(["blooom", "tonemap"], "render.post")
    with pytest.raises(ValueError, match=r"post: unknown post step 'fxaa'"):
        Renderer(32, 24, post=["tonemap", "fxaa"])


def test_wrong_order_repeats_and_missing_tonemap():
    with pytest.raises(ValueError, match=r"post: 'bloom' cannot run after 'tonemap' in \['tonemap', 'bloom'\]; "
                                         r"post steps run in this order: 'ssao', 'motion_blur'"):
        check_post_steps(["tonemap", "bloom"])
    with pytest.raises(ValueError, match=r"post: 'motion_blur' cannot run after 'bloom'"):
        Renderer(32, 24, post=["bloom", "motion_blur", "tonemap"])
    with pytest.raises(ValueError, match=r"listed twice"):
        check_post_steps(["bloom", "bloom", "tonemap"])
    with pytest.raises(ValueError, match=r"has no 'tonemap'"):
        check_post_steps(["ssao", "bloom"])
    with pytest.raises(ValueError, match=r"must be a list of post steps"):
        check_post_steps("bloom,tonemap")


@pytest.mark.parametrize("field, value", [("bloom_threshold", -1.0), ("bloom_intensity", 0.0),
                                          ("bloom_intensity", 1.5), ("motion_blur_shutter", 0.0),
                                          ("vignette_intensity", -0.1), ("grain_intensity", 0.6),
                                          ("ssao_radius_m", 0.0), ("bloom_threshold", float("nan"))])
def test_parameters_out_of_range(field, value):
    with pytest.raises(ValueError, match=rf"PostChain: {field} must be a number in"):
        PostChain(("ssao", "bloom", "tonemap"), **{field: value})
    with pytest.raises(ValueError, match=r"grain_seed must be an integer"):
        PostChain(grain_seed=-1)


def test_ssao_radius_shorthand_and_conflicts():
    assert PostChain.resolve(None, 0.5).steps == ("ssao", "tonemap")
    assert PostChain.resolve(None, 0.0).steps == DEFAULT_POST
    assert PostChain.resolve(["ssao", "tonemap"], 0.7).ssao_radius_m == 0.7
    with pytest.raises(ValueError, match=r"ssao_radius=0.5 but post=\['bloom', 'tonemap'\] has no 'ssao'"):
        PostChain.resolve(["bloom", "tonemap"], 0.5)
    with pytest.raises(ValueError, match=r"SSAO works in the deferred lighting pass"):
        Renderer(32, 24, aa="msaa", post=["ssao", "tonemap"])


def test_settings_record_steps_in_order_and_their_parameters():
    assert PostChain().settings() == {}  # the default chain: shards keep their bytes
    every = PostChain(POST_STEPS, bloom_threshold=2.0, motion_blur_shutter=0.25, grain_seed=3)
    s = every.settings()
    assert s["post"] == list(POST_STEPS)
    assert s["bloom"]["threshold"] == 2.0 and s["bloom"]["intensity"] == 0.1
    assert s["motion_blur"]["shutter"] == 0.25 and s["grain"]["seed"] == 3 and s["vignette"]["intensity"] == 0.3
    with Renderer(32, 24, post=every, shadow_map_size=0) as r:
        settings = r.settings
        assert [type(p).__name__ for p in r.passes] == ["ShadowPass", "GBufferPass", "SSAOPass", "LightingPass",
                                                        "RainPass", "WetCompositePass", "MotionBlurPass", "BloomPass", "TonemapPass"]
    assert settings["ssao_radius"] == 0.5 and settings["post"] == list(POST_STEPS)
    with Renderer(32, 24, shadow_map_size=0) as r:
        assert "post" not in r.settings and r.settings["ssao_radius"] == 0.0
        assert [type(p).__name__ for p in r.passes] == ["ShadowPass", "GBufferPass", "LightingPass", "RainPass",
                                                        "WetCompositePass"]
