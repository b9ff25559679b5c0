"""`gameir download` against a real HTTP server on 127.0.0.1 with injected faults."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gameir.cli.main import main
from gameir.distribution.download import VERIFIED_NAME, DownloadError, check_disk_space, download, download_split
from gameir.fileio import sha256_file
from gameir.shards.manifest import load_manifest, manifest_shards
from gameir.shards.verify import verify_path


def _shard_bytes(server) -> dict[str, int]:
    return {k: v for k, v in server.bytes_sent.items() if k.endswith(".h5")}


def _assert_no_stray_files(root: Path) -> None:
    """Every *.h5 under a final name is complete and matches the manifest."""
    entries = {e["path"]: e for e in manifest_shards(load_manifest(root))}
    for path in root.rglob("*.h5"):
        rel = path.relative_to(root).as_posix()
        assert sha256_file(path) == entries[rel]["sha256"], rel


def test_download_verifies_and_rerun_fetches_nothing(served, tmp_path):
    root = download(served.url, split="train", to=tmp_path / "dl", jobs=4)
    faults, _ = verify_path(root, split="train")
    assert faults == []
    entries = manifest_shards(load_manifest(root), "train")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.h5")) == sorted(e["path"] for e in entries)
    assert not list(root.rglob("*.partial"))
    assert sum(_shard_bytes(served).values()) == sum(e["bytes"] for e in entries)
    assert set(json.loads((root / VERIFIED_NAME).read_text())) == {e["path"] for e in entries}

    served.bytes_sent.clear()
    report = download_split(served.url, "train", root, jobs=2, quiet=True)
    assert report.skipped == len(entries) and report.fetched == 0 and not report.failures
    assert _shard_bytes(served) == {}


def test_dropped_connections_resume_without_refetching(served, tmp_path):
    shard = "/train/clip-001.h5"
    size = (Path(served.root) / shard.lstrip("/")).stat().st_size
    served.faults["chunk"] = 8192
    served.faults["drop_after"][shard] = 40000  # every connection to it breaks after 40 kB
    root = download(served.url, split="train", to=tmp_path / "dl", jobs=3, backoff_s=0.01)
    assert verify_path(root, split="train")[0] == []
    ranges = [r for p, r in served.requests if p == shard]
    assert len(ranges) == -(-size // 40000) and ranges[0] is None and ranges[1] == "bytes=40000-"
    assert _shard_bytes(served)[shard] == size  # each byte crossed the wire once


def test_server_errors_that_recover(served, tmp_path):
    served.faults["fail500"] = {"/manifest.json": 2, "/train/clip-000.h5": 3}
    root = download(served.url, split="train", to=tmp_path / "dl", jobs=2, backoff_s=0.01)
    assert verify_path(root, split="train")[0] == []
    assert [p for p, _ in served.requests].count("/train/clip-000.h5") == 4


def test_persistent_server_errors_name_the_shard(served, tmp_path):
    served.faults["fail500"] = {"/train/clip-002.h5": 100}
    with pytest.raises(DownloadError, match=r"train/clip-002\.h5: gave up after 2 retries.*HTTP 500"):
        download(served.url, split="train", to=tmp_path / "dl", retries=2, backoff_s=0.01)
    assert not (tmp_path / "dl/train/clip-002.h5").exists()
    _assert_no_stray_files(tmp_path / "dl")


def test_corrupt_shard_is_refetched_once_then_reported(served, tmp_path):
    shard = "/train/clip-002.h5"
    size = (Path(served.root) / shard.lstrip("/")).stat().st_size
    served.faults["corrupt"][shard] = 100
    with pytest.raises(DownloadError, match=r"train/clip-002\.h5: SHA-256 [0-9a-f]{64} does not match the manifest's") as info:
        download(served.url, split="train", to=tmp_path / "dl", jobs=3)
    assert list(info.value.failures) == ["train/clip-002.h5"]
    assert _shard_bytes(served)[shard] == 2 * size  # one retry, from scratch
    dl = tmp_path / "dl"
    assert not (dl / "train/clip-002.h5").exists() and not (dl / "train/clip-002.h5.partial").exists()
    assert (dl / "train/clip-000.h5").exists() and (dl / "train/clip-001.h5").exists()
    _assert_no_stray_files(dl)


def test_corruption_once_is_healed_by_the_retry(served, tmp_path):
    served.faults["corrupt"]["/train/clip-000.h5"] = 1
    root = download(served.url, split="train", to=tmp_path / "dl")
    assert verify_path(root, split="train")[0] == []


def test_missing_shard_404_fails_fast_naming_it(served, tmp_path):
    (Path(served.root) / "train/clip-001.h5").unlink()
    rc = main([ "download", served.url, "--split", "train", "--to", str(tmp_path / "dl"), "--quiet", "--retries", "3"])
    assert rc == 1
    assert [p for p, _ in served.requests].count("/train/clip-001.h5") == 1  # no retries on 404
    assert not (tmp_path / "dl/train/clip-001.h5").exists()
    with pytest.raises(DownloadError, match=r"train/clip-001\.h5: .*HTTP 404"):
        download(served.url, split="train", to=tmp_path / "dl")


def test_missing_manifest_and_unknown_split(served, tmp_path):
    with pytest.raises(DownloadError, match="manifest.json: .*HTTP 404"):
        download(served.url + "nothing-here/", to=tmp_path / "dl")
    with pytest.raises(ValueError, match="no split 'nope' in the manifest; splits: train, val"):
        download(served.url, split="nope", to=tmp_path / "dl")


def test_verify_only_finds_a_changed_file(served, tmp_path):
    root = download(served.url, split="train", to=tmp_path / "dl")
    shard = root / "train/clip-000.h5"
    data = bytearray(shard.read_bytes())
    data[1000] ^= 1
    shard.write_bytes(bytes(data))
    report = download_split(served.url, "train", root, verify_only=True, quiet=True)
    assert list(report.failures) == ["train/clip-000.h5"] and report.skipped == 2
    # a normal run notices the change too (size/mtime no longer match the record) and repairs it
    root = download(served.url, split="train", to=root)
    assert verify_path(root, split="train")[0] == []


def test_disk_space_check_is_clear(tmp_path):
    with pytest.raises(OSError, match=r"split 'train' needs 1000000000\.00 GB .* free"):
        check_disk_space(tmp_path, 10**18, what="split 'train'")


def test_file_url_and_fsspec_memory(published, tmp_path):
    root = download(published.as_uri(), split="val", to=tmp_path / "a")
    assert verify_path(root, split="val")[0] == []
    import fsspec

    fs = fsspec.filesystem("memory")
    for path in published.rglob("*"):
        if path.is_file():
            fs.pipe_file(f"/gameir-test/{path.relative_to(published).as_posix()}", path.read_bytes())
    root = download("memory://gameir-test", split="train", to=tmp_path / "b", jobs=2)
    assert verify_path(root, split="train")[0] == []


def _start_and_signal(served, dest: Path, sig: int, jobs: int = 1) -> int:
    """Run `gameir download` in a subprocess against a throttled server; send ``sig`` mid-shard; return rc."""
    served.faults.update(chunk=4096, delay_s=0.03)  # ~130 kB/s per connection so the signal lands mid-file,
    # with a window of a second or more even on a loaded machine
    proc = subprocess.Popen([sys.executable, "-m", "gameir", "download", served.url, "--split", "train",
                             "--to", str(dest), "--jobs", str(jobs), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            partials = list(dest.rglob("*.partial")) if dest.exists() else []
            if any(p.name.endswith(".h5.partial") and p.stat().st_size > 8192 for p in partials):
                break
            assert proc.poll() is None, "download finished before it could be signalled"
            time.sleep(0.005)
        else:
            pytest.fail("no partial shard appeared within 60 s")
        os.kill(proc.pid, sig)
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_ctrl_c_stops_promptly_and_keeps_partials(served, tmp_path):
    dest = tmp_path / "dl"
    assert _start_and_signal(served, dest, signal.SIGINT, jobs=3) == 130
    assert list(dest.rglob("*.h5.partial"))
    served.faults.update(chunk=1 << 16, delay_s=0.0)
    assert verify_path(download(served.url, split="train", to=dest), split="train")[0] == []


def test_resume_after_sigkill_fetches_only_missing_bytes(served, tmp_path):
    dest = tmp_path / "dl"
    _start_and_signal(served, dest, signal.SIGKILL)
    entries = manifest_shards(load_manifest(dest), "train")
    on_disk = 0
    for e in entries:
        final, partial = dest / e["path"], dest / (e["path"] + ".partial")
        assert not final.exists() or sha256_file(final) == e["sha256"]  # never a torn file under a final name
        on_disk += final.stat().st_size if final.exists() else partial.stat().st_size if partial.exists() else 0
    total = sum(e["bytes"] for e in entries)
    assert 0 < on_disk < total

    served.faults.update(chunk=1 << 16, delay_s=0.0)
    served.wait_idle()  # the handler that served the killed client may still be counting bytes
    served.bytes_sent.clear()
    report = download_split(served.url, "train", dest, jobs=2, quiet=True)
    assert not report.failures
    assert sum(_shard_bytes(served).values()) == total - on_disk
    assert report.bytes_fetched == total - on_disk
    assert verify_path(dest, split="train")[0] == []


def _seed_partial(served, dest: Path, rel: str, data: bytes) -> None:
    partial = dest / (rel + ".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(data)


def test_resume_from_a_partial_fetches_the_rest(served, tmp_path):
    rel = "train/clip-000.h5"
    full = (Path(served.root) / rel).read_bytes()
    _seed_partial(served, tmp_path / "dl", rel, full[:50000])
    download(served.url, split="train", to=tmp_path / "dl")
    assert (f"/{rel}", "bytes=50000-") in served.requests
    assert _shard_bytes(served)[f"/{rel}"] == len(full) - 50000


def test_server_without_range_support_restarts_the_shard(served, tmp_path):
    rel = "train/clip-000.h5"
    full = (Path(served.root) / rel).read_bytes()
    _seed_partial(served, tmp_path / "dl", rel, full[:50000])
    served.faults["ignore_range"] = True
    root = download(served.url, split="train", to=tmp_path / "dl")
    assert verify_path(root, split="train")[0] == []
    assert _shard_bytes(served)[f"/{rel}"] == len(full)


def test_garbage_or_oversized_partials_are_replaced(served, tmp_path):
    full0 = (Path(served.root) / "train/clip-000.h5").read_bytes()
    full1 = (Path(served.root) / "train/clip-001.h5").read_bytes()
    _seed_partial(served, tmp_path / "dl", "train/clip-000.h5", b"\0" * 50000)  # wrong bytes: hash catches it
    _seed_partial(served, tmp_path / "dl", "train/clip-001.h5", full1 + b"extra")  # longer than the shard
    root = download(served.url, split="train", to=tmp_path / "dl")
    assert verify_path(root, split="train")[0] == []
    assert _shard_bytes(served)["/train/clip-000.h5"] == len(full0) - 50000 + len(full0)  # rest, then once more whole
    assert _shard_bytes(served)["/train/clip-001.h5"] == len(full1)


def test_top_level_api_is_lazy():
    code = ("import sys, gameir; assert 'gameir.distribution' not in sys.modules; "
            "from gameir.distribution.download import download; assert gameir.download is download")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_progress_and_summary_speak_the_same_megabytes(capsys):
    """The bar counts decimal MB like the summary line (it used to show MiB beside an MB total)."""
    from gameir.distribution.download import _Progress

    progress = _Progress(total=2_500_000, initial=0, quiet=False, desc="train")
    progress.add(2_500_000)
    progress.bar.close()
    err = capsys.readouterr().err
    assert "2.50M/2.50M" in err and "MiB" not in err and "Mi" not in err
