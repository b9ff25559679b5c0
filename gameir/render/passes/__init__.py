"""The renderer's passes, one small object each (docs/RENDERER.md has the order they run in)."""

from gameir.render.passes.base import FrameState, MaterialSampling, Pass
from gameir.render.passes.bloom import BloomPass
from gameir.render.passes.chain import post_passes
from gameir.render.passes.film import TonemapPass
from gameir.render.passes.forward import ForwardMSAAPass
from gameir.render.passes.gbuffer import GBufferPass
from gameir.render.passes.lighting import LightingPass, SSAOPass
from gameir.render.passes.motion_blur import MotionBlurPass
from gameir.render.passes.post import FXAAPass, ResolvePass
from gameir.render.passes.shadow import ShadowPass
from gameir.render.passes.uniforms import camera_uniforms, shading_uniforms

__all__ = [
    "BloomPass",
    "FXAAPass",
    "ForwardMSAAPass",
    "FrameState",
    "GBufferPass",
    "LightingPass",
    "MaterialSampling",
    "MotionBlurPass",
    "Pass",
    "ResolvePass",
    "SSAOPass",
    "ShadowPass",
    "TonemapPass",
    "camera_uniforms",
    "post_passes",
    "shading_uniforms",
]
