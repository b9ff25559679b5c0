"""Procedural textures (numpy/OpenCV, seeded): surfaces, foliage cut-outs, facades, signs, decals."""

from gameir.worlds.textures.decals import (
    DECAL_GENERATORS, GRAFFITI_PALETTES, crack_decal, graffiti_decal, grime_decal, manhole_decal, stain_decal,
)
from gameir.worlds.textures.detail import detail_grain
from gameir.worlds.textures.foliage import chain_link, grass, leaves
from gameir.worlds.textures.maps import TextureMaps
from gameir.worlds.textures.noise import fbm, normal_from_height, value_noise
from gameir.worlds.textures.printed import HERSHEY_FONTS, billboard, facade, graffiti, random_words, sign
from gameir.worlds.textures.surfaces import asphalt, bark, bricks, concrete, dirt, lawn, metal_panels, puddle, tiles, water, wood

__all__ = [
    "TextureMaps", "fbm", "normal_from_height", "value_noise",
    "bricks", "tiles", "asphalt", "concrete", "wood", "metal_panels", "bark", "lawn", "dirt", "water", "puddle",
    "leaves", "grass", "chain_link",
    "HERSHEY_FONTS", "facade", "sign", "billboard", "graffiti", "random_words",
    "crack_decal", "stain_decal", "manhole_decal", "grime_decal", "graffiti_decal", "GRAFFITI_PALETTES",
    "DECAL_GENERATORS", "detail_grain",
    "GENERATORS",
]

#: name -> generator(rng, size) for every texture kind.
GENERATORS = {
    "bricks": bricks, "tiles": tiles, "asphalt": asphalt, "concrete": concrete, "wood": wood,
    "metal_panels": metal_panels, "bark": bark, "lawn": lawn, "dirt": dirt, "water": water, "puddle": puddle, "leaves": leaves, "grass": grass,
    "chain_link": chain_link, "facade": facade, "sign": sign, "billboard": billboard,
    "graffiti": graffiti, **DECAL_GENERATORS,
}
