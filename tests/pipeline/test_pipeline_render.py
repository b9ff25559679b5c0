"""`gameir render` end to end on llvmpipe: resume after SIGKILL, cluster jobs + merge, verify, card."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from gameir.cli.main import main
from gameir.fileio import sha256_file
from gameir.shards import ShardReader, load_manifest, verify_path

RENDER = [sys.executable, "-m", "gameir", "render", "tiny", "--clips", "1", "--quiet"]


def shard_hashes(root):
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*.h5"))}


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory):
    """`gameir render tiny --clips 1`: one clip per split (town/train, town/val, town/test)."""
    root = tmp_path_factory.mktemp("tiny")
    subprocess.run(RENDER + ["--out", str(root)], check=True)
    return root


def test_render_writes_a_verified_dataset_with_every_buffer(tiny_root):
    faults, warnings = verify_path(tiny_root)
    assert faults == [] and warnings == []
    manifest = load_manifest(tiny_root)
    assert sorted(manifest["splits"]) == ["test", "train", "val"]
    entry = manifest["splits"]["train"]["shards"][0]
    assert entry["frames"] == 4 and entry["levels"] == {"lr": [48, 64], "hr": [96, 128]}
    reader = ShardReader(tiny_root / entry["path"])
    assert reader.buffers == ["rgb", "hdr", "depth", "normal", "basecolor", "material", "semantic", "instance", "motion"]
    lr_K, hr_K = reader.camera("lr", 1)["K"], reader.camera("hr", 1)["K"]
    np.testing.assert_allclose(hr_K, np.diag([2, 2, 1]) @ lr_K)  # no jitter in tiny: exact x2
    np.testing.assert_array_equal(reader.camera("lr", 2)["c2w"], reader.camera("hr", 2)["c2w"])
    render = reader.render_settings
    assert render["preset"] == "tiny" and render["lr"]["aa"] == "none" and render["hr"]["ssaa"] == 2
    depth = reader.read("depth", "lr", 0)
    assert np.isfinite(depth).any() and np.all(depth[np.isfinite(depth)] > 0)


def test_dataset_card_reports_counts_classes_and_contact_sheet(tiny_root):
    card = json.loads((tiny_root / "card.json").read_text())
    assert card["preset"] == "tiny" and card["splits"]["train"]["frames"] == 4
    assert card["families"] == {"town": 3}
    assert abs(sum(card["class_pixel_share"].values()) - 1.0) < 1e-3
    assert "road" in card["class_pixel_share"] and "sky" in card["class_pixel_share"]
    assert "llvmpipe" in card["software"]["gl_renderer"] or card["software"]["gl_renderer"]
    assert (tiny_root / "contact_sheet.png").stat().st_size > 1000
    assert "| train | 1 | 4 |" in (tiny_root / "README.md").read_text()


def test_rerun_skips_finished_shards(tiny_root, capsys):
    before = shard_hashes(tiny_root)
    assert main(["render", "tiny", "--clips", "1", "--quiet", "--out", str(tiny_root)]) == 0
    assert "rendered 0 clip(s), skipped 3 finished" in capsys.readouterr().out
    assert shard_hashes(tiny_root) == before


def test_sigkill_mid_run_then_resume_gives_identical_shards(tiny_root, tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen(RENDER + ["--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    part = out / "parts" / "part-first1-00000-of-00001.json"
    while time.monotonic() < deadline:  # kill as soon as the first clip is recorded, mid second clip
        if part.exists() and json.loads(part.read_text())["shards"]:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done = len(json.loads(part.read_text())["shards"])
    assert 1 <= done < 3
    assert not (out / "manifest.json").exists()
    subprocess.run(RENDER + ["--out", str(out)], check=True)
    assert shard_hashes(out) == shard_hashes(tiny_root)
    assert load_manifest(out)["splits"] == load_manifest(tiny_root)["splits"]


def test_two_cluster_jobs_plus_merge_equal_one_run(tiny_root, tmp_path):
    out = tmp_path / "jobs"
    env = dict(os.environ, SLURM_ARRAY_TASK_COUNT="2")
    for index in (1, 0):
        subprocess.run(RENDER + ["--out", str(out)], check=True, env=env | {"SLURM_ARRAY_TASK_ID": str(index)})
    assert not (out / "manifest.json").exists()
    assert main(["manifest", "merge", str(out)]) == 0
    assert shard_hashes(out) == shard_hashes(tiny_root)
    assert load_manifest(out)["splits"] == load_manifest(tiny_root)["splits"]


def test_two_worker_processes_give_the_same_shards(tiny_root, tmp_path):
    out = tmp_path / "workers"
    subprocess.run(RENDER + ["--out", str(out), "--workers", "2"], check=True)
    assert shard_hashes(out) == shard_hashes(tiny_root)
    assert load_manifest(out)["splits"] == load_manifest(tiny_root)["splits"]


def test_bad_preset_value_is_named(tmp_path, capsys):
    assert main(["render", "tiny", "--out", str(tmp_path), "--override", "render.scale=0"]) == 2
    assert "render.scale must be an integer >= 1, got 0" in capsys.readouterr().err


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_keeps_finished_clips_and_says_how_to_resume(tiny_root, tmp_path, workers):
    """SIGINT to the whole process group (what Ctrl-C sends): one line, no worker tracebacks, exit 130."""
    out = tmp_path / f"ctrl-c-{workers}"
    command = RENDER + ["--out", str(out), "--workers", str(workers)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    part = out / "parts" / "part-first1-00000-of-00001.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if part.exists() and json.loads(part.read_text())["shards"]:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    done = len(json.loads(part.read_text())["shards"])
    assert f"interrupted: {done} of 3 clip(s) finished and kept in {out}" in stderr
    assert "Resume with the same command" in stderr and f"gameir render tiny --out {out} --clips 1" in stderr
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    assert shard_hashes(out) == shard_hashes(tiny_root)


def test_a_selection_then_a_cluster_array_in_one_root(tiny_root, tmp_path, capsys):
    """The README's order: a quick `--split test` render, then the array over the whole plan, then merge."""
    out = tmp_path / "mixed"
    assert main(["render", "tiny", "--clips", "1", "--split", "test", "--quiet", "--out", str(out)]) == 0
    assert sorted(load_manifest(out)["splits"]) == ["test"]
    assert main(["render", "tiny", "--clips", "1", "--quiet", "--out", str(out), "--num-shards", "2",
                 "--shard-index", "1"]) == 0
    assert main(["manifest", "merge", str(out)]) == 2
    err = capsys.readouterr().err
    assert "gap: no part for job index(es) 0 of 2 in the render of tiny (every split, first 1 clip(s) per split " \
           "over 2 jobs); run those jobs" in err
    assert main(["render", "tiny", "--clips", "1", "--quiet", "--out", str(out), "--num-shards", "2",
                 "--shard-index", "0"]) == 0
    capsys.readouterr()
    assert main(["manifest", "merge", str(out)]) == 0
    assert shard_hashes(out) == shard_hashes(tiny_root)
    assert load_manifest(out)["splits"] == load_manifest(tiny_root)["splits"]


def test_out_naming_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    assert main(["render", "tiny", "--out", str(target), "--quiet"]) == 2
    assert f"--out {target} is a file; give a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_a_part_file_of_the_former_name_is_taken_over(tiny_root, tmp_path, capsys):
    """Datasets rendered with --clips before selections named their part resume without re-rendering."""
    import shutil

    out = tmp_path / "legacy"
    shutil.copytree(tiny_root, out)
    (out / "parts" / "part-first1-00000-of-00001.json").rename(out / "parts" / "part-00000-of-00001.json")
    assert main(["render", "tiny", "--clips", "1", "--quiet", "--out", str(out)]) == 0
    assert "rendered 0 clip(s), skipped 3 finished" in capsys.readouterr().out
    assert sorted(p.name for p in (out / "parts").iterdir()) == ["part-first1-00000-of-00001.json"]


def test_another_plan_is_refused_before_anything_is_rendered(tiny_root, tmp_path, capsys):
    import shutil

    out = tmp_path / "taken"
    shutil.copytree(tiny_root, out)
    before = shard_hashes(out)
    assert main(["render", "tiny", "--split", "test", "--quiet", "--out", str(out), "--override", "clips.frames=2"]) == 2
    err = capsys.readouterr().err
    assert f"{out}: holds a render of tiny with plan digest" in err and "would mix two plans" in err
    assert "render it into another --out" in err
    assert shard_hashes(out) == before and sorted(p.name for p in (out / "parts").iterdir()) == \
        ["part-first1-00000-of-00001.json"]
