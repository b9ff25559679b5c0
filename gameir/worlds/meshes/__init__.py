"""Procedural meshes as plain arrays (:class:`MeshData`): primitives, architecture, props."""

from gameir.worlds.meshes.architecture import building_shell, lane_markings, road_strip, sidewalk, stairs
from gameir.worlds.meshes.data import MeshData, merge
from gameir.worlds.meshes.primitives import box, cone, cylinder, extrude, heightfield, quad, sphere, tube
from gameir.worlds.meshes.props import (catenary, crate, fence, foliage_card, pole, rock, sign_board,
                                        street_lamp, traffic_light, tree, vehicle, wheel, wheel_centres, wire)

__all__ = [
    "MeshData", "merge",
    "quad", "box", "cylinder", "cone", "sphere", "extrude", "tube", "heightfield",
    "building_shell", "road_strip", "lane_markings", "sidewalk", "stairs",
    "vehicle", "wheel", "wheel_centres", "pole", "street_lamp", "traffic_light", "sign_board", "catenary", "wire", "fence",
    "foliage_card", "tree", "rock", "crate",
]
