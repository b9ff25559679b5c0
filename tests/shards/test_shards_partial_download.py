"""After `gameir download URL --split train` from a real `gameir serve` on 127.0.0.1, verify and info
report the splits that were not downloaded as such (a warning with the command), not as faults."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from gameir.cli.main import main
from gameir.distribution.serve import make_server
from gameir.shards import verify_path
from gameir.shards.fetched import FETCHED_NAME


@pytest.fixture()
def server(synthetic_root):
    """`gameir serve`'s server for the synthetic dataset (train, val, test) on a free port of 127.0.0.1."""
    srv = make_server(synthetic_root, host="127.0.0.1", port=0, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=10)


def test_verify_and_info_on_a_partial_download(server, tmp_path, capsys):
    dest = tmp_path / "copy"
    assert main(["download", server.url, "--split", "train", "--to", str(dest), "--quiet"]) == 0
    capsys.readouterr()
    assert json.loads((dest / FETCHED_NAME).read_text())["splits"] == ["train"]
    assert sorted(p.parent.name for p in dest.rglob("*.h5")) == ["train"]

    assert main(["verify", str(dest)]) == 0
    captured = capsys.readouterr()
    assert "FAIL" not in captured.out and captured.out.strip().endswith(f"{dest}: OK")
    for split in ("test", "val"):
        assert (f"warning: {dest}: split {split!r} (1 shards, " in captured.err
                and f"is listed in manifest.json but was not downloaded; fetch it with "
                    f"`gameir download {server.url} --split {split} --to {dest}`" in captured.err), captured.err
    assert "train" not in captured.err
    faults, warnings = verify_path(dest, split="val")  # asking for that split alone: the same warning, no fault
    assert faults == [] and len(warnings) == 1 and "split 'val' (1 shards" in warnings[0]

    assert main(["info", str(dest)]) == 0
    captured = capsys.readouterr()
    val_line = next(line for line in captured.out.splitlines() if line.strip().startswith("val"))
    assert val_line.endswith("(not downloaded)")
    assert "shard    " in captured.out and "/train/" in captured.out  # the example shard is one that is here
    assert f"split 'test' is listed in the manifest but was not downloaded; fetch it with `gameir download {server.url} " \
           f"--split test --to {dest}`" in captured.err

    assert main(["info", str(dest), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert sorted(info["not_downloaded"]) == ["test", "val"] and info["splits"]["train"]["downloaded"] is True

    # what is there is still checked: a deleted train shard is a fault, naming it
    shard = next((dest / "train").glob("*.h5"))
    shard.unlink()
    faults, warnings = verify_path(dest)
    resume = f"; fetch it again with `gameir download {server.url} --split train --to {dest}`"
    assert faults == [f"{shard}: listed in manifest.json but missing{resume}"] and len(warnings) == 2

    # fetching val later: it is recorded, verified, and no longer warned about
    assert main(["download", server.url, "--split", "val", "--to", str(dest), "--quiet"]) == 0
    assert json.loads((dest / FETCHED_NAME).read_text())["splits"] == ["train", "val"]
    faults, warnings = verify_path(dest)
    assert faults == [f"{shard}: listed in manifest.json but missing{resume}"]
    assert len(warnings) == 1 and "split 'test'" in warnings[0]


def test_a_deleted_split_is_a_fault_not_a_missing_download(server, tmp_path, synthetic_root):
    dest = tmp_path / "copy"
    assert main(["download", server.url, "--split", "val", "--to", str(dest), "--quiet"]) == 0
    shutil.rmtree(dest / "val")  # downloaded, then deleted: the record names it
    faults, warnings = verify_path(dest, split="val")
    assert faults == [f"{dest / 'val' / 'synthetic-0001.h5'}: listed in manifest.json but missing; fetch it again with "
                      f"`gameir download {server.url} --split val --to {dest}`"] and warnings == []
    # a rendered (not downloaded) dataset has no record: a wholly missing split is a fault too
    local = tmp_path / "rendered"
    shutil.copytree(synthetic_root, local)
    shutil.rmtree(local / "test")
    faults, warnings = verify_path(local)
    assert faults == [f"{local / 'test' / 'synthetic-0002.h5'}: listed in manifest.json but missing"] and warnings == []


def test_a_malformed_download_record_is_named(server, tmp_path):
    dest = tmp_path / "copy"
    assert main(["download", server.url, "--split", "train", "--to", str(dest), "--quiet"]) == 0
    (dest / FETCHED_NAME).write_text('{"format": "gameir-download-record", "url": 3, "splits": []}')
    with pytest.raises(ValueError, match=rf"{FETCHED_NAME}: not a download record .*delete it and run `gameir download` again"):
        verify_path(dest)


def test_a_dataset_on_a_split_not_downloaded_says_how_to_fetch_it(server, tmp_path):
    from gameir.data import SRDataset

    dest = tmp_path / "copy"
    assert main(["download", server.url, "--split", "train", "--to", str(dest), "--quiet"]) == 0
    assert len(SRDataset(dest, "train")) == 3  # 3 frames
    with pytest.raises(FileNotFoundError, match=rf"synthetic-0001\.h5: split 'val' was not downloaded into {dest}; "
                                                rf"fetch it with `gameir download {server.url} --split val --to {dest}`"):
        SRDataset(dest, "val")
    (dest / "train" / "synthetic-0000.h5").unlink()
    with pytest.raises(FileNotFoundError, match=r"synthetic-0000\.h5: listed in .*manifest\.json but missing"):
        SRDataset(dest, "train")
