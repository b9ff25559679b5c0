#!/usr/bin/env python3
"""Render a GameIR novel-view-synthesis split (synchronised multi-view rigs, every G-buffer) and verify it.

examples:
  python render_scripts/render_nvs.py --out data/gameir-nvs                    # 160 rigs x 6 views
  python render_scripts/render_nvs.py --preset tiny-nvs --out data/tiny-nvs
  python render_scripts/render_nvs.py --out data/gameir-nvs --split test --clips 1 --override clips.frames=2
Same library calls as `gameir render` (gameir.pipeline.render_dataset), restricted to NVS presets;
with a single job the dataset card is written and every shard verified at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _split  # noqa: E402  (this folder's shared part)

if __name__ == "__main__":
    raise SystemExit(_split.main("nvs", "gameir-nvs", __doc__))
