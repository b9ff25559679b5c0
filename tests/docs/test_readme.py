"""The README's Usage section runs top to bottom as written, in a fresh folder, from a clean state.

Every ```bash block under "## Usage" runs in order in one shell (``set -euo pipefail``; jobs it
starts with ``&`` are stopped at the end), and every ```python block runs with this interpreter,
both in the same temporary working folder, so a later block sees what an earlier one wrote, as a
reader following the page would. The setup block (pip install, quickstart) is not re-run: the test
suite itself runs in the environment it installs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```", re.M | re.S)


def usage_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, code)`` of every fenced block between '## Usage' and the next '## ' heading."""
    usage = text.split("\n## Usage\n", 1)[1].split("\n## ", 1)[0]
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(usage)]


def test_usage_has_blocks_to_run():
    blocks = usage_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert sum(lang == "bash" for lang, _ in blocks) >= 5 and sum(lang == "python" for lang, _ in blocks) >= 3
    placeholders = [line for _, code in blocks for line in code.splitlines() if re.search(r"<[a-z_-]+>", line)]
    assert placeholders == [], "README commands must run as written; placeholders found"


@pytest.mark.slow
def test_readme_usage_runs_top_to_bottom(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1", LP_NUM_THREADS=os.environ.get("LP_NUM_THREADS", "2"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    (tmp_path / "loaders").symlink_to(REPO / "loaders")  # the README runs `python loaders/...` from the checkout
    (tmp_path / "eval").symlink_to(REPO / "eval")
    log = []
    for number, (lang, code) in enumerate(usage_blocks((REPO / "README.md").read_text(encoding="utf-8")), 1):
        if lang == "bash":
            script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + code
            command = ["bash", "-c", script]
        else:
            command = [sys.executable, "-c", code]
        proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
        log.append(f"--- block {number} ({lang}) exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
        assert proc.returncode == 0, "\n".join(log)
    # The README's gameir-sr render is the suite's one realistic case: 960x720 + 1920x1440, every
    # buffer of the preset, default codec; the whole clip verifies and holds a real picture.
    from gameir.shards import ShardReader, load_manifest, verify_path

    realistic = tmp_path / "data" / "gameir-sr"
    assert verify_path(realistic)[0] == []
    entry = load_manifest(realistic)["splits"]["test"]["shards"][0]
    assert entry["levels"] == {"lr": [720, 960], "hr": [1440, 1920]} and entry["frames"] == 2
    rgb = ShardReader(realistic / entry["path"]).read("rgb", "hr", 1)
    assert rgb.shape == (1440, 1920, 3) and rgb.std() > 10  # a real picture, not a blank frame
