"""The release layout built from its documented convention alone, read locally and streamed from 127.0.0.1.

The tars here are written with :mod:`tarfile` and PIL from numpy arrays, following DESIGN.md §1 and
docs/DISTRIBUTION.md only (not with gameir's release writer): 24-bit CARLA depth, the CARLA tag in
the R channel of ``<frame>.seg.png``, frame numbers stepping by 10, one clip spanning two tars,
members in shuffled order.
"""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gameir.cli.main import main
from gameir.data import SRDataset
from gameir.distribution.files import download_files
from gameir.distribution.serve import DatasetRequestHandler
from gameir.fileio import sha256_file
from gameir.formats import ReleaseSource
from gameir.formats.remote_file import READ_AHEAD_BYTES
from gameir.interop.import_release import import_release

STEP_M = 1000.0 / (2**24 - 1)  # one CARLA depth code, metres
LR, HR = (12, 16), (24, 32)
FRAMES = [0, 10, 20, 30]


def _png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def _carla_depth(metres: np.ndarray) -> np.ndarray:
    code = np.full(metres.shape, 2**24 - 1, np.int64)
    finite = np.isfinite(metres)
    code[finite] = np.floor(metres[finite] / 1000.0 * (2**24 - 1))  # truncation: decode is within one step
    return np.stack([code % 256, (code // 256) % 256, code // 65536], axis=-1).astype(np.uint8)


def _convention_frames(seed: int = 0) -> dict[str, dict]:
    """member name -> {"bytes", "array"} for clip Town05/spawn007 (rgb, depth, seg at 720p and 1440p)."""
    rng = np.random.default_rng(seed)
    out = {}
    for frame in FRAMES:
        for res, (h, w) in (("720p", LR), ("1440p", HR)):
            base = f"GameIR-SR/Town05/spawn007/{res}/{frame:08d}"
            rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            depth = rng.uniform(0.5, 900.0, (h, w))
            depth[0, :4] = np.inf  # sky
            tags = rng.integers(0, 29, (h, w), dtype=np.uint8)
            seg = np.zeros((h, w, 4), np.uint8)  # R = tag, G = B = 0, opaque alpha, as CARLA saves BGRA
            seg[..., 0], seg[..., 3] = tags, 255
            out[f"{base}.rgb.png"] = {"bytes": _png(rgb), "array": rgb}
            out[f"{base}.depth.png"] = {"bytes": _png(_carla_depth(depth)), "array": depth}
            out[f"{base}.seg.png"] = {"bytes": _png(seg), "array": tags}
    return out


def _write_tar(path: Path, members: list[tuple[str, bytes]]) -> None:
    with tarfile.open(path, "w") as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


@pytest.fixture(scope="module")
def convention(tmp_path_factory) -> tuple[Path, dict]:
    """Two shuffled tars holding one clip: frames 0 and 10 in the first, 20 and 30 in the second."""
    root = tmp_path_factory.mktemp("release")
    members = _convention_frames()
    rng = np.random.default_rng(7)
    for index, frames in enumerate((FRAMES[:2], FRAMES[2:])):
        names = [n for n in members if int(n.rsplit("/", 1)[1][:8]) in frames]
        order = rng.permutation(len(names))
        _write_tar(root / f"GameIR-SR-{index:03d}.tar", [(names[i], members[names[i]]["bytes"]) for i in order])
    return root, members


@pytest.fixture(autouse=True)
def _private_index_cache(tmp_path, monkeypatch):
    """Remote tar indexes go to this test's own cache folder, not the user's ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def _check_round_trip(src: ReleaseSource, members: dict) -> None:
    assert [(c.clip_id, c.num_frames, c.buffers) for c in src.clips] == [
        ("Town05/spawn007", 4, ("rgb", "depth", "semantic"))]
    assert src.clips[0].shapes_hw == {"lr": LR, "hr": HR}
    assert [src.frame_id(0, f) for f in range(4)] == FRAMES
    for f, number in enumerate(FRAMES):
        for level, res in (("lr", "720p"), ("hr", "1440p")):
            base = f"GameIR-SR/Town05/spawn007/{res}/{number:08d}"
            np.testing.assert_array_equal(src.read(0, "rgb", level, f), members[f"{base}.rgb.png"]["array"])
            np.testing.assert_array_equal(src.read(0, "semantic", level, f), members[f"{base}.seg.png"]["array"])
            truth = members[f"{base}.depth.png"]["array"]
            depth = src.read(0, "depth", level, f)
            sky = ~np.isfinite(truth)
            assert np.array_equal(~np.isfinite(depth), sky)
            # within one code step, plus float32's own rounding of the metres (half a ulp; ~3e-5 m at 900 m)
            err = np.abs(depth[~sky].astype(np.float64) - truth[~sky])
            assert (err <= STEP_M + np.spacing(depth[~sky]) / 2).all(), err.max()
            assert err.max() > STEP_M / 4  # the tolerance is not vacuous: truncation shows
    window = src.read(0, "semantic", "hr", 3, rows=(2, 9), cols=(5, 17))
    np.testing.assert_array_equal(window, members["GameIR-SR/Town05/spawn007/1440p/00000030.seg.png"]["array"][2:9, 5:17])


def test_convention_round_trips_locally(convention):
    root, members = convention
    _check_round_trip(ReleaseSource(sorted(root.glob("*.tar"))), members)


def test_convention_round_trips_streamed_from_loopback(convention, server_for):
    root, members = convention
    server = server_for(root)
    urls = [server.url + p.name for p in sorted(root.glob("*.tar"))]
    src = ReleaseSource(urls, retries=1)
    _check_round_trip(src, members)
    tar_bytes = sum(p.stat().st_size for p in root.glob("*.tar"))
    sent = sum(server.bytes_sent.values())
    ranges = [r for _, r in server.requests]
    assert all(r is not None and r.startswith("bytes=") for r in ranges)  # never a whole-tar GET
    # the header walk reads each tar at most once, every member is fetched once by its exact range, plus
    # one read-ahead block per PNG-size probe (clip x 2 levels x 3 kinds)
    assert tar_bytes < sent <= 2 * tar_bytes + 6 * READ_AHEAD_BYTES, (sent, tar_bytes)
    item = SRDataset(urls, source="release", gbuffers=("depth", "semantic"))[2]
    assert (item["frame"], item["frame_id"]) == (2, 20)


def test_import_streamed_release_keeps_frame_ids_and_tags(convention, server_for, tmp_path):
    root, members = convention
    server = server_for(root)
    urls = [server.url + p.name for p in sorted(root.glob("*.tar"))]
    manifest = import_release(urls, tmp_path / "ds", split="test")
    assert manifest["splits"]["test"]["frames"] == 4
    ds = SRDataset(tmp_path / "ds", "test", gbuffers=("semantic",))
    assert [ds[i]["frame_id"] for i in range(len(ds))] == FRAMES and ds[3]["frame"] == 3
    seg = members["GameIR-SR/Town05/spawn007/720p/00000010.seg.png"]["array"]
    np.testing.assert_array_equal(ds[1]["semantic"][0].numpy(), seg)


def test_server_without_ranges_is_a_clear_error(convention, server_for):
    root, _ = convention
    server = server_for(root)
    server.faults["ignore_range"] = True
    url = server.url + "GameIR-SR-000.tar"
    with pytest.raises(ValueError, match=rf"{url}: asked for bytes 0-4095, the server answered HTTP 200 .*does not "
                                         "support byte ranges"):
        ReleaseSource(url)


def test_flaky_server_is_retried_and_a_dead_one_named(convention, server_for):
    root, members = convention
    server = server_for(root)
    server.faults["fail500"]["/GameIR-SR-000.tar"] = 2
    src = ReleaseSource([server.url + "GameIR-SR-000.tar", server.url + "GameIR-SR-001.tar"], retries=3)
    assert src.clips[0].num_frames == 4
    server.faults["fail500"]["/GameIR-SR-001.tar"] = 100
    src.close()
    with pytest.raises(ConnectionError, match=r"GameIR-SR-001\.tar: gave up after 1 retries: .*HTTP 500"):
        ReleaseSource(server.url + "GameIR-SR-001.tar", retries=1)


def test_bad_urls_and_layouts_name_the_url_or_member(tmp_path, server_for):
    (tmp_path / "page.tar").write_bytes(b"<html><body>not a tar</body></html>" * 40)
    _write_tar(tmp_path / "other.tar", [("images/0001.png", _png(np.zeros((4, 4, 3), np.uint8)))])
    _write_tar(tmp_path / "typo.tar", [("GameIR-SR/T/s/720p/1.rgb.png", _png(np.zeros((4, 4, 3), np.uint8)))])
    server = server_for(tmp_path)
    with pytest.raises(ValueError, match=rf"{server.url}page\.tar: not an uncompressed tar"):
        ReleaseSource(server.url + "page.tar")
    with pytest.raises(ValueError, match=rf"{server.url}other\.tar: none of its 1 members follows the release layout "
                                         r".*first member: images/0001\.png"):
        ReleaseSource(server.url + "other.tar")
    with pytest.raises(ValueError, match=r"typo\.tar: member GameIR-SR/T/s/720p/1\.rgb\.png is a PNG under GameIR-SR/ "
                                         "but does not follow"):
        ReleaseSource(server.url + "typo.tar")
    with pytest.raises(FileNotFoundError, match=rf"{server.url}missing\.tar: .*HTTP 404"):
        ReleaseSource(server.url + "missing.tar")


def test_wrong_size_seg_names_the_member(tmp_path, server_for):
    members = _convention_frames()
    bad = "GameIR-SR/Town05/spawn007/720p/00000020.seg.png"  # not the first frame: found at read time
    members[bad]["bytes"] = _png(np.zeros((LR[0] + 1, LR[1], 3), np.uint8))
    _write_tar(tmp_path / "a.tar", [(n, m["bytes"]) for n, m in members.items()])
    first = "GameIR-SR/Town05/spawn007/1440p/00000000.seg.png"
    members[first]["bytes"] = _png(np.zeros((5, 5), np.uint8))
    _write_tar(tmp_path / "b.tar", [(n, m["bytes"]) for n, m in members.items()])
    server = server_for(tmp_path)
    src = ReleaseSource(server.url + "a.tar")
    src.read(0, "semantic", "lr", 1)
    with pytest.raises(ValueError, match=rf"a\.tar: member {bad} \(clip Town05/spawn007 frame 20\): semantic is "
                                         r"\(13, 16\) \(h, w\), the clip's lr rgb is \(12, 16\)"):
        src.read(0, "semantic", "lr", 2)
    with pytest.raises(ValueError, match=rf"b\.tar: member {first} is \(5, 5\) \(h, w\) but the clip's rgb at hr"):
        ReleaseSource(tmp_path / "b.tar")


def test_download_release_tars_resumes_and_checks(convention, server_for, tmp_path, capsys):
    root, _ = convention
    server = server_for(root)
    names = sorted(p.name for p in root.glob("*.tar"))
    sums = {n: sha256_file(root / n) for n in names}
    dest = tmp_path / "dl"
    dest.mkdir()
    # a partial left by an interrupted run: only the rest is fetched, with a Range request
    (dest / (names[0] + ".partial")).write_bytes((root / names[0]).read_bytes()[:3000])
    url_list = tmp_path / "urls.txt"
    url_list.write_text(f"# release\n{server.url}{names[0]}#sha256={sums[names[0]]}\n\n{server.url}{names[1]}\n")
    sumfile = tmp_path / "SHA256SUMS"
    sumfile.write_text(f"{sums[names[1]]}  release/{names[1]}\n")
    rc = main(["download", "--urls", str(url_list), "--sha256", str(sumfile), "--to", str(dest), "--quiet"])
    assert rc == 0, capsys.readouterr().err
    assert "2 files" in capsys.readouterr().out
    for n in names:
        assert sha256_file(dest / n) == sums[n]
    assert not list(dest.glob("*.partial"))
    gets = [(p, r) for p, r in server.requests if p.endswith(".tar")]
    assert (f"/{names[0]}", "bytes=3000-") in gets
    assert server.bytes_sent[f"/{names[0]}"] == (root / names[0]).stat().st_size - 3000
    # the downloaded tars read like the served ones
    assert ReleaseSource(dest).clips[0].num_frames == 4
    # a re-run fetches nothing
    server.bytes_sent.clear()
    report = download_files([server.url + n for n in names], dest, quiet=True)
    assert report.skipped == 2 and report.fetched == 0 and not server.bytes_sent
    # without a SHA-256 the size still counts: a file cut short under its final name is fetched again
    (dest / names[1]).write_bytes((root / names[1]).read_bytes()[:-512])
    report = download_files([server.url + n for n in names], dest, quiet=True)
    assert (report.skipped, report.fetched) == (1, 1) and sha256_file(dest / names[1]) == sums[names[1]]


def test_download_release_tar_errors(convention, server_for, tmp_path, capsys):
    root, _ = convention
    server = server_for(root)
    name = "GameIR-SR-000.tar"
    wrong = "0" * 64
    report = download_files([f"{server.url}{name}#sha256={wrong}", server.url + "nope.tar"], tmp_path / "dl",
                            quiet=True, retries=0)
    assert set(report.failures) == {name, "nope.tar"}
    assert re.match(rf"{name}: SHA-256 [0-9a-f]{{64}} does not match the URL's #sha256's {wrong} \(fetched twice",
                    report.failures[name]), report.failures[name]
    assert "HTTP 404" in report.failures["nope.tar"]
    assert not (tmp_path / "dl" / name).exists() and not (tmp_path / "dl" / (name + ".partial")).exists()
    with pytest.raises(ValueError, match=r"#sha256=<64 hex digits>, got #md5=abc"):
        download_files([server.url + name + "#md5=abc"], tmp_path / "dl")
    rc = main(["download", server.url + name, server.url + "sub/" + name, "--to", str(tmp_path / "x")])
    assert rc == 2 and f"both name the file '{name}'" in capsys.readouterr().err
    bad_list = tmp_path / "urls.txt"
    bad_list.write_text(f"{server.url}{name} extra\n")
    rc = main(["download", "--urls", str(bad_list), "--to", str(tmp_path / "x")])
    assert rc == 2 and "urls.txt line 1: expected one URL per line" in capsys.readouterr().err


def test_cli_import_of_tar_urls_and_a_dead_server(convention, server_for, tmp_path, capsys):
    root, _ = convention
    server = server_for(root)
    urls = [server.url + p.name for p in sorted(root.glob("*.tar"))]
    assert main(["import", "gameir-release", *urls, "--to", str(tmp_path / "ds"), "--split", "val", "--quiet"]) == 0
    assert "val" in capsys.readouterr().out and (tmp_path / "ds/val/Town05/spawn007.h5").is_file()
    server.faults["fail500"]["/GameIR-SR-000.tar"] = 100
    rc = main(["import", "gameir-release", urls[0], "--to", str(tmp_path / "ds2"), "--retries", "1", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and f"{urls[0]}: gave up after 1 retries" in err and "HTTP 500" in err


def test_dataloader_workers_read_remote_tars(convention, server_for):
    from torch.utils.data import DataLoader

    root, _ = convention
    server = server_for(root)
    ds = SRDataset([server.url + p.name for p in sorted(root.glob("*.tar"))], lr_patch=8, seed=1)
    ids = [int(i) for batch in DataLoader(ds, batch_size=2, num_workers=2) for i in batch["frame_id"]]
    assert ids == FRAMES


def test_remote_index_is_cached_and_invalidated(convention, server_for, tmp_path):
    root, members = convention
    served = tmp_path / "served"
    served.mkdir()
    tar = served / "GameIR-SR-000.tar"
    tar.write_bytes((root / "GameIR-SR-000.tar").read_bytes())
    server = server_for(served)
    url = server.url + tar.name
    cache = tmp_path / "index"
    first = ReleaseSource(url, index_cache=cache)
    walked = len(server.requests)
    assert len(list(cache.glob("*.json"))) == 1
    server.requests.clear()
    again = ReleaseSource(url, index_cache=cache)  # one request checks size + first block, then PNG headers
    assert server.requests[0][1] == "bytes=0-4095" and len(server.requests) <= 1 + 6 < walked
    assert again._locs == first._locs
    np.testing.assert_array_equal(again.read(0, "rgb", "lr", 1), members["GameIR-SR/Town05/spawn007/720p/00000010.rgb.png"]["array"])
    # the tar changes under the same URL: its first block differs, so the headers are walked again
    names = sorted(n for n in members if "/00000000." in n or "/00000010." in n)
    _write_tar(tar, [(n, members[n]["bytes"]) for n in names])
    server.requests.clear()
    fresh = ReleaseSource(url, index_cache=cache)
    rewalked = len(server.requests)
    assert rewalked > 1 + 6 and fresh.clips[0].num_frames == 2
    np.testing.assert_array_equal(fresh.read(0, "semantic", "hr", 0), members["GameIR-SR/Town05/spawn007/1440p/00000000.seg.png"]["array"])
    server.requests.clear()
    ReleaseSource(url, index_cache=None)  # no cache: walked every time (the cache's check costs no extra request)
    assert len(server.requests) == rewalked
    with pytest.raises(TypeError, match="index_cache must be True, False, None or a folder, got 3"):
        ReleaseSource(url, index_cache=3)


class _Redirecting(DatasetRequestHandler):
    """Answers /moved/<name> with a 302 to /<name> (as the Hugging Face Hub sends tars to its CDN)."""

    def _moved(self) -> bool:
        self.server.methods.append((self.command, self.path))
        self.server.ranges.append(self.headers.get("Range"))
        if not self.path.startswith("/moved/"):
            return False
        self.send_response(302)
        self.send_header("Location", self.path[len("/moved"):])
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def do_GET(self) -> None:
        if not self._moved():
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._moved():
            super().do_HEAD()


def test_redirected_tar_urls_stream_and_download(convention, server_for, tmp_path):
    root, members = convention
    server = server_for(root, handler=_Redirecting)
    server.methods, server.ranges = [], []
    src = ReleaseSource([server.url + "moved/GameIR-SR-000.tar", server.url + "moved/GameIR-SR-001.tar"])
    np.testing.assert_array_equal(src.read(0, "rgb", "hr", 3), members["GameIR-SR/Town05/spawn007/1440p/00000030.rgb.png"]["array"])
    assert server.ranges and all(r is not None for r in server.ranges)  # Range survived the redirect
    server.methods.clear()
    report = download_files([server.url + "moved/GameIR-SR-000.tar"], tmp_path / "dl", quiet=True)
    assert report.fetched == 1 and sha256_file(tmp_path / "dl/GameIR-SR-000.tar") == sha256_file(root / "GameIR-SR-000.tar")
    # the size probe stays a HEAD after the redirect (urllib alone would turn it into a whole-file GET)
    assert server.methods == [("HEAD", "/moved/GameIR-SR-000.tar"), ("HEAD", "/GameIR-SR-000.tar"),
                              ("GET", "/moved/GameIR-SR-000.tar"), ("GET", "/GameIR-SR-000.tar")]
