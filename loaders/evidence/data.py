"""Rendering the matrix's data sets (``gameir render`` with overrides) and describing the slice."""

from __future__ import annotations

import json
import shlex
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

from evidence.matrix import DataSpec


def render_overrides(m: dict[str, Any], spec: DataSpec) -> list[str]:
    """``--override`` values that turn the domain's preset into this data set."""
    d = m["data"]
    w, h = (int(v) for v in d["hr_size"])
    if w % spec.scale or h % spec.scale:
        raise ValueError(f"data.hr_size {w}x{h} is not a multiple of scale {spec.scale}")
    ov = [f"render.lr=[{w // spec.scale},{h // spec.scale}]", f"render.scale={spec.scale}",
          f"render.detail={json.dumps(d['detail'])}", f"clips.frames={int(d['frames'])}"]
    if spec.heldout:
        return ov + [f"clips.weathers=[{json.dumps(d['heldout_weather'])}]",
                     f"splits.test={int(d['heldout_weather_clips'])}", "splits.test.seed_start=950000"]
    return ov + ["clips.weathers=[" + ",".join(json.dumps(x) for x in d["train_weathers"]) + "]",
                 f"splits.train={int(d['train_clips'])}", f"splits.val={int(d['val_clips'])}",
                 f"splits.test={int(d['test_clips'])}"]


def render_command(m: dict[str, Any], spec: DataSpec, root: Path) -> list[str]:
    cmd = ["gameir", "render", spec.preset, "--out", str(root), "--quiet"]
    if spec.heldout:
        cmd += ["--split", "test"]
    for ov in render_overrides(m, spec):
        cmd += ["--override", ov]
    return cmd


def coverage(m: dict[str, Any], spec: DataSpec) -> dict[str, Any]:
    """Families x weathers of the training clips, from the preset's own clip plan."""
    from gameir.pipeline.plan import plan_clips
    from gameir.pipeline.presets import load_preset

    clips = plan_clips(load_preset(spec.preset, render_overrides(m, spec)), split="train")
    pairs = Counter((c.family, c.weather) for c in clips)
    families = sorted({c.family for c in clips})
    weathers = sorted({c.weather for c in clips})
    missing = [(f, w) for f in families for w in sorted(set(m["data"]["train_weathers"])) if (f, w) not in pairs]
    return {"clips": len(clips), "families": families, "weathers": weathers, "missing": missing}


def ensure_data(m: dict[str, Any], spec: DataSpec, root: Path, log: Path) -> dict[str, Any]:
    """Render ``spec`` into ``root`` unless its manifest exists (``gameir render`` resumes partial renders)."""
    from gameir.fileio import atomic_write_json

    cmd = render_command(m, spec, root)
    record = root.parent / f"{spec.name}.render.json"
    if (root / "manifest.json").is_file():
        first = json.loads(record.read_text()) if record.is_file() else {"seconds": 0.0}
        return {"name": spec.name, "command": shlex.join(cmd), "seconds": float(first["seconds"]), "reused": True}
    log.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with open(log, "a") as fh:
        proc = subprocess.run(["nice", "-n", "5", *cmd], stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"rendering {spec.name} failed (exit {proc.returncode}); see {log}")
    out = {"name": spec.name, "command": shlex.join(cmd), "seconds": time.perf_counter() - t0, "reused": False}
    atomic_write_json(record, out)
    return out


def describe(root: Path) -> dict[str, Any]:
    """Splits, clip ids and sizes of a rendered data set (from its manifest)."""
    manifest = json.loads((root / "manifest.json").read_text())
    out: dict[str, Any] = {"plan": manifest.get("extra", {}).get("plan") or {}, "splits": {}}
    for split, body in manifest["splits"].items():
        shards = body["shards"]
        out["splits"][split] = {"clips": body["clips"], "frames": body["frames"],
                                "clip_ids": [s["clip_id"] for s in shards],
                                "lr_hw": shards[0]["levels"]["lr"], "hr_hw": shards[0]["levels"]["hr"]}
    return out
