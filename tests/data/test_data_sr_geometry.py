"""SRDataset geometry: crop alignment against the scale, augmentation of motion, normals, cameras."""

from __future__ import annotations

import itertools

import numpy as np
import torch

from gameir.data import SRDataset

SCALE = 2  # the scale of both fixtures (tests/data/conftest.py)


def box_average(hr: torch.Tensor, s: int) -> torch.Tensor:
    return torch.nn.functional.avg_pool2d(hr[None], s)[0]


def test_crop_alignment_box_average(analytic_root):
    """LR is the box average of HR in this dataset: the HR crop at scale x corner must match it."""
    for augment in (False, True):
        ds = SRDataset(analytic_root, "train", lr_patch=12, seed=3, augment=augment, gbuffers=("basecolor",),
                       gbuffer_res="hr")
        assert ds.scale == SCALE
        for i in range(len(ds)):
            item = ds[i]
            lr, hr = item["lr"], item["hr"]
            assert lr.shape[-2:] == (12, 12) and hr.shape[-2:] == (SCALE * 12, SCALE * 12)
            aligned = (box_average(hr, SCALE) - lr).abs().mean().item()
            assert aligned < 0.003, aligned
            assert torch.equal(item["basecolor"], item["hr"].flip(0))  # HR G-buffers share the HR crop
            if augment:
                continue
            clip, frame = ds.locate(i)
            r0, c0 = (int(v) for v in item["crop"])
            for dr, dc in ((1, 0), (0, 1), (1, 1)):  # the HR crop one LR pixel off
                r, c = (r0 + dr, c0 + dc) if r0 + dr + 12 <= 40 and c0 + dc + 12 <= 56 else (r0 - dr, c0 - dc)
                off = ds.source.read(clip, "rgb", "hr", frame, rows=(SCALE * r, SCALE * (r + 12)),
                                     cols=(SCALE * c, SCALE * (c + 12)))
                off = torch.from_numpy(off.astype(np.float32) / 255).permute(2, 0, 1)
                misaligned = (box_average(off, SCALE) - lr).abs().mean().item()
                assert misaligned > 10 * aligned and misaligned > 0.02, (aligned, misaligned)


def test_crop_alignment_synthetic(synthetic_root):
    """Synthetic shards render LR and HR separately: depth rows and instance columns must line up."""
    ds = SRDataset(synthetic_root, "train", lr_patch=(20, 24), seed=0, gbuffers=("depth", "instance"),
                   depth_mode="metres")
    hr_ds = SRDataset(synthetic_root, "train", lr_patch=(20, 24), seed=0, gbuffers=("depth", "instance"),
                      depth_mode="metres", gbuffer_res="hr")
    for i in range(len(ds)):
        lo, hi = ds[i], hr_ds[i]
        assert torch.equal(lo["crop"], hi["crop"])
        inv_lr = 1 / lo["depth"][0]
        inv_hr = box_average(1 / hi["depth"], SCALE)[0]
        good = (inv_lr - inv_hr).abs().max().item()
        bad = (inv_lr[1:] - inv_hr[:-1]).abs().max().item()
        assert good < 0.2 * bad
        inst_lr, inst_hr = lo["instance"][0], hi["instance"][0]
        assert torch.equal(inst_hr[::SCALE, ::SCALE], inst_lr)
        assert torch.equal(inst_hr[::SCALE, 1::SCALE], inst_lr)


def test_full_frames_and_camera(analytic_root):
    ds = SRDataset(analytic_root, "val", gbuffers=("depth",))
    item = ds[0]
    reader = ds.source.reader(ds.locate(0)[0])
    assert item["lr"].shape == (3, 40, 56) and item["hr"].shape == (3, 80, 112)
    np.testing.assert_array_equal(item["K"].numpy(), reader.camera("lr", 0)["K"])
    np.testing.assert_array_equal(item["K_hr"].numpy(), reader.camera("hr", 0)["K"])
    np.testing.assert_array_equal(item["c2w"].numpy(), reader.camera("lr", 0)["c2w"])
    assert (item["clip_id"], item["frame"], item["scene_family"], item["weather"], item["split"]) == \
        ("analytic-002", 0, "analytic", "clear", "val")


def _all_flag_samples(ds, want=8):
    """Items of ``ds`` covering every (hflip, vflip, transpose) combination, over epochs."""
    seen = {}
    for epoch in range(40):
        ds.set_epoch(epoch)
        for i in range(len(ds)):
            item = ds[i]
            seen.setdefault(tuple(item["aug"].tolist()), (epoch, i, item))
        if len(seen) == want:
            return seen
    raise AssertionError(f"only {sorted(seen)} flag combinations drawn")


def test_motion_still_reprojects_after_augmentation(analytic_root, analytic):
    """Backward motion: frame t at p equals frame t-1 at p + (dx, dy), for every flip/transpose."""
    ds = SRDataset(analytic_root, "train", lr_patch=(16, 20), frames=2, augment=True, seed=5)
    assert "motion" in ds[0]
    for flags, (_, _, item) in _all_flag_samples(ds).items():
        prev, cur = item["lr"][0], item["lr"][1]
        motion = item["motion"][1]
        dx, dy = int(motion[0, 0, 0]), int(motion[1, 0, 0])
        assert torch.all(motion[0] == dx) and torch.all(motion[1] == dy)
        assert sorted([abs(dx), abs(dy)]) == sorted(abs(v) for v in analytic.MOTION_LR)
        h, w = cur.shape[-2:]
        ys, xs = slice(max(0, -dy), h - max(0, dy)), slice(max(0, -dx), w - max(0, dx))
        ys2, xs2 = slice(ys.start + dy, ys.stop + dy), slice(xs.start + dx, xs.stop + dx)
        assert torch.equal(cur[:, ys, xs], prev[:, ys2, xs2]), flags
        # a wrong sign or axis would not reproject
        wrong = cur[:, ys, xs] - torch.roll(prev, shifts=(dy, dx), dims=(-2, -1))[:, ys, xs]
        assert wrong.abs().mean() > 0.02


def _points_cv(depth: torch.Tensor, K: np.ndarray) -> np.ndarray:
    """(h, w, 3) camera points, OpenCV axes, from z-depth at pixel centres."""
    h, w = depth.shape
    v, u = np.mgrid[0:h, 0:w] + 0.5
    rays = np.stack([u, v, np.ones_like(u)], -1) @ np.linalg.inv(K).T
    return rays * depth.numpy()[..., None]


def test_normals_and_cameras_follow_augmentation(analytic_root, analytic):
    ds = SRDataset(analytic_root, "train", lr_patch=(18, 22), gbuffers=("depth", "normal"), augment=True,
                   depth_mode="metres", seed=11)
    plain = SRDataset(analytic_root, "train", lr_patch=(18, 22), gbuffers=("depth", "normal"), augment=False,
                      depth_mode="metres", seed=11)
    n_world = analytic.world_normal(analytic.camera_c2w())
    for flags, (epoch, i, item) in _all_flag_samples(ds).items():
        K, c2w = item["K"].numpy(), item["c2w"].numpy()
        normal = item["normal"].numpy()
        # 1. normals are the world normal seen from the augmented camera
        np.testing.assert_allclose(normal[:, 0, 0], c2w[:3, :3].T @ n_world, atol=2e-3)
        assert np.allclose(normal, normal[:, :1, :1], atol=1e-6)
        # 2. normals agree with the geometry of the augmented depth and K
        p = _points_cv(item["depth"][0], K)
        n = np.cross(p[:-1, 1:] - p[:-1, :-1], p[1:, :-1] - p[:-1, :-1])
        n /= np.linalg.norm(n, axis=-1, keepdims=True)
        n *= -np.sign(np.sum(n * p[:-1, :-1], axis=-1, keepdims=True))  # face the camera
        n_gl = n * np.array([1.0, -1.0, -1.0])
        assert np.abs(n_gl - normal[:, 0, 0]).max() < 5e-3, flags
        # 3. augmented K, c2w, depth give the same world points as the plain sample
        plain.set_epoch(epoch)
        ref = plain[i]
        assert torch.equal(ref["crop"], item["crop"])
        world = p.reshape(-1, 3) * np.array([1, -1, -1]) @ c2w[:3, :3].T + c2w[:3, 3]
        p0 = _points_cv(ref["depth"][0], ref["K"].numpy())
        world0 = p0.reshape(-1, 3) * np.array([1, -1, -1]) @ ref["c2w"].numpy()[:3, :3].T + ref["c2w"].numpy()[:3, 3]
        np.testing.assert_allclose(np.sort(world, axis=0), np.sort(world0, axis=0), atol=1e-4)
        assert np.isclose(np.linalg.det(c2w[:3, :3]), (-1) ** sum(flags))


def _dihedral(t: torch.Tensor):
    for h, v, tr in itertools.product((False, True), repeat=3):
        x = t
        if h:
            x = x.flip(-1)
        if v:
            x = x.flip(-2)
        if tr:
            x = x.transpose(-1, -2)
        yield (h, v, tr), x


def test_every_tensor_shares_one_augmentation(analytic_root):
    bufs = ("hdr", "depth", "normal", "basecolor", "material", "semantic", "instance", "motion")
    for res in ("lr", "hr"):
        ds = SRDataset(analytic_root, "train", lr_patch=(14, 15), gbuffers=bufs, gbuffer_res=res, augment=True, seed=2)
        plain = SRDataset(analytic_root, "train", lr_patch=(14, 15), gbuffers=bufs, gbuffer_res=res, seed=2)
        for flags, (epoch, i, item) in _all_flag_samples(ds).items():
            plain.set_epoch(epoch)
            ref = plain[i]
            for key in ("lr", "hr", "hdr", "depth", "basecolor", "material", "semantic", "instance", f"{res}_aux"):
                if key == f"{res}_aux":  # exclude the vector channels (normal, motion)
                    keep = [k for k, name in enumerate(ds.aux_channels) if not name.startswith(("normal", "motion"))]
                    a, b = item[key][keep], ref[key][keep]
                else:
                    a, b = item[key], ref[key]
                matches = {f for f, x in _dihedral(b) if x.shape == a.shape and torch.equal(x, a)}
                assert flags in matches, (key, flags, matches)
            for key in ("normal", "motion"):  # vectors: magnitudes move like pixels
                a, b = item[key].norm(dim=0), ref[key].norm(dim=0)
                assert any(torch.allclose(x, a) for f, x in _dihedral(b) if f == flags)
