"""SRDataset crops on natively rendered LR/HR pairs (real EGL renderer, tiny sizes)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gameir.data import SRDataset
from gameir.render import PairRenderer
from gameir.scene import Camera, Instance, Material, Scene, checker_texture, look_at, plane
from gameir.shards import ShardWriter
from gameir.shards.manifest import rebuild_manifest

BUFFERS = ["rgb", "depth", "normal", "basecolor", "motion"]


@pytest.fixture(scope="module")
def rendered_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("rendered")
    scene = Scene(name="ground")
    scene.add(Instance(plane(60.0, 60.0, uv_scale=7.5), Material(base_color_texture=checker_texture(64, 8)),
                       np.eye(4), semantic=1))
    cams = [Camera(48, 36, look_at([0.2 * t, 0, 2.5], [0.2 * t, 4, 0]), fov_y_deg=55.0, near=0.3) for t in range(3)]
    with PairRenderer((48, 36), 2, shadow_map_size=256) as pair, \
            ShardWriter(root / "train" / "ground-000.h5", shapes_hw={"lr": (36, 48), "hr": (72, 96)}, buffers=BUFFERS,
                        clip_id="ground-000", split="train", scene={"family": "test-ground"}) as writer:
        for t, cam in enumerate(cams):
            lr, hr = pair.render(scene, cam, t / 30.0, prev_camera=cams[t - 1] if t else None)
            writer.write_frame({"lr": lr, "hr": hr})
    rebuild_manifest(root)
    return root


def test_rendered_crops_align_with_scale(rendered_root):
    ds = SRDataset(rendered_root, "train", lr_patch=(16, 20), gbuffers=("depth",), augment=True, seed=4)
    hr_ds = SRDataset(rendered_root, "train", lr_patch=(16, 20), gbuffers=("depth",), gbuffer_res="hr",
                      augment=True, seed=4)
    errors = []
    for epoch in range(4):
        ds.set_epoch(epoch)
        hr_ds.set_epoch(epoch)
        for i in range(len(ds)):
            lo, hi = ds[i], hr_ds[i]
            assert torch.equal(lo["lr"], hi["lr"]) and torch.equal(lo["aug"], hi["aug"])
            inv_lr = lo["depth"][0]
            inv_box = torch.nn.functional.avg_pool2d(hi["depth"], 2)[0]
            ground = inv_lr > 0.05  # finite ground closer than 20 m, where 1/z is affine in pixels
            assert ground.sum() > 0.5 * ground.numel()
            good = (inv_lr - inv_box)[ground].abs().mean()
            # the HR crop one LR pixel off, along rows and along columns (1/z varies along one of them)
            bad = max((inv_lr[1:] - inv_box[:-1])[ground[1:]].abs().mean(),
                      (inv_lr[:, 1:] - inv_box[:, :-1])[ground[:, 1:]].abs().mean())
            assert good < 0.1 * bad, (good, bad)
            # rgb: the box-averaged HR crop matches the LR crop far better than a one-pixel shift
            box = torch.nn.functional.avg_pool2d(lo["hr"], 2)
            aligned = (box - lo["lr"]).abs().mean()
            errors.append((aligned, min((torch.roll(box, s, d) - lo["lr"]).abs().mean() for s in (1, -1) for d in (1, 2))))
    aligned, shifted = torch.tensor(errors).mean(0)
    assert aligned < 0.35 * shifted, (aligned, shifted)  # typically 0.013 vs 0.08
