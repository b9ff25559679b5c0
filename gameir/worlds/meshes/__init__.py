"""World-specific composite meshes (architecture, props) built from the primitive library of
:mod:`gameir.scene.primitives`, re-exported here so world builders read ``M.box``, ``M.vehicle``."""

from gameir.scene.mesh import Mesh, merge_meshes
from gameir.scene.primitives import box, cone, cylinder, extrude, heightfield, plane, quad, quads, sphere, tube
from gameir.worlds.meshes.architecture import building_shell, lane_markings, road_strip, sidewalk, stairs
from gameir.worlds.meshes.props import (catenary, crate, fence, foliage_card, pole, rock, sign_board,
                                        street_lamp, traffic_light, tree, vehicle, wheel, wheel_centres, wire)

__all__ = [
    "Mesh", "merge_meshes",
    "plane", "quad", "quads", "box", "cylinder", "cone", "sphere", "extrude", "tube", "heightfield",
    "building_shell", "road_strip", "lane_markings", "sidewalk", "stairs",
    "vehicle", "wheel", "wheel_centres", "pole", "street_lamp", "traffic_light", "sign_board", "catenary", "wire", "fence",
    "foliage_card", "tree", "rock", "crate",
]
