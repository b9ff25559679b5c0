"""NVSDataset on a real multi-view shard: rig items, flat image items, downscale, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from gameir.data import NVSDataset
from gameir.shards import ShardWriter
from gameir.shards.manifest import rebuild_manifest
from gameir.shards.synthetic import synthetic_frame

VIEWS, FRAMES, H, W = 4, 2, 24, 32


def view_frame(frame: int, view: int):
    f = synthetic_frame(H, W, seed=view, frame=frame, buffers=("rgb", "depth", "normal"))
    f.c2w = np.eye(4)
    f.c2w[:3, 3] = (view * 0.5, 0.0, 1.5)
    f.K = f.K.copy()
    f.K[0, 2] += view  # distinguishable intrinsics per view
    return f


@pytest.fixture(scope="module")
def nvs_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("nvs")
    for n, split in enumerate(("train", "test")):
        with ShardWriter(root / split / f"rig-{n}.h5", shapes_hw={"hr": (H, W)}, buffers=["rgb", "depth", "normal"],
                         kind="nvs", num_views=VIEWS, clip_id=f"rig-{n}", split=split,
                         scene={"family": "synthetic", "weather": "rain"}) as writer:
            for t in range(FRAMES):
                writer.write_frame({"hr": [view_frame(t, v) for v in range(VIEWS)]})
    rebuild_manifest(root)
    return root


def test_rig_items_hold_source_and_target_views(nvs_root):
    ds = NVSDataset(nvs_root, "train", buffers=("rgb", "depth"))
    assert len(ds) == FRAMES
    item = ds[1]
    src, tgt = item["source"], item["target"]
    assert src["view"].tolist() == [0, 1, 2] and tgt["view"].tolist() == [3]
    assert src["rgb"].shape == (3, 3, H, W) and src["depth"].shape == (3, 1, H, W)
    assert src["K"].shape == (3, 3, 3) and tgt["c2w"].shape == (1, 4, 4)
    expected = view_frame(1, 3)
    np.testing.assert_allclose(tgt["rgb"][0].permute(1, 2, 0).numpy(), expected.buffers["rgb"] / 255, atol=1e-6)
    np.testing.assert_array_equal(tgt["depth"][0, 0].numpy(), expected.buffers["depth"])
    np.testing.assert_array_equal(tgt["K"][0].numpy(), expected.K)
    np.testing.assert_array_equal(tgt["c2w"][0].numpy(), expected.c2w)
    assert (item["clip_id"], item["frame"], item["weather"]) == ("rig-0", 1, "rain")
    batch = next(iter(DataLoader(ds, batch_size=2, num_workers=1)))
    assert batch["source"]["rgb"].shape == (2, 3, 3, H, W)


def test_flat_image_modes_and_downscale(nvs_root):
    train = NVSDataset(nvs_root, "train", views=[0, 2], holdout_views=[1], mode="source_images", downscale=2,
                       buffers=("rgb", "depth"))
    assert len(train) == FRAMES * 2
    assert [int(train[i]["view"]) for i in range(len(train))] == [0, 2, 0, 2]
    item = train[1]
    ref = view_frame(0, 2)
    assert item["rgb"].shape == (3, H // 2, W // 2)
    box = ref.buffers["rgb"].reshape(H // 2, 2, W // 2, 2, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(item["rgb"].permute(1, 2, 0).numpy() * 255, np.rint(box), atol=1e-4)
    np.testing.assert_array_equal(item["depth"][0].numpy(), ref.buffers["depth"][1::2, 1::2])
    np.testing.assert_allclose(item["K"].numpy(), np.diag([0.5, 0.5, 1.0]) @ ref.K)
    held = NVSDataset(nvs_root, "test", mode="target_images")
    assert len(held) == FRAMES and all(int(held[i]["view"]) == VIEWS - 1 for i in range(FRAMES))


def test_nvs_errors(nvs_root, tmp_path):
    with pytest.raises(ValueError, match=r"views \[1\] are both source and held-out views"):
        NVSDataset(nvs_root, "train", views=[0, 1], holdout_views=[1])
    with pytest.raises(ValueError, match="clip rig-0 has views 0..3, got view 7"):
        NVSDataset(nvs_root, "train", views=[7])
    with pytest.raises(ValueError, match=r"buffer 'semantic' is not in clip rig-0 .*available: rgb, depth, normal"):
        NVSDataset(nvs_root, "train", buffers=("rgb", "semantic"))
    with pytest.raises(ValueError, match=r"downscale 5 does not divide clip rig-0's hr frame 24x32"):
        NVSDataset(nvs_root, "train", downscale=5)
    with pytest.raises(ValueError, match=r"no split 'val' in .*manifest\.json; splits: test, train"):
        NVSDataset(nvs_root, "val")
    with pytest.raises(ValueError, match="mode must be one of rig, source_images, target_images"):
        NVSDataset(nvs_root, "train", mode="rays")
    from gameir.shards.synthetic import write_synthetic_dataset
    write_synthetic_dataset(tmp_path, splits=("train",), frames=1)
    with pytest.raises(ValueError, match=r"split 'train' has no 'nvs' clips; available splits: train: 1 clips, 1 frames, kind sr"):
        NVSDataset(tmp_path, "train")
    assert torch.is_tensor(NVSDataset(nvs_root, "train")[0]["source"]["rgb"])
