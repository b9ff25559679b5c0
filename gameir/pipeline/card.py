"""Dataset card: ``DIR/card.json`` + ``DIR/README.md`` + a contact sheet, written after a render."""

from __future__ import annotations

import json
import os
import platform
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from gameir.version import __version__
from gameir.fileio import atomic_write_bytes, atomic_write_json
from gameir.png import write_png
from gameir.pipeline.presets import Preset
from gameir.preview import label_tile
from gameir.semantics import SEMANTIC_CLASSES
from gameir.shards.manifest import load_manifest, manifest_shards
from gameir.shards.reader import ShardReader

__all__ = ["dataset_card", "write_card", "contact_sheet"]


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _semantic_level(reader: ShardReader) -> str:
    return "lr" if "lr" in reader.levels else reader.levels[0]


#: One line per domain (docs/RENDERER.md, "Domains"), written into the dataset card.
DOMAIN_SUMMARIES: dict[str, str] = {
    "release-like": "engine output at LR and HR: TAA (Halton jitter, reprojected history, YCoCg clamp), "
                    "the post chain, tone-mapped sRGB rgb; the hdr buffer is the one-sample lit radiance before TAA",
    "upscaler-input": "jittered one-sample LR before TAA and post, linear HDR (hdr) with depth, motion, jitter "
                      "and exposure; HR with 16 samples per pixel (SSAA 4x4) in the same pre-post linear space",
    "aliased": "one unjittered sample per LR pixel, supersampled HR, tone map only: the simplest native pair",
}


def dataset_card(root: str | os.PathLike, preset: Preset | None = None) -> dict[str, Any]:
    """Counts, bytes, coverage and per-class pixel shares of the dataset at ``root``.

    Class shares are computed over every frame's ``semantic`` buffer at the lowest level
    (LR for SR shards; every view for NVS shards).
    """
    root = Path(root)
    manifest = load_manifest(root)
    counts: Counter[int] = Counter()
    families, weathers, variants = Counter(), Counter(), Counter()
    gl_renderer = ""
    domain = preset.section("render")["domain"] if preset else ""
    for entry in manifest_shards(manifest):
        scene = entry.get("scene", {})
        families[scene.get("family", "?")] += 1
        weathers[scene.get("weather", "?")] += 1
        variants["dynamic" if scene.get("dynamic") else "static"] += 1
        with ShardReader(root / entry["path"]) as reader:
            gl_renderer = gl_renderer or reader.render_settings.get("hr", {}).get("gl_renderer", "")
            domain = domain or reader.render_settings.get("domain", "")
            if "semantic" not in reader.buffers:
                continue
            ds = reader.file[_semantic_level(reader)]["semantic"]
            for i in range(reader.num_frames):
                ids, n = np.unique(ds[i], return_counts=True)
                counts.update(dict(zip(ids.tolist(), n.tolist())))
    total = sum(counts.values()) or 1
    names = {i: name for i, name, _ in SEMANTIC_CLASSES}
    import h5py

    return {
        "name": root.name,
        "preset": preset.name if preset else manifest.get("extra", {}).get("plan", {}).get("preset"),
        "preset_digest": preset.digest() if preset else None,
        "preset_settings": preset.data if preset else None,
        "domain": domain or None,
        "domain_summary": DOMAIN_SUMMARIES.get(domain),
        "splits": {name: {"clips": b["clips"], "frames": b["frames"], "bytes": b["bytes"]}
                   for name, b in manifest["splits"].items()},
        "bytes": sum(b["bytes"] for b in manifest["splits"].values()),
        "families": dict(sorted(families.items())),
        "weathers": dict(sorted(weathers.items())),
        "variants": dict(sorted(variants.items())),
        "class_pixel_share": {names.get(i, str(i)): round(n / total, 6) for i, n in sorted(counts.items())},
        "software": {"gameir": __version__, "python": platform.python_version(), "h5py": h5py.__version__,
                     "hdf5": h5py.version.hdf5_version, "torch": _version("torch"), "gl_renderer": gl_renderer},
    }


def contact_sheet(root: str | os.PathLike, *, max_clips: int = 6, frame: int = 0, tile_width: int = 320) -> np.ndarray:
    """(H, W, 3) uint8 RGB grid: one row per clip (up to ``max_clips``), each level's ``rgb`` side by side."""
    root = Path(root)
    rows = []
    for entry in manifest_shards(load_manifest(root))[:max_clips]:
        with ShardReader(root / entry["path"]) as reader:
            tiles = []
            for level in reader.levels:
                views = range(reader.num_views) if reader.num_views else [None]
                for view in list(views)[:3]:
                    img = reader.read("rgb", level, min(frame, reader.num_frames - 1), view=view)
                    h = round(img.shape[0] * tile_width / img.shape[1])
                    img = cv2.resize(img, (tile_width, h), interpolation=cv2.INTER_NEAREST)
                    tiles.append(label_tile(img, f"{entry['clip_id']} {level}"))
            rows.append(np.concatenate(tiles, axis=1))
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0))) for r in rows]
    return np.concatenate(rows, axis=0)


def write_card(root: str | os.PathLike, preset: Preset | None = None) -> dict[str, str]:
    """Write ``card.json``, ``README.md`` and ``contact_sheet.png`` under ``root`` (atomically)."""
    root = Path(root)
    card = dataset_card(root, preset)
    atomic_write_json(root / "card.json", card)
    sheet = contact_sheet(root)
    write_png(root / "contact_sheet.png", sheet)
    lines = [f"# {card['name']}", "",
             f"GameIR dataset rendered with preset `{card['preset']}` (digest `{card['preset_digest']}`) by "
             f"gameir {card['software']['gameir']} on `{card['software']['gl_renderer']}`.", "",
             "| split | clips | frames | MB |", "| --- | ---: | ---: | ---: |"]
    if card["domain"]:
        lines[4:4] = [f"Domain: **{card['domain']}** ({card['domain_summary']}).", ""]
    lines += [f"| {k} | {v['clips']} | {v['frames']} | {v['bytes'] / 1e6:.1f} |" for k, v in card["splits"].items()]
    lines += ["", f"Families: {json.dumps(card['families'])}. Weathers: {json.dumps(card['weathers'])}. "
              f"Variants: {json.dumps(card['variants'])}.", "", "Semantic classes (share of pixels):", ""]
    lines += [f"- {k}: {100 * v:.2f} %" for k, v in sorted(card["class_pixel_share"].items(), key=lambda kv: -kv[1])]
    lines += ["", "![contact sheet](contact_sheet.png)", "",
              "Format: HDF5 shards, one clip each (see gameir's docs/FORMAT.md); `manifest.json` lists every shard "
              "with its SHA-256. Verify with `gameir verify .`."]
    atomic_write_bytes(root / "README.md", ("\n".join(lines) + "\n").encode())
    return {"card": str(root / "card.json"), "readme": str(root / "README.md"), "contact_sheet": str(root / "contact_sheet.png")}
