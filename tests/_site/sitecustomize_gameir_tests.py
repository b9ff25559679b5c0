"""Declare torchvision's nms/qnms op schemas when its C++ extension cannot load beside this torch (tests only)."""

import importlib.util


def _declare() -> None:
    spec = importlib.util.find_spec("torchvision")
    if spec is None:
        return
    import torch

    if "+cpu" not in torch.__version__:
        return
    try:
        torch.ops.torchvision.nms  # torchvision's own extension is loaded: nothing to do
        return
    except (AttributeError, RuntimeError):
        pass
    for op in ("nms", "qnms"):
        try:
            torch.library.define(f"torchvision::{op}", "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        except RuntimeError:  # already declared in this process
            pass


_declare()
