"""A writer killed with SIGKILL mid-clip leaves no valid shard and an unchanged manifest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from gameir.fileio import sha256_file
from gameir.shards import find_shards, validate_shard, verify_path

WRITER_SCRIPT = textwrap.dedent("""
    import sys, time
    from gameir.shards import ShardWriter
    from gameir.shards.synthetic import synthetic_frame
    path = sys.argv[1]
    with ShardWriter(path, shapes_hw={"lr": (48, 64), "hr": (96, 128)}, buffers=["rgb", "depth", "motion"],
                     clip_id="killed", split="train") as w:
        for i in range(1000):
            w.write_frame({"lr": synthetic_frame(48, 64, frame=i, buffers=("rgb", "depth", "motion")),
                           "hr": synthetic_frame(96, 128, frame=i, buffers=("rgb", "depth", "motion"))})
            w._file.flush()
            print(i, flush=True)
            if i >= 3:
                time.sleep(0.05)
""")


def test_sigkill_mid_clip_leaves_no_shard_and_manifest_unchanged(synthetic_root):
    manifest = synthetic_root / "manifest.json"
    before = sha256_file(manifest)
    target = synthetic_root / "train" / "killed.h5"
    proc = subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if int(line) >= 5:
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists()
    partial = target.with_name(target.name + ".partial")
    assert partial.exists()  # the torn file stays aside, under a name no reader looks for
    assert validate_shard(partial) != []  # and it does not pass as a complete shard
    assert target not in find_shards(synthetic_root)
    assert sha256_file(manifest) == before
    faults, warnings = verify_path(synthetic_root)
    assert faults == [] and warnings == []
