#!/usr/bin/env python3
"""Render a GameIR super-resolution split (native LR/HR pairs with every G-buffer) and verify it.

examples:
  python render_scripts/render_sr.py --out data/gameir-sr                      # the release-shaped split
  python render_scripts/render_sr.py --preset sr-x4 --out data/sr-x4 --split test --clips 2
  python render_scripts/render_sr.py --preset tiny --out data/tiny --workers 2
Same library calls as `gameir render` (gameir.pipeline.render_dataset), restricted to SR presets;
with a single job the dataset card is written and every shard verified at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _split  # noqa: E402  (this folder's shared part)

if __name__ == "__main__":
    raise SystemExit(_split.main("sr", "gameir-sr", __doc__))
