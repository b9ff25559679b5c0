"""Full-frame inference in overlapping tiles, so large frames fit in memory."""

from __future__ import annotations

from typing import Any, Callable

import torch

__all__ = ["crop_inputs", "predict_tiled"]


def crop_inputs(inputs: dict[str, Any], rows: tuple[int, int], cols: tuple[int, int],
                lr_hw: tuple[int, int], scale: int) -> dict[str, Any]:
    """The LR window ``rows`` x ``cols`` of a batched input dict.

    Tensors whose last two dims are the LR size (h, w) are cropped to the window, those at the HR
    size (s*h, s*w) to the matching HR window; ``K`` (N, 3, 3) (LR intrinsics) and ``K_hr`` get
    their principal point shifted (docs/FORMAT.md pixel-corner convention); anything else is
    passed unchanged.
    """
    h, w = lr_hw
    (r0, r1), (c0, c1) = rows, cols
    out: dict[str, Any] = {}
    for k, v in inputs.items():
        if isinstance(v, torch.Tensor) and v.dim() >= 2 and tuple(v.shape[-2:]) == (h, w) and k not in ("K", "K_hr", "c2w"):
            out[k] = v[..., r0:r1, c0:c1]
        elif isinstance(v, torch.Tensor) and v.dim() >= 2 and tuple(v.shape[-2:]) == (scale * h, scale * w):
            out[k] = v[..., scale * r0:scale * r1, scale * c0:scale * c1]
        elif k in ("K", "K_hr") and isinstance(v, torch.Tensor):
            s = 1 if k == "K" else scale
            K = v.clone()
            K[..., 0, 2] -= s * c0
            K[..., 1, 2] -= s * r0
            out[k] = K
        else:
            out[k] = v
    return out


def predict_tiled(fn: Callable[[dict[str, Any]], torch.Tensor], inputs: dict[str, Any],
                  lr_hw: tuple[int, int], scale: int, tile: int | None, overlap: int,
                  check: Callable[[torch.Tensor, tuple[int, ...], str], torch.Tensor]) -> torch.Tensor:
    """Run ``fn`` on the whole frame, or on ``tile`` x ``tile`` LR tiles each grown by ``overlap``.

    Each tile's prediction is computed on its window grown by ``overlap`` LR pixels per side
    (clipped at the frame border) and only its core is kept, so the result equals whole-frame
    inference for any model whose receptive field (in LR pixels) is within ``overlap`` of a pixel
    (hard seams, no blending: the output does not depend on the tile size then).

    Args:
        fn: batched input dict -> (N, 3, s*h', s*w') prediction for that dict's LR size (h', w').
        inputs: batched dict of LR (and HR-size guide) tensors.
        lr_hw: (h, w) LR frame size.
        scale: s.
        tile: LR tile size in pixels, or None for the whole frame.
        overlap: LR pixels added on each side of a tile, >= 0.
        check: ``check(pred, expected_shape, where)`` validates a prediction and returns it as a
            float tensor (raises naming the frame and the shapes).

    Returns:
        (N, 3, s*h, s*w) prediction.
    """
    h, w = lr_hw
    if tile is None or (tile >= h and tile >= w):
        n = _batch_size(inputs)
        return check(fn(inputs), (n, 3, scale * h, scale * w), "")
    if tile < 1 or overlap < 0:
        raise ValueError(f"tile must be >= 1 and tile_overlap >= 0, got tile={tile}, tile_overlap={overlap}")
    out = None
    for r0 in range(0, h, tile):
        r1 = min(h, r0 + tile)
        for c0 in range(0, w, tile):
            c1 = min(w, c0 + tile)
            pr0, pr1, pc0, pc1 = max(0, r0 - overlap), min(h, r1 + overlap), max(0, c0 - overlap), min(w, c1 + overlap)
            part = crop_inputs(inputs, (pr0, pr1), (pc0, pc1), lr_hw, scale)
            n = _batch_size(part)
            pred = check(fn(part), (n, 3, scale * (pr1 - pr0), scale * (pc1 - pc0)),
                         f" (LR tile rows {pr0}:{pr1}, cols {pc0}:{pc1})")
            if out is None:
                out = torch.empty(n, 3, scale * h, scale * w, dtype=pred.dtype, device=pred.device)
            out[:, :, scale * r0:scale * r1, scale * c0:scale * c1] = \
                pred[:, :, scale * (r0 - pr0):scale * (r1 - pr0), scale * (c0 - pc0):scale * (c1 - pc0)]
    return out


def _batch_size(inputs: dict[str, Any]) -> int:
    lr = inputs.get("lr")
    return int(lr.shape[0]) if isinstance(lr, torch.Tensor) else 1
