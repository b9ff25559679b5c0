"""Fault injection on a rendered shard: one flipped byte in any dataset is caught by verify and by the loaders."""

from __future__ import annotations

import re
import shutil

import h5py
import numpy as np
import pytest
from torch.utils.data import DataLoader

from gameir.buffers import BUFFER_NAMES
from gameir.cli.main import main
from gameir.data import SRDataset
from gameir.shards import ShardReader, rebuild_manifest, verify_path
from gameir.shards.format import CAMERA_ARRAYS, ShardReadError

from .conftest import flip_stored_byte, stored_datasets

GBUFFERS = tuple(b for b in BUFFER_NAMES if b != "rgb")


def _copy(tiny_rendered, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(tiny_rendered, root)
    return root, next((root / "train").glob("*.h5"))


def _place(dataset: str) -> str:
    """How messages name a dataset: buffer 'rgb' level 'lr' frame 0, camera 'K' level 'hr', dataset 'time_s'."""
    parts = dataset.split("/")
    if len(parts) == 1:
        return f"dataset '{parts[0]}'"
    if parts[1] == "camera":
        return f"camera '{parts[2]}' level '{parts[0]}'"
    return f"buffer '{parts[1]}' level '{parts[0]}' frame 0"


def _read_with_reader(shard, dataset: str) -> None:
    """Read ``dataset`` through ShardReader's public accessors."""
    parts = dataset.split("/")
    with ShardReader(shard) as reader:
        if dataset == "time_s":
            reader.read_frame("lr", 0, buffers=["rgb"])
        elif dataset == "frame_index":
            reader.frame_indices()
        elif parts[1] == "camera":
            reader.camera(parts[0], 0)
        else:
            reader.read(parts[1], parts[0], 0)


def test_the_rendered_shard_has_every_dataset_and_checksums(tiny_rendered):
    shard = next((tiny_rendered / "train").glob("*.h5"))
    names = stored_datasets(shard)
    expected = {"time_s", "frame_index"} | {f"{lv}/{b}" for lv in ("lr", "hr") for b in BUFFER_NAMES} \
        | {f"{lv}/camera/{c}" for lv in ("lr", "hr") for c in CAMERA_ARRAYS}
    assert set(names) == expected
    with h5py.File(shard, "r") as f:
        for name in names:
            # small datasets: Fletcher-32; buffers: gzip, whose zlib stream ends in an Adler-32
            assert f[name].fletcher32 if f[name].compression is None else f[name].compression == "gzip", name
    assert verify_path(tiny_rendered) == ([], [])


def test_a_flipped_byte_in_any_dataset_is_caught_by_verify_and_loaders(tiny_rendered, tmp_path, capsys):
    pristine_root, pristine = _copy(tiny_rendered, tmp_path / "pristine")
    datasets = stored_datasets(pristine)
    assert len(datasets) == 2 + 2 * (len(BUFFER_NAMES) + len(CAMERA_ARRAYS))
    for dataset in datasets:
        root = tmp_path / dataset.replace("/", "-")
        shutil.copytree(pristine_root, root)
        shard = root / pristine.relative_to(pristine_root)
        flip_stored_byte(shard, dataset)
        place = re.escape(_place(dataset))
        named = rf"{re.escape(str(shard))}: cannot read {place}.*the stored data is corrupt"

        # gameir verify on the dataset root: the manifest's SHA-256 differs ...
        assert main(["verify", str(root), "--quiet"]) == 1, dataset
        assert f"FAIL {shard}: SHA-256" in capsys.readouterr().out
        # ... and with the manifest rebuilt over the corrupt file, the validator still finds it, naming the place
        rebuild_manifest(root)
        assert main(["verify", str(root), "--quiet"]) == 1, dataset
        out = capsys.readouterr().out
        assert re.search(rf"FAIL {named} \(.*\); replace the file \(download or render it again\)$", out, re.M), (dataset, out)

        # the loaders raise ShardReadError (an OSError) naming the file and the place
        with pytest.raises(ShardReadError, match=named):
            _read_with_reader(shard, dataset)
        if dataset not in ("time_s", "frame_index"):  # SRDataset reads buffers and cameras, not times
            level = dataset.split("/")[0]
            ds = SRDataset(root, "train", gbuffers=GBUFFERS, gbuffer_res=level)
            with pytest.raises(ShardReadError, match=rf"{re.escape(str(shard))}: cannot read "):
                ds[0]
            ds.close()


def test_crop_reads_name_rows_and_cols(tiny_rendered, tmp_path):
    root, shard = _copy(tiny_rendered, tmp_path)
    flip_stored_byte(shard, "hr/depth")
    with pytest.raises(ShardReadError, match=rf"{re.escape(str(shard))}: cannot read buffer 'depth' level 'hr' "
                                             r"frame 0 rows 8\.\.40 cols 16\.\.48: the stored data is corrupt "
                                             r"\(.*filter returned failure.*\); replace the file \(download or render it "
                                             rf"again\); `gameir verify {re.escape(str(shard))}` lists every fault$"):
        ShardReader(shard).read("depth", "hr", 0, rows=(8, 40), cols=(16, 48))
    ds = SRDataset(root, "train", lr_patch=16, gbuffers=("depth",), gbuffer_res="hr", seed=0)
    with pytest.raises(ShardReadError, match=rf"{re.escape(str(shard))}: cannot read buffer 'depth' level 'hr' "
                                             r"frame 0 rows \d+\.\.\d+ cols \d+\.\.\d+"):
        ds[0]
    assert isinstance(ShardReadError("x"), OSError)


def test_dataloader_workers_raise_the_named_error(tiny_rendered, tmp_path):
    root, shard = _copy(tiny_rendered, tmp_path)
    flip_stored_byte(shard, "lr/camera/c2w")
    ds = SRDataset(root, "train", lr_patch=8, seed=0)
    loader = DataLoader(ds, batch_size=1, num_workers=1)
    with pytest.raises(ShardReadError, match=rf"(?s)DataLoader worker.*{re.escape(str(shard))}: cannot read "
                                             r"camera 'c2w' level 'lr' frame 0"):
        next(iter(loader))


def _strip_checksums(shard) -> None:
    """Rewrite the small datasets as shards written before checksums were added stored them."""
    with h5py.File(shard, "r+") as f:
        names = [n for n in stored_datasets(shard) if f[n].compression is None]
        for name in names:
            data, chunks, maxshape = f[name][:], f[name].chunks, f[name].maxshape
            del f[name]
            f.create_dataset(name, data=data, chunks=chunks, maxshape=maxshape)
            assert not f[name].fletcher32


def test_shards_without_checksums_still_read_and_verify(tiny_rendered, tmp_path):
    root, shard = _copy(tiny_rendered, tmp_path)
    with ShardReader(shard) as reader:
        before = reader.cameras("lr")
    _strip_checksums(shard)
    rebuild_manifest(root)
    assert verify_path(root) == ([], [])
    with ShardReader(shard) as reader:
        for name, value in reader.cameras("lr").items():
            np.testing.assert_array_equal(value, before[name])
    assert len(SRDataset(root, "train")) == 2
    # without a checksum a flipped byte reads back silently changed; the manifest's SHA-256 still catches it
    flip_stored_byte(shard, "lr/camera/K")
    with ShardReader(shard) as reader:
        assert reader.camera("lr", 0)["K"][0, 0] != before["K"][0, 0, 0]
    faults, _ = verify_path(root)
    assert len(faults) == 1 and faults[0].startswith(f"{shard}: SHA-256 ") and "does not match manifest" in faults[0]
    assert f"download or render it again (or run `gameir manifest rebuild {root}`" in faults[0]


def test_cli_reports_a_corrupt_chunk_as_one_line_naming_the_shard(tiny_rendered, tmp_path, capsys):
    """`gameir export` (any verb that reads buffers) on a corrupt chunk: exit 2, no traceback."""
    import shutil

    from gameir.cli.main import main

    root = tmp_path / "copy"
    shutil.copytree(tiny_rendered, root)
    (shard,) = sorted(root.rglob("*.h5"))
    flip_stored_byte(shard, "hr/rgb")
    assert main(["export", "folders", str(shard), "--to", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("gameir export: error: ") and str(shard) in err[0]
    assert "'rgb'" in err[0] and "hr" in err[0]


def test_a_codec_this_python_cannot_decode_is_not_called_corruption(tmp_path):
    """A chunk of a plugin codec (here filter 32026, blosc2) with no plugin loaded: ImportError naming the
    filter and the fix, not "the stored data is corrupt"."""
    from gameir.shards.reader import read_checked

    if h5py.h5z.filter_avail(32026):
        pytest.skip("the blosc2 filter is registered in this process (hdf5plugin imported)")
    path = tmp_path / "plugin.h5"
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("x", shape=(4, 4), chunks=(4, 4), dtype="u1", compression=32026,
                              allow_unknown_filter=True)
        ds.id.write_direct_chunk((0, 0), b"\0" * 16)
    with h5py.File(path, "r") as f, pytest.raises(ImportError) as info:
        read_checked(path, f["x"], slice(None), "dataset 'x'")
    message = str(info.value)
    assert f"{path}: dataset 'x' is compressed with HDF5 filter(s)" in message and "(32026)" in message
    assert "pip install hdf5plugin" in message and "not at fault" in message
