"""SRDataset loading: index, windows, normalisations, workers, samplers, handles, errors."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, DistributedSampler

from gameir.data import SRDataset
from gameir.formats import ShardSource, release_frames, write_release_tar
from gameir.shards.manifest import load_manifest


def _collect(loader) -> list[dict]:
    return [batch for batch in loader]


def _same(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.keys() == y.keys()
        for k in x:
            if torch.is_tensor(x[k]):
                assert torch.equal(x[k], y[k]), k
            else:
                assert x[k] == y[k], k


def test_index_from_manifest_opens_no_file(analytic_root):
    ds = SRDataset(analytic_root, "train", lr_patch=8)
    assert ds.source._handles.opened == 0
    assert len(ds) == 2 * 3
    assert [ds.locate(i) for i in range(len(ds))] == [(c, f) for c in ds.clip_indices for f in range(3)]
    assert "2 clips" in repr(ds) and "x2" in repr(ds)


def test_window_never_crosses_clips(analytic_root):
    ds = SRDataset(analytic_root, "train", lr_patch=8, frames=3, gbuffers=("depth",))
    assert len(ds) == 2  # one window of 3 per 3-frame clip
    for i in range(len(ds)):
        item = ds[i]
        assert item["lr"].shape == (3, 3, 8, 8) and item["hr"].shape == (3, 3, 16, 16)
        assert item["depth"].shape == (3, 1, 8, 8) and item["motion"].shape == (3, 2, 8, 8)
        assert item["K"].shape == (3, 3, 3) and item["c2w"].shape == (3, 4, 4)
        assert item["frames"].tolist() == [0, 1, 2] and item["frame"] == 2
    with pytest.raises(ValueError, match="no window of 4 frames.*longest clip has 3"):
        SRDataset(analytic_root, "train", frames=4)


def test_normalisations(synthetic_root):
    ds = SRDataset(synthetic_root, "train", gbuffers=("depth", "semantic", "instance", "motion", "material"),
                   gbuffer_res="hr")
    item = ds[0]
    reader = ds.source.reader(ds.locate(0)[0])
    depth = reader.read("depth", "hr", 0)
    inv = item["depth"][0].numpy()
    sky = ~np.isfinite(depth)
    assert sky.any() and np.all(inv[sky] == 0)
    np.testing.assert_allclose(inv[~sky], 1 / depth[~sky], rtol=1e-6)
    assert 0 <= item["lr"].min() and item["lr"].max() <= 1 and item["lr"].dtype == torch.float32
    assert item["semantic"].dtype == torch.int64
    np.testing.assert_array_equal(item["semantic"][0].numpy(), reader.read("semantic", "hr", 0))
    np.testing.assert_array_equal(item["instance"][0].numpy(), reader.read("instance", "hr", 0))
    # HR motion is expressed in LR pixels
    np.testing.assert_allclose(item["motion"].permute(1, 2, 0).numpy(), reader.read("motion", "hr", 0) / 2)
    aux = item["hr_aux"]
    assert aux.shape[0] == len(ds.aux_channels) == 1 + 29 + 2 + 3
    onehot = aux[1:30]
    assert torch.equal(onehot.argmax(0), item["semantic"][0]) and torch.all(onehot.sum(0) == 1)
    one = SRDataset(synthetic_root, "train", gbuffers=("semantic",), semantic_onehot=True, dtype=torch.float16)[0]
    assert one["semantic"].shape == (29, 48, 64) and one["lr"].dtype == torch.float16
    metres = SRDataset(synthetic_root, "train", gbuffers=("depth",), depth_mode="metres")[0]["depth"]
    assert torch.isinf(metres).any()


def test_two_workers_equal_zero_workers_and_epochs(analytic_root):
    ds = SRDataset(analytic_root, "train", lr_patch=10, gbuffers=("depth", "normal", "motion"), augment=True, seed=9)
    base = _collect(DataLoader(ds, batch_size=2, num_workers=0))
    # two (persistent, forked) workers give the same samples, and follow set_epoch; spawn too
    loader = DataLoader(ds, batch_size=2, num_workers=2, persistent_workers=True)
    epochs = []
    for epoch in range(2):
        ds.set_epoch(epoch)
        epochs.append(_collect(loader))
    _same(epochs[0], base)
    assert any(not torch.equal(a["lr"], b["lr"]) for a, b in zip(epochs[0], epochs[1]))
    ds.set_epoch(1)
    spawn = DataLoader(ds, batch_size=2, num_workers=1, multiprocessing_context="spawn")
    _same(_collect(spawn), epochs[1])
    ds.set_epoch(0)


def test_distributed_sampler_covers_every_sample_once(analytic_root):
    ds = SRDataset(analytic_root, "train", lr_patch=8, seed=1)
    seen = []
    for rank in range(2):
        sampler = DistributedSampler(ds, num_replicas=2, rank=rank, shuffle=True, seed=4)
        sampler.set_epoch(3)
        for batch in DataLoader(ds, batch_size=2, sampler=sampler, num_workers=1):
            seen += list(zip(batch["clip_id"], batch["frame"].tolist()))
    assert len(ds) % 2 == 0
    assert sorted(seen) == sorted({(ds.source.clips[c].clip_id, f) for c, f in map(ds.locate, range(len(ds)))})


def test_handles_are_lazy_bounded_and_never_pickled(tmp_path, analytic_root):
    manifest = load_manifest(analytic_root)
    paths = [analytic_root / e["path"] for body in manifest["splits"].values() for e in body["shards"]]
    ds = SRDataset(paths, None, lr_patch=8, max_open=2)
    assert isinstance(ds.source, ShardSource) and len(ds.clip_indices) == 3
    for i in range(len(ds)):
        ds[i]
        assert ds.source.open_handles <= 2
    assert ds.source._handles.opened > 2  # evicted and reopened
    clone = pickle.loads(pickle.dumps(ds))
    assert clone.source.open_handles == 0
    _same([clone[3]], [ds[3]])
    ds.close()
    assert ds.source.open_handles == 0


def test_errors_say_what_is_available(analytic_root, synthetic_root, tmp_path):
    with pytest.raises(ValueError, match=rf"no split 'nope' in {re.escape(str(analytic_root / 'manifest.json'))}; splits: train, val"):
        SRDataset(analytic_root, "nope")
    with pytest.raises(ValueError, match=r"buffer 'hdr' is not in clip .*available: rgb, depth"):
        write_release_tar(tmp_path / "r.tar", release_frames(ShardSource.from_root(synthetic_root), 0))
        SRDataset(tmp_path / "r.tar", gbuffers=("hdr",))
    with pytest.raises(ValueError, match=r"scale 4 requested but the data is x2 \(clip analytic-000: lr 40x56, hr 80x112\)"):
        SRDataset(analytic_root, "train", scale=4)
    with pytest.raises(ValueError, match=r"lr_patch 48x48 is larger than the LR frame 40x56 .*largest patch is 40x56"):
        SRDataset(analytic_root, "train", lr_patch=48)
    with pytest.raises(ValueError, match=r"unknown G-buffer 'albedo'; choose from hdr, depth"):
        SRDataset(analytic_root, "train", gbuffers=("albedo",))
    with pytest.raises(ValueError, match="gbuffer_res must be one of lr, hr"):
        SRDataset(analytic_root, "train", gbuffer_res="mr")
    with pytest.raises(ValueError, match="world-space normals cannot follow"):
        SRDataset(analytic_root, "train", gbuffers=("normal",), augment=True, normal_space="world")
    with pytest.raises(ValueError, match="source must be one of auto, shards, release"):
        SRDataset(analytic_root, "train", source="zip")


def test_download_fetches_the_split_then_loads(synthetic_root, tmp_path):
    """download=True goes through gameir.download (a folder URL: a real copy with SHA-256 checks)."""
    local = tmp_path / "local"
    ds = SRDataset(local, "val", lr_patch=8, seed=0, download=True, url=str(synthetic_root))
    assert (local / "manifest.json").exists() and len(ds) == 4
    ref = SRDataset(synthetic_root, "val", lr_patch=8, seed=0)
    _same([ds[2]], [ref[2]])
    assert not (local / "train").exists()  # only the asked split
    with pytest.raises(ValueError, match="download=True needs url="):
        SRDataset(tmp_path / "other", "val", download=True)
    with pytest.raises(ValueError, match="download=True needs a split name"):
        SRDataset(tmp_path / "other", None, download=True, url=str(synthetic_root))
