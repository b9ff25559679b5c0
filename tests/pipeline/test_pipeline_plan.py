"""Presets, clip plans, partitions and the merge of per-job manifests (no rendering needed)."""

from __future__ import annotations

import pytest

from gameir.pipeline.plan import partition, plan_clips, shard_index_from_env
from gameir.pipeline.presets import list_presets, load_preset
from gameir.shards.manifest import load_manifest, shard_entry
from gameir.shards.merge import merge_parts
from gameir.shards.parts import new_part, save_part, unfinished_renders
from gameir.shards.synthetic import synthetic_frame
from gameir.shards.writer import ShardWriter


def test_every_shipped_preset_loads_and_plans():
    names = list_presets()
    assert {"tiny", "tiny-nvs", "gameir-sr", "gameir-nvs", "sr-16x9", "sr-x4", "sr-jitter", "sr-upscaler",
            "sr-aliased"} <= set(names)
    for name in names:
        preset = load_preset(name)
        clips = plan_clips(preset)
        assert clips, name
        assert len({c.clip_id for c in clips}) == len(clips)


def test_splits_share_no_seed_and_cover_families():
    for name in list_presets():
        clips = plan_clips(load_preset(name))
        seeds = {}
        for c in clips:
            seeds.setdefault(c.split, set()).add(c.seed)
        splits = list(seeds)
        for i, a in enumerate(splits):
            for b in splits[i + 1:]:
                assert not seeds[a] & seeds[b], (name, a, b)
    tiny = plan_clips(load_preset("tiny"), "train")
    assert {c.family for c in tiny} == {"town", "nature", "interior"}


def test_release_preset_has_the_release_shape():
    sr = load_preset("gameir-sr")
    assert sr.section("render")["lr"] == [960, 720] and sr.section("render")["scale"] == 2
    assert sr.section("clips")["frames"] == 30
    assert sum(s["clips"] for s in sr.section("splits").values()) * 30 == 19200
    nvs = load_preset("gameir-nvs")
    assert nvs.kind == "nvs" and nvs.section("rig")["views"] == 6 and nvs.section("clips")["frames"] == 60
    assert [w * nvs.section("render")["scale"] for w in nvs.section("render")["lr"]] == [1920, 1440]


def test_overrides_apply_and_bad_keys_are_named():
    p = load_preset("tiny", ["clips.frames=7", "render.lr=[32, 24]", "splits.train.clips=5"])
    assert p.section("clips")["frames"] == 7 and p.section("render")["lr"] == [32, 24]
    assert len(plan_clips(p, "train")) == 5
    assert p.digest() != load_preset("tiny").digest()
    with pytest.raises(ValueError, match=r"--override clips\.frame=3: unknown key clips\.frame; keys of \[clips\]: frames"):
        load_preset("tiny", ["clips.frame=3"])
    with pytest.raises(ValueError, match=r"render\.aa_lr = 'dlss' is not one of none, fxaa, msaa, ssaa, taa"):
        load_preset("tiny", ["render.aa_lr=dlss"])
    with pytest.raises(ValueError, match=r"clips\.frames must be an integer, got 'many'"):
        load_preset("tiny", ["clips.frames=many"])
    with pytest.raises(ValueError, match=r"clips\.weathers entry = 'Snow' is not one of"):
        load_preset("tiny", ['clips.weathers=["Snow"]'])
    with pytest.raises(ValueError, match=r"splits 'train' \(seeds 0..1999\) and 'val' \(seeds 1000..1002\) share seeds"):
        load_preset("tiny", ["splits.train.clips=2000"])
    with pytest.raises(ValueError, match=r"unknown preset 'nope'; known presets: .*tiny"):
        load_preset("nope")
    with pytest.raises(ValueError, match=r"override 'frames' must look like section.key=value"):
        load_preset("tiny", ["frames"])


def test_partition_is_a_disjoint_cover():
    clips = plan_clips(load_preset("tiny"))
    parts = [partition(clips, 4, i) for i in range(4)]
    ids = [c.clip_id for p in parts for c in p]
    assert sorted(ids) == sorted(c.clip_id for c in clips)
    with pytest.raises(ValueError, match=r"--shard-index must be in 0..3, got 4"):
        partition(clips, 4, 4)


def test_shard_index_from_slurm_and_kubernetes():
    assert shard_index_from_env({"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "100"}) == (100, 7)
    assert shard_index_from_env({"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "10",
                                 "SLURM_ARRAY_TASK_MIN": "1"}) == (10, 7)
    assert shard_index_from_env({"JOB_COMPLETION_INDEX": "3", "GAMEIR_NUM_SHARDS": "5"}) == (5, 3)
    assert shard_index_from_env({}) is None
    with pytest.raises(ValueError, match="GAMEIR_NUM_SHARDS"):
        shard_index_from_env({"JOB_COMPLETION_INDEX": "3"})


def _write_parts(root, num_shards, jobs, skip_clip=None, *, digest="abc", max_clips=None):
    """Write synthetic shards + part files as jobs of a 6-clip plan (or its first ``max_clips``) would."""
    clip_ids = [f"clip-{k}" for k in range(6 if max_clips is None else max_clips)]
    plan = {"preset": "test", "digest": digest, "split": None, "max_clips": max_clips, "num_clips": len(clip_ids),
            "kind": "sr"}
    for job in jobs:
        assigned = clip_ids[job::num_shards]
        part = new_part(plan, num_shards, job, assigned)
        for clip in assigned:
            if clip == skip_clip:
                continue
            path = root / "train" / f"{clip}.h5"
            with ShardWriter(path, shapes_hw={"lr": (8, 8)}, buffers=["rgb"], clip_id=clip, split="train") as w:
                w.write_frame({"lr": synthetic_frame(8, 8, buffers=("rgb",))})
            part["shards"].append(shard_entry(root, path))
        save_part(root, part)


def test_merge_joins_parts(tmp_path):
    _write_parts(tmp_path, 3, [0, 1, 2])
    manifest = merge_parts(tmp_path)
    assert [e["clip_id"] for e in manifest["splits"]["train"]["shards"]] == [f"clip-{k}" for k in range(6)]
    assert manifest["extra"]["plan"]["preset"] == "test"


def test_merge_refuses_gaps(tmp_path):
    _write_parts(tmp_path, 3, [0, 2])
    with pytest.raises(ValueError, match=r"gap: no part for job index\(es\) 1 of 3"):
        merge_parts(tmp_path)


def test_merge_refuses_unfinished_job(tmp_path):
    _write_parts(tmp_path, 3, [0, 1, 2], skip_clip="clip-4")
    with pytest.raises(ValueError, match=r"gap: job 1 has 1 unfinished clip\(s\), e.g. 'clip-4'"):
        merge_parts(tmp_path)


def test_merge_refuses_overlap(tmp_path):
    _write_parts(tmp_path, 3, [0, 1, 2])
    import json
    path = tmp_path / "parts" / "part-00002-of-00003.json"
    part = json.loads(path.read_text())
    part["assigned"].append("clip-0")
    path.write_text(json.dumps(part))
    with pytest.raises(ValueError, match=r"overlap: clip 'clip-0' is assigned to jobs 0 and 2"):
        merge_parts(tmp_path)


def test_merge_refuses_mixed_plans(tmp_path):
    _write_parts(tmp_path, 2, [0, 1])
    import json
    path = tmp_path / "parts" / "part-00001-of-00002.json"
    part = json.loads(path.read_text())
    part["plan"]["digest"] = "other"
    path.write_text(json.dumps(part))
    with pytest.raises(ValueError, match=r"parts belong to different plans") as info:
        merge_parts(tmp_path)
    message = str(info.value)
    assert "plan digest abc: parts/part-00000-of-00002.json" in message
    assert "plan digest other: parts/part-00001-of-00002.json" in message
    assert "render the other into its own --out" in message


def test_merge_joins_several_renders_of_one_plan(tmp_path):
    """A quick `--clips 2` run, then the whole plan over 3 jobs, into one root: the union, once each."""
    _write_parts(tmp_path, 1, [0], max_clips=2)
    _write_parts(tmp_path, 3, [0, 1, 2])
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == [
        "part-00000-of-00003.json", "part-00001-of-00003.json", "part-00002-of-00003.json",
        "part-first2-00000-of-00001.json"]
    manifest = merge_parts(tmp_path)
    assert [e["clip_id"] for e in manifest["splits"]["train"]["shards"]] == [f"clip-{k}" for k in range(6)]
    assert manifest["extra"]["plan"]["selections"] == [
        {"split": None, "max_clips": None, "num_clips": 6}, {"split": None, "max_clips": 2, "num_clips": 2}]


def test_unfinished_render_blocks_merge_but_not_the_finished_one(tmp_path):
    _write_parts(tmp_path, 1, [0], max_clips=2)
    _write_parts(tmp_path, 3, [1])  # one job of a 3-job array so far
    with pytest.raises(ValueError, match=r"gap: no part for job index\(es\) 0, 2 of 3 in the render of test "
                                         r"\(every split over 3 jobs\); run those jobs"):
        merge_parts(tmp_path)
    manifest = merge_parts(tmp_path, require_complete=False)
    assert [e["clip_id"] for e in manifest["splits"]["train"]["shards"]] == ["clip-0", "clip-1"]
    assert manifest["extra"]["plan"]["max_clips"] == 2
    (line,) = unfinished_renders(tmp_path)
    assert "no part for job index(es) 0, 2 of 3" in line


def test_an_interrupted_render_is_resumed_not_rebuilt(tmp_path, capsys):
    """After Ctrl-C: verify says to re-run the render; rebuild refuses unless told, naming the clips."""
    from gameir.cli.main import main

    _write_parts(tmp_path, 1, [0], skip_clip="clip-4")
    assert main(["verify", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'manifest.json'}: no manifest yet: {tmp_path}: gap: job 0 has 1 unfinished clip(s), " \
           "e.g. 'clip-4', in the render of test (every split); re-run the same `gameir render` command" in err
    assert main(["manifest", "rebuild", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "re-run the same `gameir render` command to resume it. A manifest rebuilt now would silently lack " \
           "those clips; pass --allow-incomplete" in err
    assert not (tmp_path / "manifest.json").exists()
    assert main(["manifest", "rebuild", str(tmp_path), "--allow-incomplete"]) == 0
    assert load_manifest(tmp_path)["splits"]["train"]["clips"] == 5


def test_finished_parts_without_a_manifest_point_to_merge(tmp_path):
    _write_parts(tmp_path, 2, [0, 1])
    with pytest.raises(FileNotFoundError, match=r"every render in .*parts has finished: join them with "
                                                r"`gameir manifest merge"):
        load_manifest(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"nowhere: no such dataset folder"):
        load_manifest(tmp_path / "nowhere")


@pytest.mark.parametrize("override, message", [
    ("clips.framez=2", "--override clips.framez=2: unknown key clips.framez; keys of [clips]: frames, fps,"),
    ("clipz.frames=2", "--override clipz.frames=2: unknown section 'clipz'; sections: preset, render, clips, rig, splits"),
    ("render.scale=0", "tiny.toml with --override render.scale=0: render.scale must be an integer >= 1, got 0"),
])
def test_a_bad_override_is_named_as_the_override(override, message):
    with pytest.raises(ValueError) as info:
        load_preset("tiny", [override])
    assert message in str(info.value) and "[" + "'" not in str(info.value)
