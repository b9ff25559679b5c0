"""A real 2-process gloo run (torchrun) gives exactly the 1-process result."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys


from gameir.evaluation import evaluate_sr
from gameir.evaluation.distributed import partition


def test_partition_covers_in_order():
    for n in (0, 1, 5, 12):
        for k in (1, 2, 3):
            blocks = [list(partition(n, r, k)) for r in range(k)]
            assert sum(blocks, []) == list(range(n))
            assert max(map(len, blocks)) - min(map(len, blocks)) <= 1


def test_two_process_gloo_equals_one_process(tiny_sr, tmp_path):
    torchrun = shutil.which("torchrun")
    cmd = ([torchrun] if torchrun else [sys.executable, "-m", "torch.distributed.run"]) + [
        "--standalone", "--nproc_per_node", "2", "-m", "gameir", "eval", "sr", "--data", str(tiny_sr),
        "--split", "test", "--method", "bicubic", "--temporal", "--device", "cpu", "--worst", "1",
        "--out", str(tmp_path / "two"), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Protocol:" in proc.stdout  # rank 0 prints the table once
    two = json.loads((tmp_path / "two" / "summary.json").read_text())
    one = evaluate_sr(tiny_sr, "test", "bicubic", temporal=True, device="cpu", out=tmp_path / "one", worst=1)
    assert two["world_size"] == 2 and one["world_size"] == 1
    # bit-identical means: overall, per group, temporal
    assert two["overall"] == one["overall"]
    assert two["groups"] == json.loads(json.dumps(one["groups"]))
    assert two["optional"] == json.loads(json.dumps(one["optional"]))
    rows_two = list(csv.DictReader(open(tmp_path / "two" / "frames.csv")))
    rows_one = list(csv.DictReader(open(tmp_path / "one" / "frames.csv")))
    assert rows_two == rows_one and len(rows_one) == 9
    assert two["worst"] == one["worst"]
