"""render_scripts/: the SR and NVS split scripts and the SLURM / Kubernetes templates really render."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gameir.shards import load_manifest, verify_path

SCRIPTS = Path(__file__).resolve().parents[2] / "render_scripts"
SMALL = ["--split", "test", "--override", "clips.frames=1"]  # 3 one-frame clips of tiny's test split


def run(cmd: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "LP_NUM_THREADS": "1", **env})


def parts(root: Path) -> dict[int, dict]:
    return {p["shard_index"]: p for p in (json.loads(f.read_text()) for f in (root / "parts").glob("part-*.json"))}


@pytest.mark.parametrize("cmd, expect", [
    ([sys.executable, str(SCRIPTS / "render_sr.py"), "--help"], "Render a GameIR super-resolution split"),
    ([sys.executable, str(SCRIPTS / "render_nvs.py"), "--help"], "Render a GameIR novel-view-synthesis split"),
    (["bash", str(SCRIPTS / "slurm-array.sbatch"), "--help"], "usage: sbatch [--array=0-N] render_scripts/slurm-array"),
])
def test_every_script_has_help(cmd, expect):
    proc = run(cmd)
    assert proc.returncode == 0, proc.stderr
    assert expect in proc.stdout
    if cmd[0] == sys.executable:
        assert "presets: gameir-nvs, gameir-sr" in proc.stdout and "presets are looked up in:" in proc.stdout


def test_sr_script_renders_and_verifies_tiny(tmp_path):
    out = tmp_path / "tiny"
    proc = run([sys.executable, str(SCRIPTS / "render_sr.py"), "--preset", "tiny", "--out", str(out), "--quiet", *SMALL])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("tiny (digest ") and "rendered 3 clip(s)" in proc.stdout
    assert f"{out}: verified" in proc.stdout
    assert verify_path(out) == ([], [])
    assert len(load_manifest(out)["splits"]["test"]["shards"]) == 3
    assert (out / "card.json").is_file() and (out / "contact_sheet.png").stat().st_size > 1000


def test_nvs_script_renders_a_rig(tmp_path):
    out = tmp_path / "tiny-nvs"
    proc = run([sys.executable, str(SCRIPTS / "render_nvs.py"), "--preset", "tiny-nvs", "--out", str(out), "--clips",
                "1", "--quiet", *SMALL])
    assert proc.returncode == 0, proc.stderr
    assert "rendered 1 clip(s)" in proc.stdout and f"{out}: verified" in proc.stdout
    entry = load_manifest(out)["splits"]["test"]["shards"][0]
    assert entry["kind"] == "nvs" and entry["frames"] == 1


def test_split_scripts_refuse_the_other_kind(tmp_path):
    proc = run([sys.executable, str(SCRIPTS / "render_sr.py"), "--preset", "tiny-nvs", "--out", str(tmp_path / "x")])
    assert proc.returncode == 2
    assert "tiny-nvs.toml: preset 'tiny-nvs' has kind 'nvs'; this script renders kind 'sr' presets " \
           "(use render_scripts/render_nvs.py)" in proc.stderr
    proc = run([sys.executable, str(SCRIPTS / "render_nvs.py"), "--preset", "nope", "--out", str(tmp_path / "x")])
    assert proc.returncode == 2 and "error: unknown preset 'nope'; known presets:" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_slurm_array_tasks_render_their_parts_and_merge(tmp_path):
    out = tmp_path / "tiny"
    script = ["bash", str(SCRIPTS / "slurm-array.sbatch"), "tiny", str(out), *SMALL]
    for task_id, clips in ((10, 2), (11, 1)):  # an array submitted as --array=10-11: 3 clips over 2 tasks
        proc = run(script, SLURM_ARRAY_TASK_ID=str(task_id), SLURM_ARRAY_TASK_MIN="10", SLURM_ARRAY_TASK_COUNT="2",
                   SLURM_CPUS_PER_TASK="1", GAMEIR_PYTHON=sys.executable)
        assert proc.returncode == 0, proc.stderr
        assert f"task {task_id - 10} of 2, preset tiny -> {out}" in proc.stdout
        assert f"rendered {clips} clip(s)" in proc.stdout
    found = parts(out)
    assert sorted(found) == [0, 1] and [len(found[i]["assigned"]) for i in (0, 1)] == [2, 1]
    merge = run([sys.executable, "-m", "gameir", "manifest", "merge", str(out)])
    assert merge.returncode == 0, merge.stderr
    assert verify_path(out) == ([], [])
    assert len(load_manifest(out)["splits"]["test"]["shards"]) == 3


def test_slurm_script_outside_an_array_says_what_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    proc = subprocess.run(["bash", str(SCRIPTS / "slurm-array.sbatch"), "tiny", str(tmp_path)], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 2
    assert "SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT are not set: submit with sbatch --array=0-N" in proc.stderr
    proc = subprocess.run(["bash", str(SCRIPTS / "slurm-array.sbatch"), "tiny"], capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "expected PRESET OUT, got 1 argument(s)" in proc.stderr


def test_kubernetes_indexed_job_runs_its_command_per_index(tmp_path):
    import yaml  # PyYAML, in the test extra: parses the manifest as kubectl would
    job = yaml.safe_load((SCRIPTS / "k8s-indexed-job.yaml").read_text())
    spec = job["spec"]
    container = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert job["kind"] == "Job" and job["apiVersion"] == "batch/v1" and spec["completionMode"] == "Indexed"
    assert env["GAMEIR_NUM_SHARDS"] == str(spec["completions"])
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    command = container["command"]
    assert command[:2] == ["gameir", "render"]
    mount = container["volumeMounts"][0]["mountPath"]
    out_at = command.index("--out") + 1
    assert command[out_at].startswith(mount + "/")  # the dataset lands on the volume
    # The pod's command as Kubernetes runs it, scaled down: preset tiny, 3 completions, a local --out.
    out = tmp_path / "tiny"
    cmd = [sys.executable, "-m", "gameir", "render", "tiny", *command[3:out_at], str(out), *command[out_at + 1:], *SMALL]
    proc = run(cmd, JOB_COMPLETION_INDEX="1", GAMEIR_NUM_SHARDS="3")
    assert proc.returncode == 0, proc.stderr
    found = parts(out)
    assert list(found) == [1] and found[1]["num_shards"] == 3 and len(found[1]["assigned"]) == 1
